"""Quitting while a Train… run goes: the run is stopped as Stop does, and the window closes once it has saved.
The event loop runs meanwhile (waiting for the child process froze the window for the whole save, the quit
question still drawn), and a note says what genimg is waiting for; after SAVE_WAIT_MS it offers Quit now."""
from __future__ import annotations

from typing import Callable, Sequence

import shiboken6
from PySide6.QtCore import QProcess, Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from .train_dialog import TrainDialog

SAVE_WAIT_MS = 30_000  # how long a run's save may take before the note offers to quit without it
SAVING = "Saving the training run… (it stops at its next step, then genimg quits)"
QUIT_NOW = "Quit now"
QUITTING = "quitting genimg"  # what stopped the run, as its log says it


def not_saved_yet(seconds: float) -> str:
    return (f"The training run has not finished saving after {seconds:g} s. {QUIT_NOW} ends it at once: what it "
            "learned since its last checkpoint is lost. Or wait: genimg quits once it has saved.")


class SavingNote(QDialog):
    """The small note shown while the runs save. Modal to the main window only (shown, not exec'd: the event
    loop goes on), so no edit is made after the quit question was answered; the Train… dialog stays usable."""

    def __init__(self, parent: QWidget, quit_now: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quitting genimg")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.text = QLabel(SAVING)
        self.text.setWordWrap(True)
        busy = QProgressBar()
        busy.setRange(0, 0)  # no steps to count: the run says nothing while it saves
        busy.setTextVisible(False)
        self.buttons = QDialogButtonBox()
        self.quit_button: QPushButton = self.buttons.addButton(QUIT_NOW, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.quit_button.setAutoDefault(False)  # as the only button it was the default: Enter threw the save away
        self.quit_button.clicked.connect(quit_now)
        self.quit_button.hide()  # until the save has taken too long
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def offer_quit_now(self, seconds: float) -> None:
        self.text.setText(not_saved_yet(seconds))
        self.quit_button.show()

    def reject(self) -> None:
        """Escape and the close button do nothing: the run is stopping either way, and Quit now is the way out."""


class QuitAfterRun:
    """Stops each run, shows SavingNote, and calls `close` (the window's) once every run has ended; answer: the
    quit question's, which the second close uses rather than asking again."""

    def __init__(self, window: QWidget, dialogs: Sequence[TrainDialog], answer: str | None,
                 close: Callable[[], object], timeout_ms: int | None = None) -> None:
        self.answer = answer
        self.dialogs = list(dialogs)
        self._close = close
        self.done = False
        self.note = SavingNote(window, self.quit_now)
        for dialog in self.dialogs:
            dialog.process.finished.connect(self._run_ended)
            dialog.stop_for(QUITTING)
        timeout_ms = SAVE_WAIT_MS if timeout_ms is None else timeout_ms
        self.timer = QTimer(self.note, singleShot=True, interval=timeout_ms)
        self.timer.timeout.connect(lambda: self.note.offer_quit_now(timeout_ms / 1000))
        self.timer.start()
        self.note.show()

    def waiting(self) -> bool:
        return not self.done

    def _dialogs_gone(self) -> bool:
        """Whether a dialog (or its process) was deleted: its window is being deleted while the quit still waits (a
        test's teardown does so; genimg deletes the window only once it has closed). A process deleted while it runs
        is killed, and its `finished` comes from inside that deletion, its dialog and process already gone."""
        return not all(shiboken6.isValid(d) and shiboken6.isValid(d.process) for d in self.dialogs)

    def _run_ended(self, *_args) -> None:
        if self.done:
            return
        if self._dialogs_gone():  # the window is going: nothing left to close, the note and its timer go with it
            self.done = True
            return
        if any(d.process.state() != QProcess.ProcessState.NotRunning for d in self.dialogs):
            return
        self.done = True
        self.timer.stop()
        self.note.hide()
        self._close()

    def quit_now(self) -> None:
        """Kill the runs still saving; each one's end closes the window as a save would."""
        for dialog in self.dialogs:
            if dialog.running():
                dialog.process.kill()
