"""How the status bar's texts are drawn. Its line in two inks: a message said while errors show, in the normal ink,
then the errors in red (all in red, the message read as an error too); Qt paints a message in one ink, so the bar
hides its own for this. And a job's label fitted to its progress bar."""
from __future__ import annotations

import re

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QProgressBar, QStatusBar

from .message_log import ERROR_COLOUR

COUNTS_STEPS = re.compile(r"step [\d,]+ of [\d,]+$")  # wording.step_of's "Inverting: step 145 of 200"
BAR_PADDING = 12  # px the style keeps round a progress bar's text

MESSAGE_LEFT = 6  # px where Qt paints a message from
NOTE_THEN_ERRORS = " — "  # between a message and the errors it shows before
# the bar's own ink while a message shows before errors: paint_note_then_errors draws the line itself
INK_HIDDEN = "QStatusBar { color: transparent; }"


def paint_note_then_errors(bar: QStatusBar, shown: str, note: str, normal: QColor) -> None:
    """The message before the errors in the normal ink, the errors in red, where Qt paints a message. Another text
    put there meanwhile is painted whole, in the normal ink."""
    note += NOTE_THEN_ERRORS
    parts = [(shown[:len(note)], normal), (shown[len(note):], QColor(ERROR_COLOUR))] \
        if shown.startswith(note) else [(shown, normal)]
    painter = QPainter(bar)
    x = MESSAGE_LEFT
    for text, colour in parts:
        painter.setPen(colour)
        painter.drawText(QRect(x, 0, max(0, bar.width() - x), bar.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                         text)
        x += bar.fontMetrics().horizontalAdvance(text)


def job_bar_format(bar: QProgressBar, text: str) -> str:
    """A job's label fitted on one line of its fixed-width progress bar, with the percent unless it counts its steps.
    Unfitted, "computing latent directions 75%" wrapped onto two lines and ran out of the bar, and
    "inverting 145/200 72%" read crammed."""
    percent = "" if COUNTS_STEPS.search(text) else " %p%"
    metrics = bar.fontMetrics()
    # maximumWidth: the bar's fixed width, set before it is ever shown
    room = bar.maximumWidth() - BAR_PADDING - (metrics.horizontalAdvance(" 100%") if percent else 0)
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room) + percent
