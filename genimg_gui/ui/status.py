"""The status bar: messages and errors (each kept in the message log), warnings, and a load waiting its turn; device,
last decode time, job progress with Cancel and notes of work under way are its jobs' side (status_jobs.py)."""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSizeGrip, QStatusBar, QToolButton

from ..wording import counted, shared_ends
from . import ink
from .message_log import ERROR_COLOUR, MessageLog
from . import status_times as times
from .status_ink import INK_HIDDEN, MESSAGE_LEFT, NOTE_THEN_ERRORS, paint_note_then_errors
from .status_jobs import StatusJobs
from .status_warnings import Warnings

MAX_ERRORS = 5  # joined errors shown, newest first; one repeating (each decode of a drag failing) is listed once
GAP = 8        # px between the message's end and the first permanent widget
MIN_ROOM = 80  # px a message keeps however many permanent widgets show
# after a message cut short to fit the bar: a long one (a model switch's "Edits along PC2, PC3, … start again at 0
# …") ended in "…" at the window's edge, and the user did not know its whole text was in the tooltip and the log.
# It points at the bar's own Log button, a click away, rather than at a menu and a key that can be changed
MORE = " — click Log for the whole message"
# px at most for what a load waits for, elided (whole in its tooltip): a list of the work ahead widened the window
WAITING_WIDTH = 440
WAITING_TIP = "genimg does one thing at a time: this starts once the work before it is done"
HELD_THEN_NEXT = ". "  # between a message held as a waiting load starts and what the load says (hold_message)


def _ms_left(until: float) -> int:
    """The milliseconds until a time.monotonic() time, at least 1 (0 is "for ever" to Qt's timers)."""
    return max(1, round((until - time.monotonic()) * 1000))


class StatusBar(StatusJobs, QStatusBar):
    cancel_requested = Signal(int)
    retry_requested = Signal()  # the document's FailedRequests knows which request it offers
    log_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._make_job_widgets()  # device, decode time, busy notes, progress bar, Cancel, Retry on CPU
        self.waiting = QLabel()  # a load or device change waiting its turn (slow_draw.WaitingJobNote)
        self.warning = Warnings()  # lasting conditions (this window is not autosaved): a message is gone in seconds
        self._errors: list[str] = []  # those on show (the last MAX_ERRORS)
        self._error_count = 0  # all of them, repeats left out
        self._note = ""  # the last message that came while errors were on show: it is shown before them
        self._errors_until = 0.0  # time.monotonic() when the last error's 15 s end
        self._last_error_at = float("-inf")  # time.monotonic() when the last error came: times.BURST_S
        self._staying = ""  # a message that stays (show_message's stays): the bar comes back to it (_back_to_staying)
        self._held, self._held_until = "", 0.0  # the message on show as a waiting load started, its end: hold_message
        self._shown_at = self._waiting_from = 0.0  # when the message on show was said, and the waiting note began
        self.log = MessageLog(self)
        self.log_button = QToolButton()
        self.log_button.setAutoRaise(True)
        self.log_button.clicked.connect(self.log_requested)
        self.log.unseen_changed.connect(self._show_unseen)
        self._show_unseen(0)
        # the notes that come and go while a job runs sit left of its Cancel: right of it, each one that appeared
        # (a load waiting its turn) moved Cancel left under the pointer, and a click aimed at it missed
        self._permanent = (self.warning, self.waiting, self.busy, self.retry, self.bar, self.cancel, self.device,
                           self.timing, self.log_button)
        for w in self._permanent:
            self.addPermanentWidget(w)
        self._full = ""  # the whole text of the message on show (the bar may show it elided)
        self._tip, self._sheet = "", ""  # a status tip over the message, and the bar's ink under it: show_tip
        self._until: float | None = None  # time.monotonic() when it goes; None: it stays
        # their room changes (a progress bar appears, the size grip is placed): the message is fitted again
        for w in (*self._permanent, *self.findChildren(QSizeGrip)):
            w.installEventFilter(self)
        self.bar.hide()
        self.cancel.hide()
        self.retry.hide()
        self.busy.hide()
        self.waiting.hide()
        self.warning.hide()
        self.messageChanged.connect(self._tip_follows)
        self.messageChanged.connect(self._back_to_staying)
        ink.follow_palette(self, self._ink_again)

    def _tip_follows(self, shown: str) -> None:
        """The tooltip speaks of the message on show, and of none once it has gone (its time up; a status tip over
        it keeps it, as the message comes back): a message that had left the bar still showed as the empty bar's
        tooltip."""
        if (not shown or shown != self._elided(self._full)) and not self._tip_on_show():
            self.setToolTip("")

    def show_warning(self, label: str, text: str) -> None:
        """A warning that stays while it holds: the short label on the bar, the whole text in its tooltip."""
        self.warning.add(label, text)

    def withdraw_warning(self, label: str) -> None:
        self.warning.withdraw(label)

    def show_waiting(self, text: str) -> None:
        """What a load or a device change waits for ("emoji-gan will load when the current decode ends"); ""
        takes it away."""
        if text and not self.waiting.toolTip():  # (its tooltip: set while a note shows, in a hidden window too)
            self._waiting_from = time.monotonic()
        self.waiting.setText(self.waiting.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, WAITING_WIDTH))
        self.waiting.setToolTip(f"{text}\n{WAITING_TIP}" if text else "")
        self.waiting.setVisible(bool(text))

    def show_message(self, text: str, logged: bool = True, stays: bool = False) -> None:
        """A message for 8 s, and in the message log unless not logged (progress, which crowded errors out of it).
        While errors are on show it goes before them, and they stay: the "Encoded …" of the good file of a drop
        used to replace the bad one's error at once. stays: for one that asks the user to do something
        (asks_to_act), until another that stays or let_go: a message or error meanwhile shows for its time, then
        gives the bar back to it. A photo's crop note, said as the start-up ended, was gone before the user looked,
        and then so was one that the start-up's next message ("cat.png is open already…: shown") replaced."""
        if logged:
            self.log.add(text)
        if stays:
            self._staying = text
        if self._errors_on_show():  # shown with them until their time is up, which messages do not extend
            self._note = text
            left = _ms_left(self._errors_until)
            if left >= times.MESSAGE_MS or stays:  # one that stays comes back as they go (_back_to_staying)
                self._show_errors(left)
                return
            # then alone for the rest of its time; the errors stay up until then, as Qt's own timeout, firing
            # first, blanked the bar in between (for a moment, or longer on a busy machine)
            self._show_errors(0)
            until = self._errors_until
            QTimer.singleShot(left, self, lambda: self._message_after_errors(text, times.MESSAGE_MS - left, until))
            return
        if held := self._held_on_show():  # it keeps its time; one that stays comes after it (_back_to_staying)
            if not stays:
                left = _ms_left(self._held_until)
                self._show_plain(f"{held}{HELD_THEN_NEXT}{text}", max(left, times.reading_ms(text)))
            return
        self._show_plain(text, 0 if stays else times.reading_ms(text))

    def hold_message(self) -> None:
        """A load that the waiting note spoke of starts: what it waited for has ended, and the message on show is
        what that end said ("Cancelled the inversion of … at step 40: kept …"). It keeps its time, and the messages
        said meanwhile (the load's "Loaded …", then what the switch did) join after it, the newest last: they
        replaced it within 0.3 s, and a user who had pressed Cancel never read what Cancel did. A restored session's
        "Reopened …" is held so too, as what the restore says after it (a model folder trained again since) joins it.
        Errors keep their own way; a message that stays comes after it (a restored picture's crop note hid it)."""
        timed = self.currentMessage() and self._until is not None and not self._errors_on_show()
        # only one said since the note began: an older one on show (the start-up's "Loaded …", an earlier switch's
        # notes, said before this load was asked for) is not what the load waited for, and was joined before its news
        timed = timed and self._shown_at >= self._waiting_from
        self._held, self._held_until = (self._full, self._until) if timed else ("", 0.0)

    def _held_on_show(self) -> str:
        """The held message, while it shows (alone or with one joined after it) and its time is not up; else ""."""
        on_show = self.currentMessage().startswith(self._held) and time.monotonic() < self._held_until
        return self._held if self._held and on_show else ""

    def let_go(self) -> None:
        """The message that stays goes, from the bar too (the picture it spoke of is no longer shown)."""
        staying, self._staying = self._staying, ""
        if not staying:
            return
        if self.currentMessage() == staying:
            self.clearMessage()
        elif self._note == staying and self._errors_on_show():  # before the errors: they stay, alone
            self._note = ""
            self._show_errors(_ms_left(self._errors_until))

    def _back_to_staying(self, shown: str) -> None:
        """The bar emptied (a message's or the errors' time is up, a widget's status tip has gone): the message that
        stays comes back, unless one waits for the errors' time to end (_message_after_errors: it comes back after
        that one). Read off the signal, not the clock: nothing to fall between a coarse timer and the clock."""
        waiting = self._note and self._until is None  # _show_errors(0)
        if not shown and self._staying and not waiting:
            self._show_plain(self._staying, 0)

    def _message_after_errors(self, text: str, ms: int, until: float) -> None:
        """The errors' time is up: the message alone, unless a newer message or error came. Not read off the
        clock: a coarse timer may fire a few ms early, the errors still on it, and the message was lost."""
        if self._note == text and self._errors_until == until:
            self._show_plain(text, ms, under_tip=self._tip_on_show())

    def _show_plain(self, text: str, ms: int, under_tip: bool = False) -> None:
        """under_tip: under the status tip the user reads, on its own clock, until the tip goes (show_tip)."""
        self._errors, self._error_count, self._note = [], 0, ""
        self.setToolTip(text if self._elided(text) != text else "")
        if under_tip:  # the message after errors: its timer, firing mid-hover, cut the tip short
            self._sheet = ""  # the ink show_tip gives back
            return self._timed(text, ms)
        self.setStyleSheet("")
        self.showMessage(text, ms)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 (Qt's name)
        """Shown elided to the room left of the permanent widgets: a long error ran on under the device label.
        currentMessage() gives the whole text; the tooltip and the message log show it."""
        self._timed(text, timeout)
        super().showMessage(self._elided(text), timeout)

    def _timed(self, text: str, timeout: int) -> None:
        """text is the message from now, for timeout ms (0: it stays): its own clock, kept under a status tip."""
        self._full, self._shown_at = text, time.monotonic()
        self._until = self._shown_at + timeout / 1000 if timeout else None

    def currentMessage(self) -> str:  # noqa: N802 (Qt's name)
        return self._full if super().currentMessage() else ""

    def show_tip(self, tip: str) -> None:
        """A status tip (a recent file's path, on hover) over the message, in the normal ink; as it goes, the message
        comes back for the rest of its time. Qt's own way (QMainWindow's) cleared the bar for the empty tip of each
        menu entry hovered: an error, or a message not read yet, went as the mouse went into a menu."""
        if tip:
            if not self._tip_on_show():  # what it covers: the bar as it is
                self._sheet = self.styleSheet()
                if not QStatusBar.currentMessage(self):  # none: currentMessage() says so, not the last one gone
                    self._full, self._until = "", None
            self._tip = tip
            self.setStyleSheet("")
            super().showMessage(tip)  # Qt's: the message under it keeps its text and its end (_full, _until)
            return
        covering, self._tip = self._tip_on_show(), ""
        if not covering:  # no tip, or a message said since, with its own time
            return
        self.setStyleSheet(self._sheet)
        if self._full and (self._until is None or time.monotonic() < self._until):
            self._refit()
        else:  # its time ended under the tip: the bar empties (and a message that stays comes back)
            self.clearMessage()

    def _tip_on_show(self) -> bool:
        return bool(self._tip) and QStatusBar.currentMessage(self) == self._tip

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.StatusTip:  # the window's (MainWindow filters its events here)
            self.show_tip(event.tip())
            return True
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show, QEvent.Type.Hide):
            self._refit()
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        """The message on show, fitted again to the room it has now, for the rest of its time (a status tip over it:
        as the tip goes)."""
        shown = QStatusBar.currentMessage(self)
        fitted = self._elided(self._full) if shown else shown
        if fitted == shown or self._tip_on_show():
            return
        left = 0 if self._until is None else _ms_left(self._until)
        super().showMessage(fitted, left)

    def _elided(self, text: str) -> str:
        """text, or as much of it as fits with "…" and MORE after it (no MORE where the room is too narrow)."""
        if not self.isVisible():  # no width to fit yet
            return text
        metrics, room = self.fontMetrics(), max(self._room(), MIN_ROOM)
        fitted = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        rest = room - metrics.horizontalAdvance(MORE) - 1  # (a pixel for the join's kerning)
        if fitted == text or rest < MIN_ROOM:
            return fitted
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, rest) + MORE

    def _room(self) -> int:
        """The width left for the message, a GAP short of the first permanent widget on show. Qt paints the
        message from 6 px to 2 px before that widget, or before the size grip (QStatusBarPrivate::messageRect):
        reckoned from the bar's width and the widgets' widths, the text ran into the device label, or was clipped
        mid-word without its "…" where the size grip took room. A widget not placed yet (at 0) is left out: its
        move fits the message again (eventFilter)."""
        grip = self.findChild(QSizeGrip)
        edges = [*([grip.x()] if grip and grip.isVisible() else []),
                 *[w.x() - 2 for w in self._permanent if w.isVisible()][:1]]
        return min([self.width() - 12, *[x for x in edges if x > MESSAGE_LEFT]]) - MESSAGE_LEFT - GAP

    def show_error(self, text: str) -> None:
        """An error; one arriving in the same burst as those on show (times.BURST_S) joins them (a drop's bad folder
        and bad file each get theirs: the last one used to hide the others), the last MAX_ERRORS in the tooltip
        too; one that comes later, from another action, replaces them, alone and with no count. A repeat is not
        listed again (each preview of a drag running out of memory listed its own)."""
        self.log.add(text, error=True)
        now = time.monotonic()
        same_burst = now - self._last_error_at < times.BURST_S
        self._last_error_at = now
        if not (same_burst and self._errors_on_show()):
            self._errors, self._error_count, self._note = [], 0, ""
        if text not in self._errors:
            self._errors = [*self._errors, text][-MAX_ERRORS:]
            self._error_count += 1
        self._errors_until = now + times.ERROR_MS / 1000
        self._show_errors(times.ERROR_MS)

    def withdraw_error(self, text: str) -> None:
        """An error the user has answered (Retry on CPU clicked) leaves the bar; the others on show keep their
        time. Left on, it read as if the retry had run out of memory too, the message it ended with before it."""
        if not self._errors_on_show() or text not in self._errors:
            return
        self._errors.remove(text)
        self._error_count -= 1
        left = _ms_left(self._errors_until)
        if self._errors:
            self._show_errors(left)
        elif note := self._note:  # the message that came while it showed, alone for what is left of its time
            self._show_plain(note, 0 if note == self._staying else left)
        else:
            self._show_plain("", 0)  # the bar empties: a message that stays comes back (_back_to_staying)

    def _show_unseen(self, count: int) -> None:
        """The log button counts the errors not yet looked at: one that left the bar can still be read."""
        self.log_button.setText(f"⚠ {count} in log" if count else "Log")
        self.log_button.setStyleSheet(ink.text_sheet(self.log_button, ERROR_COLOUR) if count else "")
        self.log_button.setToolTip("Every message and error of this session (View → Message log…, Ctrl+L)")

    def _errors_on_show(self) -> bool:
        return bool(self._errors and self.currentMessage()) and time.monotonic() < self._errors_until

    def _show_errors(self, ms: int) -> None:
        """The errors in red, after the message that came while they showed in the normal colour (all in red, the
        message read as an error too)."""
        self.setStyleSheet(self._errors_sheet())
        count = self._error_count
        head = "" if count == 1 else f"{counted(count, 'problem')}: " if count <= MAX_ERRORS else \
            f"{counted(count, 'problem')} (the last {MAX_ERRORS}): "
        note = f"{self._note}{NOTE_THEN_ERRORS}" if self._note else ""
        # newest first: the bar elides the end, and the error of what the user just did was the part cut off
        newest_first, shared = shared_ends(self._errors[::-1])  # advice several end with: said once, after them
        after = "".join(f". {end}" for end in shared)
        self.showMessage(note + "⚠ " + head + "; ".join(newest_first) + after, ms)
        self.setToolTip("\n".join([*newest_first, *shared, *([self._note] if self._note else [])]))

    def _errors_sheet(self) -> str:
        """The bar's ink while errors show: red, or hidden where paintEvent draws a message before them."""
        return INK_HIDDEN if self._note else f"QStatusBar {{ {ink.text_sheet(self, ERROR_COLOUR)} }}"

    def _ink_again(self) -> None:
        """The red chosen again for the palette now (ink.follow_palette). The bar has a sheet only while errors show
        (or kept under a status tip, self._sheet), and set again it takes the palette back, its labels' too."""
        self._show_unseen(self.log.unseen_errors)
        if self.styleSheet():
            self.setStyleSheet(self._errors_sheet())
        if self._sheet:
            self._sheet = self._errors_sheet()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)  # the panel, and a message before errors in hidden ink
        shown = QStatusBar.currentMessage(self)
        if shown and self._note and not self._tip_on_show():  # the errors, after a message of their time
            normal = self.device.palette().color(QPalette.ColorRole.WindowText)
            paint_note_then_errors(self, shown, self._note, normal)

