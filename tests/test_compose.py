"""`--set compose=p`: a latent GAN's discriminator also sees real grids cut from two similar training images
(augment.composed), new faces for a generator that has learnt its few by heart."""
from __future__ import annotations

import pytest
import torch

from genimg_gui.cli import main
from genimg_gui.models.weights import load_model
from genimg_gui.train.augment import composed
from test_decoder_denoising import LATENT_GAN
from train_helpers import make_shapes, restore_threads  # noqa: F401 - restore_threads is a fixture


def _grids() -> torch.Tensor:
    """Four grids, each constant but for a tiny ramp down its rows, so every row says which grid it came from."""
    rows = torch.arange(16.0)[None, None, :, None] * 1e-3
    return (torch.tensor([0.0, 1.0, 4.0, 9.0])[:, None, None, None] + rows).expand(4, 2, 16, 16).clone()


def test_a_composite_is_its_own_top_over_the_nearest_grids_bottom_cut_in_the_middle():
    grids = _grids()
    out = composed(grids, 1.0, generator=torch.Generator().manual_seed(0))
    partner = {0: 1, 1: 0, 2: 1, 3: 2}  # the nearest other grid of each
    for i, j in partner.items():
        source = out[i, 0, :, 0].round()  # which grid each row came from
        cut = int((source == grids[j, 0, 0, 0].round()).nonzero()[0])
        assert 6 <= cut <= 10
        assert torch.equal(out[i, :, :cut], grids[i, :, :cut]) and torch.equal(out[i, :, cut:], grids[j, :, cut:])


def test_labels_keep_partners_in_one_class_and_a_lone_grid_or_chance_zero_stays_as_it_was():
    grids = _grids()
    out = composed(grids, 1.0, torch.tensor([0, 1, 1, 2]), torch.Generator().manual_seed(1))
    assert torch.equal(out[0], grids[0]) and torch.equal(out[3], grids[3])  # alone in their class
    assert set(out[1, 0, :, 0].round().tolist()) == {1.0, 4.0} and set(out[2, 0, :, 0].round().tolist()) == {4.0, 1.0}
    assert torch.equal(composed(grids, 0.0), grids)
    some = composed(grids, 0.5, generator=torch.Generator().manual_seed(2))
    changed = sum(not torch.equal(a, b) for a, b in zip(some, grids))
    assert 0 < changed < 4


def test_a_run_with_compose_records_it(model_dir, tmp_path, restore_threads):
    data, out = make_shapes(tmp_path / "shapes", 24), tmp_path / "composed"
    assert main(["train", "gan", str(data), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "2", "--set", "compose=0.5", *LATENT_GAN]) == 0
    assert load_model(out)[1]["objective"]["compose"] == 0.5


@pytest.mark.parametrize("extra, message", [
    (["--set", "compose=2"], "--set compose=2: the share of real grids to compose, 0 to 1"),
    (["--set", "compose=-0.1"], "--set compose=-0.1: the share"),
])
def test_a_bad_share_is_refused(model_dir, tmp_path, capsys, extra, message):
    data = make_shapes(tmp_path / "shapes", 24)
    assert main(["train", "gan", str(data), "-o", str(tmp_path / "o"), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "1", *extra, *LATENT_GAN]) != 0
    assert message in capsys.readouterr().err


def test_a_pixel_gan_refuses_it(tmp_path, capsys):
    data = make_shapes(tmp_path / "shapes", 24)
    assert main(["train", "gan", str(data), "-o", str(tmp_path / "o"), "--steps", "1", "--resolution", "32",
                 "--set", "compose=0.5"]) != 0
    assert "--set compose cuts a latent GAN's grids" in capsys.readouterr().err
