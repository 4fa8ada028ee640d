"""Undo and Redo while a run of seed keys goes on (one History step, which Undo takes back): over a picture with no
seed, with a deleted direction's undo on offer, Redo's target, and a run that ends on the seed it began at."""
from __future__ import annotations

import numpy as np
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


def test_with_a_deleted_directions_undo_on_offer_ctrl_z_during_a_run_takes_back_the_run(qtbot, window, monkeypatch):
    """A reviewer's run: "Undo delete “smile”" on offer, 42, Up ×3 and Ctrl+Z while 45 was still being drawn. Undo
    named the deletion all along; Ctrl+Z undid it, and 45 then came as a step on top. Had 45 been drawn, the same
    keys took back the run instead. The run is what Undo names and takes back; the offer goes with the run."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    doc, item = window.document, the_sample(window)
    box = typed_seed(qtbot, window, item, 42)
    before, undone = step_labels(window, item), []
    doc.offer_undo("Undo delete “smile”", lambda: undone.append(True))
    assert window.undo_action.text() == "Undo delete “smile”"
    slow_draws(monkeypatch)
    for _ in range(3):
        qtbot.keyClick(box, UP)
    assert window.undo_action.text() == "&Undo"
    qtbot.keyClick(box, Z, CTRL)
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert not undone and doc.offered_undo is None
    assert item.seed == box.value() == 42 and step_labels(window, item) == before
    assert window.redo_action.text().endswith("seed 45")


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
