"""The edit history of one item as a tree of thumbnails, and A/B compare of any two states.

A linear run of edits reads as a flat list. At a real branch (undo, then a
different edit) the line that leads to the current state (else the newest)
goes on at the same level and every other branch is indented under the state
it left from, so old branches stay visible and reachable. A plain click (or
Enter) goes to a state; Ctrl/Shift-click selects a second one to compare.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHBoxLayout, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from .qimage import image_icon, to_qimage

ID_ROLE = Qt.ItemDataRole.UserRole
ICON = 48
Node = tuple[int, int | None, str, np.ndarray | None]


def _icon(image: np.ndarray | None) -> QIcon:
    if image is None:  # not decoded yet: a grey square keeps the rows aligned
        pix = QPixmap(ICON, ICON)
        pix.fill(QColor("#555555"))
        return QIcon(pix)
    return image_icon(to_qimage(image))


class HistoryPanel(QWidget):
    """Branching undo tree of one item. Emits ids; the document does the work."""

    node_activated = Signal(int)
    compare_requested = Signal(int, int)
    compare_cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(ICON, ICON))
        self.tree.setIndentation(14)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setToolTip("Click a state to go back to it; Ctrl+click a second one to compare them")
        self.compare_button = QPushButton("Compare A/B")
        self.compare_button.setToolTip("Show the two selected states side by side on the canvas")
        self.stop_button = QPushButton("Stop comparing")
        self.compare_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemActivated.connect(self._on_activated)  # Enter (and double-click on some styles)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.compare_button.clicked.connect(self.compare_selected)
        self.stop_button.clicked.connect(self.stop_comparing)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._on_path: set[int] = set()
        self.current_id: int | None = None

    # --- content ----------------------------------------------------------
    def set_nodes(self, nodes: list[Node], current_id: int) -> None:
        """Show a whole tree: (node id, parent id, label, thumbnail or None) per state."""
        keep = set(self.selected_ids())
        children: dict[int | None, list[Node]] = {}
        known = {n[0] for n in nodes}
        for node in nodes:
            parent = node[1] if node[1] in known else None  # an orphan shows as a root
            children.setdefault(parent, []).append(node)
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items = {}
        parents = {n[0]: n[1] if n[1] in known else None for n in nodes}
        on_path, node = set(), current_id
        while node is not None and node not in on_path:  # the current state and its ancestors
            on_path.add(node)
            node = parents.get(node)
        self._on_path = on_path
        for root in sorted(children.get(None, []), key=lambda n: n[0]):
            self._add_chain(root, children, None)
        self.tree.expandAll()
        self.current_id = current_id
        self._mark_current()
        for node_id in keep & set(self._items):
            self._items[node_id].setSelected(True)
        self.tree.blockSignals(False)
        self._update_buttons()
        if current_id in self._items:
            self.tree.scrollToItem(self._items[current_id])

    def _add_chain(self, node: Node, children: dict, parent: QTreeWidgetItem | None) -> None:
        """Add node and its main line at one level; side branches indent under their branch point."""
        while True:
            item = self._make_item(node)
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            kids = sorted(children.get(node[0], []), key=lambda n: n[0])
            if not kids:
                return
            main = next((k for k in kids if k[0] in self._on_path), kids[-1])
            for kid in kids:
                if kid is not main:
                    self._add_chain(kid, children, item)
            node = main

    def _make_item(self, node: Node) -> QTreeWidgetItem:
        node_id, _parent, label, image = node
        item = QTreeWidgetItem([label])
        item.setData(0, ID_ROLE, node_id)
        item.setIcon(0, _icon(image))
        item.setToolTip(0, f"{label} (state {node_id})")
        item.setSizeHint(0, QSize(ICON, ICON + 4))
        self._items[node_id] = item
        return item

    def _mark_current(self) -> None:
        for node_id, item in self._items.items():
            current = node_id == self.current_id
            font = QFont(item.font(0))
            font.setBold(current)
            item.setFont(0, font)
            item.setBackground(0, QBrush(QColor(70, 130, 200, 90)) if current else QBrush())

    def set_thumbnail(self, node_id: int, image: np.ndarray) -> None:
        if node_id in self._items:
            self._items[node_id].setIcon(0, _icon(image))

    def node_ids(self) -> list[int]:
        """Every shown id, in display order (top to bottom)."""
        out = []
        it = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while it:
            item = it.pop(0)
            out.append(item.data(0, ID_ROLE))
            it[:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def item_for(self, node_id: int) -> QTreeWidgetItem | None:
        return self._items.get(node_id)

    # --- interaction ------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return sorted(item.data(0, ID_ROLE) for item in self.tree.selectedItems())

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        mods = QApplication.keyboardModifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            return  # building a selection to compare, not moving
        self._on_activated(item)

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        node_id = item.data(0, ID_ROLE)
        if node_id != self.current_id:
            self.node_activated.emit(node_id)

    def _update_buttons(self) -> None:
        self.compare_button.setEnabled(len(self.tree.selectedItems()) == 2)

    def compare_selected(self) -> None:
        """A = the older state, B = the newer one."""
        ids = self.selected_ids()
        if len(ids) == 2:
            self.stop_button.setEnabled(True)
            self.compare_requested.emit(ids[0], ids[1])

    def stop_comparing(self) -> None:
        self.stop_button.setEnabled(False)
        self.compare_cleared.emit()
