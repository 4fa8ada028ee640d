"""The Generate tab's seed stepped faster than the GAN draws, and new seeds at ψ 0: a quick run of seed keys is one
History step, at the seed it ended on, which Undo takes back to the seed before the run (as a run of keys on ψ);
each seed chosen otherwise is a step of its own; a sample that comes back late never moves the seed box back."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar

from conftest import slowed
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.seed_draws import SKIP_MIXTURES
from genimg_gui.ui.main_window import MainWindow
from session_helpers import offered

TIMEOUT = 30_000  # ms
DRAW_SECONDS = 0.12  # a slowed draw: about what Refine takes a seed on a CPU, longer than the 40 ms between presses


def the_sample(window):
    """The window's one item, its first GAN sample, made current by a click on its thumbnail."""
    [item] = window.document.items.values()
    window.filmstrip.setCurrentRow(0)
    return item


def step_labels(window, item) -> list[str]:
    """The History tab's rows, from the first step to the current one."""
    return [window.history_panel.item_for(n).text(0) for n in item.history.path()]


def settled(window, item) -> bool:
    return not window.document.samples.pending and item.shown_seq >= item.requested_seq


def slow_draws(monkeypatch) -> None:
    """Each seed takes DRAW_SECONDS to draw, as refining one does on a CPU, so presses outrun the worker."""
    slowed(monkeypatch, Runtime, "map_seed", DRAW_SECONDS)


def typed_seed(qtbot, window, item, seed: int):
    """The seed box clicked into (its text selected, as a click and Ctrl+A leave it), seed typed, then Return, and its
    draw waited for."""
    seed_typed(qtbot, window, seed)
    qtbot.waitUntil(lambda: item.seed == seed and settled(window, item), timeout=TIMEOUT)
    return window.gan_panel.seed


def seed_typed(qtbot, window, seed: int) -> None:
    """seed typed into the seed box, then Return, its draw not waited for."""
    box = window.gan_panel.seed
    window.tabs.setCurrentWidget(window.gan_panel)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.selectAll()
    qtbot.keyClicks(box, str(seed))
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_42_then_up_five_times_quickly_is_one_step_seed_47_which_ctrl_z_takes_back_to_42(qtbot, window, monkeypatch):
    """The tester's run (3 of 3): History read "seed 42, seed 43, seed 47", the seeds the GAN happened to draw
    before the next press (the others dropped in flight), and Ctrl+Z went from 47 to 43 where Down went to 46."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the user is quicker than the rest
    item = the_sample(window)
    box = typed_seed(qtbot, window, item, 42)
    before, nodes = step_labels(window, item), len(item.history)
    assert before[-1] == "seed 42"
    slow_draws(monkeypatch)  # as Refine draws a seed on a CPU: presses outrun the worker
    for _ in range(5):
        qtbot.keyClick(box, Qt.Key.Key_Up)
        qtbot.wait(40)  # samples come back between presses
    assert box.value() == 47
    qtbot.waitUntil(lambda: not window.document.samples.pending, timeout=TIMEOUT)  # seed 47 on screen
    assert item.seed == 42 and step_labels(window, item) == before  # each seed shown, none a step yet
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ends the run, then undoes it
    assert step_labels(window, item) == before and box.value() == item.seed == 42
    assert len(item.history) == nodes + 1 and window.redo_action.text().endswith("seed 47")  # one step, redoable
    window.redo_action.trigger()
    assert step_labels(window, item) == [*before, "seed 47"] and box.value() == item.seed == 47
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 50)  # a pause ends a run too
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: item.seed == 44 and settled(window, item), timeout=TIMEOUT)
    assert step_labels(window, item) == [*before, "seed 47", "seed 44"]
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert box.value() == item.seed == 47


def test_ctrl_z_as_a_run_ends_with_its_last_seed_still_being_drawn_takes_the_run_back_and_redo_brings_it(
        qtbot, window, monkeypatch):
    """A reviewer's run: 41, 42, Up ×5 and at once Ctrl+Z, seed 47 still being drawn (Refine takes 0.12-0.16 s a
    seed on a CPU). The undo went from 42 to 41, and 47, drawn after it, came on top: History read "seed 0, seed 41,
    seed 47", 42 on a side branch. The undo takes back the run; its step, once drawn, is where Redo goes."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the user is quicker than the rest
    samples, item = window.document.samples, the_sample(window)
    typed_seed(qtbot, window, item, 41)
    box = typed_seed(qtbot, window, item, 42)
    before, nodes, picture = step_labels(window, item), len(item.history), item.image
    slow_draws(monkeypatch)
    for _ in range(5):
        qtbot.keyClick(box, Qt.Key.Key_Up)
        qtbot.wait(40)  # samples come back between presses
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ends the run, then undoes it
    assert samples.pending  # seed 47, still being drawn
    assert item.seed == box.value() == 42 and step_labels(window, item) == before
    window.redo_action.trigger()  # nothing to redo while the run's step is still being drawn
    assert item.seed == box.value() == 42 and item.history.current_id == nodes - 1 and samples.pending
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert step_labels(window, item) == before and item.seed == box.value() == 42
    assert np.abs(item.image.astype(int) - picture.astype(int)).max() <= 2  # 42's picture, not a live seed's
    assert len(item.history) == nodes + 1 and window.redo_action.text().endswith("seed 47")  # the run's step
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert step_labels(window, item) == [*before, "seed 47"] and item.seed == box.value() == 47


def test_the_toolbars_undo_clicked_during_a_run_of_seed_keys_undoes_the_run(qtbot, window, monkeypatch):
    """The toolbar's buttons take no focus, so the seed box saw no event of the click: the run went on, the undo
    went from 42 to 41, and the run's step was lost."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    item = the_sample(window)
    typed_seed(qtbot, window, item, 41)
    box = typed_seed(qtbot, window, item, 42)
    before = step_labels(window, item)
    for _ in range(5):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)  # seed 47 on screen, the run waiting to rest
    tools = next(bar for bar in window.findChildren(QToolBar) if bar.objectName() == "tools")
    qtbot.mouseClick(tools.widgetForAction(window.undo_action), Qt.MouseButton.LeftButton)
    assert box.runs.kind is None and item.seed == box.value() == 42 and step_labels(window, item) == before
    assert window.redo_action.text().endswith("seed 47")


def test_closing_the_window_as_a_run_of_seed_keys_rests_keeps_the_seed_it_ended_on(qtbot, window, monkeypatch):
    """Closed within the run's rest (0.8 s), the session kept the seed before the run."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    item = the_sample(window)
    box = typed_seed(qtbot, window, item, 42)
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert window.close()  # a sample only stepped through seeds is kept unasked
    [kept] = sess.load_session(window.autosaver.path).items
    assert kept.seed == 45 and kept.drawn[kept.history.current_id].seed == 45


@pytest.mark.parametrize("typed", [42, None])
def test_closing_the_window_as_a_runs_last_seed_is_still_being_drawn_brings_that_seed_back_after_a_restart(
        typed, qtbot, window, model_dir, monkeypatch):
    """Closed as the run's last seed was still being drawn, the session kept the seed before the run: the restart
    showed 42 where the user had stepped to 45, and the start-up's sample stepped so was not kept at all (the restart
    drew its own). It comes back as the run's one step, which Undo takes back to the seed before the run."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    item = the_sample(window)
    box = window.gan_panel.seed
    if typed is None:  # the start-up's sample, as it came
        window.tabs.setCurrentWidget(window.gan_panel)
        box.setFocus()
        qtbot.waitUntil(box.hasFocus)
    else:
        typed_seed(qtbot, window, item, typed)
    start, before = item.seed, step_labels(window, item)
    slowed(monkeypatch, Runtime, "map_seed", 0.5)  # a big GAN's draw: the window closes before 45 is back
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    assert window.document.samples.pending and item.seed == start
    assert window.close()  # a sample only stepped through seeds is kept unasked
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    for name in ("tiny-vae", "tiny-gan"):
        again.document.load_model(str(model_dir / name))
    assert offered(qtbot, again) == 1
    doc = again.document
    qtbot.waitUntil(lambda: len(doc.items) == 1 and settled(again, doc.current), timeout=TIMEOUT)
    back = doc.current
    last = start + 3
    assert back.seed == again.gan_panel.seed.value() == last and step_labels(again, back) == [*before, f"seed {last}"]
    again.undo_action.trigger()  # the run was one step
    qtbot.waitUntil(lambda: settled(again, back), timeout=TIMEOUT)
    assert back.seed == again.gan_panel.seed.value() == start and step_labels(again, back) == before
    again.close()


def test_up_pressed_ten_times_faster_than_seeds_are_drawn_steps_the_box_one_seed_a_press(qtbot, window, monkeypatch):
    panel = window.gan_panel
    item = the_sample(window)
    panel.draw_button(SKIP_MIXTURES).click()
    qtbot.waitUntil(lambda: item.draw == SKIP_MIXTURES and settled(window, item), timeout=TIMEOUT)
    panel.seed.setValue(3000)
    qtbot.waitUntil(lambda: item.seed == 3000 and settled(window, item), timeout=TIMEOUT)
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)
    slow_draws(monkeypatch)
    panel.seed.setFocus()  # where the keys go
    qtbot.waitUntil(panel.seed.hasFocus)
    steps_before = len(step_labels(window, item))
    seen = []
    for _ in range(10):
        qtbot.keyClick(panel.seed, Qt.Key.Key_Up)
        qtbot.wait(40)  # samples come back between presses
        seen.append(panel.seed.value())
    assert seen == list(range(3001, 3011))  # each press added one; a late sample never set the box back
    window.filmstrip.setFocus()  # the run ends as the focus goes (or the keys rest, or another key comes)
    qtbot.waitUntil(lambda: item.seed == 3010 and settled(window, item), timeout=TIMEOUT)
    assert panel.seed.value() == 3010 and step_labels(window, item)[steps_before:] == ["seed 3010"]
    window.undo_action.trigger()  # back to the seed before the run
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert item.seed == panel.seed.value() == 3000 and item.draw == SKIP_MIXTURES


def test_a_late_sample_leaves_the_seed_asked_since_in_the_box_after_a_switch_to_another_item_and_back(
        qtbot, window, monkeypatch):
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    panel.new_button.click()
    qtbot.waitUntil(lambda: len(doc.items) == 2 and settled(window, doc.current), timeout=TIMEOUT)
    other = doc.current
    window.filmstrip.setCurrentRow(0)
    assert doc.current is item
    taken, drawn = threading.Event(), threading.Event()  # seed 40's draw: begun on the worker; let finish
    map_seed = Runtime.map_seed

    def held_draw(self, seed, *args, **kwargs):
        if seed == 40:
            taken.set()
            drawn.wait(TIMEOUT / 1000)  # a deadline, never a measure
        return map_seed(self, seed, *args, **kwargs)
    monkeypatch.setattr(Runtime, "map_seed", held_draw)
    panel.seed.setValue(40)
    qtbot.waitUntil(taken.is_set, timeout=TIMEOUT)  # the worker has taken 40
    panel.seed.setValue(41)  # asked while 40 is being drawn
    window.filmstrip.setCurrentRow(1)
    assert panel.seed.value() == other.seed
    window.filmstrip.setCurrentRow(0)
    assert panel.seed.value() == 41  # asked, not yet drawn
    shown = []  # (the item's seed, the box's) as each sample comes back, once the window has shown it
    doc.current_changed.connect(lambda changed: shown.append((changed.seed, panel.seed.value())))
    drawn.set()
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert shown == [(40, 41), (41, 41)]  # 40 shown on its way to 41, the box at 41 all along


def test_new_seeds_at_psi_zero_are_each_a_step_undo_brings_back(qtbot, window):
    doc, panel = window.document, window.gan_panel
    the_sample(window)
    panel.new_button.click()
    qtbot.waitUntil(lambda: len(doc.items) == 2 and settled(window, doc.current), timeout=TIMEOUT)
    item = doc.current
    panel.psi.setValue(0)  # every seed maps to the mean w: the same picture, but not the same seed
    qtbot.waitUntil(lambda: item.psi == 0 and settled(window, item), timeout=TIMEOUT)
    seeds = [item.seed]
    for _ in range(3):
        panel.random_button.click()
        asked = panel.seed.value()
        qtbot.waitUntil(lambda: item.seed == asked and settled(window, item), timeout=TIMEOUT)
        seeds.append(asked)
    labels = step_labels(window, item)
    assert labels[-4:] == ["ψ 0.00", *(f"seed {s}" for s in seeds[1:])]
    for seed in reversed(seeds[:-1]):
        window.undo_action.trigger()
        qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
        assert item.seed == panel.seed.value() == seed
    steps = len(item.history)
    panel.seed.setValue(seeds[1])  # a seed asked again from the step before it: redone, not a second step
    qtbot.waitUntil(lambda: item.seed == seeds[1] and settled(window, item), timeout=TIMEOUT)
    assert len(item.history) == steps and step_labels(window, item) == labels[:-2]


def test_ctrl_z_during_a_run_from_a_new_samples_first_step_takes_the_run_back(qtbot, window, monkeypatch):
    """A reviewer's run: a new sample (History: its first step only), Up ×5 and Ctrl+Z within the run. Undo was
    greyed out (nothing before the first step), so Ctrl+Z never reached the run: History read "Generated by …,
    seed 0, seed 5", the box at 5, nothing to redo."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the user is quicker than the rest
    item = the_sample(window)
    box = window.gan_panel.seed
    window.tabs.setCurrentWidget(window.gan_panel)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    start, before = box.value(), step_labels(window, item)
    assert len(before) == 1 and not window.undo_action.isEnabled()
    slow_draws(monkeypatch)
    for _ in range(5):
        qtbot.keyClick(box, Qt.Key.Key_Up)
        qtbot.wait(40)  # samples come back between presses
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo"  # not a step of History's
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ends the run, then undoes it
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert step_labels(window, item) == before and item.seed == box.value() == start
    assert not window.undo_action.isEnabled() and window.redo_action.text().endswith(f"seed {start + 5}")
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: settled(window, item), timeout=TIMEOUT)
    assert step_labels(window, item) == [*before, f"seed {start + 5}"] and item.seed == box.value() == start + 5
