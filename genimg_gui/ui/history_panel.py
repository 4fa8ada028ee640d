"""The edit history of one item as a tree of thumbnails, and A/B compare of the current state with another.

A linear run of edits reads as a flat list. At a real branch (undo, then a different edit) the first line made
from there goes on at the same level and each later one is indented under the state it left from, in the order
they were made. The layout follows from the tree alone, never from which state is current, so rows stay where they
are when you click, undo or redo; only the marks move. The current state is the one selected row (and has the
keyboard focus). A plain click (or Enter) goes to a state; Ctrl/Shift-click picks a second one, tinted, to compare
with the current one.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHBoxLayout, QLabel, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from .qimage import image_icon, to_qimage

ID_ROLE = Qt.ItemDataRole.UserRole
ICON = 48
Node = tuple[int, int | None, str, np.ndarray | None]
PARTNER_TINT = QColor(235, 150, 30, 120)  # amber: unlike the selection's blue, so the two marks never look alike
HINT = "Ctrl+click a second step to compare it with the current one"


def _icon(image: np.ndarray | None) -> QIcon:
    if image is None:  # not decoded yet: a grey square keeps the rows aligned
        pix = QPixmap(ICON, ICON)
        pix.fill(QColor("#555555"))
        return QIcon(pix)
    return image_icon(to_qimage(image))


class _StepTree(QTreeWidget):
    """A tree whose selection only the panel sets, to the current step. Clicks and arrow keys move the focus and
    the panel decides what a click means; left to Qt, a click on an old step stayed selected after undo and redo."""

    def selectionCommand(self, index: QModelIndex | QPersistentModelIndex, event=None
                         ) -> QItemSelectionModel.SelectionFlag:
        return QItemSelectionModel.SelectionFlag.NoUpdate


class HistoryPanel(QWidget):
    """Branching undo tree of one item. Emits ids; the document does the work."""

    node_activated = Signal(int)
    compare_requested = Signal(int, int)
    compare_cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = _StepTree()
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(ICON, ICON))
        self.tree.setIndentation(14)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setToolTip("Click a step to go back to it; Ctrl+click another to compare it with the current one")
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.compare_button = QPushButton("Compare A/B")
        self.compare_button.setToolTip(HINT)
        self.stop_button = QPushButton("Stop comparing")
        self.compare_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemActivated.connect(self._on_activated)  # Enter (and double-click on some styles)
        self.compare_button.clicked.connect(self.compare)
        self.stop_button.clicked.connect(self.stop_comparing)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self._items: dict[int, QTreeWidgetItem] = {}
        self.current_id: int | None = None
        self.partner_id: int | None = None  # the step picked (Ctrl+click) to compare with the current one

    # --- content ----------------------------------------------------------
    def set_nodes(self, nodes: list[Node], current_id: int, keep_partner: bool = True) -> None:
        """Show a whole tree: (node id, parent id, label, thumbnail or None) per state. The picked partner stays
        picked while it is shown and is not the current state; keep_partner=False (another item's tree) drops it."""
        known = {n[0] for n in nodes}
        children: dict[int | None, list[Node]] = {}
        for node in sorted(nodes, key=lambda n: n[0]):  # ids follow creation: the first child comes first
            parent = node[1] if node[1] in known else None  # an orphan shows as a root
            children.setdefault(parent, []).append(node)
        self.tree.clear()
        self._items = {}
        for root in children.get(None, []):
            self._add_chain(root, children, None)
        self.tree.expandAll()
        self.current_id = current_id
        if not keep_partner or self.partner_id not in self._items or self.partner_id == current_id:
            self.partner_id = None
        self._show_marks()
        if current_id in self._items:
            self.tree.scrollToItem(self._items[current_id])  # only if it is out of sight

    def _add_chain(self, node: Node, children: dict, parent: QTreeWidgetItem | None) -> None:
        """Add node and the line of first children after it at one level; later children indent under it."""
        while True:
            item = self._make_item(node)
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            first, *later = children.get(node[0], []) or [None]
            for kid in later:
                self._add_chain(kid, children, item)
            if first is None:
                return
            node = first

    def _make_item(self, node: Node) -> QTreeWidgetItem:
        node_id, _parent, label, image = node
        item = QTreeWidgetItem([label])
        item.setData(0, ID_ROLE, node_id)
        item.setIcon(0, _icon(image))
        item.setToolTip(0, f"{label} (state {node_id})")
        item.setSizeHint(0, QSize(ICON, ICON + 4))
        self._items[node_id] = item
        return item

    def _show_marks(self) -> None:
        """One mark per role: the current step is the selected, bold row with the keyboard focus (no stray focus
        frame on another row); the partner is tinted."""
        for node_id, item in self._items.items():
            font = QFont(item.font(0))
            font.setBold(node_id == self.current_id)
            item.setFont(0, font)
            item.setBackground(0, QBrush(PARTNER_TINT) if node_id == self.partner_id else QBrush())
        self.tree.clearSelection()
        current = self._items.get(self.current_id)
        if current is not None:
            self.tree.setCurrentItem(current)  # the focus only: _StepTree's clicks and keys never select
            current.setSelected(True)
        self._update_compare()

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
    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        mods = QApplication.keyboardModifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            self.pick_partner(item.data(0, ID_ROLE))
        else:
            self._on_activated(item)

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        node_id = item.data(0, ID_ROLE)
        if node_id != self.current_id:
            self.node_activated.emit(node_id)  # the document rebuilds the tree around its new current state
        self._show_marks()  # the focus back on the current step, wherever the click or the arrow keys left it

    def pick_partner(self, node_id: int) -> None:
        """Pick a step to compare with the current one; picking the partner again, or the current step, unpicks."""
        self.partner_id = None if node_id in (self.partner_id, self.current_id) else node_id
        self._show_marks()

    def compare_ids(self) -> tuple[int, int] | None:
        """The current step and the partner, older (A) first; None until a partner is picked."""
        if self.partner_id is None or self.current_id is None:
            return None
        a, b = sorted((self.current_id, self.partner_id))
        return a, b

    def _update_compare(self) -> None:
        partner = self._items.get(self.partner_id)
        self.compare_button.setEnabled(partner is not None)
        self.hint.setText(HINT if partner is None else
                          f"Compare with “{partner.text(0)}” (tinted); Ctrl+click it again to unpick")

    def compare(self) -> None:
        ids = self.compare_ids()
        if ids is not None:
            self.stop_button.setEnabled(True)
            self.compare_requested.emit(*ids)

    def stop_comparing(self) -> None:
        self.stop_button.setEnabled(False)
        self.compare_cleared.emit()
