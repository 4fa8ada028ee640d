"""A damaged directions.safetensors (a tensor missing, sigma cut short, a mean or explained of the wrong length) is
said in words, naming the file and what is wrong, wherever it is read; a damaged estimate genimg kept is made again.

Only `basis` was checked: a missing sigma was "KeyError: 'sigma'" (a traceback from the CLI, "internal error" in the
window); a sigma cut to 3 rows loaded, and `genimg edit --edit PC10=3` silently wrote the picture of PC10=0; a mean
of the wrong length loaded, and the typicality meter raised on the GUI thread at every slider move."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QAction
from safetensors.numpy import load_file, save_file

from conftest import UI_TIMEOUT
from genimg_gui.catalog import estimated_dir
from genimg_gui.cli import main
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.directions import load_directions
from genimg_gui.models.errors import ModelFileError
from genimg_gui.models.weights import DIRECTIONS_NAME
from genimg_gui.weights_file import weights_digest

MENDED = "copy it again from where the model came from, or delete it to have the directions estimated"


def damaged(folder: Path, damage) -> Path:
    """folder with its directions file's tensors changed by damage (a dict -> dict), its labels kept."""
    path = folder / DIRECTIONS_NAME
    tensors = load_file(str(path))
    save_file(damage(tensors), str(path), metadata={"labels": "\n".join(f"PC{i + 1}" for i in range(22))})
    return folder


def without(name: str):
    return lambda t: {k: v for k, v in t.items() if k != name}


def cut(name: str, length: int):
    return lambda t: {**t, name: np.ascontiguousarray(t[name][:length])}


@pytest.mark.parametrize("damage, what", [
    (without("basis"), "it lacks the tensor(s) basis that every directions file holds (basis, explained, mean, sigma)"),
    (without("sigma"), "it lacks the tensor(s) sigma that every directions file holds (basis, explained, mean, sigma)"),
    (cut("sigma", 3), "its sigma holds 3 numbers where it must hold one number per direction ({rows})"),
    (cut("explained", 3), "its explained holds 3 numbers where it must hold one number per direction ({rows})"),
    (cut("mean", 10), "its mean holds 10 numbers where it must hold one number per latent value (512)"),
], ids=["no-basis", "no-sigma", "short-sigma", "short-explained", "short-mean"])
def test_a_damaged_directions_file_says_what_is_wrong_with_it(model_dir, tmp_path, damage, what):
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "vae")
    rows = len(load_directions(folder, 512))
    damaged(folder, damage)
    with pytest.raises(ModelFileError) as raised:
        load_directions(folder, 512)
    assert str(raised.value) == f"{folder / DIRECTIONS_NAME} is damaged: {what.format(rows=rows)}; {MENDED}"


def test_genimg_edit_along_a_row_past_a_short_sigma_says_so_and_writes_nothing(model_dir, image_files, tmp_path,
                                                                                capsys):
    """It wrote the unedited picture, exit 0: the edit's rows were zipped with the 3 sigmas, PC10 dropped."""
    folder = damaged(shutil.copytree(model_dir / "tiny-vae", tmp_path / "vae"), cut("sigma", 3))
    out = tmp_path / "out"
    assert main(["edit", "--vae", str(folder), "--edit", "PC10=3", "-o", str(out), str(image_files[0])]) == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {folder / DIRECTIONS_NAME} is damaged: its sigma holds 3 numbers" in err
    assert "Traceback" not in err and not (out.exists() and any(out.iterdir()))


def test_a_damaged_kept_estimate_is_made_again(model_dir, tmp_path):
    """A model folder without directions has them estimated and kept in genimg's data folder; that kept file, cut
    short (a disk filled, a copy broken off) raised KeyError at every load of the model."""
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "vae")
    (folder / DIRECTIONS_NAME).unlink()
    first = Runtime("cpu").load(str(folder), lambda *_: None).directions
    kept_in = estimated_dir() / weights_digest(folder)
    damaged(kept_in, without("sigma"))
    again = Runtime("cpu").load(str(folder), lambda *_: None).directions
    assert np.array_equal(again.sigma, first.sigma) and np.array_equal(again.basis, first.basis)
    assert np.array_equal(load_directions(kept_in, 512).sigma, first.sigma)  # written whole again


def test_the_window_says_a_missing_sigma_in_words(qtbot, window, model_dir, tmp_path, monkeypatch):
    """Open model folder… on it said "internal error (KeyError: 'sigma')"."""
    folder = damaged(shutil.copytree(model_dir / "tiny-vae", tmp_path / "vae"), without("sigma"))
    monkeypatch.setattr(window.model_opener, "ask_model_folder", lambda: str(folder))
    action = next(a for a in window.findChildren(QAction) if a.text() == "Open model &folder…")
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as error:
        action.trigger()
    assert f"{folder / DIRECTIONS_NAME} is damaged: it lacks the tensor(s) sigma" in error.args[0]
    assert "internal error" not in window.status.currentMessage()
    assert f"{DIRECTIONS_NAME} is damaged" in window.status.currentMessage()


def zero_sigma(rows: slice):
    """sigma at 0 for the rows given: a slider of σ 0 moves nothing, and the typicality meter divided by it."""
    def damage(t):
        sigma = t["sigma"].copy()
        sigma[rows] = 0
        return {**t, "sigma": sigma}
    return damage


@pytest.mark.parametrize("rows, named", [
    (slice(None), "PC1, PC2, PC3 and {more} more"),
    (slice(2, 3), "PC3"),
], ids=["all-zero", "one-zero"])
def test_a_directions_file_with_a_sigma_of_0_is_refused_naming_the_directions(model_dir, tmp_path, rows, named):
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "vae")
    count = len(load_directions(folder, 512))
    damaged(folder, zero_sigma(rows))
    with pytest.raises(ModelFileError) as raised:
        load_directions(folder, 512)
    assert str(raised.value) == (f"{folder / DIRECTIONS_NAME} is damaged: its sigma is 0 for "
                                 f"{named.format(more=count - 3)}, and a slider whose σ is 0 cannot move the "
                                 f"picture; {MENDED}")


def test_the_window_refuses_a_model_whose_sigma_is_0_in_words(qtbot, window, model_dir, tmp_path, monkeypatch):
    """Opened, its sliders moved nothing and the typicality meter read infinity."""
    folder = damaged(shutil.copytree(model_dir / "tiny-vae", tmp_path / "vae"), zero_sigma(slice(None)))
    monkeypatch.setattr(window.model_opener, "ask_model_folder", lambda: str(folder))
    action = next(a for a in window.findChildren(QAction) if a.text() == "Open model &folder…")
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as error:
        action.trigger()
    assert f"{folder / DIRECTIONS_NAME} is damaged: its sigma is 0 for PC1, PC2, PC3 and " in error.args[0]
    assert window.document.models["vae"].path != str(folder)
