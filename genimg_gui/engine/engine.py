"""The GUI-thread face of the worker: submit requests, get results as signals.

Owns the QThread and the RequestQueue. submit() never blocks: it stamps a
sequence number, queues the request and returns. Nothing here imports torch: the worker thread does, as it starts,
so the window shows while torch loads (seconds on a slow machine); requests submitted meanwhile wait in the queue.
"""
from __future__ import annotations

import dataclasses
import itertools
from collections import OrderedDict

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from .gc_guard import GuiThreadCollector
from .queue import Place, RequestQueue
from .requests import Failed, Progress, Request

if TYPE_CHECKING:
    from .worker import Worker

REMEMBERED = 256  # recent requests kept for resubmit (an out-of-memory retry on the CPU)


class Engine(QObject):
    result = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    submitted = Signal(object)  # the stamped Request, as it is queued (the UI marks a slow live one)
    started = Signal(int)  # the seq of a job the worker starts (a load that waited is no longer said to wait)
    done = Signal(int)  # the seq of a request that ended without failing (a retry on the CPU says so)

    def __init__(self, device: str = "auto", parent: QObject | None = None, threads: int | None = None) -> None:
        """threads: torch's CPU threads for the models (0: all cores but one); None leaves torch's count for a new
        thread: the one torch.set_num_threads last set in this process, on any thread, else torch's default."""
        super().__init__(parent)
        self._seq = itertools.count(1)
        self.queue = RequestQueue()
        self._recent: OrderedDict[int, Request] = OrderedDict()
        self.worker: Worker | None = None  # made on the worker thread as it starts (_start_worker)
        self.collector = GuiThreadCollector(self)  # before the thread starts: it must never collect Qt objects
        self.thread = QThread()
        self.thread.setObjectName("genimg-worker")
        # direct: run on the new thread, which imports torch there (the window had waited 4 s for it)
        self.thread.started.connect(lambda: self._start_worker(device, threads), Qt.ConnectionType.DirectConnection)
        self.thread.start()

    def _start_worker(self, device: str, threads: int | None) -> None:
        """On the worker thread: import the worker (and torch with it), make it and run its loop. A torch that
        cannot be imported fails every request with why, where the window would wait on its loads for ever."""
        try:
            from .worker import Worker
        except ImportError as e:
            why = f"genimg cannot run its models: torch could not be loaded ({e})"
            while (request := self.queue.take()) is not None:
                self.queue.finished(request.seq)
                self.failed.emit(Failed(request.seq, type(request).__name__, why))
            return
        worker = Worker(self.queue, device, threads)  # lives on this thread, where it was made
        for name in ("result", "progress", "started", "done"):
            getattr(worker, name).connect(getattr(self, name))
        worker.failed.connect(self._on_failed)  # queued, as the signals above: all arrive in the order sent
        self.worker = worker
        worker.run()

    def submit(self, request: Request) -> int:
        """Queue a request; returns its sequence number (results carry it)."""
        seq = next(self._seq)
        stamped = dataclasses.replace(request, seq=seq)
        self._recent[seq] = stamped
        if len(self._recent) > REMEMBERED:
            self._recent.popitem(last=False)
        self.queue.put(stamped)
        self.submitted.emit(stamped)
        return seq

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        """On the GUI thread: a failure whose retry on the CPU sends only part of its request (the files of several
        that ran out of GPU memory) has that part sent by resubmit; the others were opened, and came again."""
        if failed.retry is not None and failed.seq in self._recent:
            self._recent[failed.seq] = failed.retry
        self.failed.emit(failed)

    def resubmit(self, seq: int) -> int | None:
        """Send a recent request again (a new sequence number); None if it is no longer remembered."""
        request = self.request(seq)
        return None if request is None else self.submit(request)

    def request(self, seq: int) -> Request | None:
        """A recent request as it was submitted; None if it is no longer remembered."""
        return self._recent.get(seq)

    def cancel(self, seq: int) -> None:
        """Cancel a request; one still queued is answered at once with a cancelled Failed."""
        if self.queue.cancel(seq):
            self.progress.emit(Progress(seq, 1.0, "cancelled"))
            self.failed.emit(Failed(seq, "request", "cancelled", cancelled=True))

    def place(self, seq: int) -> Place | None:
        """What a queued job waits for (queue.Place); None once it has started or ended."""
        return self.queue.place(seq)

    def withdraw(self, seq: int, before: int) -> bool:
        """Drop a queued job that the job `before`, queued right after it, makes pointless (a load of another model
        of its kind); answered with a Failed marked superseded. False, and nothing done, once it has started."""
        stale = self.queue.withdraw(seq, before)
        if stale is not None:
            self.failed.emit(Failed(seq, type(stale).__name__, "superseded", cancelled=True, superseded=True))
        return stale is not None

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop the worker after the request in flight; called once, on close."""
        self.queue.close()
        self.thread.quit()
        if self.thread.wait(timeout_ms):
            self.collector.stop()  # no worker left to collect on; a worker still running keeps the timer
