"""Autosave: the session is written a few seconds after the last change (and at least every MAX_WAIT_MS while
changes keep coming), and offered back after a crash. A clean quit removes it, unless the user kept their unexported
work for next time. The GUI thread only takes the session (pack_session); it is packed and written on the
SessionWriter's thread, which a quit waits for: Keep for next time too, the window drawn meanwhile and saying so
(written on the GUI thread, it froze the window for the whole save of a large session)."""
from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from ..fileio import why_not_written
from ..session import PackedSession, Session, discard_session, pack_session, session_file, write_packed
from .. import session_aside
from ..session_aside import why_not_autosaved
from .document import Document
from .document_session import as_it_came
from .session_writer import SessionWriter

IDLE_MS = 3000
# at most this long between a change and its save, however busy the user is: a save waited for 3 s without a change,
# so a steady hand (an edit every 2 s) was never saved, and a crash after 5 minutes of work lost all of it
MAX_WAIT_MS = 20000
KEEPING = "Keeping your work for next time…"  # on the status bar while Keep for next time writes it


class Autosaver(QObject):
    saved_read = Signal(object)  # read_saved's session, on the GUI thread; None: it could not be read (said)
    _read_ended = Signal(object)  # session_aside.read_saved's (session, what to say), from the writer's thread

    def __init__(self, document: Document, path: Path | None = None, idle_ms: int = IDLE_MS,
                 max_wait_ms: int = MAX_WAIT_MS) -> None:
        super().__init__(document)
        self.document = document
        self.path = Path(path or session_file())
        self.saves = 0  # sessions written, counted on the writer's thread as each is
        self.writer = SessionWriter(self)
        self.writer.failed.connect(self._write_failed)
        self._read_ended.connect(self._was_read)  # queued: emitted on the writer's thread
        self.closed = False  # close() was called: a session read after it is no one's
        # a quit has begun (MainWindow.closeEvent): its waits draw the window, and a session read meanwhile is kept
        # back (late_read), not offered in the middle of the quit; offered if the quit is taken back (quit_taken_back)
        self.quitting = False
        self.reading = False  # read_saved's read has not ended yet
        self.late_read: tuple[Session | None, str | None] | None = None
        self.had_items = False  # images were open this run: once all are closed, nothing is left to restore
        # the session kept at the quit is being written, or has been: no autosave now (a decode arriving meanwhile
        # asks one), which would land over it, unmarked
        self.keeping = False
        # one window autosaves to the file: a second one open at once wrote over the first's work. A lock held by
        # a process that is gone (a crash) is stale and taken over; one of a running window is not, whatever its age
        # a folder that takes no files (read-only, full) is not another window's lock: said so, and a session a crash
        # left there is still offered back, read only (SessionQuestions._pending)
        self.unwritable = why_not_autosaved(self.path.parent)
        self.lock = QLockFile(str(self.path) + ".lock")
        self.lock.setStaleLockTime(0)
        self.owner = self.unwritable is None and self.lock.tryLock(0)
        if not self.owner and self.unwritable is None and self.lock.error() != QLockFile.LockError.LockFailedError:
            self.unwritable = f"Your work is not being autosaved: the data folder {self.path.parent} cannot be written"
        # a session the last run left is offered back first (SessionQuestions.offer_restore): until it is restored
        # or declined, saving would write over it while the question is up (the startup sample alone asks a save)
        self.held = self.owner and self.path.is_file()
        document.session_due = lambda: self.held  # files named at start-up wait for it: one it holds is open then
        self.timer = QTimer(self, singleShot=True)
        self.idle_ms, self.max_wait_ms = idle_ms, max_wait_ms
        self.unsaved_since: float | None = None  # time.monotonic() of the first change not saved yet
        self.timer.timeout.connect(self.save_now)
        # current_changed too: a restore after a crash brings back the image that was being edited
        for signal in (document.history_changed, document.item_added, document.item_removed, document.model_loaded,
                       document.current_changed):
            signal.connect(self.schedule)

    def schedule(self, *_) -> None:
        """(Re)start the idle countdown: a drag's many commits cost one save; but no later than max_wait_ms after
        the first change not saved yet."""
        self.had_items = self.had_items or bool(self.document.items)
        now = time.monotonic()
        if self.unsaved_since is None:
            self.unsaved_since = now
        left_ms = self.max_wait_ms - (now - self.unsaved_since) * 1000
        self.timer.start(max(0, min(self.idle_ms, int(left_ms))))

    def save_now(self) -> None:
        self.timer.stop()
        if self.held or not self.owner or self.keeping:
            return
        if self.document.carry.pending_any():  # half carried over to a new model: save once it has all arrived
            self.timer.start(self.idle_ms)
            return
        self.unsaved_since = None
        session = self.document.to_session()
        if not session.items:  # none open, or only the start-up sample as it came: nothing to bring back
            if self.had_items:  # every image open this run was closed: a crash now has nothing to bring back
                self.writer.submit(partial(discard_session, self.path))  # after a save still being written
            return
        # references to the session's arrays, taken now, quickly; packed and written on the writer's thread
        self.writer.submit(partial(self._write, pack_session(session)))

    def _write(self, packed: PackedSession) -> None:
        """On the writer's thread."""
        write_packed(packed, self.path)
        self.saves += 1

    def _write_failed(self, why: str) -> None:
        """why: in words (SessionWriter.failed), "the disk is full"."""
        self.document.error.emit(f"Autosave failed ({why}); your work is still open, export it to keep it")

    def wait(self) -> None:
        """Block until the saves asked are written (or the file removed, as asked)."""
        self.writer.wait()

    def pending(self) -> bool:
        """A session left by a run that did not quit cleanly (not another window's, still open)."""
        return self.owner and self.path.is_file()

    def read_saved(self) -> None:
        """Read the session the last run left on the writer's thread, the window drawn meanwhile; saved_read then
        carries it. Read on the GUI thread before the event loop began, a kept session of three photos with their
        strokes (7 MB) left the new window blank and frozen for 10 s. Nothing else is written meanwhile: the
        session is held (no autosave) until it is restored or declined."""
        self.reading = True
        self.writer.submit(self._read, replace=False)  # a job asked after it waits behind it, never drops it

    def _read(self) -> None:
        """On the writer's thread: the session as far as it can be read, and what to say of the rest; one not read
        whole is set aside there, never deleted (session_aside.read_saved)."""
        self._read_ended.emit(session_aside.read_saved(self.path))

    def _was_read(self, read: tuple[Session | None, str | None]) -> None:
        self.reading = False
        if self.closed:  # the window closed while the session was read: it stays for the next start
            return
        if self.quitting:  # read as a quit waited: "Restore your work?" came up in the middle of the quit
            self.late_read = read
            return
        self.saved_read.emit(self._taken(read))

    def quit_taken_back(self) -> None:
        """The quit begun was taken back (Cancel, or the work could not be kept): a session read meanwhile is
        offered now."""
        self.quitting = False
        read, self.late_read = self.late_read, None
        if read is not None:
            self.saved_read.emit(self._taken(read))

    def _taken(self, read: tuple[Session | None, str | None]) -> Session | None:
        session, said = read
        if said:
            self.document.error.emit(said)
        if session is None:
            self.release()
        return session

    def restore(self, session: Session, chosen_after: int | None = None) -> int:
        """Bring the saved session (read_saved's) back, beside what this run opened meanwhile; returns how many
        images it held. chosen_after: the loads asked after it are the user's choices (restore_session)."""
        self.document.restore(session, drop_start_sample=True, chosen_after=chosen_after)
        self.release()  # the next save holds both
        return len(session.items)

    def decline(self) -> None:
        """The last run's session is not wanted: remove it, and save this run's work from now on."""
        self.discard()
        self.release()

    def release(self) -> None:
        self.held = False
        if self.document.items:
            self.schedule()
        # files named at start-up (session_due), after what a restore says: "cat.png is open already" is the last word
        QTimer.singleShot(0, self, self.document.open_waiting)

    def discard(self) -> None:
        self.timer.stop()
        if self.owner:
            self.writer.drop_waiting()
            self.wait()  # a save being written would bring the file back
            discard_session(self.path)

    def keep(self) -> bool:
        """Save the session now, marked kept, for the next start to reopen; False (said) when it cannot be: this
        window does not autosave, images are still on their way to a new model, or the file cannot be written."""
        if not self.can_keep():
            return False
        self.writer.drop_waiting()  # this save holds what it would
        self.timer.stop()
        self.keeping = True
        failed: list[str] = []
        # after an autosave being written, if any (the writer runs one job at a time): it lands before, not over it
        self.writer.submit(partial(self._write_kept, pack_session(replace(self.document.to_session(), kept=True)),
                                   failed))
        self.document.message.emit(KEEPING)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.writer.wait_drawing()
        finally:
            QApplication.restoreOverrideCursor()
        if failed:
            self.keeping = False
            self.document.error.emit(f"Your work could not be kept ({failed[0]}): genimg stays open, export it to "
                                     "keep it")
            self.schedule()  # the autosave dropped above, asked again
            return False
        return True

    def can_keep(self) -> bool:
        """Whether keep() can save the session now; False (said) where it cannot: asked before the quit stops
        anything (the running inversions), so that a refused Keep leaves them running in the window that stays."""
        if not self.owner:
            return False
        if self.document.carry.pending_any():
            self.document.error.emit("Images are still being carried over to the new model: quit again in a moment")
            return False
        if self.held:  # written over, the last run's session was lost, or deleted by its question's Discard mid-quit
            self.document.error.emit(self._not_yet_reopened())
            return False
        return True

    def _not_yet_reopened(self) -> str:
        """Why Keep for next time waits while the last run's session is held: the user's own words to act on."""
        if self.reading or self.late_read is not None:
            return ("The work autosaved last time is still being read: genimg stays open so as not to write over it; "
                    "quit again in a moment")
        return ("The work autosaved last time is reopened once its models have loaded: genimg stays open so as not "
                "to write over it; quit again in a moment")

    def writing_kept(self) -> bool:
        """keep() is waiting for the kept session to be written."""
        return self.keeping and self.writer.busy()

    def _write_kept(self, packed: PackedSession, failed: list[str]) -> None:
        """On the writer's thread: the session kept, or why it could not be (in failed, for keep to say)."""
        try:
            write_packed(packed, self.path)
        except (OSError, ValueError) as e:  # a full disk, a folder that cannot be written: the quit is taken back
            failed.append(why_not_written(e) if isinstance(e, OSError) else str(e))
        except Exception as e:  # a bug: the quit taken back too, its traceback on stderr (SessionWriter._run)
            failed.append(f"{type(e).__name__}: {e}")
            raise

    def keep_open_images(self) -> bool:
        """A quit that asks nothing (every edit exported) keeps the open images for next time all the same, quietly,
        where one of them was edited or stepped to another seed (not asked about: it can be drawn again): it deleted
        them and their histories, though the question keeps them by default. False where no image changed or every
        change was undone (as_it_came: a clean quit then leaves nothing) or it cannot be kept now."""
        if not self.owner or self.document.carry.pending_any() or self.held:  # held: the file stays as it is
            return False
        edited = any(not as_it_came(self.document, item) for item in self.document.items.values())
        return edited and self.keep()

    def close(self, keep: bool = False) -> None:
        """A clean quit: nothing left to restore unless `keep` (keep() saved it) or the last run's session is still
        held (a kept one waits for the models to load: quitting then deleted it), and the next window may
        autosave."""
        if not keep and not self.held:
            self.discard()
        self.timer.stop()
        self.closed = True
        self.writer.shutdown()  # the last save written whole before the next window may read or write the file
        if self.owner:
            self.lock.unlock()
            self.owner = False
