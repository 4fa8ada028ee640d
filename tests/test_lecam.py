"""`--set lecam=λ`: LeCam's anchor keeps a discriminator that would learn a small training set by heart from
driving its logits on real and generated images far apart; its averages travel with the checkpoint."""
from __future__ import annotations

import pytest
import torch

from genimg_gui.train import TrainUsageError
from genimg_gui.train.command import parse_settings
from genimg_gui.train.gan_recipe import GANRecipe
from genimg_gui.train.lecam import LeCam
from genimg_gui.train.loop import TrainOptions
from genimg_gui.train.settings import GAN_SETTINGS

TINY = {"channels": [32, 16, 8, 8], "z_dim": 16, "w_dim": 16, "augment_p": 0.0}


def test_the_first_batch_anchors_to_its_own_means_and_only_crossings_cost():
    lecam = LeCam(0.5)
    real, fake = torch.tensor([3.0, 1.0]), torch.tensor([-1.0, -3.0])
    # zero-debiased: after one batch the averages are its means (2 and -2), not 1 % of them
    expected = ((3 + 2) ** 2 + (1 + 2) ** 2) / 2 + ((2 + 1) ** 2 + (2 + 3) ** 2) / 2
    assert lecam.penalty(real, fake).item() == pytest.approx(0.5 * expected)
    # a discriminator that scores reals below the fakes' average (and fakes above the reals') pays nothing
    assert LeCam(0.5).penalty(torch.tensor([-5.0]), torch.tensor([5.0])).item() == 0.0


def _gap_after_training_the_discriminator(weight: float, tmp_path) -> float:
    """Real minus generated logits on a fixed batch after 60 steps of the discriminator alone."""
    torch.manual_seed(0)
    extra = {**TINY, **({"lecam": weight} if weight else {})}
    opts = TrainOptions(tmp_path, tmp_path / "out", resolution=32, batch_size=8, lr=2e-3, extra=extra)
    recipe = GANRecipe(opts, torch.device("cpu"))
    recipe.d_solo_until = 10_000  # the generator stays as it is: only the discriminator learns
    reals = torch.rand(8, 3, 32, 32) * 2 - 1
    for step in range(1, 61):
        recipe.step(reals, step)
    with torch.no_grad():
        fakes = recipe.G(torch.randn(8, 16, generator=torch.Generator().manual_seed(3)))
        return (recipe.D(reals, None).mean() - recipe.D(fakes, None).mean()).item()


def test_the_anchor_keeps_the_discriminator_from_pulling_real_and_generated_apart(tmp_path):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        free = _gap_after_training_the_discriminator(0.0, tmp_path)
        anchored = _gap_after_training_the_discriminator(1.0, tmp_path)
    finally:
        torch.set_num_threads(threads)
    assert free > 2.0  # it learnt to tell the eight reals from the generator's images
    assert 0 < anchored < free / 2


def _recipe(tmp_path, **extra) -> GANRecipe:
    opts = TrainOptions(tmp_path, tmp_path / "out", resolution=32, batch_size=8, extra={**TINY, **extra})
    return GANRecipe(opts, torch.device("cpu"))


def test_a_resumed_run_goes_on_from_its_averages_and_takes_a_new_weight(tmp_path):
    run = _recipe(tmp_path, lecam=0.2)
    reals = torch.rand(8, 3, 32, 32) * 2 - 1
    for step in range(1, 4):
        run.step(reals, step)
    saved = run.state()
    resumed = _recipe(tmp_path)  # --resume without --set lecam: the run's own weight and averages
    resumed.load_state(saved)
    assert resumed.lecam.state() == run.lecam.state() and resumed.lecam.weight == 0.2
    reweighted = _recipe(tmp_path, lecam=0.05)  # --resume --set lecam=0.05: the new weight, the same averages
    reweighted.load_state(saved)
    assert reweighted.lecam.weight == 0.05 and reweighted.lecam.steps == 3
    assert reweighted.objective()["lecam"] == 0.05


def test_a_negative_weight_is_a_clear_error():
    with pytest.raises(TrainUsageError, match="lecam"):
        parse_settings(["lecam=-0.1"], GAN_SETTINGS)
