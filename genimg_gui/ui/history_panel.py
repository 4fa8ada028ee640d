"""The edit history of one item as a tree of thumbnails, and A/B compare of the current state with another.

A linear run of edits reads as a flat list. At a real branch (undo, then a different edit) the first line made from
there goes on at the same level, and each later line comes after the whole of that line, indented under a caption
row "↳ Branch 2 from “<step>”" that names the step it left from and numbers the lines made from it (the first, on
at its level, is 1; two captions alike left the user guessing). Read top to bottom, every row is thus followed by the
step that was made after it on its own line: Qt lists a row's children right after it, so a later line indented under
its branch point sat above the first line's next steps and read as if made before them. A branch more than
MAX_LEVELS deep is indented no further than MAX_LEVELS: its caption still names where it left from (and its tooltip
how deep it is), and each step keeps room for its name; indented a level a branch, an exploratory history pushed its
newest rows past the panel's right edge, nameless. The caption is no step: it cannot be clicked, picked or
reached with the arrow keys. The layout follows from the tree alone, never from which state is current, so rows
stay where they are when you click, undo or redo; only the marks move. The current state is the one selected row
(and has the keyboard focus). A plain click (or Enter) goes to a state; Ctrl/Shift-click picks a second one, tinted,
to compare with the current one. By keyboard, Space (or Ctrl+Space, as it toggles a row's selection in Qt's views)
picks the row the arrow keys are on, and its menu (the Menu key or Shift+F10, or a right-click) offers the same.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPalette, QPixmap, QShowEvent
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHBoxLayout, QLabel, QMenu, QPushButton,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from ..wording import counted
from . import accessible
from .qimage import image_icon, to_qimage
from .step_elide import StepNameDelegate
from .step_tree import BRANCH_ROLE, ID_ROLE, StepTree

ICON = 48
Node = tuple[int, int | None, str, np.ndarray | None]
PARTNER_TINT = QColor(235, 150, 30, 120)  # amber: unlike the selection's blue, so the two marks never look alike
CAPTION_BAND = QColor(128, 128, 128, 40)  # a faint grey band, on light and dark themes alike, unlike both marks
MAX_LEVELS = 4  # the deepest indent, in levels: 4 x 22 px leaves a 400-px panel some 250 px for a step's name
# short enough for one line in the panel of a window on a 1440-px screen: a longer one left its last word alone below
HINT = "Ctrl+click a step (or press Space on it) to compare it with the current one"
PICK_TEXT = "&Pick for Compare A/B"


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
        self.tree = StepTree()
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(ICON, ICON))
        self.tree.setIndentation(22)  # a branch's rows sit clearly to the right of its caption's
        # no expand arrows: a collapsed branch would move the rows below it, and the next change would reopen it
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # a long name loses its middle, not its end: "category: other → Smileys & Emotion +2.00σ" keeps the value,
        # whole: the delegate shortens what comes before it (Qt's own middle cut "PC2 (…0.13σ", the sign lost)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.setItemDelegate(StepNameDelegate(self.tree))
        self.tree.setToolTip("Click a step (or press Enter on it) to go back to it; Ctrl+click another (or press Space "
                             "on it, or pick it from its menu) to compare it with the current one")
        accessible.name(self.tree, "Edit history")
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.compare_button = QPushButton("Compare A/B")
        self.compare_button.setToolTip(HINT)
        self.stop_button = QPushButton("Stop comparing")
        self.compare_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemActivated.connect(self._on_activated)  # Enter (and double-click on some styles)
        self.tree.pick_key_pressed.connect(self._pick_by_key)
        self.tree.menu_asked.connect(lambda item, at: self.show_menu(item.data(0, ID_ROLE), at))
        self.compare_button.clicked.connect(self.compare)
        self.stop_button.clicked.connect(self.stop_comparing)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.stop_button)
        # the style's margins, as the Sliders and Models tabs have: without them the list and the buttons sat on the
        # tab's frame, and the content jumped as the tabs were switched
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self._items: dict[int, QTreeWidgetItem] = {}
        self.current_id: int | None = None
        self.partner_id: int | None = None  # the step picked (Ctrl+click) to compare with the current one
        # once the tree has laid out its rows and the panel its size: the current step into sight
        self._reveal_timer = QTimer(self, singleShot=True, interval=0)
        self._reveal_timer.timeout.connect(self._reveal_current)
        # a smaller window (or a longer hint) shrinks the list from below: the current step, often the last row, slid
        # out of sight with a sliver left; once the new size is laid out it is scrolled back into sight
        self.tree.resized.connect(self._reveal_timer.start)

    # --- content ----------------------------------------------------------
    def set_nodes(self, nodes: list[Node], current_id: int, keep_partner: bool = True) -> None:
        """Show a whole tree: (node id, parent id, label, thumbnail or None) per state. The picked partner stays
        picked while it is shown and is not the current state; keep_partner=False (another item's tree) drops it."""
        known = {n[0] for n in nodes}
        children: dict[int | None, list[Node]] = {}
        for node in sorted(nodes, key=lambda n: n[0]):  # ids follow creation: the first child comes first
            parent = node[1] if node[1] in known else None  # an orphan shows as a root
            children.setdefault(parent, []).append(node)
        place = self.tree.verticalScrollBar().value()
        self.tree.clear()
        self._items = {}
        for root in children.get(None, []):
            self._add_line(root, children, None)
        self.tree.expandAll()  # which lays the new rows out, so the scroll range fits them again
        # clear() cut the scroll range short, and with it the place: the list scrolled a few rows at a click, and
        # the row clicked moved away from the cursor
        self.tree.verticalScrollBar().setValue(place)
        self.current_id = current_id
        if not keep_partner or self.partner_id not in self._items or self.partner_id == current_id:
            self.partner_id = None
        self._show_marks()
        self._reveal_current()
        self._reveal_timer.start()  # again once the new rows are laid out

    def showEvent(self, event: QShowEvent) -> None:
        """Back on the History tab: the panel may have been made smaller (or its hint longer) while another tab
        showed, which pushed the current step out of sight at the bottom."""
        super().showEvent(event)
        self._reveal_current()
        self._reveal_timer.start()  # again once a pending layout has sized the tree

    def _reveal_current(self) -> None:
        """Scroll the current step into sight, and only when it is (partly) out of it: rows in sight stay put.
        A hidden tree has no size to scroll by: showEvent does it once the panel shows."""
        item = self._items.get(self.current_id)
        if item is None or not self.tree.isVisible():
            return
        if not self.tree.viewport().rect().contains(self.tree.visualItemRect(item)):
            self.tree.scrollToItem(item)

    def _add_line(self, node: Node, children: dict, parent: QTreeWidgetItem | None, depth: int = 0) -> None:
        """Add node and the line of first children after it at one level; then, below the whole line, each later
        child's line under a caption naming the step it branched from, in the order they were made. depth: how
        many branches deep the line is; past MAX_LEVELS its branches stay at its indent, after their captions."""
        line = []
        while node is not None:
            line.append(node)
            self._append(self._make_item(node, children), parent)
            node = (children.get(node[0]) or [None])[0]
        for point in line:
            for number, kid in enumerate(children.get(point[0], [])[1:], start=2):
                caption = self._make_caption(point, number, depth + 1)
                self._append(caption, parent)
                self._add_line(kid, children, caption if depth < MAX_LEVELS else parent, depth + 1)

    def _append(self, item: QTreeWidgetItem, parent: QTreeWidgetItem | None) -> None:
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)

    def _make_item(self, node: Node, children: dict) -> QTreeWidgetItem:
        node_id, _parent, label, image = node
        item = QTreeWidgetItem([label])
        item.setData(0, ID_ROLE, node_id)
        item.setIcon(0, _icon(image))
        branches = len(children.get(node_id, [])) - 1
        where = f"{counted(branches, 'branch', 'branches')} from here, further down" if branches > 0 else ""
        item.setToolTip(0, f"{label} ({where})" if where else label)
        item.setSizeHint(0, QSize(ICON, ICON + 4))
        self._items[node_id] = item
        return item

    def _make_caption(self, point: Node, number: int, depth: int) -> QTreeWidgetItem:
        """The row above a later branch: which step it left from, and which of the lines made from there it is (the
        first, number 1, goes on at the step's own level): two branches from one step read alike. Not a step: it
        cannot be selected, a click on it does nothing and the arrow keys pass it by. It stays enabled: Qt greys out
        a disabled row's children."""
        item = QTreeWidgetItem([f"↳ Branch {number} from “{point[2]}”"])
        item.setData(0, ID_ROLE, None)
        item.setData(0, BRANCH_ROLE, point[0])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        deep = (f"; a branch {depth} deep, drawn at the indent of {MAX_LEVELS} so that its names keep room"
                if depth > MAX_LEVELS else "")
        item.setToolTip(0, f"The steps below were made after going back to “{point[2]}”: line {number} made from "
                           f"there (line 1 follows it at its level){deep}")
        font = QFont(item.font(0))
        font.setItalic(True)
        item.setFont(0, font)
        # the plain text colour: disabled grey alone read faint, as if nothing were there
        item.setForeground(0, self.tree.palette().color(QPalette.ColorRole.Text))
        item.setBackground(0, QBrush(CAPTION_BAND))
        item.setSizeHint(0, QSize(ICON, 24))
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
            self.tree.setCurrentItem(current)  # the focus only: StepTree's clicks and keys never select
            current.setSelected(True)
        self._update_compare()

    def set_thumbnail(self, node_id: int, image: np.ndarray) -> None:
        if node_id in self._items:
            self._items[node_id].setIcon(0, _icon(image))

    def rows(self) -> list[tuple[int | None, int | None, str]]:
        """Every row top to bottom as (step id, branch point id, text): a step has no branch point, a branch
        caption no step id."""
        out = []
        it = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while it:
            item = it.pop(0)
            out.append((item.data(0, ID_ROLE), item.data(0, BRANCH_ROLE), item.text(0)))
            it[:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def item_for(self, node_id: int) -> QTreeWidgetItem | None:
        return self._items.get(node_id)

    # --- interaction ------------------------------------------------------
    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, ID_ROLE) is None:  # a branch caption: no step to go to or pick
            self._show_marks()  # the focus back on the current step
            return
        mods = QApplication.keyboardModifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            self.pick_partner(item.data(0, ID_ROLE))
        else:
            self._on_activated(item)

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        node_id = item.data(0, ID_ROLE)
        if node_id is not None and node_id != self.current_id:
            self.node_activated.emit(node_id)  # the document rebuilds the tree around its new current state
        self._show_marks()  # the focus back on the current step, wherever the click or the arrow keys left it

    def pick_partner(self, node_id: int) -> None:
        """Pick a step to compare with the current one; picking the partner again, or the current step, unpicks."""
        self.partner_id = None if node_id in (self.partner_id, self.current_id) else node_id
        self._show_marks()

    def _pick_by_key(self, item: QTreeWidgetItem) -> None:
        """Pick (or unpick) the focused row, the focus left on it: Space again unpicks, and the arrow keys go on
        from there (a Ctrl+click sends the focus back to the current step)."""
        self.pick_partner(item.data(0, ID_ROLE))
        self.tree.setCurrentItem(item)

    def step_menu(self, node_id: int) -> QMenu:
        """A step's menu (a method so tests can trigger its actions): go to it, or pick it for A/B."""
        menu = QMenu(self)
        go = menu.addAction("&Go to this step", lambda: self._chosen(node_id, self._on_activated))
        go.setEnabled(node_id != self.current_id)
        pick = menu.addAction(PICK_TEXT, lambda: self._chosen(node_id, self._pick_by_key))
        pick.setCheckable(True)
        pick.setChecked(node_id == self.partner_id)
        if node_id == self.current_id:
            pick.setEnabled(False)
            pick.setToolTip("This is the current step: pick another to compare with it")
            menu.setToolTipsVisible(True)
        return menu

    def _chosen(self, node_id: int, act: Callable[[QTreeWidgetItem], object]) -> None:
        """A menu's choice, on the step's row as it is now: the tree may have been rebuilt while the menu was open
        (a sample drawn meanwhile), or the step gone (another image)."""
        item = self._items.get(node_id)
        if item is not None:
            act(item)

    def show_menu(self, node_id: int, at: QPoint) -> None:
        """A step's menu at at (global), till a choice; tests replace it."""
        menu = self.step_menu(node_id)
        menu.exec(at)
        menu.deleteLater()  # a child of the panel: each menu would stay behind

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
                          f"Compare with “{partner.text(0)}” (tinted); Ctrl+click it again (or press Space on it) "
                          "to unpick")

    def compare(self) -> None:
        ids = self.compare_ids()
        if ids is not None:
            self.stop_button.setEnabled(True)
            self.compare_requested.emit(*ids)

    def stop_comparing(self) -> None:
        self.stop_button.setEnabled(False)
        self.compare_cleared.emit()
