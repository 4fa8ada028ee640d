"""A strip of thumbnails, one per open image or GAN sample, to pick what to edit."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QMenu, QStyle

from .inversion_names import fitted_name
from .qimage import image_icon, to_qimage

ID_ROLE = Qt.ItemDataRole.UserRole
CELL_WIDTH = 140  # px: a 64-px thumbnail and a name of about 19 characters ("seed 2147483647", a camera's file name)


class Filmstrip(QListWidget):
    item_selected = Signal(int)
    close_requested = Signal(int)  # an item's id, from its right-click menu

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(64, 64))
        # a fixed cell, the name elided to fit: laid out by their text, a thumbnail renamed to a longer name
        # ("seed 562716747") drew over its neighbour until the next item came, and long file names ran wide
        self.setGridSize(QSize(CELL_WIDTH, 88))
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        self.setFixedHeight(110)
        self.setMovement(QListView.Movement.Static)
        self.currentItemChanged.connect(self._on_current)

    def add(self, item_id: int, name: str, image, row: int | None = None) -> None:
        """A thumbnail at the end, or at row (a reopened image goes back where it was)."""
        entry = QListWidgetItem(image_icon(to_qimage(image)), self.caption(name))
        entry.setData(ID_ROLE, item_id)
        entry.setToolTip(name)  # the whole name, where the cell shortens it
        self.insertItem(self.count() if row is None else row, entry)

    def set_thumbnail(self, item_id: int, image, name: str) -> None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == item_id:
                self.item(row).setIcon(image_icon(to_qimage(image)))
                self.item(row).setText(self.caption(name))  # a GAN item is renamed when its seed changes
                self.item(row).setToolTip(name)
                self.scheduleDelayedItemsLayout()  # its cell is laid out again for the new name

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

    def context_menu(self, row: int) -> QMenu:
        """The right-click menu of a thumbnail: close that image."""
        menu = QMenu(self)
        item_id = self.item(row).data(ID_ROLE)
        menu.addAction(f"Close “{self.item(row).toolTip()}”", lambda: self.close_requested.emit(item_id))
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        entry = self.itemAt(event.pos())
        if entry is not None:
            self.context_menu(self.row(entry)).exec(event.globalPos())

    def _on_current(self, current, _previous) -> None:
        if current is not None:
            self.item_selected.emit(current.data(ID_ROLE))
