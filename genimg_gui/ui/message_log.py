"""Every message and error the status bar showed, kept for the session: the status bar shows each for seconds,
and an error that scrolled by while the user looked elsewhere is otherwise lost."""
from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
                               QWidget)

MAX_ENTRIES = 1000  # the oldest go first; a long session's previews do not grow the log without bound
ERROR_COLOUR = "#c62828"  # errors in the status bar and the log: a red that reads on a light background


@dataclass
class Entry:
    when: str   # "14:03:12", local time
    text: str
    error: bool
    repeats: int = 1  # the same text arriving again at once (each decode of a drag failing) is one entry

    def line(self) -> str:
        again = f"  (×{self.repeats})" if self.repeats > 1 else ""
        return f"{self.when}  {'⚠ ' if self.error else ''}{self.text}{again}"


class MessageLog(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[Entry] = []
        self.unseen_errors = 0  # errors since the log was last looked at

    def add(self, text: str, error: bool = False) -> None:
        last = self.entries[-1] if self.entries else None
        if last is not None and (last.text, last.error) == (text, error):
            last.repeats += 1
            last.when = time.strftime("%H:%M:%S")
        else:
            self.entries = [*self.entries, Entry(time.strftime("%H:%M:%S"), text, error)][-MAX_ENTRIES:]
        self.unseen_errors += error
        self.changed.emit()

    def seen(self) -> None:
        if self.unseen_errors:
            self.unseen_errors = 0
            self.changed.emit()

    def clear(self) -> None:
        self.entries, self.unseen_errors = [], 0
        self.changed.emit()

    def text(self) -> str:
        return "\n".join(e.line() for e in self.entries)


class MessageLogDialog(QDialog):
    """The log, newest last, errors in red; it follows new entries while open."""

    def __init__(self, log: MessageLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Message log")
        self.resize(720, 380)
        self.log = log
        self.list = QListWidget()
        self.list.setWordWrap(True)
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
        log.changed.connect(self._fill)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for entry in self.log.entries:
            row = QListWidgetItem(entry.line())
            if entry.error:
                row.setForeground(QBrush(QColor(ERROR_COLOUR)))
            self.list.addItem(row)
        self.list.scrollToBottom()
        if self.isVisible():
            self.log.seen()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.log.seen()

