"""`--set mode_seeking=λ`: a generator that draws one image per class (it ignores z) is pushed apart again,
which a discriminator seeing batches of mixed classes does not do."""
from __future__ import annotations

import pytest
import torch

from genimg_gui.train import TrainUsageError
from genimg_gui.train.command import parse_settings
from genimg_gui.train.gan_recipe import GANRecipe, mode_seeking_loss, same_class_pairs
from genimg_gui.train.loop import TrainOptions
from genimg_gui.train.settings import GAN_SETTINGS

TINY = {"channels": [32, 16, 8, 8], "z_dim": 16, "w_dim": 16, "classes": ["blue", "red"], "class_counts": [8, 8]}


def test_pairs_share_a_class_and_the_term_is_large_only_when_z_is_ignored():
    c = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1])
    paired = same_class_pairs(c)
    assert torch.equal(paired[:4], paired[4:]) and torch.equal(paired[:4], c[:4])
    assert same_class_pairs(None) is None
    z = torch.randn(8, 16)
    one_image = torch.randn(1, 3, 8, 8).repeat(8, 1, 1, 1) + 1e-3 * torch.randn(8, 3, 8, 8)
    varied = torch.randn(8, 3, 8, 8)
    assert mode_seeking_loss(one_image, z) > 100 * mode_seeking_loss(varied, z)


def _class_spread(recipe: GANRecipe) -> float:
    """Mean distance between two samples of the same class, over both classes."""
    g = torch.Generator().manual_seed(1)
    z = torch.randn(2, 32, 16, generator=g)
    with torch.no_grad():
        return sum((recipe.G(z[0], c=torch.full((32,), k)) - recipe.G(z[1], c=torch.full((32,), k))).abs().mean()
                   for k in (0, 1)).item() / 2


def _collapsed_then_trained(mode_seeking: float, tmp_path) -> tuple[float, float]:
    torch.manual_seed(0)
    opts = TrainOptions(tmp_path, tmp_path / "out", resolution=32, batch_size=8, lr=2e-3,
                        extra={**TINY, "mode_seeking": mode_seeking})
    recipe = GANRecipe(opts, torch.device("cpu"))
    with torch.no_grad():  # z's say in w nearly gone: each class draws (almost) one image
        recipe.G.mapping[1].weight[:, :16] *= 1e-3
    before = _class_spread(recipe)
    reals = torch.rand(8, 3, 32, 32) * 2 - 1
    labels = torch.tensor([0, 1] * 4)
    for step in range(1, 41):
        recipe.step(reals, step, labels)
    return before, _class_spread(recipe)


def test_a_collapsed_class_spreads_out_again_with_mode_seeking_and_not_without(tmp_path):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        before, without = _collapsed_then_trained(0.0, tmp_path)
        _, with_term = _collapsed_then_trained(1.0, tmp_path)
    finally:
        torch.set_num_threads(threads)
    assert before < 0.01
    assert with_term > 5 * without and with_term > 10 * before


def test_a_negative_weight_is_a_clear_error():
    # refused as --set is read, before any work (train/settings.py holds every setting's range)
    with pytest.raises(TrainUsageError, match="mode_seeking"):
        parse_settings(["mode_seeking=-1"], GAN_SETTINGS)
