"""The GUI-thread face of the worker: submit requests, get results as signals.

Owns the QThread and the RequestQueue. submit() never blocks: it stamps a
sequence number, queues the request and returns.
"""
from __future__ import annotations

import dataclasses
import itertools
from collections import OrderedDict

from PySide6.QtCore import QObject, QThread, Signal

from .gc_guard import GuiThreadCollector
from .queue import Place, RequestQueue
from .requests import Failed, Progress, Request
from .worker import Worker

REMEMBERED = 256  # recent requests kept for resubmit (an out-of-memory retry on the CPU)


class Engine(QObject):
    result = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    submitted = Signal(object)  # the stamped Request, as it is queued (the UI marks a slow live one)
    started = Signal(int)  # the seq of a job the worker starts (a load that waited is no longer said to wait)

    def __init__(self, device: str = "auto", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._seq = itertools.count(1)
        self.queue = RequestQueue()
        self._recent: OrderedDict[int, Request] = OrderedDict()
        self.worker = Worker(self.queue, device)
        self.collector = GuiThreadCollector(self)  # before the thread starts: it must never collect Qt objects
        self.thread = QThread()
        self.thread.setObjectName("genimg-worker")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        for name in ("result", "failed", "progress", "started"):
            getattr(self.worker, name).connect(getattr(self, name))
        self.thread.start()

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

    def resubmit(self, seq: int) -> int | None:
        """Send a recent request again (a new sequence number); None if it is no longer remembered."""
        request = self._recent.get(seq)
        return None if request is None else self.submit(request)

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
