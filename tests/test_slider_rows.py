"""A direction's row in the Sliders tab: its name, value and ↺ over a slider as wide as the row, its preview strip
under the slider, each preview large and under the slider position it shows. The row was [name | slider | value | ↺]
on one line: a ~115-px slider, ~220 px empty under the name, each preview of a strip drawn ~16 px wide, touching the
next, and at a 14 pt font names shortened to "skin ton…→ darker"."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QSlider, QStyle, QStyleOptionSlider

from genimg_gui.catalog import bundled_models, default_model
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.preview_controller import THUMB_SIZE
from genimg_gui.ui.qimage import from_qimage
from genimg_gui.ui.sliders import ROW_MARGIN, SliderPanel

from widget_helpers import shown, solid

PANEL_AT_1000 = 378  # px: the Sliders tab's room in a 1000-px window, whose Edit panel is the least, 400 px
PANEL_AT_1200 = 458  # px: ...in the 1200 × 760 window genimg opens at first (window_geometry.FIRST_SIZE)
COLOURS = [(230, 30, 30), (30, 160, 30), (30, 30, 230), (220, 200, 0), (200, 0, 200), (0, 190, 200), (120, 60, 0)]


def panel_at(qtbot, width: int, labels: tuple[str, ...], point_size: int | None = None) -> SliderPanel:
    panel = SliderPanel()
    if point_size:
        font = panel.font()
        font.setPointSize(point_size)
        panel.setFont(font)
    shown(qtbot, panel).resize(width, 700)
    panel.set_directions(labels, labels)
    QApplication.processEvents()
    return panel


def handle_x(slider: QSlider, value: int, widget) -> float:
    """The middle of slider's handle at value, in widget's px, as its style draws it."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    option.sliderPosition = option.sliderValue = value
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle,
                                           slider)
    return widget.mapFromGlobal(slider.mapToGlobal(QPoint(0, 0))).x() + handle.x() + handle.width() / 2


def runs(line: np.ndarray, colour) -> list[tuple[int, int]]:
    """(first, last) x of each run of pixels of colour along a line of pixels."""
    near = np.abs(line.astype(int) - colour).max(axis=1) <= 8
    edges = np.flatnonzero(np.diff(np.concatenate([[0], near.astype(int), [0]])))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


@pytest.mark.parametrize("width", [PANEL_AT_1000, PANEL_AT_1200])
def test_each_preview_is_drawn_large_apart_from_the_next_under_the_slider_position_it_shows(qtbot, width):
    """A strip of a 64-px model's previews (the engine makes them THUMB_SIZE) at the panel's default widths: each is
    drawn at least 40 px square, a gap before the next, its middle under the slider's handle at the σ it shows."""
    panel = panel_at(qtbot, width, ("PC1", "PC2"))
    panel.previews_box.setChecked(True)
    panel.set_preview(0, np.stack([solid(c, THUMB_SIZE) for c in COLOURS]))
    QApplication.processEvents()
    strip, slider = panel.strips[0], panel.sliders[0]
    painted = from_qimage(strip.grab().toImage())
    middle = painted[len(painted) // 4]  # a line across the previews, drawn from the strip's top
    spans = [runs(middle, c) for c in COLOURS]
    assert all(len(s) == 1 for s in spans), spans  # each preview once, whole
    spans = [s[0] for s in spans]
    for (first, last), (next_first, _) in zip(spans, spans[1:]):
        assert next_first - last >= 3  # apart
    for (first, last), sigma in zip(spans, panel.preview_values()):
        assert last - first + 1 >= 40
        assert abs((first + last + 1) / 2 - handle_x(slider, round(sigma * 100), strip)) <= 1.5, sigma
    tall = [runs(painted[:, (a + b) // 2], c) for (a, b), c in zip(spans, COLOURS)]
    assert all(len(t) == 1 and abs((t[0][1] - t[0][0]) - (b - a)) <= 1 for t, (a, b) in zip(tall, spans))  # square


def test_the_slider_spans_the_row_which_stays_compact(qtbot):
    """The slider's groove takes the row's width (it took ~30 % of it), and the row is no taller than its name's line
    over its slider."""
    panel = panel_at(qtbot, PANEL_AT_1000, ("PC1 (7.4%)", "skin tone: lighter → darker", "style: Google → Twitter"))
    slider = panel.sliders[0]
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    groove = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove,
                                           slider)
    row_width = panel.scroll.viewport().width() - 2 * ROW_MARGIN
    assert groove.width() >= 0.8 * row_width, (groove.width(), row_width)
    pitch = panel.sliders[1].mapTo(panel, QPoint()).y() - slider.mapTo(panel, QPoint()).y()
    line = max(panel._names[0].sizeHint().height(), panel._value_labels[0].sizeHint().height())
    assert pitch <= line + slider.sizeHint().height() + 2 + 4  # 2: the ↺ button's room; 4: between two rows


def test_at_a_14_pt_font_the_bundled_vaes_names_keep_their_words(qtbot):
    """At 14 pt in the window genimg opens at first, its names read "skin ton…→ darker", "category… Emotion",
    "… → Animals & Na…": now a name takes the row's width, and what is shortened loses a shared "from" part only."""
    labels = Runtime("cpu").load(default_model("vae", bundled_models()).path, lambda *_: None).directions.labels
    panel = panel_at(qtbot, PANEL_AT_1200, labels, point_size=14)
    assert panel.scroll.verticalScrollBar().isVisible()  # 22 rows: its width is the names' too
    shown_as = {name.text(): name.shown_parts() for name in panel._names}
    assert shown_as["skin tone: lighter → darker"] == ("skin tone: lighter → ", "darker")
    assert shown_as["style: Google → Twitter"] == ("style: Google → ", "Twitter")
    head, to = shown_as["category: other → Smileys & Emotion"]  # the group's first: its topic stays
    assert head.startswith("category: ") and to.startswith("Smileys")
    for later in ("Animals & Nature", "Food & Drink", "Flags"):
        assert "".join(shown_as[f"category: other → {later}"]).endswith(f"→ {later}")  # whole
    assert all("".join(shown_as[label]) == label for label in labels if label.startswith("PC"))


def test_a_right_click_anywhere_on_a_row_opens_its_menu(qtbot, monkeypatch):
    """On its strip, or between its parts, too: the previews belong to the row they are in."""
    panel = panel_at(qtbot, PANEL_AT_1000, ("PC1", "mine"))
    menus = []
    monkeypatch.setattr(panel, "show_menu", lambda row, _at: menus.append(row))
    panel.previews_box.setChecked(True)
    panel.set_preview(1, np.stack([solid(c, THUMB_SIZE) for c in COLOURS]))
    QApplication.processEvents()
    strip, slider = panel.strips[1], panel.sliders[1]
    row = slider.parentWidget()
    beside = QPoint(1, slider.geometry().center().y())  # left of the slider, under the name
    for widget, at in ((strip, strip.rect().center()), (row, beside)):
        assert widget.isVisible() and widget.childAt(at) is None
        QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, widget.mapToGlobal(at)))
    assert menus == [1, 1]
