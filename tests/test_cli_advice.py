"""`genimg`'s advice and notes naming what would work: the commands a model of the other kind goes with, an --edit
past the sliders' range, progress through a long morph, the command that reads a latent file (no Qt)."""
from __future__ import annotations

import re

import pytest

from genimg_gui.cli import build_parser
from test_cli import run


@pytest.fixture()
def vae(model_dir):
    return model_dir / "tiny-vae"


@pytest.fixture()
def gan(model_dir):
    return model_dir / "tiny-gan"


def takes_option(command: str, option: str) -> bool:
    """Whether `genimg COMMAND` has this option."""
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    return option in commands[command]._option_string_actions


@pytest.mark.parametrize("args, kind", [(["edit", "{img}", "--edit", "PC1=1", "--vae", "{gan}"], "gan"),
                                        (["encode", "{img}", "--vae", "{gan}"], "gan"),
                                        (["generate", "--seeds", "1", "--gan", "{vae}"], "vae")])
def test_a_model_of_the_other_kind_is_pointed_to_the_commands_that_take_it(args, kind, vae, gan, image_files,
                                                                           tmp_path, capsys):
    """"pass it as --gan" pointed edit and encode to an option they lack (argparse: "unrecognized arguments")."""
    values = {"vae": vae, "gan": gan, "img": image_files[0]}
    assert run(*[a.format(**values) for a in args], "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    folder = values[kind]
    other = "VAE" if kind == "gan" else "GAN"
    said = re.search(rf"{folder} holds a {kind.upper()}, not a {other}: use it as --{kind} {folder} with genimg "
                     r"(.+)", err)
    assert said, err
    named = re.findall(r"[a-z]+", said.group(1).split("(")[0].replace("--seeds", ""))
    commands = [c for c in named if c not in ("or", "with", "images")]
    assert len(commands) >= 3 and all(takes_option(c, f"--{kind}") for c in commands), commands
    assert args[0] not in commands  # the command typed takes no model of that kind
