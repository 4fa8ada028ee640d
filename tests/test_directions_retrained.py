"""A model folder trained again in place holds another model (another latent space): the user's directions made in
its old weights do not apply to the new ones, and after loading them the sliders lost them without a word. They are
made again from the examples they were made from, encoded by the new weights; the status bar names those made again
and those that cannot be (their example files gone)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.models.vae import ConvVAE
from genimg_gui.weights_file import weights_digest
from test_directions_identity import load
from test_directions_ui import BLUE, RED, define, write_group


@pytest.fixture()
def bare(qtbot, engine):
    """The main window with no model loaded."""
    from genimg_gui.ui.main_window import MainWindow

    w = MainWindow(engine, [])
    qtbot.addWidget(w)
    yield w
    w.close()


@pytest.fixture()
def vae2(tmp_path):
    torch.manual_seed(2)
    return make_model_folder(tmp_path / "models" / "vae2", ConvVAE(TINY_VAE), "vae2")


def train_again(folder, seed: int = 5) -> None:
    """New weights written into the folder, as Train…'s Start over or `genimg train … -o folder --overwrite` do."""
    before = weights_digest(folder)
    torch.manual_seed(seed)
    make_model_folder(folder, ConvVAE(TINY_VAE), "vae2")
    assert weights_digest(folder) != before


def remade(qtbot, window, folder, names: int) -> list[str]:
    """Load folder's new weights; the messages said once the directions named are made again (names of them)."""
    said: list[str] = []
    window.document.message.connect(said.append)
    window.document.error.connect(said.append)
    load(qtbot, window, folder)
    qtbot.waitUntil(lambda: sum(m.startswith("Made “") for m in said) == names, timeout=UI_TIMEOUT)
    return said


def test_a_direction_is_made_again_from_its_examples_for_the_new_weights(qtbot, bare, vae2, tmp_path,
                                                                        monkeypatch):
    load(qtbot, bare, vae2)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    define(qtbot, bare, monkeypatch, "red → blue", red, blue)
    old = bare.document.directions("vae")
    old_row = old.basis[old.index_of("red → blue")].copy()

    train_again(vae2)
    said = remade(qtbot, bare, vae2, 1)
    directions = bare.document.directions("vae")
    assert directions.labels.count("red → blue") == 1 and bare.sliders.labels()[-1] == "red → blue"
    new_row = directions.basis[directions.index_of("red → blue")]
    assert not np.allclose(new_row, old_row, atol=1e-3)  # the old vector belongs to the old latent space
    note = next(m for m in said if "was trained again" in m)
    assert "vae2 was trained again" in note and "“red → blue”" in note and "gone" not in note
    assert any(m.startswith("Made “red → blue” again for vae2") for m in said)

    # made with the new weights from the same examples, as a new direction from them would be
    monkeypatch.setattr(bare.directions_tool, "_confirm_delete", lambda label: True)
    bare.directions_tool.delete(directions.index_of("red → blue"))
    define(qtbot, bare, monkeypatch, "red → blue", red, blue)
    fresh = bare.document.directions("vae")
    np.testing.assert_allclose(fresh.basis[fresh.index_of("red → blue")], new_row, atol=1e-5)

    train_again(vae2, seed=6)  # and again: the direction made again keeps its examples too
    remade(qtbot, bare, vae2, 1)
    assert bare.document.directions("vae").labels.count("red → blue") == 1


def test_a_direction_whose_examples_are_gone_is_named_as_not_made_again(qtbot, bare, vae2, tmp_path,
                                                                       monkeypatch):
    load(qtbot, bare, vae2)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    gone = write_group(tmp_path / "gone", "gone", RED, 3, 3)
    define(qtbot, bare, monkeypatch, "red → blue", red, blue)
    define(qtbot, bare, monkeypatch, "gone → blue", gone, blue)
    shutil.rmtree(tmp_path / "gone")

    train_again(vae2)
    said = remade(qtbot, bare, vae2, 1)
    labels = bare.document.directions("vae").labels
    assert "red → blue" in labels and "gone → blue" not in labels
    note = next(m for m in said if "was trained again" in m)
    assert "“gone → blue”" in note and "its example files are gone" in note and "make it again" in note
