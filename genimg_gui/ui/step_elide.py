"""A History step's name shortened to fit its row: the value at its end stays whole, the rest loses its end.

Qt's ElideMiddle cuts wherever the middle falls, the value's sign and digits too: "PC2 (…0.13σ" and "PC7 ….38σ"
lost the "+" that tells +0.38σ from -0.38σ, while "PC2 (6…-0.17σ" beside them kept it."""
from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QFontMetricsF, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .focus_frame import paint_row_focus
from .inversion_names import fitted_name

# a slider's value, "+0.13σ", "-0.17σ", "−1σ"; the last one stays, with what follows it (a caption's "”", " …")
VALUE = re.compile(r"[+\-−]\d+(?:\.\d+)?σ")
QUOTED = re.compile(r"“([^”]+)”")  # a name within a step's name: "Sent from “p1.jpg, inverted” to the VAE"
LEAST_QUOTED = "abcdef…"  # the least room a quoted name is shortened into, else the step's end goes instead


def value_tail(text: str) -> str:
    """The end of a step's name that must stay whole: from its last value on, else its last word."""
    values = list(VALUE.finditer(text))
    if values:
        return text[values[-1].start():]
    return text[text.rstrip().rfind(" ") + 1:]


def elide_step_name(metrics: QFontMetrics | QFontMetricsF, text: str, width: float) -> str:
    """text in width px: as it is when it fits, else its start shortened ("PC2 (6…+0.13σ") and its value whole;
    where not even the value fits, its middle elided as Qt does."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    quoted = None if VALUE.search(text) else _shortened_quote(metrics, text, width)
    if quoted is not None:
        return quoted
    tail = value_tail(text)
    head = text[:len(text) - len(tail)]
    room = width - metrics.horizontalAdvance(tail)
    if not head or room < metrics.horizontalAdvance("…"):
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
    return metrics.elidedText(head, Qt.TextElideMode.ElideRight, room) + tail


def _shortened_quote(metrics: QFontMetrics | QFontMetricsF, text: str, width: float) -> str | None:
    """text in width with the name it quotes shortened (as the filmstrip shortens it: an inversion's keeps what
    tells it apart) and the words around it whole; None without a quoted name, or with too little room for one.
    Shortened at its end, "Sent from “p1.jpg, inverted (stopped at step 40)” to…VAE" lost "the" instead."""
    found = list(QUOTED.finditer(text))
    if not found:
        return None
    name = found[-1]
    before, after = text[:name.start(1)], text[name.end(1):]
    room = width - metrics.horizontalAdvance(before) - metrics.horizontalAdvance(after)
    if room < metrics.horizontalAdvance(LEAST_QUOTED):  # a row so narrow that "p…,…" would say nothing
        return None
    return before + fitted_name(metrics, name.group(1), room) + after


class StepNameDelegate(QStyledItemDelegate):
    """Draws each row with its text shortened by elide_step_name to the room the style gives the text, and a focus
    frame round the row the keyboard is on (focus_frame.paint_row_focus) instead of the style's."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = QStyleOptionViewItem(option)
        # the frame is the one mark of the focus: the style's own under it (Fusion's, a faint tint lighter at the top)
        # shaded the row, and a frame chosen to read 3:1 on the row's colour read 2.7:1 on what was drawn
        row.state &= ~QStyle.StateFlag.State_HasFocus
        super().paint(painter, row, index)
        paint_row_focus(painter, option, index)

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if option.rect.isEmpty() or not option.text:  # no row to fit (a size hint): the name as it is
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is None:
            return
        box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget)
        # the style draws the text inside this margin on either side (QCommonStyle's viewItemDrawText)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        option.text = elide_step_name(QFontMetrics(option.font), option.text, box.width() - 2 * margin)
