"""A mouse press on a latent slider is one History step, ended by its release; a release that never comes (a
dialog or another window took the mouse, the slider was hidden) must not merge the changes after it into that step."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSlider, QToolButton, QWidget

from conftest import UI_TIMEOUT
from widget_helpers import focused, recording_panel, shown

LEFT, MIDDLE = Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton


def lose_focus(panel, _slider) -> None:
    focused_elsewhere = panel.sliders[1]
    focused_elsewhere.setFocus()  # as a dialog or another window taking over does


def hide_and_show(panel, slider) -> None:
    panel.hide()  # another tab shown, say
    panel.show()


@pytest.mark.parametrize("lose", [lose_focus, hide_and_show], ids=["focus-out", "hidden"])
@pytest.mark.parametrize("button", [LEFT, MIDDLE], ids=["paging-the-groove", "dragging"])
def test_a_press_whose_release_never_comes_ends_with_the_slider_losing_the_mouse(lose, button, qtbot, monkeypatch):
    """The slider stayed "held": nothing of the press was recorded, and the next change (its ↺, here) was
    committed with it as one step, or, after a drag, not at all."""
    panel, committed = recording_panel(qtbot, monkeypatch, "KEY_REST_MS")
    slider = focused(qtbot, panel.sliders[0])  # as the press gives it
    slider.setValue(-300)  # the handle at the left end, the groove's right end far from it
    committed.clear()
    where = QPoint(slider.width() * 3 // 4, slider.height() // 2)  # the left button pages, the middle one drags
    QTest.mousePress(slider, button, Qt.KeyboardModifier.NoModifier, where)
    qtbot.waitUntil(lambda: slider.value() > -300, timeout=5000)  # a page step (Qt's auto-repeat), or the jump
    assert committed == []  # nothing recorded while the button is held
    lose(panel, slider)  # ... and the release never reaches the slider
    pressed = panel.values()
    QTest.mouseMove(slider, QPoint(slider.width() // 4, where.y()))  # a late move of the lost press does nothing
    QTest.mouseRelease(shown(qtbot, QWidget()), button)  # the release, in another window
    assert panel.values() == pressed
    qtbot.waitUntil(lambda: committed == [pressed], timeout=UI_TIMEOUT)  # the press's step, ended on losing the mouse
    assert not slider.held and not slider.isSliderDown()
    assert slider.repeatAction() == QSlider.SliderAction.SliderNoAction  # the groove's paging stopped with it
    qtbot.mouseClick(panel.findChildren(QToolButton)[0], LEFT)  # the slider's ↺
    assert panel.values()[0] == 0.0 and committed == [pressed, panel.values()]  # a step of its own
