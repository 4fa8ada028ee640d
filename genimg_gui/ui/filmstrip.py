"""A strip of thumbnails, one per open image or GAN sample, to pick what to edit."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import (QListView, QListWidget, QListWidgetItem, QMenu, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem)

from .focus_frame import focus_colour, paint_empty_view_focus, paint_focus_frame
from .inversion_names import fitted_name
from .qimage import image_icon, to_qimage

ID_ROLE = Qt.ItemDataRole.UserRole
CELL_WIDTH = 140  # px: a 64-px thumbnail and a name of about 19 characters ("seed 2147483647", a camera's file name)
ICON_SIZE = 64  # px
DESCENDERS = "_gjpqy"  # the glyphs that reach lowest below the line


def caption_height(metrics: QFontMetrics) -> int:
    """A caption's line down to the ink of its lowest descender, and one row more: the baseline falls between
    pixel rows (DejaVu Sans 9 pt: 11.125 px down), so a smoothed "_" or "y" spills a row past the font's descent.
    Qt's highlight and cell (ascent + descent) cut that row off, white on white."""
    below_baseline = max(metrics.descent(), metrics.boundingRect(DESCENDERS).bottom() + 1)
    return metrics.ascent() + below_baseline + 1


def thumbnail(image) -> QImage:
    """An (H, W, 3) picture as its cell shows it: fitted into ICON_SIZE square, centred on a clear one. Qt draws an
    icon smaller than the icon size at its own size, so a 32-px VAE's pictures sat in a shorter box than the rest,
    their names higher up. Smoothed either way, as the canvas draws a picture at any zoom."""
    fitted = to_qimage(image).scaled(ICON_SIZE, ICON_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)
    square = QImage(ICON_SIZE, ICON_SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawImage((ICON_SIZE - fitted.width()) // 2, (ICON_SIZE - fitted.height()) // 2, fitted)
    painter.end()
    return square


class _CaptionDelegate(QStyledItemDelegate):
    """A thumbnail's caption sits at the top of the room under the picture, on a highlight as tall as
    caption_height when selected, in a cell tall enough for it."""

    def _extra(self, option: QStyleOptionViewItem) -> int:
        return caption_height(option.fontMetrics) - option.fontMetrics.height()

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802 (Qt's name)
        super().initStyleOption(option, index)
        option.displayAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 (Qt's name)
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self._extra(option))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if option.state & QStyle.StateFlag.State_Selected:  # the band under Qt's own, shorter highlight
            styled = QStyleOptionViewItem(option)
            self.initStyleOption(styled, index)
            text = option.widget.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, styled, option.widget)
            band = QRect(text.left(), text.top(), text.width(), caption_height(option.fontMetrics))
            painter.fillRect(band, option.palette.brush(_colour_group(option), QPalette.ColorRole.Highlight))
        super().paint(painter, option, index)
        if option.state & QStyle.StateFlag.State_HasFocus:  # the strip's current thumbnail, the strip focused
            paint_focus_frame(painter, option.rect, focus_colour(option.widget))


def _colour_group(option: QStyleOptionViewItem) -> QPalette.ColorGroup:
    """The palette group Qt's style picks its highlight from."""
    if not option.state & QStyle.StateFlag.State_Enabled:
        return QPalette.ColorGroup.Disabled
    active = option.state & QStyle.StateFlag.State_Active
    return QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive


def cell_height(metrics: QFontMetrics, style: QStyle) -> int:
    """A cell's height: the thumbnail, the gap Qt's style leaves under it, the caption, and room under that so the
    highlight does not touch the scroll bar."""
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameVMargin) + 1
    return ICON_SIZE + margin + caption_height(metrics) + 2 * margin


class Filmstrip(QListWidget):
    item_selected = Signal(int)
    close_requested = Signal(int)  # an item's id, from its right-click menu

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setItemDelegate(_CaptionDelegate(self))
        # a fixed cell, the name elided to fit: laid out by their text, a thumbnail renamed to a longer name
        # ("seed 562716747") drew over its neighbour until the next item came, and long file names ran wide
        self.setGridSize(QSize(CELL_WIDTH, cell_height(self.fontMetrics(), self.style())))
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        self.setFixedHeight(self.gridSize().height() + scroll_bar + 2 * self.frameWidth())
        self.setMovement(QListView.Movement.Static)
        self.setAccessibleName("Open images")
        self.currentItemChanged.connect(self._on_current)

    def add(self, item_id: int, name: str, image, row: int | None = None) -> None:
        """A thumbnail at the end, or at row (a reopened image goes back where it was)."""
        entry = QListWidgetItem(image_icon(thumbnail(image)), self.caption(name))
        entry.setData(ID_ROLE, item_id)
        entry.setToolTip(name)  # the whole name, where the cell shortens it
        self.insertItem(self.count() if row is None else row, entry)

    def set_thumbnail(self, item_id: int, image, name: str) -> None:
        for row in range(self.count()):
            entry = self.item(row)
            if entry.data(ID_ROLE) == item_id:
                entry.setIcon(image_icon(thumbnail(image)))
                renamed = entry.text() != self.caption(name)
                entry.setText(self.caption(name))  # a GAN item is renamed when its seed changes
                entry.setToolTip(name)
                self.scheduleDelayedItemsLayout()  # its cell is laid out again for the new name
                if renamed and entry is self.currentItem():
                    # now, and scrolled along: a cancelled inversion's longer name ("p1.jpg, inv. (step 40)") was
                    # left cut at the strip's edge, the strip scrolled only as far as the shorter one needed
                    self.executeDelayedItemsLayout()
                    self.show_current()

    def caption(self, name: str) -> str:
        """name as its cell shows it: shortened here rather than by the view, which cut an inversion's number and
        stop off ("big_photo... 240) (2)") where fitted_name shortens the source's name."""
        margins = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1)
        return fitted_name(self.fontMetrics(), name, CELL_WIDTH - margins - 2)  # 2 px: the view's own rounding

    def remove(self, item_id: int) -> None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == item_id:
                self.blockSignals(True)  # the document chooses the next current item itself
                self.takeItem(row)
                self.blockSignals(False)
                return

    def select(self, item_id: int) -> None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == item_id:
                self.blockSignals(True)
                self.setCurrentRow(row)
                self.blockSignals(False)
                self.show_current()

    def show_current(self) -> None:
        """Scroll the current thumbnail's whole cell into view: in a narrower window it was left off to the right, or
        cut in half, the strip still scrolled to its start; scrolled only until the thumbnail's edge met the strip's,
        its highlighted name ran into the frame, looking cut off, its cell's margin out of view."""
        if self.currentItem() is None:
            return
        # by hand: Qt's scrollToItem left the last pixel column of a thumbnail at the right edge out of view
        shown, thumbnail = self.viewport().rect(), self.visualItemRect(self.currentItem())
        margin = (self.gridSize().width() - thumbnail.width()) // 2  # the thumbnail is centred in its cell
        cell = thumbnail.adjusted(-margin, 0, margin, 0) if self.gridSize().width() <= shown.width() else thumbnail
        bar = self.horizontalScrollBar()
        if cell.left() < shown.left():
            bar.setValue(bar.value() - (shown.left() - cell.left()))
        elif cell.right() > shown.right():
            bar.setValue(bar.value() + min(cell.right() - shown.right(), cell.left() - shown.left()))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self.show_current()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().paintEvent(event)
        paint_empty_view_focus(self)

    def context_menu(self, row: int) -> QMenu:
        """The right-click menu of a thumbnail: close that image."""
        menu = QMenu(self)
        item_id = self.item(row).data(ID_ROLE)
        menu.addAction(f"Close “{self.item(row).toolTip()}”", lambda: self.close_requested.emit(item_id))
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        entry = self.itemAt(event.pos())
        if entry is not None:
            menu = self.context_menu(self.row(entry))
            menu.exec(event.globalPos())
            menu.deleteLater()  # a child of the strip: each menu would stay behind

    def _on_current(self, current, _previous) -> None:
        if current is not None:
            self.item_selected.emit(current.data(ID_ROLE))
