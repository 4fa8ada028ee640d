"""The Morph dialog's keyframe list: the open items, each a row to tick, in the order the morph goes through them."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QPushButton, \
    QStyledItemDelegate, QStyleOptionViewItem

from .qimage import image_icon, to_qimage

ID_ROLE = Qt.ItemDataRole.UserRole


class _RowsAsWideAsTheList(QStyledItemDelegate):
    """Rows take the list's width, not their text's: a row as wide as "1f60d.png, inverted (stopped at step 400)"
    widened the list's contents, and the name was cut off behind a horizontal scroll bar; in the list's width the
    view elides it (KeyframeList)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(0, super().sizeHint(option, index).height())


class KeyframeList(QListWidget):
    """items: (item id, name, image) in the filmstrip's order; checked: the ids ticked at first. A long name is
    elided in its middle, keeping the end that tells "…, inverted 2" from "…, inverted 3", and is whole in the
    row's tooltip."""

    def __init__(self, items: list[tuple[int, str, np.ndarray]], checked: tuple[int, ...]) -> None:
        super().__init__()
        self.setIconSize(QSize(40, 40))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setToolTip("Tick the keyframes; drag (or use ↑ ↓) to change their order")
        self.setItemDelegate(_RowsAsWideAsTheList(self))
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # rows follow the list's width as the dialog is resized
        for item_id, name, image in items:
            entry = QListWidgetItem(image_icon(to_qimage(image)), name)
            entry.setData(ID_ROLE, item_id)
            entry.setToolTip(name)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if item_id in checked else Qt.CheckState.Unchecked)
            self.addItem(entry)


def order_button(text: str, tip: str) -> QPushButton:
    """↑ or ↓ beside the list, never the dialog's default button: as the dialog's first button ↑ was, and Enter
    after typing in Frames, or on a row, moved the selected keyframe and reordered the morph without a word."""
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    return button
