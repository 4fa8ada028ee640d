"""Where the keyboard is shows clearly on a focused slider's handle and on the History tree's row it is on, on a light
palette and a dark one: Fusion tinted the handle's outline and drew a thin line of the highlight's shade round the
row, which a keyboard user could not find. Measured as drawn (WCAG 2.4.13's test): the pixels the focus changes
change 3:1 or more, and they are at least as many as a line round the handle or row."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyle, QStyleOptionSlider

from genimg_gui.ui.ink import GRAPHIC, contrast
from test_contrast import drawn, palette  # noqa: F401 (a fixture)

MARGIN = 3  # px round the handle or row, where a frame may be drawn outside it


def focus_change(qtbot, window, widget, area: QRect) -> tuple[int, int]:
    """(how many pixels of area, as drawn, change 3:1 or more as widget takes the keyboard focus from the canvas,
    the length of a line round area): the handle's or row's own, MARGIN taken off."""
    def seen(focused) -> QImage:
        focused.setFocus()
        qtbot.waitUntil(focused.hasFocus)
        return drawn(widget, area)

    unfocused, focused = seen(window.canvas), seen(widget)
    changed = sum(contrast(focused.pixelColor(x, y), unfocused.pixelColor(x, y)) >= GRAPHIC
                  for x in range(area.width()) for y in range(area.height()))
    return changed, 2 * (area.width() + area.height() - 4 * MARGIN)


def test_a_focused_sliders_handle_is_framed(qtbot, window, palette):
    window.tabs.setCurrentWidget(window.slider_tab)
    slider = window.sliders.sliders[0]
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                           QStyle.SubControl.SC_SliderHandle, slider)
    changed, line = focus_change(qtbot, window, slider, handle.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
    assert changed >= line, (palette, changed, line)


def test_the_history_row_the_keyboard_is_on_is_framed(qtbot, window, palette):
    window.tabs.setCurrentWidget(window.history_panel)
    tree = window.history_panel.tree
    [row] = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]  # the sample: current, selected
    area = tree.visualItemRect(row).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN) & tree.viewport().rect()
    changed, line = focus_change(qtbot, window, tree.viewport(), area)
    assert changed >= line, (palette, changed, line)
