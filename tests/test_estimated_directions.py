"""A model folder without directions.safetensors (copied without it, or the file deleted): its slider directions are
estimated as it loads, and differ from the ones it was trained with. A tester's copy of a VAE showed PC1 σ 11.14 where
the model's own file gives 36.03, without a word, and `genimg info`, a read-only command, wrote the estimate into the
folder. Now the CLI and the window say so once, and the folder is left as it was: the estimate is kept in genimg's
data folder, by the weights' digest, so the next command reads it instead of estimating it again."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from conftest import UI_TIMEOUT
from genimg_gui.catalog import estimated_dir
from genimg_gui.cli import main
from genimg_gui.models.directions import load_directions
from genimg_gui.models.weights import DIRECTIONS_NAME
from genimg_gui.weights_file import weights_digest

GAN_NOTE = ("directions.safetensors is missing from {}: slider directions estimated from new samples of the model, "
            "not those saved as it was trained; copy the model's own directions.safetensors into it to edit along "
            "the directions it was trained with")
VAE_NOTE = ("directions.safetensors is missing from {}: slider directions estimated from the model, not its training "
            "images; copy the model's own directions.safetensors into it to edit along the directions it was "
            "trained with")


def without_directions(source: Path, folder: Path) -> Path:
    shutil.copytree(source, folder)
    (folder / DIRECTIONS_NAME).unlink()
    return folder


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def pc1_row(out: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith("0  PC1"))


def test_genimg_info_says_the_directions_are_estimated_once_and_writes_nothing_into_the_folder(
        model_dir, tmp_path, capsys):
    folder = without_directions(model_dir / "tiny-vae", tmp_path / "bv5")
    before = files_in(folder)
    assert main(["info", str(folder)]) == 0
    first = capsys.readouterr()
    note = f"genimg: note: {VAE_NOTE.format(folder)}"
    assert first.err.count(note) == 1
    assert files_in(folder) == before  # was: directions.safetensors written into it by `info`
    kept_in = estimated_dir() / weights_digest(folder)
    kept, written = load_directions(kept_in, 512), (kept_in / DIRECTIONS_NAME).stat().st_mtime_ns
    assert kept is not None

    assert main(["info", str(folder)]) == 0  # the kept estimate read: the same σ, said again, not estimated again
    again = capsys.readouterr()
    assert again.err.count(note) == 1 and (kept_in / DIRECTIONS_NAME).stat().st_mtime_ns == written
    assert pc1_row(again.out) == pc1_row(first.out) and f"σ = {kept.sigma[0]:.4g}" in pc1_row(first.out)
    assert files_in(folder) == before


def test_encode_and_generate_say_it_too_and_a_folder_with_its_file_says_nothing(model_dir, tmp_path, capsys):
    gan = without_directions(model_dir / "tiny-gan", tmp_path / "gnd")
    before = files_in(gan)
    assert main(["generate", "--gan", str(gan), "--seeds", "0", "-o", str(tmp_path / "out"), "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert err.count(GAN_NOTE.format(gan)) == 1
    assert files_in(gan) == before

    Image.fromarray(np.full((32, 32, 3), 128, np.uint8)).save(tmp_path / "grey.png")
    assert main(["encode", str(tmp_path / "grey.png"), "--vae", str(model_dir / "tiny-vae"),
                 "-o", str(tmp_path / "enc"), "--device", "cpu"]) == 0
    assert "directions.safetensors" not in capsys.readouterr().err


def test_the_window_says_once_in_its_log_that_the_directions_are_estimated(qtbot, window, model_dir, tmp_path):
    gan = without_directions(model_dir / "tiny-gan", tmp_path / "gnd")
    before = files_in(gan)
    doc = window.document
    said: list[str] = []
    doc.message.connect(said.append)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(gan))
    note = GAN_NOTE.format(gan)
    assert said.count(note) == 1
    assert [entry.text for entry in window.status.log.entries].count(note) == 1
    assert files_in(gan) == before
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):  # a model with its own directions: nothing said
        doc.load_model(str(model_dir / "tiny-gan"))
    assert said.count(note) == 1 and not any(DIRECTIONS_NAME in text for text in said if text != note)
