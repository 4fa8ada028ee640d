"""How the History tab and the message log look, measured as drawn: the History tab has the style's margins as the
other side tabs have (its list and buttons sat on the tab's frame, and the content jumped as the tabs were
switched); the frame round the History row the keyboard is on shows only while the list has the keyboard focus, in
a shade of the highlight (it was a heavy black box); a long message in the log wraps under its own first word, not
under the time."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QLineEdit, QTabWidget, QVBoxLayout, QWidget

from genimg_gui.ui.history_panel import ICON, HistoryPanel
from genimg_gui.ui.ink import GRAPHIC, contrast
from test_contrast import drawn, palette  # noqa: F401 (a fixture)

from widget_helpers import shown, solid

NODES = [(0, None, "Opened", solid(0)), (1, 0, "PC1 (7.4%) +3.00σ", solid(90)), (2, 1, "PC2 −1σ", solid(160))]
EDGE = 20  # px in from a row's right end: where its frame is drawn and nothing else (no icon, no name)


def test_the_history_tab_has_the_margins_of_the_sliders_tab(qtbot, window):
    tabs, history, sliders = window.tabs, window.history_panel, window.slider_tab
    assert history.layout().contentsMargins() == sliders.layout().contentsMargins()
    for tab in (sliders, history):
        tabs.setCurrentWidget(tab)
        qtbot.waitUntil(tab.isVisible)
    margins = sliders.layout().contentsMargins()
    assert margins.left() > 0 and margins.bottom() > 0  # the style's: not on the frame
    assert history.tree.geometry().left() == sliders.title.geometry().left()  # no jump between the tabs
    assert history.stop_button.geometry().bottom() == history.height() - 1 - margins.bottom()


def panel_beside_an_edit(qtbot) -> tuple[HistoryPanel, QLineEdit, QWidget]:
    """A History panel on a tab with step 1 current, a line edit above the tabs to take the focus away, and the
    window holding them (kept by the test)."""
    top = QWidget()
    edit, tabs, panel = QLineEdit(), QTabWidget(), HistoryPanel()
    tabs.addTab(panel, "History")
    layout = QVBoxLayout(top)
    layout.addWidget(edit)
    layout.addWidget(tabs)
    top.resize(420, 400)
    shown(qtbot, top)
    panel.set_nodes(NODES, 1)
    return panel, edit, top


def row_seen(qtbot, panel: HistoryPanel, node_id: int, focused: QWidget) -> QImage:
    focused.setFocus()
    qtbot.waitUntil(focused.hasFocus)
    return drawn(panel.tree.viewport(), panel.tree.visualItemRect(panel.item_for(node_id)))


def hue_gap(a: QColor, b: QColor) -> float:
    gap = abs(a.hslHueF() - b.hslHueF()) * 360
    return min(gap, 360 - gap)


def test_the_current_step_has_no_frame_while_the_list_has_no_focus(qtbot, palette):
    panel, edit, _window = panel_beside_an_edit(qtbot)
    row = row_seen(qtbot, panel, 1, edit)
    fill = row.pixelColor(row.width() - EDGE, row.height() // 2)
    edges = [row.pixelColor(x, y) for x in range(ICON + 8, row.width()) for y in (0, 1, row.height() - 2,
                                                                                   row.height() - 1)]
    edges += [row.pixelColor(x, y) for x in (row.width() - 2, row.width() - 1) for y in range(row.height())]
    assert max(contrast(fill, pixel) for pixel in edges) < 1.5, palette


def test_the_row_the_keyboard_is_on_is_framed_in_a_shade_of_the_highlight(qtbot, palette):
    """On the current (selected) step, a deeper or paler shade of the highlight that reads 3:1 on it; on another
    step, the highlight itself."""
    panel, _edit, _window = panel_beside_an_edit(qtbot)
    highlight = panel.tree.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    for node_id in (1, 2):
        panel.tree.setCurrentItem(panel.item_for(node_id))
        row = row_seen(qtbot, panel, node_id, panel.tree)
        x = row.width() - EDGE
        fill, frame = row.pixelColor(x, row.height() // 2), row.pixelColor(x, 0)
        assert contrast(frame, fill) >= GRAPHIC, (palette, node_id, frame.name(), fill.name())
        assert frame.hslSaturationF() > 0.3 and hue_gap(frame, highlight) < 10, (palette, node_id, frame.name())
        assert row.pixelColor(x, 1) == frame and row.pixelColor(x, 2) != frame  # two pixels wide, as the others


# palettes whose selected row's highlight lies near their text: no shade of it towards the text reads 3:1 on it
HIGH_CONTRAST_BLACK = {"Window": "#000000", "WindowText": "#ffffff", "Base": "#000000", "Text": "#ffffff",
                       "Button": "#000000", "ButtonText": "#ffffff", "Highlight": "#1aebff",
                       "HighlightedText": "#000000"}
WINDOWS_CLASSIC = {"Window": "#d4d0c8", "WindowText": "#000000", "Base": "#ffffff", "Text": "#000000",
                   "Button": "#d4d0c8", "ButtonText": "#000000", "Highlight": "#0a246a", "HighlightedText": "#ffffff"}


@pytest.fixture(params=["high contrast black", "windows classic"])
def near_palette(request, qapp):
    saved = QPalette(qapp.palette())
    colours = HIGH_CONTRAST_BLACK if request.param == "high contrast black" else WINDOWS_CLASSIC
    changed = QPalette(saved)
    for role, colour in colours.items():
        changed.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    qapp.setPalette(changed)
    yield request.param
    qapp.setPalette(saved)


def test_the_selected_rows_frame_reads_where_the_text_is_near_the_highlight(qtbot, near_palette):
    """High Contrast Black's cyan highlight and white text: the frame was white at 1.5:1 on the row; Windows
    classic's navy highlight and black text: black at 1.5:1. A shade of the highlight the other way reads."""
    panel, _edit, _window = panel_beside_an_edit(qtbot)
    highlight = panel.tree.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    panel.tree.setCurrentItem(panel.item_for(1))
    row = row_seen(qtbot, panel, 1, panel.tree)
    x = row.width() - EDGE
    fill, frame = row.pixelColor(x, row.height() // 2), row.pixelColor(x, 0)
    assert contrast(frame, fill) >= GRAPHIC, (near_palette, frame.name(), fill.name())
    assert frame.hslSaturationF() > 0.3 and hue_gap(frame, highlight) < 10, (near_palette, frame.name())


def ink_lines(image: QImage) -> list[np.ndarray]:
    """The columns holding ink, line by line of text, top to bottom: a pixel reading 3:1 on the row's background
    there (at its right end, which no text reaches; a style may shade a row from its top to its bottom) is ink."""
    ink = np.array([[contrast(image.pixelColor(x, y), image.pixelColor(image.width() - 4, y)) >= GRAPHIC
                     for x in range(image.width())] for y in range(image.height())])
    rows = np.flatnonzero(ink.any(axis=1))
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    return [np.flatnonzero(ink[band].any(axis=0)) for band in bands]


def test_a_long_message_in_the_log_wraps_under_its_first_word(qtbot):
    from genimg_gui.ui.message_log import MessageLog, MessageLogDialog

    log = MessageLog()
    # each line begins with a w, its ink at the same x as the first line's; no i, whose dot stands apart as a line
    log.add(" ".join(["wonderful"] * 40))
    dialog = shown(qtbot, MessageLogDialog(log))
    view = dialog.list
    when = log.entries[0].when
    lines = ink_lines(drawn(view.viewport(), view.visualItemRect(view.item(0))))
    assert len(lines) >= 3, len(lines)
    time_start = lines[0][0]
    message_start = lines[0][lines[0] > time_start + view.fontMetrics().horizontalAdvance(when)][0]
    # to the pixel: antialiased, a glyph's faint first column may read just under 3:1 on one line and over on another
    assert all(abs(line[0] - message_start) <= 1 for line in lines[1:]), (time_start, message_start, lines)
