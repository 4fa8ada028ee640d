"""Where the keyboard is shows clearly on a focused slider's handle and on the History tree's row it is on, on a light
palette and a dark one: Fusion tinted the handle's outline and drew a thin line of the highlight's shade round the
row, which a keyboard user could not find. Measured as drawn (WCAG 2.4.13's test): the pixels the focus changes
change 3:1 or more, and they are at least as many as a line round the handle or row."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider

from genimg_gui.ui.focus_frame import FRAME_WIDTH
from genimg_gui.ui.ink import GRAPHIC, contrast
from genimg_gui.ui.sliders import SliderPanel
from test_contrast import drawn, palette  # noqa: F401 (a fixture)
from widget_helpers import focused, shown

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


def handle_rect(slider: QSlider) -> QRect:
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    return slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle,
                                         slider)


def test_a_focused_sliders_handle_is_framed(qtbot, window, palette):
    window.tabs.setCurrentWidget(window.slider_tab)
    slider = window.sliders.sliders[0]
    handle = handle_rect(slider)
    changed, line = focus_change(qtbot, window, slider, handle.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
    assert changed >= line, (palette, changed, line)


@pytest.mark.parametrize("key", [Qt.Key.Key_Home, Qt.Key.Key_End], ids=["-3σ", "+3σ"])
def test_a_focused_slider_at_its_end_is_framed_on_that_side_too(qtbot, key):
    """At +3σ (End) the handle met the slider's right edge, and its focus frame's right side was cut off (at −3σ,
    Home, its left side): the frame's side at that end is drawn whole, 3:1 against the slider unfocused."""
    panel = shown(qtbot, SliderPanel())
    panel.resize(400, 300)  # as wide as the side panel: the slider's ends in the list's view
    panel.set_directions(("PC1 (21.4%)", "PC2 (17.5%)"))
    slider = focused(qtbot, panel.sliders[0])
    qtbot.keyClick(slider, key)
    assert slider.value() == (slider.minimum() if key == Qt.Key.Key_Home else slider.maximum())
    frame = handle_rect(slider).adjusted(-FRAME_WIDTH, -FRAME_WIDTH, FRAME_WIDTH, FRAME_WIDTH)
    framed = drawn(slider, frame)
    focused(qtbot, panel.sliders[1])
    unframed = drawn(slider, frame)
    side = 0 if key == Qt.Key.Key_Home else frame.width() - 1  # the frame's outer column at the slider's end
    changed = [contrast(framed.pixelColor(side, y), unframed.pixelColor(side, y)) >= GRAPHIC
               for y in range(frame.height())]
    assert all(changed), (frame, slider.rect(), changed)


def test_the_history_row_the_keyboard_is_on_is_framed(qtbot, window, palette):
    window.tabs.setCurrentWidget(window.history_panel)
    tree = window.history_panel.tree
    [row] = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]  # the sample: current, selected
    area = tree.visualItemRect(row).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN) & tree.viewport().rect()
    changed, line = focus_change(qtbot, window, tree.viewport(), area)
    assert changed >= line, (palette, changed, line)
