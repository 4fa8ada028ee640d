"""A CLI tester's messages that said what was wrong but not why, or not what to do: a --save-recipe refusal that read
as if a file had just been written over, a folder of an unfinished run called no model folder, a folder hiding the
bundled model of its name, --draw refine on a GAN without its discriminator "cannot draw seeds so", and an image given
as --labels "is not a CSV text file: byte 0 is not UTF-8 text" (no Qt)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.cli import main
from genimg_gui.earlier_run import CHECKPOINT_FILE
from genimg_gui.not_a_model import no_model_note
from genimg_gui.train.out_lock import holding_output
from train_helpers import make_shapes, train


def run(*args) -> int:
    return main([str(a) for a in args])


@pytest.fixture(autouse=True)
def restore_threads():
    threads = torch.get_num_threads()  # --threads 1 sets it for the whole process
    yield
    torch.set_num_threads(threads)


def test_save_recipe_without_json_says_what_to_name_and_nothing_of_writing_over(model_dir, tmp_path, capsys,
                                                                                 monkeypatch):
    """It said "(a recipe is JSON; a name such as an edited image's was written over)": nothing had been."""
    monkeypatch.chdir(tmp_path)
    Image.fromarray(np.full((32, 32, 3), 90, np.uint8)).save("img2.png")
    assert run("edit", "img2.png", "--vae", model_dir / "tiny-vae", "--edit", "PC1=1", "-o", "sr3",
               "--save-recipe", "sr3", "--device", "cpu") == 2
    assert capsys.readouterr().err.splitlines()[-1] == ("genimg edit: error: --save-recipe sr3: name a .json file, "
                                                        "such as sr3.json: a recipe is JSON")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img2.png"]


def test_a_folder_holding_only_a_runs_checkpoint_says_how_to_finish_the_run(tmp_path, capsys, monkeypatch):
    """It said "ck is not a genimg model folder: it has no card.json"; the command it gives now finishes the run."""
    data = make_shapes(tmp_path / "pics", 12)
    assert train("vae", data, tmp_path / "run", 1, "--holdout", "0") == 0
    monkeypatch.chdir(tmp_path)
    Path("ck").mkdir()
    shutil.copy(tmp_path / "run" / CHECKPOINT_FILE, "ck")
    capsys.readouterr()
    for args in (["info", "ck"], ["encode", "--vae", "ck", "pics/more", "-o", "enc"]):
        assert run(*args) == 1
        assert capsys.readouterr().err.splitlines()[-1] == (
            "genimg: error: ck holds an unfinished training run (its checkpoint.pt, no model yet), not a model: "
            "finish it with `genimg train … -o ck --resume`, which writes the model")
    assert sorted(p.name for p in Path("ck").iterdir()) == [CHECKPOINT_FILE]
    assert no_model_note(Path("ck"), "app") == (  # the window says it in Train…'s words
        f"ck holds an unfinished training run (its checkpoint.pt, no model yet), not a model: finish it with "
        f"Train… (Save to: {tmp_path / 'ck'}, then Start, then Continue it), which writes the model")
    assert train("vae", data, Path("ck"), 2, "--holdout", "0", "--resume") == 0  # the command given, done
    assert run("info", "ck") == 0


def test_a_folder_a_training_run_is_writing_says_so_and_names_its_process(tmp_path, capsys, monkeypatch):
    """`genimg info v10` of a run's folder in its first minutes said "v10 is not a genimg model folder: it has no
    card.json", as of any stray folder."""
    monkeypatch.chdir(tmp_path)
    Image.fromarray(np.full((32, 32, 3), 90, np.uint8)).save("a.png")
    said = (f"v10 is being written by a genimg train run (process {os.getpid()}), and there is no model in it yet "
            "(no card.json): open it once the run has written its model (if no run is writing it, remove "
            "v10/.genimg-train.lock)")
    with holding_output(Path("v10"), print):  # the lock a run takes, as `genimg train … -o v10` takes it
        for args in (["info", "v10"], ["encode", "--vae", "v10", "a.png", "-o", "enc"]):
            assert run(*args) == 1  # a model that cannot be opened, as before
            assert capsys.readouterr().err.splitlines()[-1] == f"genimg: error: {said}"
        assert no_model_note(Path("v10"), "app") == said  # the window's Open model… says the same


def test_a_folder_named_as_a_bundled_model_says_it_hides_it_and_how_to_name_that_one(tmp_path, capsys, monkeypatch):
    """`genimg info emoji-vae` beside an empty emoji-vae/ said only that it has no card.json, while a plain `genimg
    encode` there uses the bundled emoji-vae."""
    monkeypatch.chdir(tmp_path)
    Path("emoji-vae").mkdir()
    said = ("genimg: error: emoji-vae is not a genimg model folder: it has no card.json; this folder hides the "
            f"bundled model emoji-vae: name that one by its path, {BUNDLED_DIR / 'emoji-vae'}")
    assert run("info", "emoji-vae") == 1
    assert capsys.readouterr().err.splitlines()[-1] == said
    Image.fromarray(np.full((32, 32, 3), 90, np.uint8)).save("a.png")
    assert run("encode", "--vae", "emoji-vae", "a.png", "-o", "enc") == 1
    assert capsys.readouterr().err.splitlines()[-1] == said
    assert run("info", BUNDLED_DIR / "emoji-vae") == 0  # the path it gives opens the bundled one
    capsys.readouterr()
    Path("other").mkdir()  # a folder of no bundled model's name: the loader's words alone
    assert run("info", "other") == 1
    assert capsys.readouterr().err.splitlines()[-1] == ("genimg: error: other is not a genimg model folder: it has "
                                                        "no card.json")


def test_draw_refine_on_a_gan_without_its_discriminator_says_why(model_dir, tmp_path, capsys):
    """It said "--draw refine ignored: gnd cannot draw seeds so; each draws its own z"."""
    gnd = shutil.copytree(model_dir / "tiny-gan", tmp_path / "gnd")
    assert run("generate", "--gan", gnd, "--seeds", "0", "--draw", "refine", "-o", tmp_path / "x",
               "--device", "cpu") == 0
    assert [line for line in capsys.readouterr().err.splitlines() if "note:" in line] == [
        f"genimg: note: --draw refine ignored: {gnd} has no discriminator.safetensors, the discriminator that "
        "refining a seed needs (`genimg train gan` saves it beside the GAN); each seed draws its own z"]


def test_an_image_given_as_labels_is_named_as_one(tmp_path, capsys):
    """It said "--labels pics/img2.png is not a CSV text file: byte 0 is not UTF-8 text"."""
    data = make_shapes(tmp_path / "pics", 12)
    image = next(data.glob("*.png"))
    assert run("train", "gan", data, "--labels", image, "-o", tmp_path / "g", "--steps", "1") == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"genimg train: error: --labels {image} is an image, not a CSV file: give a CSV file with a 'file' column, "
        "or 'folders' (each image's class its sub-folder)")
    assert not (tmp_path / "g").exists()


def test_the_readme_synopsis_of_edit_and_encodes_help_name_what_edits_help_does(capsys):
    """The README's `genimg edit` lines left out --save-latents and --fit, which `edit --help` lists; `encode --help`
    gave no default for --fit, which `edit --help` does."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    synopsis = [line for line in readme.splitlines() if line.strip().startswith("genimg edit ")]
    assert len(synopsis) == 2
    assert all("[--save-latents]" in line and "[--fit crop|letterbox]" in line for line in synopsis), synopsis
    for command in ("encode", "interpolate"):
        assert main([command, "--help"]) == 0
        assert "how non-square images fit (default crop)" in " ".join(capsys.readouterr().out.split())
