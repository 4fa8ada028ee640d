"""A slider's undo steps on the panel alone (no engine): a run of wheel notches or arrow keys, a reset key and a held
press on the groove are each one step, committed before the focus or a key goes elsewhere."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from genimg_gui.ui.sliders import SliderPanel

from conftest import UI_TIMEOUT
from widget_helpers import clicked, focused, recording_panel, shown, wheel


def test_the_wheel_scrolls_the_slider_list_until_a_slider_is_clicked_then_a_run_of_notches_is_one_step(qtbot):
    panel = shown(qtbot, SliderPanel())
    panel.resize(360, 300)
    panel.set_directions(tuple(f"PC{i}" for i in range(1, 31)))
    qtbot.waitUntil(panel.sliders[5].isVisible)  # the layout shows new rows on the next event loop turn
    committed = []
    panel.edit_committed.connect(committed.append)
    assert not any(wheel(panel.sliders[2], -1) for _ in range(3))  # left for the list to scroll
    assert panel.values() == (0.0,) * 30 and committed == []
    assert not wheel(focused(qtbot, panel.sliders[5]), 1)  # focused, as Tab leaves it, and not clicked: scrolls
    clicked(qtbot, panel.sliders[5])  # (focused first: offscreen windows are never active, so a click gives none)
    after_click = len(committed)
    for _ in range(3):
        wheel(panel.sliders[5], 1)
    assert panel.values()[5] > 0 and len(committed) == after_click  # nothing recorded while the wheel turns
    qtbot.waitUntil(lambda: len(committed) == after_click + 1)
    assert committed[-1] == panel.values()


def test_a_wheel_run_is_committed_before_focus_or_a_key_goes_elsewhere(qtbot, monkeypatch):
    """Wheeling a slider and at once clicking another image, or pressing Ctrl+Z, must record the run first:
    committed later, it was the next image's values (a no-op) and the wheeled image kept a picture its history
    did not hold; Ctrl+Z undid the step before it."""
    panel, committed = recording_panel(qtbot, monkeypatch, "WHEEL_REST_MS")
    for expected, leave in ((2, lambda: panel.sliders[1].setFocus()),  # a click elsewhere takes the focus
                            (4, lambda: qtbot.keyClick(panel.sliders[1], Qt.Key.Key_Z,
                                                       Qt.KeyboardModifier.ControlModifier))):
        slider = clicked(qtbot, panel.sliders[0] if expected == 2 else panel.sliders[1])  # its release: a step
        wheel(slider, 2)
        leave()
        qtbot.waitUntil(lambda: len(committed) == expected, timeout=UI_TIMEOUT)
        assert committed[-1] == panel.values()


def test_delete_on_a_slider_resets_it_in_one_step_as_its_reset_button_does(qtbot, monkeypatch):
    """The ↺ buttons take no Tab stop, so a keyboard user had no way to reset one slider (Ctrl+R resets all)."""
    panel, committed = recording_panel(qtbot, monkeypatch, "KEY_REST_MS")
    slider = focused(qtbot, panel.sliders[1])
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.keyClick(slider, Qt.Key.Key_Delete)
    assert panel.values() == (0.0, 0.0) and committed == [(0.0, 0.3), (0.0, 0.0)]  # the run, then the reset
    for key in (Qt.Key.Key_Backspace, Qt.Key.Key_0):
        qtbot.keyClick(slider, Qt.Key.Key_Left)
        qtbot.keyClick(slider, key)
        assert panel.values() == (0.0, 0.0) and committed[-1] == (0.0, 0.0)
    assert len(committed) == 6 and "Delete" in panel.findChildren(QToolButton)[1].toolTip()


def test_a_run_of_arrow_keys_on_a_slider_is_one_undo_step_as_a_wheel_run_is(qtbot, monkeypatch):
    """Right ×5 made five History rows (+0.10σ … +0.50σ) where five wheel notches made one."""
    panel, committed = recording_panel(qtbot, monkeypatch, "KEY_REST_MS")
    slider = clicked(qtbot, panel.sliders[0])  # for the wheel below
    committed.clear()  # (the click's release)
    for _ in range(5):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert panel.values() == (0.5, 0.0) and committed == []
    qtbot.keyClick(slider, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # another key ends the run first
    assert committed == [(0.5, 0.0)]
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    wheel(slider, 1)  # the wheel after keys: the keys' run is a step of its own
    assert committed == [(0.5, 0.0), (0.4, 0.0)]
    panel.sliders[1].setFocus()  # as the wheel's run, it ends when the focus goes
    qtbot.waitUntil(lambda: len(committed) == 3, timeout=UI_TIMEOUT)
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 50)  # ... and after a pause
    qtbot.keyClick(panel.sliders[1], Qt.Key.Key_PageUp)
    qtbot.keyClick(panel.sliders[1], Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: len(committed) == 4, timeout=UI_TIMEOUT)
    assert committed[-1] == panel.values() and panel.values()[1] == 1.0


def test_holding_the_mouse_on_a_sliders_groove_is_one_undo_step_whatever_happens_till_release(qtbot, monkeypatch):
    """Each page step of a held press on the groove was a step of its own (five History rows for a 2.5 s hold), and
    a press on the groove, then a drag, made two: a finished gesture is one, as README says."""
    panel, committed = recording_panel(qtbot, monkeypatch, "KEY_REST_MS")
    slider = panel.sliders[0]
    slider.setValue(-300)  # the handle at the left end, the groove's right end far from it
    committed.clear()
    groove = QPoint(slider.width() - 4, slider.height() // 2)
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(slider, left, Qt.KeyboardModifier.NoModifier, groove)
    qtbot.waitUntil(lambda: slider.value() >= -300 + 3 * slider.pageStep(), timeout=5000)  # Qt's auto-repeat
    assert committed == []  # nothing recorded while the button is held
    QTest.mouseRelease(slider, left, Qt.KeyboardModifier.NoModifier, groove)
    assert committed == [panel.values()] and panel.values()[0] >= -1.5

    # the middle button (the left one in some styles) puts the handle where pressed, then drags it: one step too
    middle, where = Qt.MouseButton.MiddleButton, QPoint(slider.width() // 4, slider.height() // 2)
    before = panel.values()
    QTest.mousePress(slider, middle, Qt.KeyboardModifier.NoModifier, where)
    assert panel.values() != before and len(committed) == 1
    QTest.mouseMove(slider, QPoint(slider.width() // 2, where.y()))
    QTest.mouseRelease(slider, middle, Qt.KeyboardModifier.NoModifier, QPoint(slider.width() // 2, where.y()))
    assert committed[1:] == [panel.values()] and panel.values()[0] > -1.0
    QTest.mouseClick(slider, left, Qt.KeyboardModifier.NoModifier, groove)  # a click on the groove: a step as ever
    assert len(committed) == 3 and committed[-1] == panel.values()
