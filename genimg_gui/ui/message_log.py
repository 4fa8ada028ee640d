"""Every message and error the status bar showed, kept for the session: the status bar shows each for seconds,
and an error that scrolled by while the user looked elsewhere is otherwise lost."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
                               QWidget)

from . import ink
from .log_rows import MESSAGE_ROLE, TIME_ROLE, HangingRows

MAX_ENTRIES = 1000  # the oldest go first; a long session's messages do not grow the log without bound
# errors in the status bar and the log: the hue, drawn in a shade that reads on the palette (ink.on)
ERROR_COLOUR = "#c62828"


@dataclass
class Entry:
    when: str   # "14:03:12", local time
    text: str
    error: bool
    repeats: int = 1  # the same text arriving again at once (each decode of a drag failing) is one entry

    def message(self) -> str:
        """What was said, marked as an error, and how many times."""
        again = f"  (×{self.repeats})" if self.repeats > 1 else ""
        return f"{'⚠ ' if self.error else ''}{self.text}{again}"

    def line(self) -> str:
        return f"{self.when}  {self.message()}"


class MessageLog(QObject):
    added = Signal(object)     # the Entry added
    repeated = Signal(object)  # the last Entry, arrived again
    cleared = Signal()
    unseen_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: deque[Entry] = deque(maxlen=MAX_ENTRIES)
        self.unseen_errors = 0  # error lines with news since the log was last looked at (a repeat is no new line)

    def add(self, text: str, error: bool = False) -> None:
        last = self.entries[-1] if self.entries else None
        if last is not None and (last.text, last.error) == (text, error):
            last.repeats += 1
            last.when = time.strftime("%H:%M:%S")
            if error and not self.unseen_errors:  # it came again after it was read: news, but one line
                self._set_unseen(1)
            self.repeated.emit(last)
            return
        entry = Entry(time.strftime("%H:%M:%S"), text, error)
        self.entries.append(entry)
        if error:
            self._set_unseen(self.unseen_errors + 1)
        self.added.emit(entry)  # after the count: an open log sees it at once and sets it back

    def seen(self) -> None:
        self._set_unseen(0)

    def clear(self) -> None:
        self.entries.clear()
        self.cleared.emit()
        self._set_unseen(0)

    def text(self) -> str:
        return "\n".join(e.line() for e in self.entries)

    def _set_unseen(self, count: int) -> None:
        if count != self.unseen_errors:
            self.unseen_errors = count
            self.unseen_changed.emit(count)


class MessageLogDialog(QDialog):
    """The log, newest last, errors in red; it follows new entries while open. A long message wraps under its own
    first word, the times down the left (log_rows)."""

    def __init__(self, log: MessageLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Message log")
        self.resize(720, 380)
        self.log = log
        self.list = QListWidget()
        self.list.setWordWrap(True)  # the list lays its rows out again as it is resized: the wrap follows
        self.list.setItemDelegate(HangingRows(self.list))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy = QPushButton("Copy all")
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.log.text()))
        self.clear = QPushButton("Clear")
        self.clear.clicked.connect(log.clear)
        for button in (self.copy, self.clear):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        log.added.connect(self._on_added)
        log.repeated.connect(self._on_repeated)
        log.cleared.connect(self.list.clear)
        ink.follow_palette(self.list, self._ink_errors)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Filled when shown: while hidden it does no work per message."""
        super().showEvent(event)
        self.list.clear()
        for entry in self.log.entries:
            self.list.addItem(self._row(entry))
        self.list.scrollToBottom()
        self.log.seen()

    def _on_added(self, entry: Entry) -> None:
        if not self.isVisible():
            return
        self.list.addItem(self._row(entry))
        while self.list.count() > MAX_ENTRIES:  # as the log drops its oldest
            self.list.takeItem(0)
        self.list.scrollToBottom()
        self.log.seen()

    def _on_repeated(self, entry: Entry) -> None:
        if self.isVisible() and self.list.count():
            _fill(self.list.item(self.list.count() - 1), entry)
            self.log.seen()

    def _row(self, entry: Entry) -> QListWidgetItem:
        row = _fill(QListWidgetItem(), entry)
        if entry.error:  # in red, a shade that reads on the list's own background
            row.setForeground(self._error_ink())
        return row

    def _error_ink(self) -> QBrush:
        return QBrush(ink.on(self.list.viewport(), ERROR_COLOUR))

    def _ink_errors(self) -> None:
        """The errors' red chosen again for the palette now: the rows with an ink of their own."""
        red = self._error_ink()
        for row in (self.list.item(i) for i in range(self.list.count())):
            if row.data(Qt.ItemDataRole.ForegroundRole) is not None:
                row.setForeground(red)


def _fill(row: QListWidgetItem, entry: Entry) -> QListWidgetItem:
    """row showing entry: its whole line (copied, read out) and, for HangingRows, its time and message apart."""
    row.setText(entry.line())
    row.setData(TIME_ROLE, entry.when)
    row.setData(MESSAGE_ROLE, entry.message())
    return row
