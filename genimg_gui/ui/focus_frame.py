"""A focus frame for the Tab stops whose style shows no focus: the canvas (a plain widget), an empty list (no
current item to mark), the filmstrip's current thumbnail (Fusion darkened its outline by a shade) and the Models
tab's card (a frameless scroll area). Tabbing on to them, the keyboard's place was lost."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QFrame, QScrollArea, QWidget

FRAME_WIDTH = 2  # px: one pixel of the highlight colour was easy to miss on a photo's edge


def focus_colour(widget: QWidget) -> QColor:
    """The active highlight, as the focused frame of a line edit or spin box is drawn."""
    return widget.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)


def paint_focus_frame(painter: QPainter, rect: QRect | QRectF, colour: QColor) -> None:
    """A FRAME_WIDTH line just inside rect."""
    painter.save()
    pen = QPen(colour, FRAME_WIDTH)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inset = FRAME_WIDTH / 2
    painter.drawRect(QRectF(rect).adjusted(inset, inset, -inset, -inset))
    painter.restore()


def paint_empty_view_focus(view: QAbstractItemView) -> None:
    """Round an empty view's viewport while it has focus (call at the end of its paintEvent)."""
    if view.hasFocus() and view.model() is not None and view.model().rowCount() == 0:
        painter = QPainter(view.viewport())
        paint_focus_frame(painter, view.viewport().rect(), focus_colour(view))
        painter.end()


class FramedScrollArea(QScrollArea):
    """A frameless scroll area whose content is no Tab stop (read-only text): the area is the stop, the arrow keys
    and Page Up/Down scroll it, and a focus frame rounds it while it has the focus. The frame is drawn in a margin
    round the viewport, which the content would cover, and which stays put as the content scrolls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setViewportMargins(FRAME_WIDTH, FRAME_WIDTH, FRAME_WIDTH, FRAME_WIDTH)

    def event(self, event: QEvent) -> bool:
        """The area's own paint (its margin; the viewport paints apart): Qt's paints the frame, here none."""
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and self.hasFocus():
            painter = QPainter(self)
            paint_focus_frame(painter, self.rect(), focus_colour(self))
            painter.end()
        return handled
