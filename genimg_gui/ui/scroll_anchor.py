"""A list of rows in a scroll area that keeps the row the user is at in its place on screen while rows change height
(a preview strip shown or taken away, a narrower list). A scroll area keeps its pixel offset instead: ticking Preview
strips grew every row above the slider in use, and carried it out of view (the cat-face slider gave way to PC5–PC11).
As a browser's scroll anchoring (CSS overflow-anchor) does, the row kept is picked whenever the user scrolls or a row
takes the focus, or the list shows again after rows rebuilt while it was hidden: the row that last had the keyboard
focus, while it is in view (the Preview strips box takes the focus from it as it is clicked), else the top row in
view."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtWidgets import QScrollArea, QWidget


class ScrollAnchor(QObject):
    """Keeps one row of scroll's widget (the anchor) at the same height in the viewport, by scrolling as it moves or
    the scroll range changes. watch each row as it is made; forget them all before they are deleted."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        self.scroll = scroll
        self.rows: list[QWidget] = []  # top to bottom
        self.row_of: dict[QWidget, QWidget] = {}  # a row's part that takes the focus (its slider) -> the row
        self.focused: QWidget | None = None  # the row whose part had the keyboard focus last
        self.anchor: QWidget | None = None
        self.offset = 0  # px from the viewport's top to the anchor's: where it stays
        self._keeping = False  # scrolling to the anchor: not the user's scroll
        bar = scroll.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        # emitted before the scroll bar cuts its value to the new range, which would move the anchor with it
        bar.rangeChanged.connect(self.keep)
        # rows rebuilt while the list was hidden (another tab on show) were not on screen, so none was picked: one is
        # as the list shows again, or strips ticked then carried the list away from the rows on screen
        scroll.installEventFilter(self)

    def watch(self, row: QWidget, part: QWidget) -> None:
        """row is kept in place once picked; part (its slider) taking the focus makes it the row to keep."""
        self.rows.append(row)
        self.row_of[part] = row
        row.installEventFilter(self)
        part.installEventFilter(self)

    def forget(self) -> None:
        """The rows are about to go (a rebuild): none is kept until the next is picked."""
        self.rows, self.row_of = [], {}
        self.focused = self.anchor = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FocusIn and watched in self.row_of:
            self.focused = self.row_of[watched]
            self.pick()
        elif event.type() == QEvent.Type.Move and watched is self.anchor:
            self.keep()
        elif event.type() == QEvent.Type.Show and watched is self.scroll and self.anchor is None:
            self.pick()
        return False

    def pick(self) -> None:
        """The row to keep, and where it is on screen now."""
        top, height = self.scroll.verticalScrollBar().value(), self.scroll.viewport().height()
        shown = [row for row in self.rows if row.isVisible() and top < self._y(row) + row.height()
                 and self._y(row) < top + height]
        self.anchor = self.focused if self.focused in shown else shown[0] if shown else None
        self.offset = self._y(self.anchor) - top if self.anchor is not None else 0

    def keep(self) -> None:
        """Scroll the anchor back to its place on screen, as near as the scroll range allows."""
        if self.anchor is None or self._keeping:
            return
        bar = self.scroll.verticalScrollBar()
        self._keeping = True
        try:
            bar.setValue(min(max(self._y(self.anchor) - self.offset, bar.minimum()), bar.maximum()))
        finally:
            self._keeping = False

    def _on_scrolled(self) -> None:
        if not self._keeping:
            self.pick()

    def _y(self, row: QWidget) -> int:
        """row's top in the scrolled widget."""
        return row.mapTo(self.scroll.widget(), QPoint()).y()
