"""`genimg`'s messages in the user's words: a failing stdout said as such, and no Python names (no Qt)."""
from __future__ import annotations

import errno
import sys

import numpy as np
import pytest

from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)


class FullStdout:
    """A stdout on a full disk (`> /dev/full`): every write fails."""

    def write(self, _text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("command", [["generate", "--gan", "{gan}", "--seeds", "0-2", "-o", "{tmp}/sc2"],
                                     ["encode", "--vae", "{vae}", "{image}", "-o", "{tmp}/enc"],
                                     ["interpolate", "--gan", "{gan}", "--seeds", "1", "2", "--frames", "4",
                                      "-o", "{tmp}/m.gif"],
                                     ["info", "{gan}"]])
def test_a_full_stdout_is_said_as_such_and_stops_the_run(command, gan, vae, image_files, tmp_path, monkeypatch,
                                                         capsys):
    """`genimg generate --seeds 0-2 -o sc2 > /dev/full` said "sc2/seed0000.png cannot be written: the disk is full"
    of a PNG it had written, and `genimg info` put a raw "[Errno 28]" on the model folder."""
    args = [a.format(gan=gan, vae=vae, image=image_files[0], tmp=tmp_path) for a in command]
    monkeypatch.setattr(sys, "stdout", FullStdout())
    assert run(*args) == 1
    err = capsys.readouterr().err
    assert "genimg: error: cannot write to standard output: the disk is full\n" in err
    assert "cannot be written" not in err and "Errno" not in err and str(gan) + ":" not in err
    if command[0] == "generate":  # the PNG written, its name not listed, and the run stopped there
        assert (tmp_path / "sc2" / "seed0000.png").is_file() and not (tmp_path / "sc2" / "seed0001.png").exists()
        assert f"genimg: note: {tmp_path / 'sc2' / 'seed0000.png'} was written, but its name could not be listed" in err


def test_info_refuses_a_mistyped_bundled_name_as_vae_does(tmp_path, monkeypatch, capsys):
    """`genimg info emoji-vea` said only "emoji-vea does not exist" (exit 1), `--vae emoji-vea` named the models it
    could have meant (exit 2)."""
    monkeypatch.chdir(tmp_path)
    said = {}
    for command in (["info", "emoji-vea"], ["encode", "x.png", "--vae", "emoji-vea", "-o", "out"]):
        assert run(*command) == 2
        said[command[0]] = capsys.readouterr().err
    for err in said.values():
        assert "emoji-vea does not exist, and is not a bundled model's name (emoji-faces-gan, emoji-gan, emoji-vae)\n" \
            in err
    assert run("info", "emoji-vae", "nowhere/emoji-vae") == 1  # a path with its folder: a failed file of the batch
    assert "emoji-vae  (" in capsys.readouterr().out


@pytest.mark.parametrize("option, value, expected", [
    ("--steps", "abc", "argument --steps: must be a whole number, 1 or more, not 'abc'"),
    ("--batch-size", "1.5", "argument --batch-size: must be a whole number, 1 or more, not '1.5'"),
    ("--threads", "two", "argument --threads: must be a whole number, 1 or more, not '{}'"),
    ("--sample-every", "x", "argument --sample-every: must be a whole number, 1 or more, not '{}'"),
    ("--checkpoint-every", "x", "argument --checkpoint-every: must be a whole number, 1 or more, not '{}'"),
    ("--minutes", "ten", "argument --minutes: must be a number above 0, not 'ten'"),
    ("--lr", "fast", "argument --lr: must be a number above 0, e.g. 0.0002, not 'fast'"),
    ("--seed", "lucky", "argument --seed: must be a whole number from 0 to 2147483647, not 'lucky'"),
    ("--holdout", "some", "argument --holdout: must be a whole number, 0 (none) or more, not 'some'"),
    ("--resolution", "big", "argument --resolution: must be 32, 64, 128 or 256, not 'big'"),
    ("interpolate --scale", "2.5", "argument --scale: must be a whole number from 1 to 8, not '2.5'"),
    ("interpolate --scale", "0", "argument --scale: must be a whole number from 1 to 8, not 0"),
    ("generate --scale", "x", "argument --scale: must be a whole number from 1 to 8, not 'x'"),
])
def test_a_bad_number_is_refused_in_words_not_by_its_python_function(option, value, expected, tmp_path, capsys):
    """`genimg train vae DIR -o x --steps abc` said "invalid positive_int value: 'abc'", naming a Python function."""
    command, _, option = option.rpartition(" ")
    args = {"": ["train", "vae", tmp_path, "-o", tmp_path / "x"], "interpolate": ["interpolate", "--seeds", "1", "2",
            "-o", tmp_path / "m.gif"], "generate": ["generate", "-o", tmp_path / "g"]}[command]
    assert run(*args, option, value) == 2
    err = capsys.readouterr().err
    assert expected.format(value) + "\n" in err
    assert " value: " not in err  # argparse's "invalid int value: …"
    assert not (tmp_path / "x").exists()


def test_decode_says_a_text_file_holds_text_and_notes_a_latent_that_records_no_model(tmp_path, monkeypatch, capsys):
    """`genimg decode photos/notes.png` called a text file "an image" by its name alone; a bare np.savez latent was
    decoded by the bundled VAE without the note decode --help promises."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.png").write_text("shopping: milk, eggs\n")
    (tmp_path / "notes.npz").write_text("not an archive\n")
    assert run("decode", "notes.png", "notes.npz", "-o", "d") == 1
    err = capsys.readouterr().err
    assert "genimg: error: notes.png is not a latent file: it holds text\n" in err
    assert "genimg: error: notes.npz is not a latent file: it holds text\n" in err
    assert "is an image" not in err and "damaged" not in err
    np.savez(tmp_path / "lat.npz", latent=np.zeros(1024, np.float32))  # the bundled emoji-vae's size
    assert run("decode", "lat.npz", "-o", "d") == 0
    assert "genimg: note: lat.npz records no model; decoded with emoji-vae, the bundled VAE: if another VAE made " \
           "it, pass --vae with its folder" in capsys.readouterr().err
    assert (tmp_path / "d" / "lat_decoded.png").is_file()


@pytest.mark.parametrize("name, text, said", [
    ("r1.json", '{"format": "genimg-recipe", "version": 1, "edits": []}',
     'r1.json has no "model": it is not a recipe genimg saved'),  # was '"model" must be a dict, not NoneType'
    ("r2.json", '{"format": "genimg-recipe", "version": 1, "model": null}', 'r2.json: "model" must be an object'),
    ("notes.png", "shopping: milk, eggs\n", "notes.png holds text, not JSON: it is not a recipe genimg saved"),
    ("cut.json", '{"format": "genimg-recipe", "vers', "cut.json is cut short: its end is missing"),
    ("typo.json", '{"format": "genimg-recipe",\n "version" 1}',
     "typo.json: its JSON is broken at line 2, column 12 (expecting ':' delimiter)"),
])
def test_a_recipe_that_is_none_is_said_in_words(name, text, said, vae, image_files, tmp_path, capsys):
    """`--recipe notes.png` said "not valid JSON (Expecting value: line 1 column 1 (char 0))"."""
    (tmp_path / name).write_text(text)
    assert run("edit", "--vae", vae, image_files[0], "--recipe", tmp_path / name, "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {tmp_path}/{said}" in err  # the reader's bare name, put as typed
    assert "NoneType" not in err and "dict" not in err and "char 0" not in err and "Expecting" not in err


def test_a_models_card_given_as_a_recipe_is_named_by_its_kind(vae, gan, image_files, tmp_path, capsys):
    """The README says a file of another kind given as a recipe is named by its kind; a model's card.json was said
    to be 'not a genimg edit recipe ("format" must be "genimg-recipe")'."""
    assert run("edit", "--vae", vae, image_files[0], "--recipe", vae / "card.json", "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {vae / 'card.json'} is the card of the model {vae.name}, not an edit recipe: a recipe " \
           "is the .json file that File → Save edit recipe… or genimg edit --save-recipe writes" in err, err
    assert '"format"' not in err
    assert run("generate", "--gan", gan, "--recipe", gan / "card.json", "-o", tmp_path / "out") == 1
    assert f"card.json is the card of the model {gan.name}, not an edit recipe" in capsys.readouterr().err
    (tmp_path / "other.json").write_text('{"kind": "vae"}')  # JSON of no kind known: said as before
    assert run("edit", "--vae", vae, image_files[0], "--recipe", tmp_path / "other.json", "-o", tmp_path / "out") == 1
    assert 'other.json: not a genimg edit recipe ("format" must be "genimg-recipe")' in capsys.readouterr().err


def test_the_animation_suffixes_read_as_a_sentence(gan, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("interpolate", "--gan", gan, "--seeds", "1", "2", "-o", "out/x.png") == 2
    # it read ".gif, .webp, .mp4", and named only x.png, not the path as typed
    assert "error: -o out/x.png: the animation must end in .gif, .webp or .mp4\n" in capsys.readouterr().err


def test_a_crop_of_well_under_1_percent_is_not_called_1_percent():
    from genimg_gui.imaging import crop_note
    assert "(under 1 % of the picture)" in crop_note(10000, 5, "crop", "x")  # 0.05 %, said "1 %"
    assert "(under 1 % of the picture)" in crop_note(1000, 9, "crop", "x")  # 0.9 %: rounds to 1 from below
    assert "(1 % of the picture)" in crop_note(1000, 10, "crop", "x")


def test_training_with_a_full_stdout_says_so_and_keeps_its_model(tmp_path, monkeypatch, capsys):
    """`genimg train … > /dev/full` ended in a raw "genimg train: error: [Errno 28] No space left on device"."""
    from train_helpers import make_shapes
    data, out = make_shapes(tmp_path / "data", 12), tmp_path / "vae"
    monkeypatch.setattr(sys, "stdout", FullStdout())
    assert run("train", "vae", data, "-o", out, "--steps", "2", "--batch-size", "4", "--resolution", "32",
               "--threads", "1", "--set", "channels=[8,16]", "--set", "latent_channels=2") == 1
    err = capsys.readouterr().err
    assert "genimg train: error: cannot write to standard output: the disk is full\n" in err and "Errno" not in err
    assert f"genimg: note: {out} was written" in err
    assert (out / "card.json").is_file()


def test_a_file_name_holding_a_newline_is_shown_escaped_in_progress_lines_notes_and_errors(vae, tmp_path, capsys):
    """`2/3 odd/new⏎line.png` broke its progress line in two (the files written were named cleanly, safe_stem)."""
    from test_cli_outputs import picture

    odd = tmp_path / "odd"
    plain, newline, clean = (picture(odd / name, seed) for seed, name in enumerate(["a.png", "new\nline.png",
                                                                                    "new_line.png"]))
    broken = odd / "bad\x1bname.png"
    broken.write_text("not a picture")
    assert run("encode", "--vae", vae, plain, newline, clean, broken, "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"2/4 {odd}/new\\nline.png\n" in err and f"4/4 {odd}/bad\\x1bname.png\n" in err
    assert f"genimg: note: {clean} is written as new_line-2.npz and new_line-2_recon.png: {odd}/new\\nline.png has " \
           "the same name\n" in err
    assert "genimg: error: " in err and "bad\\x1bname.png" in err
    assert f"genimg: note: {odd}/new\\nline.png: its centre square was kept" in err
    assert f"genimg: error: {odd}/bad\\x1bname.png is not an image (it holds text)\n" in err
    starts = ("genimg: ", "tiny-vae: ", "1/4", "2/4", "3/4", "4/4")  # no line is the rest of a name broken in two
    assert all(line.startswith(starts) for line in err.splitlines()), err
    assert "\x1b" not in err


def test_a_name_that_prints_is_shown_as_it_is():
    from genimg_gui.cli_names import shown_name

    assert shown_name("photos/été 2024, #1.png") == "photos/été 2024, #1.png"
    assert shown_name("a\tb\u2028c\udcff.png") == "a\\tb\\u2028c\\udcff.png"
