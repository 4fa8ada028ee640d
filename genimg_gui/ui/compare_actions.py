"""View → the compare modes as radio items. The toolbar's Compare box holds the mode (the canvas is set from it), so
the menu's check follows the box however the mode changes: the menu, Ctrl+1/2/3, the box by mouse or keyboard, or
Compare A/B in the History tab and its end. As plain actions the menu never said which mode was on. "Edited only"
chosen during a comparison ends it: the canvas showed pane B alone, often the step picked to compare with, while the
tree, the sliders and Undo spoke of the current one."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu, QWidget

from .canvas import CompareMode

MODES = list(CompareMode)
# the menu's texts, with their access keys (the Compare box shows the modes' own)
MENU_TEXTS = {CompareMode.SIDE_BY_SIDE: "&Side by side", CompareMode.SPLIT: "S&plit",
              CompareMode.EDITED: "&Edited only"}


class CompareActions(QObject):
    """The compare modes' exclusive, checkable actions (View menu), in step with the Compare box both ways."""

    edited_only_chosen = Signal()  # during an A/B comparison, which shows two panes: it is to end

    def __init__(self, box: QComboBox, menu: QMenu, window: QWidget) -> None:
        super().__init__(window)
        self.box = box
        self.group = QActionGroup(self)  # exclusive: one mode checked at a time
        self._before_ab: CompareMode | None = None  # the mode Compare A/B left, to go back to at its end
        self._comparing = False  # between Compare A/B and its end
        for i, mode in enumerate(MODES):
            action = QAction(MENU_TEXTS[mode], window)  # the window's: its shortcuts work wherever the focus is in it
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, i=i: box.setCurrentIndex(i))
            self.group.addAction(action)
            menu.addAction(action)
        box.currentIndexChanged.connect(self._check)
        self._check(box.currentIndex())

    def actions(self) -> list[QAction]:
        return self.group.actions()

    def mode(self) -> CompareMode:
        return MODES[self.box.currentIndex()]

    def _check(self, index: int) -> None:
        self.group.actions()[index].setChecked(True)
        if MODES[index] != CompareMode.SIDE_BY_SIDE:
            self._before_ab = None  # the user chose another mode during the comparison: it stays at its end
        if MODES[index] == CompareMode.EDITED and self._comparing:
            self.edited_only_chosen.emit()

    def show_both_panes(self, *_ids) -> None:
        """Compare A/B puts A in the original's pane: "Edited only" would show B alone, so it shows side by side."""
        if self.mode() == CompareMode.EDITED:
            self._before_ab = self.mode()
            self.box.setCurrentIndex(MODES.index(CompareMode.SIDE_BY_SIDE))
        self._comparing = True

    def comparison_ended(self) -> None:
        """Back to "Edited only" when Compare A/B left it: the switch was for the comparison alone. A mode the user
        chose meanwhile (_check) stays."""
        self._comparing = False  # first: going back to "Edited only" below ends nothing
        before, self._before_ab = self._before_ab, None
        if before is not None:
            self.box.setCurrentIndex(MODES.index(before))
