"""`--set styles=true`: a generator whose w modulates every layer, not only its 4x4 stem."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from genimg_gui.models.gan import Generator
from genimg_gui.models.weights import load_model
from genimg_gui.train.gan_recipe import GANRecipe
from genimg_gui.train.loop import TrainOptions
from test_finetune import init_run
from train_helpers import make_shapes, restore_threads, train  # noqa: F401 - restore_threads is a fixture

from conftest import TINY_GAN

STYLED = replace(TINY_GAN, styles=True)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return make_shapes(tmp_path_factory.mktemp("shapes"), 24)


def test_a_styled_generator_starts_as_the_unstyled_one_and_its_styles_learn():
    torch.manual_seed(0)
    plain = Generator(TINY_GAN).eval()
    styled = Generator(STYLED).eval()
    styled.load_state_dict(plain.state_dict(), strict=False)  # all but the style layers, which start at zero
    z = torch.randn(4, TINY_GAN.z_dim)
    with torch.no_grad():
        torch.testing.assert_close(styled(z), plain(z), atol=0, rtol=0)
    styled(z).square().mean().backward()
    assert all(layer.weight.grad.abs().max() > 0 for layer in styled.styles)


def test_styles_carry_w_to_layers_the_stem_cannot_reach():
    """With the stem's output the same for every z, an unstyled generator draws one image; a styled one
    still draws each z differently, as w reaches every later layer."""
    torch.manual_seed(0)
    plain, styled = Generator(TINY_GAN).eval(), Generator(STYLED).eval()
    with torch.no_grad():
        for g in (plain, styled):
            g.stem.weight.zero_()
            g.stem.bias.normal_()
        for layer in styled.styles:
            layer.weight.normal_(std=0.1)
        z = torch.randn(4, TINY_GAN.z_dim)
        assert plain(z).std(dim=0).max() < 1e-6
        assert styled(z).std(dim=0).mean() > 1e-3


def test_the_optimiser_keeps_an_unstyled_generators_order_so_old_checkpoints_resume(tmp_path):
    """Adam's state is saved by position: stem then synthesis, as before the style layers existed."""
    opts = TrainOptions(data=tmp_path, out=tmp_path, resolution=32,
                        extra={"channels": list(TINY_GAN.channels), "z_dim": 16, "w_dim": 16})
    recipe = GANRecipe(opts, torch.device("cpu"))
    rest = recipe.opt_g.param_groups[1]["params"]
    assert rest == [*recipe.G.stem.parameters(), *recipe.G.synthesis.parameters()]
    styled = GANRecipe(replace(opts, extra={**opts.extra, "styles": True}), torch.device("cpu"))
    assert styled.opt_g.param_groups[1]["params"][-2 * len(styled.G.styles):] == [*styled.G.styles.parameters()]


def test_a_styled_run_writes_a_model_that_says_so_resumes_and_starts_runs(data_dir, tmp_path, capsys):
    out = tmp_path / "styled"
    assert train("gan", data_dir, out, 3, "--set", "styles=true") == 0
    net, card = load_model(out)
    assert card["config"]["styles"] is True
    assert max(layer.weight.abs().max() for layer in net.styles) > 0  # trained from zero
    assert train("gan", data_dir, out, 5, "--set", "styles=true", "--resume") == 0
    assert "resumed from step 3" in capsys.readouterr().err
    assert init_run("gan", data_dir, tmp_path / "tuned", out, 1) == 0  # styles come from the model's card
    assert load_model(tmp_path / "tuned")[1]["config"]["styles"] is True


def test_a_styled_generator_cannot_grow_and_says_why(data_dir, tmp_path, capsys):
    out = tmp_path / "styled"
    assert train("gan", data_dir, out, 1, "--set", "styles=true") == 0
    capsys.readouterr()
    # a mistake in what was typed, refused before the images load (it was a failed run, exit 1, once they had)
    assert init_run("gan", data_dir, tmp_path / "wide", out, 1, "--set", "channels=[64,32,16,8]") == 2
    err = capsys.readouterr().err
    assert "a styled generator (--set styles=true) cannot grow" in err and "Traceback" not in err
    assert "data: " not in err
