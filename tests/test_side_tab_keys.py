"""Ctrl+Page Down and Ctrl+Page Up, the usual keys for the next and the previous tab, go through the side panel's tabs
from anywhere in the window (View → Next side tab, Previous side tab). They reached the focused widget: in the
Generate tab's seed box each stepped the seed by 10 and made a History step (42 → 32), on a slider 50 steps."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from test_seed_steps import step_labels, the_sample, typed_seed

CTRL = Qt.KeyboardModifier.ControlModifier
NEXT, PREVIOUS = Qt.Key.Key_PageDown, Qt.Key.Key_PageUp


def press(qtbot, key) -> None:
    """key with Ctrl, where the keyboard focus is (as a user presses it)."""
    qtbot.keyClick(QApplication.focusWidget(), key, CTRL)


def tab_shown(window) -> str:
    return window.tabs.tabText(window.tabs.currentIndex())


def test_ctrl_page_keys_in_the_seed_box_switch_tabs_and_leave_the_seed(qtbot, window):
    item = the_sample(window)
    box = typed_seed(qtbot, window, item, 42)
    steps = step_labels(window, item)
    press(qtbot, NEXT)
    assert tab_shown(window) == "History" and box.value() == item.seed == 42
    assert step_labels(window, item) == steps
    assert window.tabs.tabBar().hasFocus()  # not sent on to the status bar as the seed box was hidden

    window.tabs.setCurrentWidget(window.gan_panel)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    press(qtbot, PREVIOUS)
    assert tab_shown(window) == "Sliders" and box.value() == item.seed == 42
    press(qtbot, PREVIOUS)  # round the ends
    assert tab_shown(window) == "Models"
    press(qtbot, NEXT)
    assert tab_shown(window) == "Sliders"
    assert step_labels(window, item) == steps


def test_ctrl_page_keys_on_a_slider_and_in_history_switch_tabs(qtbot, window):
    item = the_sample(window)
    window.tabs.setCurrentWidget(window.slider_tab)
    slider = window.sliders.sliders[0]
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    press(qtbot, NEXT)
    assert tab_shown(window) == "Generate" and slider.value() == 0 and len(item.history) == 1
    window.tabs.setCurrentWidget(window.history_panel)
    tree = window.history_panel.tree
    tree.setFocus()
    qtbot.waitUntil(tree.hasFocus)
    press(qtbot, PREVIOUS)
    assert tab_shown(window) == "Generate"
