"""`genimg` saying why in words: a GAN whose discriminator will not load, an output that cannot be written, an option
a command does not take (no Qt)."""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from genimg_gui.cli_commands import OutputError, writing
from genimg_gui.fileio import atomic_write_bytes
from genimg_gui.models.gan import Discriminator
from genimg_gui.models.refine import DISCRIMINATOR_FILE
from genimg_gui.train.finetune import save_discriminator
from conftest import TINY_GAN
from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)

linux_proc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc takes no new files on Linux")


def notes(err: str) -> list[str]:
    return [line for line in err.splitlines() if "note:" in line]


def damaged_judge(gan: Path, folder: Path) -> Path:
    """A copy of the GAN under another name, with a discriminator file cut short."""
    shutil.copytree(gan, folder)
    save_discriminator(folder, Discriminator(TINY_GAN))
    judge = folder / DISCRIMINATOR_FILE
    os.truncate(judge, judge.stat().st_size // 2)
    return judge


def test_a_damaged_discriminator_is_named_whether_refine_is_the_default_or_typed(gan, tmp_path, capsys,
                                                                                monkeypatch):
    """A damaged discriminator.safetensors drew own z without a word under the default refine, and typed, the note
    gave no reason and named the card's name, not the folder given."""
    monkeypatch.chdir(tmp_path)
    damaged_judge(gan, tmp_path / "gd")
    why = re.escape(f"gd cannot refine seeds: {Path('gd', DISCRIMINATOR_FILE)} is a damaged file, not a readable "
                    "safetensors file (") + r"[^;]+\); each draws its own z$"
    # each run into a folder of its own: files replaced are said in a note of their own
    for args, said in ((["generate", "-o", "x1"], "seeds not refined"),
                       (["generate", "-o", "x2", "--draw", "refine"], "--draw refine ignored"),
                       (["interpolate", "--frames", "2", "-o", "m.gif"], "seeds not refined")):
        assert run(*args, "--gan", "gd", "--seeds", "0", "1") == 0
        [note] = notes(capsys.readouterr().err)
        assert re.match(f"genimg: note: {re.escape(said)}: {why}", note), note
    assert run("generate", "--gan", "gd", "--seeds", "0", "-o", "x3", "--draw", "own") == 0
    assert notes(capsys.readouterr().err) == []  # own z asked for: nothing is lost
    # a GAN with no discriminator at all: the default falls back unsaid, a typed refine is named by its folder
    assert run("generate", "--gan", gan, "--seeds", "0", "-o", "x4") == 0
    assert notes(capsys.readouterr().err) == []
    assert run("generate", "--gan", gan, "--seeds", "0", "-o", "x5", "--draw", "refine") == 0
    assert notes(capsys.readouterr().err) == [
        f"genimg: note: --draw refine ignored: {gan} has no discriminator.safetensors, the discriminator that refining "
        "a seed needs (`genimg train gan` saves it beside the GAN); each seed draws its own z"]


def test_train_refuses_an_output_under_a_file_in_encodes_words(image_files, tmp_path, capsys):
    """`genimg train vae data -o r.json/sub` said "[Errno 20] Not a directory: 'r.json/sub'" (exit 1)."""
    (tmp_path / "r.json").write_text("{}")
    assert run("train", "vae", tmp_path, "-o", tmp_path / "r.json" / "sub", "--steps", "1") == 2
    err = capsys.readouterr().err
    assert f"genimg train: error: -o {tmp_path / 'r.json' / 'sub'} cannot be made: {tmp_path / 'r.json'} is not a " \
           "folder" in err and "Errno" not in err


@linux_proc
@pytest.mark.parametrize("command, message", [
    (["encode", "--vae", "{vae}", "{img}", "-o", "/proc/xx"], "genimg: error: /proc/xx cannot be made: /proc takes no "
                                                               "new folders"),
    (["interpolate", "--vae", "{vae}", "{img}", "{img}", "--frames", "2", "-o", "/proc/m.gif"],
     "genimg: error: /proc/m.gif cannot be written: /proc takes no new files"),
    (["generate", "--gan", "{gan}", "--seeds", "0", "-o", "{tmp}/g", "--grid", "/proc/grid.png"],
     "genimg: error: /proc/grid.png cannot be written: /proc takes no new files"),
    (["train", "vae", "{tmp}", "-o", "/proc/r", "--steps", "1"],
     "genimg train: error: -o /proc/r cannot be made: /proc takes no new folders"),
])
def test_an_output_that_cannot_be_written_is_named_with_why_not_the_temp_file_or_the_input(
        command, message, vae, gan, image_files, tmp_path, capsys):
    """Raw OS errors named the temp file ('/proc/.m.gif.bf05f0617225.tmp') or blamed the input image
    ("data/img00.png: [Errno 2] …")."""
    values = {"vae": vae, "gan": gan, "img": image_files[0], "tmp": tmp_path}
    assert run(*[a.format(**values) for a in command]) == 1
    err = capsys.readouterr().err
    assert message in err, err
    assert "Errno" not in err and ".tmp" not in err and f"genimg: error: {image_files[0]}" not in err


def test_a_failed_atomic_write_names_the_file_asked_for_not_its_temp_file(tmp_path, monkeypatch):
    def no_space(*_args):
        raise OSError(28, "No space left on device", str(next(tmp_path.glob(".*.tmp"))))
    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(OSError) as raised:
        atomic_write_bytes(tmp_path / "r.json", b"{}")
    assert raised.value.filename == str(tmp_path / "r.json") and raised.value.errno == 28
    assert not list(tmp_path.iterdir())  # the temp file is gone too


def test_a_folder_gone_before_its_file_is_written_is_named(tmp_path):
    """The CLI makes -o's folder itself, so only a folder removed meanwhile is missing: said as the app says it
    ("…: the folder … does not exist"), not "no such file or directory"."""
    out = tmp_path / "out" / "x.png"
    with pytest.raises(OutputError) as raised:
        with writing(out) as path:
            path.parent.rmdir()
            atomic_write_bytes(path, b"")
    assert str(raised.value) == f"{out} cannot be written: the folder {out.parent} does not exist"


@pytest.mark.parametrize("command, unknown", [
    (["encode", "img.png", "-o", "b7", "--psi", "0.5"], "--psi 0.5"),
    (["info", "--device", "cuda"], "--device"),
    (["train", "vae", "data", "--psi", "0.5"], "--psi 0.5"),
])
def test_an_option_a_command_does_not_take_is_refused_with_that_commands_usage(command, unknown, capsys):
    """It showed the top-level usage ("usage: genimg [-h] COMMAND ...") and "genimg: error: …", as if the
    command itself were mistyped."""
    assert run(*command) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: genimg {command[0]} ")
    assert f"genimg {command[0]}: error: unrecognized arguments: {unknown}" in err
