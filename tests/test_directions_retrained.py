"""A model folder trained again in place holds another model (another latent space): the user's directions made in
its old weights do not apply to the new ones, and after loading them the sliders lost them without a word. They are
made again from the examples they were made from, encoded by the new weights; the status bar names those made again
and those that cannot be (their example files gone)."""
from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pytest
import torch
from PySide6.QtWidgets import QApplication

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder, write_directions
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.directions_dialog import DirectionRequest
from genimg_gui.weights_file import weights_digest
from test_directions_identity import bare, load  # noqa: F401 (bare: a fixture)
from test_directions_ui import BLUE, RED, define, write_group


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
    define(qtbot, bare, "red → blue", red, blue)
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
    define(qtbot, bare, "red → blue", red, blue)
    fresh = bare.document.directions("vae")
    np.testing.assert_allclose(fresh.basis[fresh.index_of("red → blue")], new_row, atol=1e-5)

    train_again(vae2, seed=6)  # and again: the direction made again keeps its examples too
    remade(qtbot, bare, vae2, 1)
    assert bare.document.directions("vae").labels.count("red → blue") == 1


def test_a_direction_whose_examples_are_gone_is_named_as_not_made_again(qtbot, bare, vae2, tmp_path):
    load(qtbot, bare, vae2)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    gone = write_group(tmp_path / "gone", "gone", RED, 3, 3)
    define(qtbot, bare, "red → blue", red, blue)
    define(qtbot, bare, "gone → blue", gone, blue)
    shutil.rmtree(tmp_path / "gone")

    train_again(vae2)
    said = remade(qtbot, bare, vae2, 1)
    labels = bare.document.directions("vae").labels
    assert "red → blue" in labels and "gone → blue" not in labels
    note = next(m for m in said if "was trained again" in m)
    assert "“gone → blue”" in note and "its example files are gone" in note and "make it again" in note


@contextmanager
def another_window(qtbot):
    """Another genimg window (its own engine, as another process's), and what it says; closed at the end."""
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow

    engine = Engine("cpu")
    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    said: list[str] = []
    window.document.message.connect(said.append)
    window.document.error.connect(said.append)
    try:
        yield window, said
    finally:
        window.close()
        engine.shutdown()


def next_launch(qtbot, folder, made: int = 0, then=None) -> tuple[tuple[str, ...], list[str]]:
    """genimg started again (a new window and engine) loading folder: its VAE sliders' labels, and what it said,
    once it has made `made` directions again; then(window) is called before it closes."""
    with another_window(qtbot) as (window, said):
        load(qtbot, window, folder)
        QApplication.processEvents()  # a remake begins, queued, once the model is in place, and says so
        qtbot.waitUntil(lambda: sum(m.startswith("Made “") for m in said) == made, timeout=UI_TIMEOUT)
        if then is not None:
            then(window)
        return window.document.directions("vae").labels, said


def test_directions_are_made_again_once_not_at_each_launch(qtbot, bare, vae2, tmp_path, monkeypatch):
    load(qtbot, bare, vae2)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    define(qtbot, bare, "red → blue", red, blue)
    define(qtbot, bare, "gone → blue", write_group(tmp_path / "gone", "gone", RED, 3, 3), blue)
    shutil.rmtree(tmp_path / "gone")
    train_again(vae2)
    assert any("“gone → blue” cannot be made again" in m for m in remade(qtbot, bare, vae2, 1))

    # the one made again deleted, its file had no row left and went: the next launch made it again from the old
    # weights' file, and said again that the other could not be
    monkeypatch.setattr(bare.directions_tool, "_confirm_delete", lambda label: True)
    bare.directions_tool.delete(bare.document.directions("vae").index_of("red → blue"))
    labels, said = next_launch(qtbot, vae2)
    assert "red → blue" not in labels and not any("trained again" in m for m in said), said

    train_again(vae2, seed=6)  # trained again once more: the newest weights had no directions left to make again
    labels, said = next_launch(qtbot, vae2)
    assert "red → blue" not in labels and not any("trained again" in m for m in said), said


def test_a_direction_is_made_again_for_new_weights_of_another_latent_size(qtbot, bare, vae2, tmp_path):
    load(qtbot, bare, vae2)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    define(qtbot, bare, "red → blue", red, blue)
    old_size = bare.document.directions("vae").basis.shape[1]
    torch.manual_seed(5)
    # trained again: training writes the new weights' principal components over the old ones'
    write_directions(make_model_folder(vae2, ConvVAE(replace(TINY_VAE, latent_channels=3)), "vae2"))
    remade(qtbot, bare, vae2, 1)  # was: their file did not fit the new latent, and they were dropped without a word
    directions = bare.document.directions("vae")
    assert directions.basis.shape[1] == old_size * 3 // 2 and "red → blue" in directions.labels


def test_a_direction_not_made_again_is_said_so_and_leaves_the_users_refused_one(qtbot, bare, vae2, tmp_path):
    tool = bare.directions_tool
    load(qtbot, bare, vae2)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    define(qtbot, bare, "red → blue", red, blue)
    mine = DirectionRequest("mine", tuple(red), tuple(blue), keep_fixed=True)  # nothing left once kept apart
    with qtbot.waitSignal(bare.document.error, timeout=UI_TIMEOUT):
        tool.make_direction(mine)
    assert tool.refused[0] == mine  # the dialog opens with it again

    # made again for new weights, refused once encoded, then on arrival (a name the new weights have): said as such
    with qtbot.waitSignal(bare.document.error, timeout=UI_TIMEOUT):
        tool.make_direction(DirectionRequest("again", tuple(red), tuple(blue), keep_fixed=True), again=True)
    assert bare.last_error.startswith("“again” was not made again for vae2's new weights: "), bare.last_error
    assert "No direction made" not in bare.last_error and "opens with these examples" not in bare.last_error
    assert tool.make_direction(DirectionRequest("pc1", tuple(red), tuple(blue)), again=True) is None
    assert bare.last_error.startswith("“pc1” was not made again for vae2's new weights: “PC1 ("), bare.last_error
    assert tool.refused[0] == mine


def held_encodes(monkeypatch, paths, engines=None) -> set[str]:
    """The worker's encoding of any of paths held until its engine shuts down (a big VAE's slow encode, cut off
    by quitting); returns the set to empty to let them through again. engines: only theirs are held (a set the
    test changes as it goes), else every engine's."""
    from genimg_gui.engine.worker import Worker

    held, encode = set(paths), Worker._encode_latents

    def slow(self, r):
        while held & set(r.paths) and (engines is None or any(self is e.worker for e in engines)):
            self.queue.check(r.seq)  # raises Cancelled once the engine shuts down
            time.sleep(0.01)
        return encode(self, r)
    monkeypatch.setattr(Worker, "_encode_latents", slow)
    return held


def red_and_dark(qtbot, window, monkeypatch, tmp_path) -> tuple[list[str], list[str], list[str]]:
    """“red → blue” and “dark → blue” made in window's VAE; returns the red, blue and dark examples."""
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    dark = write_group(tmp_path / "dark", "dark", (30, 30, 30), 4, 3)
    define(qtbot, window, "red → blue", red, blue)
    define(qtbot, window, "dark → blue", dark, blue)
    return red, blue, dark


@pytest.mark.parametrize("first", ["kept", "deleted"])
def test_a_direction_still_being_made_again_at_quit_is_made_at_the_next_launch(first, qtbot, bare, vae2, tmp_path,
                                                                              monkeypatch):
    """genimg closed while the second of two directions was made again: the first, made, had written the new
    weights' file, and the next launch took it as all done; the second was lost. A deleted first stays deleted."""
    load(qtbot, bare, vae2)
    red, blue, dark = red_and_dark(qtbot, bare, monkeypatch, tmp_path)
    old = bare.document.directions("vae")
    old_row = old.basis[old.index_of("dark → blue")].copy()

    held = held_encodes(monkeypatch, dark)
    train_again(vae2)
    remade(qtbot, bare, vae2, 1)
    assert bare.document.directions("vae").labels[-1] == "red → blue"  # "dark → blue" is still being encoded
    if first == "deleted":
        bare.directions_tool.delete(bare.document.directions("vae").index_of("red → blue"))
    assert bare.close()
    held.clear()

    rows = {}

    def made_again_from_its_examples(window):  # as a new direction from the same examples is made
        directions = window.document.directions("vae")
        rows["again"] = directions.basis[directions.index_of("dark → blue")].copy()
        window.directions_tool.delete(directions.index_of("dark → blue"))
        define(qtbot, window, "dark → blue", dark, blue)
        fresh = window.document.directions("vae")
        rows["fresh"] = fresh.basis[fresh.index_of("dark → blue")]
    labels, said = next_launch(qtbot, vae2, made=1, then=made_again_from_its_examples)
    assert any(m.startswith("vae2 was trained again and not all your directions were made again for its new "
                            "weights yet; making “dark → blue” again") for m in said), said
    assert any(m.startswith("Made “dark → blue” again for vae2's new weights from its 4 + 4") for m in said), said
    assert labels.count("dark → blue") == 1 and labels.count("red → blue") == (first == "kept"), labels
    assert not np.allclose(rows["again"], old_row, atol=1e-3)  # not the old weights' vector
    np.testing.assert_allclose(rows["again"], rows["fresh"], atol=1e-5)

    labels, said = next_launch(qtbot, vae2)  # made again once: not at each launch
    assert labels.count("dark → blue") == 1 and not any("again" in m for m in said), said
