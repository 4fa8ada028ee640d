"""A strip of thumbnails, one per open image or GAN sample, to pick what to edit."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

from .qimage import image_icon, to_qimage

ID_ROLE = Qt.ItemDataRole.UserRole


class Filmstrip(QListWidget):
    item_selected = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(64, 64))
        self.setFixedHeight(110)
        self.setMovement(QListView.Movement.Static)
        self.currentItemChanged.connect(self._on_current)

    def add(self, item_id: int, name: str, image) -> None:
        entry = QListWidgetItem(image_icon(to_qimage(image)), name)
        entry.setData(ID_ROLE, item_id)
        entry.setToolTip(name)
        self.addItem(entry)

    def set_thumbnail(self, item_id: int, image, name: str) -> None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == item_id:
                self.item(row).setIcon(image_icon(to_qimage(image)))
                self.item(row).setText(name)  # a GAN item is renamed when its seed changes

    def select(self, item_id: int) -> None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == item_id:
                self.blockSignals(True)
                self.setCurrentRow(row)
                self.blockSignals(False)

    def _on_current(self, current, _previous) -> None:
        if current is not None:
            self.item_selected.emit(current.data(ID_ROLE))
