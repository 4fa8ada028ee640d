"""The history panel's tree of steps (history_panel.py fills it): its selection set by the panel alone, Space and
the Menu key to pick a step or open its menu, arrow keys that pass branch captions by, and connector lines drawn
instead of expand arrows."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QPainter, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget

from .direction_menu import is_menu_key

ID_ROLE = Qt.ItemDataRole.UserRole            # a step's node id; None on a branch caption
BRANCH_ROLE = Qt.ItemDataRole.UserRole + 1    # on a branch caption: the id of the step the branch left from


class StepTree(QTreeWidget):
    """A tree whose selection only the panel sets, to the current step. Clicks and arrow keys move the focus and
    the panel decides what a click means; left to Qt, a click on an old step stayed selected after undo and redo."""

    pick_key_pressed = Signal(object)      # the step row Space or Ctrl+Space was pressed on
    menu_asked = Signal(object, QPoint)    # a step row's menu, and where it opens (global)
    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space or Ctrl+Space picks the focused step for A/B, as Ctrl+click does (the keyboard had no way to); the
        Menu key or Shift+F10 opens its menu, at the row (accepted: Qt then makes no request of its own)."""
        item = self.currentItem()
        step = item is not None and item.data(0, ID_ROLE) is not None
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == Qt.Key.Key_Space and modifiers in (Qt.KeyboardModifier.NoModifier,
                                                             Qt.KeyboardModifier.ControlModifier):
            if step:
                self.pick_key_pressed.emit(item)
            return
        if is_menu_key(event):
            if step:
                self.menu_asked.emit(item, self.viewport().mapToGlobal(self.visualItemRect(item).center()))
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A right-click's menu is the clicked row's; a keyboard request's (from the platform), the focused row's."""
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        item = self.currentItem() if keyboard else self.itemAt(event.pos())
        if item is not None and item.data(0, ID_ROLE) is not None:
            at = self.visualItemRect(item).center() if keyboard else event.pos()
            self.menu_asked.emit(item, self.viewport().mapToGlobal(at))

    def selectionCommand(self, index: QModelIndex | QPersistentModelIndex, event=None
                         ) -> QItemSelectionModel.SelectionFlag:
        return QItemSelectionModel.SelectionFlag.NoUpdate

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """The arrow keys step over branch captions, which are no steps to go to."""
        index = super().moveCursor(action, modifiers)
        up = action in (self.CursorAction.MoveUp, self.CursorAction.MovePrevious, self.CursorAction.MovePageUp,
                        self.CursorAction.MoveHome)
        while index.isValid() and index.data(ID_ROLE) is None:
            index = self.indexAbove(index) if up else self.indexBelow(index)
        return index if index.isValid() else self.currentIndex()

    def drawBranches(self, painter: QPainter, rect: QRect, index: QModelIndex | QPersistentModelIndex) -> None:
        """Connector lines instead of expand arrows (a collapsed branch would move the rows below it): each row
        of a branch hangs off a line down from its caption, ├ to the next row of the branch, └ at its last."""
        indent = self.indentation()
        painter.save()
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        top, middle, bottom = rect.top(), rect.center().y(), rect.bottom()
        level, node = 0, index
        while node.parent().isValid():  # from the row's own connector out to its outermost caption's line
            x = rect.right() - indent * level - indent // 2
            more_below = node.sibling(node.row() + 1, 0).isValid()
            if level == 0:
                painter.drawLine(x, top, x, bottom if more_below else middle)
                painter.drawLine(x, middle, x + indent // 2 - 2, middle)
            elif more_below:
                painter.drawLine(x, top, x, bottom)
            node, level = node.parent(), level + 1
        painter.restore()
