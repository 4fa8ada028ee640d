"""Writes the autosaved session off the GUI thread: packing a large session's masks and pictures and writing it took
the window 1.6 s per autosave (a 2048 × 1536 photo with 20 strokes), every few seconds while the user painted. The
window's PNG exports are written on one of their own (ui/export_writes.py): a 2048 × 1536 photo upscaled ×4 froze
the window for 50 s.

One thread of its own, one write at a time, the latest wins: a save asked while another is being written waits for
it, and a newer one asked meanwhile takes its place (the file only ever needs the newest session). Each export is a
file of its own: submitted with replace=False, it waits its turn and none is dropped. Whoever must see
the file as it ends up (a quit, a discard) waits for the writes first (wait), or, where the save may be large (Keep
for next time at a quit), waits with the window still drawn (wait_drawing)."""
from __future__ import annotations

import sys
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable

from PySide6.QtCore import QEventLoop, QObject, Signal

from ..fileio import why_not_written


class SessionWriter(QObject):
    """Runs file jobs on a thread of its own, one at a time; a job asked with replace (the default) takes the place
    of those still waiting, one asked without waits behind them."""

    failed = Signal(str)  # a job's error, said in words (an OSError's or ValueError's), on the GUI thread
    _ended = Signal()  # a run waited for by wait_drawing has ended (emitted on the writer's thread)

    def __init__(self, parent: QObject | None = None, name: str = "genimg-autosave") -> None:
        super().__init__(parent)
        self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._lock = threading.Lock()
        # the jobs to run next, in order; each has a run asked for it (a run finding none left does nothing)
        self._waiting: deque[Callable[[], None]] = deque()
        self._last: Future | None = None  # the last run asked: once it ends, every job asked before has

    def submit(self, job: Callable[[], None], replace: bool = True) -> None:
        """Run job on the writer's thread, after the one running now: in place of any still waiting (replace),
        else after them."""
        with self._lock:
            if replace:
                self._waiting.clear()
            self._waiting.append(job)
        self._last = self._threads.submit(self._run)

    def _run(self) -> None:
        with self._lock:
            job = self._waiting.popleft() if self._waiting else None
        if job is None:
            return
        try:
            job()
        except (OSError, ValueError) as e:  # a full disk, a folder that cannot be written, an array it cannot hold
            self.failed.emit(why_not_written(e) if isinstance(e, OSError) else str(e))  # "the disk is full"
        except Exception:  # a bug: its traceback on stderr, as one on the GUI thread, not kept unseen in a Future
            sys.excepthook(*sys.exc_info())

    def drop_waiting(self) -> None:
        """Forget every job waiting to run, whatever it was submitted with (the one running goes on): only the
        autosave's writer calls it (Autosaver.keep, discard), where each waiting job is an autosave the next write
        holds; the exports have a writer of their own (ExportWrites), so none of them is dropped."""
        with self._lock:
            self._waiting.clear()

    def wait(self) -> None:
        """Block until every job asked has run (a quit, before it writes or removes the file itself)."""
        if self._last is not None:
            wait([self._last])

    def wait_drawing(self) -> None:
        """Wait as wait does, the event loop going on meanwhile but for the user's input (clicks and keys wait for
        it): the window is drawn and says what it waits for, not frozen, and nothing is edited behind the save."""
        last = self._last
        if last is None or last.done():
            return
        loop = QEventLoop()
        self._ended.connect(loop.quit)  # queued to this thread
        last.add_done_callback(lambda _: self._ended.emit())  # once done: busy() is False as the loop ends
        while not last.done():  # until the run is done, however the loop was woken
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        self._ended.disconnect(loop.quit)

    def busy(self) -> bool:
        """A job is running or waiting."""
        return self._last is not None and not self._last.done()

    def shutdown(self) -> None:
        """Wait for the jobs asked, then end the thread."""
        self._threads.shutdown(wait=True)
