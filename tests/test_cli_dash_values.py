"""`genimg` taking a value that starts with '-' as the value of the option before it (no Qt): argparse took only plain
negative numbers so, and refused `--edit -1=2` or `--psi -1e-1` with "argument --edit: expected one argument"."""
from __future__ import annotations

import pytest

from genimg_gui.cli import build_parser
from test_cli import run


@pytest.fixture()
def vae(model_dir):
    return model_dir / "tiny-vae"


def parsed(*args: str):
    return build_parser().parse_args(list(args))


def test_a_value_starting_with_a_dash_is_the_options_value():
    assert parsed("edit", "a.png", "--edit", "-1=2", "-o", "out").edit == [("-1", 2.0)]
    assert parsed("generate", "-o", "out", "--class", "-a").gan_class == "-a"
    assert parsed("generate", "-o", "-x").out.name == "-x"  # a short option takes one too
    assert parsed("train", "vae", "data", "--data-name", "-faces").data_name == "-faces"
    assert parsed("edit", "--edit", "0=1", "-o", "out", "--", "-a.png").images[0].name == "-a.png"


@pytest.mark.parametrize("args, said", [
    (["generate", "-o", "out", "--psi", "-1e-1"], "argument --psi: '-1e-1': expected a number from 0 to 1.5"),
    (["train", "vae", "data", "--lr", "-1e-3"], "argument --lr: must be a number above 0, e.g. 0.0002, not -1e-3"),
    (["info", "--latent-scale", "-inf"], "argument --latent-scale: '-inf': expected sd (0.18215), sdxl"),
])
def test_a_wrong_value_starting_with_a_dash_is_refused_for_what_it_is(args, said, capsys):
    with pytest.raises(SystemExit):
        parsed(*args)
    err = capsys.readouterr().err
    assert said in err and "expected one argument" not in err


@pytest.mark.parametrize("after", [["-o", "out"], ["--fit", "crop", "-o", "out"], ["-oout"]])
def test_an_option_after_an_option_is_still_a_forgotten_value(after, capsys):
    with pytest.raises(SystemExit):
        parsed("edit", "a.png", "--edit", *after)
    assert "argument --edit: expected one argument" in capsys.readouterr().err


def test_edit_with_a_dash_direction_says_which_directions_there_are(vae, image_files, tmp_path, capsys):
    assert run("edit", "--vae", vae, image_files[0], "--edit", "-1=2", "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "the VAE has no direction '-1'" in err and "or an index (0 … " in err
    assert not (tmp_path / "out").exists()


def test_the_app_takes_a_value_starting_with_a_dash_as_its_options_value():
    """`genimg-gui --vae -my-vae` stopped with "argument --vae: expected one argument", where `genimg` took it."""
    from genimg_gui.app import parse_args

    args = parse_args(["--vae", "-my-vae", "--gan", "-gan.pkl", "a.png", "--", "-b.png"])
    assert (args.vae, args.gan, args.files) == ("-my-vae", "-gan.pkl", ["a.png", "-b.png"])
