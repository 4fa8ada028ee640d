"""A focus frame for the Tab stops whose style shows no focus: the canvas (a plain widget), an empty list (no
current item to mark), the filmstrip's current thumbnail (Fusion darkened its outline by a shade) and the Models
tab's card (a frameless scroll area). Tabbing on to them, the keyboard's place was lost. Where the style's own mark
was faint, a frame too: round a focused slider's handle (FocusSlider; Fusion tinted its outline) and the History
tree's row the keyboard is on (paint_row_focus; Fusion drew a thin line of the highlight's shade round it, lost on
the selected row). These two are drawn in a shade of the highlight that reads 3:1 on what they are drawn on
(ink.GRAPHIC), on light and dark palettes alike."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QScrollArea, QSlider, QStyle, QStyleOptionSlider,
                               QStyleOptionViewItem, QWidget)

from .ink import GRAPHIC, behind, readable

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


def paint_row_focus(painter: QPainter, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> None:
    """A focus frame round a view's row while the view has the keyboard focus (call after the row is drawn; the view
    marks only that row State_HasFocus, and only then), in the highlight's hue, as the other focus frames, in a shade
    that reads 3:1 on the row: the highlight itself on a plain row; on the selected row, where the keyboard most often
    is and the highlight's own colour would not show, a shade of it towards the view's text (deeper on a light list,
    paler on a dark one, where a deep one merged with the rows around it; the other way where the text lies too
    near the highlight for any shade that way to read, as on High Contrast Black's cyan). In the text's colour, it
    was a heavy black (or white) box on the selected row that looked like a mistake rather than a mark."""
    if not option.state & QStyle.StateFlag.State_HasFocus:
        return
    palette, group = option.palette, QPalette.ColorGroup.Active  # the view has the focus: its window is active
    highlight = palette.color(group, QPalette.ColorRole.Highlight)
    if option.state & QStyle.StateFlag.State_Selected:
        row = highlight
    else:
        row = _over(index.data(Qt.ItemDataRole.BackgroundRole), palette.color(group, QPalette.ColorRole.Base))
    text = palette.color(group, QPalette.ColorRole.Text)
    paint_focus_frame(painter, option.rect, readable(highlight, row, GRAPHIC, towards=text))


def _over(background: object, base: QColor) -> QColor:
    """A row's colour: its own background (a tint, maybe see-through) over base, or base where it has none."""
    brush = QBrush(background) if isinstance(background, (QBrush, QColor)) else QBrush()
    if brush.style() == Qt.BrushStyle.NoBrush:
        return base
    tint, alpha = brush.color(), brush.color().alphaF()
    return QColor.fromRgbF(*(alpha * t + (1 - alpha) * b for t, b in zip(tint.getRgbF()[:3], base.getRgbF()[:3])))


class FocusSlider(QSlider):
    """A slider whose handle is framed while it has the keyboard focus, in the highlight's shade that reads where the
    slider is drawn. The frame goes round the handle, not on its grey outline, where it read at under 2:1: the slider
    is FRAME_WIDTH larger on each side to hold it, and its handle stops FRAME_WIDTH short of either end (at ±3σ the
    handle met the slider's edge, and the frame's side there was cut off)."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name; QSlider's minimumSizeHint is made from it)
        return super().sizeHint() + QSize(2 * FRAME_WIDTH, 2 * FRAME_WIDTH)

    def initStyleOption(self, option: QStyleOptionSlider) -> None:  # noqa: N802 (Qt's name)
        """The style's slider: the widget less FRAME_WIDTH at either end along it. Qt asks this to draw the slider
        and to place the handle under the mouse, so the groove, the handle's travel and a click agree."""
        super().initStyleOption(option)
        if self.orientation() == Qt.Orientation.Horizontal:
            option.rect = option.rect.adjusted(FRAME_WIDTH, 0, -FRAME_WIDTH, 0)
        else:
            option.rect = option.rect.adjusted(0, FRAME_WIDTH, 0, -FRAME_WIDTH)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if self.hasFocus():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            handle = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                                 QStyle.SubControl.SC_SliderHandle, self)
            painter = QPainter(self)
            paint_focus_frame(painter, handle.adjusted(-FRAME_WIDTH, -FRAME_WIDTH, FRAME_WIDTH, FRAME_WIDTH),
                              readable(focus_colour(self), behind(self), GRAPHIC))
            painter.end()


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
