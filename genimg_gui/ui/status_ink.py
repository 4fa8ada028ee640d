"""How the status bar's texts are drawn. Its line in two inks: a message said while errors show, in the normal ink,
then the errors in red (all in red, the message read as an error too); Qt paints a message in one ink, so the bar
hides its own for this. And a job's label fitted to its progress bar."""
from __future__ import annotations

import re

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QProgressBar, QStatusBar

from . import ink
from .message_log import ERROR_COLOUR

# a job that counts what it has done: wording.step_of's "Inverting: step 145 of 200", "Rendering frame 3 of 600"
COUNTED = re.compile(r"^(?P<doing>.*?)(?P<unit>(?:step|frame|image) )?(?P<count>[\d,]+ of [\d,]+)$")
WRITING = re.compile(r"^(?P<doing>\S+ )(?P<name>.+?)(?P<suffix>\.\w+…)$")  # AnimationFile.doing: "Writing morph.gif…"
BAR_PADDING = 12  # px the style keeps round a progress bar's text

MESSAGE_LEFT = 6  # px where Qt paints a message from
NOTE_THEN_ERRORS = " — "  # between a message and the errors it shows before
# the bar's own ink while a message shows before errors: paint_note_then_errors draws the line itself
INK_HIDDEN = "QStatusBar { color: transparent; }"


def paint_note_then_errors(bar: QStatusBar, shown: str, note: str, normal: QColor) -> None:
    """The message before the errors in the normal ink, the errors in red, where Qt paints a message. Another text
    put there meanwhile is painted whole, in the normal ink."""
    note += NOTE_THEN_ERRORS
    parts = [(shown[:len(note)], normal), (shown[len(note):], ink.on(bar, ERROR_COLOUR))] \
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
    text = text[:1].upper() + text[1:]  # as every other message: "rendering frame…" began in lowercase
    percent = "" if COUNTED.match(text) else " %p%"
    metrics = bar.fontMetrics()
    # maximumWidth: the bar's fixed width, set before it is ever shown
    room = bar.maximumWidth() - BAR_PADDING - (metrics.horizontalAdvance(" 100%") if percent else 0)
    return fit_job_label(text, metrics, room) + percent


def fit_job_label(text: str, metrics: QFontMetrics, room: int) -> str:
    """text in room px, shortening what matters least: the words before a count ("Inverting: 145 of 200", then
    "Inve… 145 of 200"), the middle of a file's name, never its format ("Writing mo…h 3.gif…"). Cut at its end, the
    label lost the total ("Inverting: step 38 of 2…") or the format ("Writing morph 3…")."""
    def fits(label: str) -> bool:
        return metrics.horizontalAdvance(label) <= room

    if fits(text):
        return text
    if counted := COUNTED.match(text):
        doing, count = counted["doing"], counted["count"]
        if fits(doing + count):
            return doing + count
        return metrics.elidedText(doing.rstrip(), Qt.TextElideMode.ElideRight,
                                  room - metrics.horizontalAdvance(" " + count)) + " " + count
    if writing := WRITING.match(text):
        kept = writing["doing"] + writing["suffix"]
        name = metrics.elidedText(writing["name"], Qt.TextElideMode.ElideMiddle, room - metrics.horizontalAdvance(kept))
        return writing["doing"] + name + writing["suffix"]
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
