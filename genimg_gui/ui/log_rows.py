"""The message log's rows in two columns, its time and its message, the message wrapped within its own column (a
hanging indent): wrapped as one text, a long message's second line began under the time, and the times no longer
stood apart down the left edge."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

TIME_ROLE = Qt.ItemDataRole.UserRole            # "14:03:12"
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1     # what was said, after the time ("⚠ …  (×3)")
V_MARGIN = 1  # px above and below a row's text: an entry of two lines stands apart from the next
WRAP = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


def time_width(metrics: QFontMetrics) -> int:
    """The time column's width: any "hh:mm:ss" and the two spaces the copied log puts after it. The widest digit
    six times: in a font whose digits differ in width, the messages still start at one x."""
    widest = max(metrics.horizontalAdvance(digit) for digit in "0123456789")
    return 6 * widest + metrics.horizontalAdvance("::  ")


class HangingRows(QStyledItemDelegate):
    """Draws a row's TIME_ROLE and MESSAGE_ROLE side by side (the row's text, the whole line, is what is copied and
    read out), the message wrapped in the room right of the time."""

    def columns(self, option: QStyleOptionViewItem) -> tuple[QRect, QRect]:
        """(the time's box, the message's) in option.rect, inside the margins the style keeps round an item's text."""
        margin = _style(option).pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, option.widget) + 1
        box = option.rect.adjusted(margin, V_MARGIN, -margin, -V_MARGIN)
        split = box.left() + time_width(option.fontMetrics)
        return (QRect(box.left(), box.top(), split - box.left(), box.height()),
                QRect(split, box.top(), max(1, box.right() - split + 1), box.height()))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = QStyleOptionViewItem(option)
        self.initStyleOption(row, index)  # the row's own ink (an error's red) into its palette's Text
        row.text = ""  # the style draws the row's background, selection and focus; the text is drawn here
        _style(row).drawControl(QStyle.ControlElement.CE_ItemViewItem, row, painter, row.widget)
        group = (QPalette.ColorGroup.Disabled if not row.state & QStyle.StateFlag.State_Enabled else
                 QPalette.ColorGroup.Active if row.state & QStyle.StateFlag.State_Active else
                 QPalette.ColorGroup.Inactive)
        selected = row.state & QStyle.StateFlag.State_Selected
        ink = row.palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        time_box, message_box = self.columns(row)
        painter.save()
        painter.setFont(row.font)
        painter.setPen(ink)
        painter.drawText(time_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), index.data(TIME_ROLE))
        painter.drawText(message_box, int(WRAP), index.data(MESSAGE_ROLE))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt's name)
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """As tall as the message wrapped in its column of the view's width (the list asks again as it is
        resized)."""
        row = QStyleOptionViewItem(option)
        self.initStyleOption(row, index)
        if row.rect.width() <= 0 and isinstance(row.widget, QAbstractItemView):  # asked before the list has a size
            row.rect = row.widget.viewport().rect()
        _time_box, message_box = self.columns(row)
        wrapped = row.fontMetrics.boundingRect(QRect(0, 0, message_box.width(), 1_000_000), int(WRAP),
                                               index.data(MESSAGE_ROLE) or "")
        return QSize(row.rect.width(), max(wrapped.height(), row.fontMetrics.height()) + 2 * V_MARGIN)


def _style(option: QStyleOptionViewItem) -> QStyle:
    return option.widget.style() if option.widget is not None else QApplication.style()
