"""Undo and Redo while a run of seed keys goes on (one History step, which Undo takes back): over a picture with no
seed, with a deleted direction's undo on offer (the run taken back alone, the deletion by the next Ctrl+Z), Redo's
target, and a run that ends on the seed it began at."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from test_seed_steps import settled, slow_draws, step_labels, the_sample, typed_seed

TIMEOUT = 30_000  # ms
UP, DOWN, RIGHT, Z = Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Z
CTRL = Qt.KeyboardModifier.ControlModifier


def test_ctrl_z_during_a_run_of_seed_keys_or_psi_over_a_picture_with_no_seed_drops_the_run(qtbot, window, monkeypatch):
    """A reviewer's run: a VAE picture with one slider edit, Up ×3 in the seed box (—, 0, 1, 2) and Ctrl+Z. Undo
    read "Undo", but the run made a new sample, "seed 2", and the undo took back the picture's slider edit."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the user is quicker than the rest
    doc, panel = window.document, window.gan_panel
    doc.open_array(np.full((32, 32, 3), 128, np.uint8), "grey.png")
    qtbot.waitUntil(lambda: len(doc.items) == 2 and doc.current.kind == "vae", timeout=TIMEOUT)
    picture = doc.current
    doc.commit((0.5, *(0.0,) * (len(picture.history.current.values) - 1)))
    qtbot.waitUntil(lambda: picture.shown_seq >= picture.requested_seq, timeout=TIMEOUT)
    steps, psi, named = picture.history.path(), panel.psi.value(), window.undo_action.text()
    window.tabs.setCurrentWidget(panel)
    panel.seed.setFocus()
    qtbot.waitUntil(panel.seed.hasFocus)
    for _ in range(3):
        qtbot.keyClick(panel.seed, UP)
    assert panel.seed.value() == 2 and window.undo_action.isEnabled() and window.undo_action.text() == "&Undo"
    qtbot.keyClick(panel.seed, Z, CTRL)
    assert panel.seed.text() == "—" and not doc.samples.pending and len(doc.items) == 2  # no new sample asked
    assert doc.current is picture and picture.history.path() == steps and window.undo_action.text() == named
    panel.psi.setFocus()  # a run of keys on ψ, the same
    qtbot.waitUntil(panel.psi.hasFocus)
    for _ in range(2):
        qtbot.keyClick(panel.psi, RIGHT)
    assert panel.psi.value() == psi + 2 and window.undo_action.text() == "&Undo"
    qtbot.keyClick(panel.psi, Z, CTRL)
    assert panel.psi.value() == psi and panel.psi_label.text() == f"ψ {psi / 100:.2f}" and panel.seed.text() == "—"
    assert not doc.samples.pending and len(doc.items) == 2 and picture.history.path() == steps
    assert window.undo_action.text() == named


def a_deleted_direction(window, item) -> tuple[str, tuple[str, ...]]:
    """A direction of the user's ("mine") added to the model of item's kind and deleted, as its slider's menu does:
    its undo is on offer. Returns Edit → Undo's text, named by it, and the sliders with "mine", as its undo brings
    them back."""
    doc, sliders = window.document, window.sliders
    directions = doc.directions(item.kind)
    vector = np.zeros(directions.basis.shape[1], np.float32)
    vector[:4] = 0.5
    doc.set_directions(item.kind, directions.with_direction(vector, 2.0, "mine"))
    with_it = sliders.labels()
    assert doc.current is item and with_it[-1] == "mine"
    next(a for a in sliders.context_menu(len(directions)).actions() if a.text() == "Delete").trigger()
    assert "mine" not in sliders.labels() and window.undo_action.text() == "&Undo delete “mine”"
    return window.undo_action.text(), with_it


@pytest.mark.parametrize("last_seed", ["drawn", "being drawn"])
def test_ctrl_z_during_a_run_takes_back_the_run_alone_and_the_next_one_the_deleted_direction(
        qtbot, window, monkeypatch, last_seed):
    """A reviewer's run: a direction deleted ("Undo delete “mine”" on offer), 42, Up ×3 and Ctrl+Z. The run went,
    and with it the deletion's undo: the next Ctrl+Z undid seed 42 and the direction was lost. One Ctrl+Z takes
    back one thing: the run, which was never a change, and the next the deletion (whether the run's last seed was
    drawn by then or not, and the run's step coming later as the step Redo goes to)."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the user is quicker than the rest
    doc, item = window.document, the_sample(window)
    box = typed_seed(qtbot, window, item, 42)
    before = step_labels(window, item)
    offered, labels = a_deleted_direction(window, item)
    if last_seed == "being drawn":
        slow_draws(monkeypatch)
    for _ in range(3):
        qtbot.keyClick(box, UP)
    if last_seed == "drawn":
        qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)  # seed 45 shown, the run waiting to rest
    assert window.undo_action.text() == "&Undo"  # the run
    qtbot.keyClick(box, Z, CTRL)
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert item.seed == box.value() == 42 and step_labels(window, item) == before
    assert window.redo_action.text().endswith("seed 45")
    assert window.undo_action.text() == offered and window.undo_action.isEnabled()  # it read "Undo seed 42"
    qtbot.keyClick(box, Z, CTRL)
    assert window.sliders.labels() == labels  # "mine" back
    assert item.seed == box.value() == 42 and step_labels(window, item) == before
    assert "Brought back “mine”" in window.status.currentMessage()
    doc.commit((0.5, *window.sliders.values()[1:]))  # the next step: a slider's, not seed 45's, which went
    assert step_labels(window, item) == [*before, f"{labels[0]} +0.50σ"] and item.seed == box.value() == 42
    for _ in range(2):  # then the sample's own steps, as they were
        qtbot.keyClick(box, Z, CTRL)
    qtbot.waitUntil(lambda: settled(window, item) and item.seed != 42, timeout=TIMEOUT)
    assert step_labels(window, item) == before[:-1]


def test_over_a_picture_ctrl_z_during_a_run_drops_the_run_alone_and_the_next_one_brings_the_direction_back(
        qtbot, window, monkeypatch):
    """A direction deleted, then a run of seed keys over a picture (no seed: it would make a new sample) and Ctrl+Z:
    the run was dropped and the deletion's undo with it."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    doc, panel = window.document, window.gan_panel
    doc.open_array(np.full((32, 32, 3), 128, np.uint8), "grey.png")
    qtbot.waitUntil(lambda: len(doc.items) == 2 and doc.current.kind == "vae", timeout=TIMEOUT)
    picture = doc.current
    steps = picture.history.path()
    offered, labels = a_deleted_direction(window, picture)
    window.tabs.setCurrentWidget(panel)
    panel.seed.setFocus()
    qtbot.waitUntil(panel.seed.hasFocus)
    for _ in range(3):
        qtbot.keyClick(panel.seed, UP)
    qtbot.keyClick(panel.seed, Z, CTRL)
    assert panel.seed.text() == "—" and not doc.samples.pending and len(doc.items) == 2  # dropped
    assert window.undo_action.text() == offered
    qtbot.keyClick(panel.seed, Z, CTRL)
    assert window.sliders.labels() == labels and doc.current is picture and picture.history.path() == steps


def test_redo_names_no_step_while_a_run_goes_on_or_its_step_is_drawn(qtbot, window, monkeypatch):
    """A reviewer's run: 41, 42, Undo, Up ×3. Redo read "Redo seed 42" during the run, and recorded the run as it
    ended; after Ctrl+Z with the run's step still being drawn, it read "Redo seed 42" again and did nothing."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    item = the_sample(window)
    typed_seed(qtbot, window, item, 41)
    box = typed_seed(qtbot, window, item, 42)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: settled(window, item) and item.seed == 41, timeout=TIMEOUT)
    before = step_labels(window, item)
    assert window.redo_action.isEnabled() and window.redo_action.text().endswith("seed 42")
    for _ in range(3):
        qtbot.keyClick(box, UP)
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)  # seed 44 shown, the run waiting to rest
    assert not window.redo_action.isEnabled() and window.redo_action.text() == "&Redo"
    window.redo_action.trigger()  # as the toolbar's button: no redo, the run goes on
    assert box.runs.kind == "keys" and step_labels(window, item) == before and item.seed == 41
    slow_draws(monkeypatch)
    for _ in range(2):
        qtbot.keyClick(box, UP)
    qtbot.keyClick(box, Z, CTRL)  # takes back the run, seed 46 still being drawn
    assert window.document.samples.pending and item.seed == box.value() == 41
    assert not window.redo_action.isEnabled() and window.redo_action.text() == "&Redo"
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert window.redo_action.isEnabled() and window.redo_action.text().endswith("seed 46")
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert step_labels(window, item) == [*before, "seed 46"] and item.seed == box.value() == 46


def test_ctrl_z_after_a_run_back_to_its_first_seed_still_being_drawn_undoes_the_step_before(
        qtbot, window, monkeypatch):
    """A reviewer's run: 41, 42, Up, Down and Ctrl+Z. Drawn quickly, it went back to 41; with 42 still being drawn,
    the undo "took back" the run's step, which was 42 itself, and nothing moved."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    item = the_sample(window)
    typed_seed(qtbot, window, item, 41)
    before = step_labels(window, item)
    box = typed_seed(qtbot, window, item, 42)
    slow_draws(monkeypatch)
    qtbot.keyClick(box, UP)
    qtbot.keyClick(box, DOWN)  # back where the run began
    qtbot.keyClick(box, Z, CTRL)
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert item.seed == box.value() == 41 and step_labels(window, item) == before
    assert window.redo_action.text().endswith("seed 42")


def test_with_a_deleted_directions_undo_on_offer_a_run_back_at_its_first_seed_leaves_ctrl_z_to_the_deletion(
        qtbot, window, monkeypatch):
    """42, a direction deleted, Up, Down and Ctrl+Z with 42 still being drawn: the run changed nothing, so Ctrl+Z
    brings the direction back, as it would have without the run. It undid seed 42 and lost the deletion's undo."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    item = the_sample(window)
    box = typed_seed(qtbot, window, item, 42)
    before = step_labels(window, item)
    _, labels = a_deleted_direction(window, item)
    slow_draws(monkeypatch)
    qtbot.keyClick(box, UP)
    qtbot.keyClick(box, DOWN)  # back where the run began
    qtbot.keyClick(box, Z, CTRL)
    assert window.sliders.labels() == labels
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert item.seed == box.value() == 42 and step_labels(window, item) == before
