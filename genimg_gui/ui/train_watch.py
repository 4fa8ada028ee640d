"""The Train… dialog's view of a run: its progress bar, log, and (train_samples) latest sample grid and held-out
figures."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, NamedTuple

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPixmap, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QVBoxLayout, QWidget

from ..earlier_run import RESUME_HINT, card_steps
from ..wording import in_minutes
from .train_run import (ERROR, HELD_OUT, MEASURING, PROGRESS_STEPS, SAMPLES, describe_figures, grid_caption,
                        in_the_dialogs_terms, in_the_dialogs_words, moved_on, read_progress, share_done, shortened)
from .train_samples import SamplesFrame

# a progress line ("step 1,234/20000 | 38 img/s | d=0.6931 g=0.6931 aug_p=0.0000 | ETA 29.5 min") fits the log
LOG_COLUMNS = 84
LOG_MIN_WIDTH = 240  # what the user may narrow the log to
FAILURE_CHARS = 240  # the line under the bar: about three lines, the whole of it in its tooltip
TICK_MS = 1000  # how often the bar and its time left move on between progress lines


class Reported(NamedTuple):
    """The last progress line: when it was read (the watch's clock), its step, the share done and minutes left."""
    at: float
    step: int
    done: float
    minutes_left: float


def step_and_time_left(step: int, minutes_left: float) -> str:
    """The bar's text while the run goes: "step 1,200 — 3.5 min left", as a progress line says it and as it ticks."""
    return f"step {step:,} — {in_minutes(60 * minutes_left)} left"


class RunWatch(QWidget):
    """Reads a run's output line by line: each line logged, progress lines moving the bar, sample grid lines
    showing the grid, evaluation lines the figures."""

    def __init__(self, parent=None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.hide()  # until a run starts: an empty bar with no words read as a run stuck at nothing
        self._clock = clock
        self._started = clock()  # when the run on show started: --minutes counts from there
        self._reported: Reported | None = None  # the last progress line, which the ticks move the bar on from
        self._ticker = QTimer(self)  # a timer, not a wait: the UI thread never waits on the run
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self._before_measuring = ""  # the bar's words from before a held-out evaluation, put back once it ends
        self._saving = False  # stopped: the bar says it saves, not the time a step left before the stop
        self.kind = ""  # what the run on show trains, which says what its grids show
        self.failure = QLabel()  # why the last run failed, under the bar that says it did
        self.failure.setWordWrap(True)
        self.failure.hide()
        self._error = ""  # why the run failed in its own words (an error line), for failed()
        self._last_line = ""  # else its last line: a traceback's names the exception
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        # wrapped: a long error line (a path, then why) had to be scrolled sideways to be read. The log opens wide
        # enough for a progress line (log_widening), so those still take one line each unless the user narrows it.
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.log.setMaximumBlockCount(2000)
        self.log.setMinimumWidth(LOG_MIN_WIDTH)
        self.log.setPlaceholderText("The run's log shows here: each step's images/s, losses and time left, "
                                    "what was skipped and why, and where the model was saved.")
        # the log follows its last line, as a terminal does, until the user scrolls up (back at the end, it follows
        # again). Not left to QPlainTextEdit: once its view stood inside a wrapped line (the "$ genimg train …" line
        # that opens it), it stopped following, and a Stop's last lines ("■ stopped at step 11: …") showed only
        # after scrolling down.
        self._following = True
        self.log.verticalScrollBar().actionTriggered.connect(self._user_scrolled)
        self.log.verticalScrollBar().rangeChanged.connect(self._follow)
        self.samples = SamplesFrame(frame_of=self.log)
        # its parts by the names the dialog and its tests know them by
        self.preview, self.samples_caption, self.figures = (self.samples.preview, self.samples.caption,
                                                            self.samples.figures)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.failure)
        beside = QHBoxLayout()
        beside.addWidget(self.log, 1)
        beside.addWidget(self.samples)
        layout.addLayout(beside, 1)

    def log_widening(self) -> int:
        """The width (px) the log lacks at its size hint for LOG_COLUMNS, which the dialog opens wider by. Not a
        minimum width held until it opens: a scroll area measured the dialog's parts before, kept their measures,
        and the dialog stayed that wide on a small screen."""
        chrome = 2 * self.log.frameWidth() + self.log.verticalScrollBar().sizeHint().width() + 16  # + text margins
        wanted = self.log.fontMetrics().horizontalAdvance("x" * LOG_COLUMNS) + chrome
        return max(0, wanted - self.log.sizeHint().width())

    def say(self, text: str) -> None:
        self.log.appendPlainText(text)
        self._follow()

    def unsay(self, text: str, within: int = 3) -> None:
        """Take a line the dialog said near the log's start (the folder's "⚠ Only 3 image files …") out of it: it
        read as the folder now chosen's."""
        block = self.log.document().firstBlock()
        for _ in range(within):
            if not block.isValid():
                return
            if block.text() == text:
                cursor = QTextCursor(block)
                if not cursor.movePosition(QTextCursor.MoveOperation.NextBlock, QTextCursor.MoveMode.KeepAnchor):
                    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
                cursor.removeSelectedText()
                return
            block = block.next()

    def _user_scrolled(self, _action: int) -> None:
        """The user moved the log's scroll bar (dragged it, clicked it, turned the wheel, pressed a key): it follows
        the last line again once they are back at the end."""
        bar = self.log.verticalScrollBar()
        self._following = bar.sliderPosition() >= bar.maximum()  # the action's position: the value comes after

    def _follow(self, *_range) -> None:
        """The last line in view while the log follows it: after a line, and as the log is resized."""
        if self._following:
            self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())

    def clear(self, keep_grid: bool = False) -> None:
        """A fresh view for a new Start: the last attempt's log, bar, figures, grid and failure were another run's.
        The bar goes until the run begins (a Start refused never begins one). keep_grid: a continued run's last
        grid stays until its next one comes (blanked, the dialog showed nothing for a whole sample interval)."""
        self.log.clear()
        self._following = True
        self.forget_end()
        # the grid on show is the last run's of this Save to (another folder's was forgotten), of its kind
        self.samples.forget(grid_caption(self.kind, earlier=True) if keep_grid else "")
        self._error = self._last_line = ""

    def forget_results(self) -> None:
        """The figures line and sample grid back to what is to come: they were another folder's run's."""
        self.samples.forget()

    def forget_end(self) -> None:
        """The bar and failure of a run whose settings the form no longer shows ("done" read as the new choice's)."""
        self._stop_ticking()
        self.progress.reset()
        self.progress.hide()
        self.failure.hide()

    def expect_figures(self, to_come: str) -> None:
        """What the figures line says until the next run's figures come: that they will, or why none will
        ("Held-out figures appear with each sample grid" was shown for a folder too small to hold any out)."""
        self.samples.expect_figures(to_come)

    def expect_samples(self, every: int) -> None:
        """The steps between the next run's sample grids, which the samples frame says until its first."""
        self.samples.expect_samples(every)

    def begin(self, kind: str, beginning: str) -> None:
        """A run of this kind starts: the bar at 0 with how it begins, the time budget counted from now."""
        self.kind = kind
        self._started = self._clock()
        self._stop_ticking()
        self._saving, self._before_measuring = False, ""
        self.progress.setValue(0)
        self.progress.setFormat(beginning)
        self.progress.show()

    def take_line(self, line: str) -> None:
        """One line of the run's output: logged, and read for progress, a new sample grid or figures."""
        if not line:
            return
        self.say(in_the_dialogs_terms(line.replace(RESUME_HINT, "")))
        if m := ERROR.match(line):
            self._error = m.group(1)
        elif self._error:  # an error goes on over lines (each reason files were skipped for): the run ends with it
            self._error += (" " if self._error.endswith(":") else "; ") + line
        self._last_line = line
        if progress := read_progress(line):
            self._take_progress(*progress)
        elif m := MEASURING.search(line):  # the bar read "1.6 min left" for the minute it took
            self._before_measuring = self.progress.format()
            self.progress.setFormat(f"step {int(m.group(1)):,} — measuring held-out figures…")
        elif m := SAMPLES.search(line):
            self.show_samples(Path(m.group(2)), grid_caption(self.kind, int(m.group(1))), int(m.group(1)))
        elif figures := describe_figures(line):
            self.samples.show_figures(figures, int(HELD_OUT.search(line).group(1)))
            self._measured()

    def _take_progress(self, step: int, steps: int | None, minutes_left: float) -> None:
        """A progress line: the bar where it says (back, should the ticks have gone past it), ticking on from it."""
        now = self._clock()
        done = share_done(step, steps, minutes_left, now - self._started)
        self.progress.setValue(round(done * PROGRESS_STEPS))
        if self._saving:  # a line the run wrote before the stop: the bar says it saves
            return
        self.progress.setFormat(step_and_time_left(step, minutes_left))
        self._reported = Reported(now, step, done, minutes_left)
        self._ticker.start()

    def _tick(self) -> None:
        """Between progress lines: the time left counted down and the bar moved on at the last line's pace, short
        of full (the run says when it ends); held while the run measures its figures, or saves."""
        if self._reported is None or self._before_measuring:
            return
        at, step, done, minutes_left = self._reported
        share, left = moved_on(done, minutes_left, self._clock() - at)
        self.progress.setValue(max(round(done * PROGRESS_STEPS), min(round(share * PROGRESS_STEPS),
                                                                     PROGRESS_STEPS - 1)))
        self.progress.setFormat(step_and_time_left(step, left))

    def _stop_ticking(self) -> None:
        self._ticker.stop()
        self._reported = None

    def saving(self) -> None:
        """The run was asked to stop: the bar says it saves until the run ends (say_ended, failed)."""
        self._stop_ticking()
        self._saving, self._before_measuring = True, ""
        self.progress.setFormat("stopping: saving the model so far…")

    def _measured(self) -> None:
        """A held-out evaluation ended: the bar's words before it, back."""
        if self._before_measuring:
            self.progress.setFormat(self._before_measuring)
            self._before_measuring = ""

    def show_samples(self, path: Path, caption: str, step: int | None, final: bool = False) -> None:
        """The grid drawn at a step, or (final) of the model a run wrote; the run writes the grid before it logs the
        line, so the file is whole when read."""
        pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            self.samples.show_grid(pixmap, caption, step, final)

    def failed(self, how: str) -> str:
        """The run ended without a model: the bar says so (it said "starting…" on), and the line under it why,
        whole (it ended on the colon of "1 file skipped:", the files and the reason left to the log), in the dialog's
        words; the reason returned."""
        self._stop_ticking()
        self.progress.setFormat(f"failed ({how})")
        why = in_the_dialogs_words(self._error) if self._error else self._last_line
        said = f"⚠ The run failed: {why}" if why else f"⚠ The run failed ({how}): it said nothing"
        self.failure.setText(shortened(said, FAILURE_CHARS))
        self.failure.setToolTip(said)
        self.failure.show()
        return why or "it said nothing"

    def say_ended(self, out: str, stopped: bool) -> str:
        """The bar and log of a run that wrote its model to out: done, or stopped part-way (Start can go on); the
        bar's words returned."""
        load = f"Load {Path(out).name}"  # the dialog's button, which names the model
        if not stopped:
            self.end("done")
            self.say(f"✓ model written to {out}: the Models tab lists it, and {load} makes it the active one")
            return "done"
        steps = card_steps(Path(out))
        at = f" at step {steps:,}" if steps is not None else ""
        self.end(f"stopped{at}")
        self.say(f"■ stopped{at}: the model so far is written to {out} (the Models tab lists it, and {load} makes "
                 "it the active one). Start continues this run: it asks whether to go on from here or start over.")
        return f"stopped{at}"

    def end(self, format_: str) -> None:
        """The bar's last words, full: "done" or "stopped at step N" (left where the time had got to, a run stopped
        at step 2 read as a quarter done)."""
        self._stop_ticking()
        self.progress.setValue(PROGRESS_STEPS)
        self.progress.setFormat(format_)
