"""The GUI-thread face of the worker: submit requests, get results as signals.

Owns the QThread and the RequestQueue. submit() never blocks: it stamps a
sequence number, queues the request and returns. Nothing here imports torch: the worker thread does, as it starts,
so the window shows while torch loads (seconds on a slow machine); requests submitted meanwhile wait in the queue.
"""
from __future__ import annotations

import dataclasses
import itertools
from collections import deque

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from .gc_guard import GuiThreadCollector
from .queue import Place, RequestQueue
from .requests import Failed, Progress, Request

if TYPE_CHECKING:
    from .worker import Worker

# requests that ran out of GPU memory, kept for resubmit (Retry on CPU): it offers the last one to run out, and with it
# a direction's other side; a few cover that. Each held its payload, and a drag on a full GPU runs out at every step
OUT_OF_MEMORY_KEPT = 8


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
        # seq -> the request, while it may yet be retried: until it ends, unless it runs out of GPU memory (then among
        # the last OUT_OF_MEMORY_KEPT, until it is sent again or its retry withdrawn: forget). Until then the queue
        # holds it too. The last 256 requests of any kind were kept: a slider dragged on a large photo held a latent a
        # step, 256 MiB for good
        self._recent: dict[int, Request] = {}
        self._out_of_memory: deque[int] = deque()  # the seqs of those kept for having run out, the oldest first
        self.worker: Worker | None = None  # made on the worker thread as it starts (_start_worker)
        self.collector = GuiThreadCollector(self)  # before the thread starts: it must never collect Qt objects
        self.done.connect(self.forget)  # ended well: nothing left to retry
        self.failed.connect(self._on_failed)
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
        worker.failed.connect(self._from_worker)  # queued, as the signals above: all arrive in the order sent
        self.worker = worker
        worker.run()

    def submit(self, request: Request) -> int:
        """Queue a request; returns its sequence number (results carry it)."""
        seq = next(self._seq)
        stamped = dataclasses.replace(request, seq=seq)
        self._recent[seq] = stamped
        if (replaced := self.queue.put(stamped)) is not None:  # a live one superseded before it ran: never answered
            self.forget(replaced.seq)
        self.submitted.emit(stamped)
        return seq

    @Slot(object)
    def _from_worker(self, failed: Failed) -> None:
        """On the GUI thread: a failure whose retry on the CPU sends only part of its request (the files of several
        that ran out of GPU memory) has that part sent by resubmit; the others were opened, and came again."""
        if failed.retry is not None and failed.seq in self._recent:
            self._recent[failed.seq] = failed.retry
        self.failed.emit(failed)

    def resubmit(self, seq: int) -> int | None:
        """Send a recent request again (a new sequence number); None if it is no longer remembered. The old one is
        forgotten: the new seq is kept in its place. The old one stayed until OUT_OF_MEMORY_KEPT more ran out of GPU
        memory, which none does once the models run on the CPU: a big paste's pixels were held for the session."""
        request = self.request(seq)
        if request is None:
            return None
        new = self.submit(request)
        self.forget(seq)
        return new

    def request(self, seq: int) -> Request | None:
        """A request as it was submitted, while queued or running, or after it ran out of GPU memory (one of the last
        few to); None if it is no longer remembered."""
        return self._recent.get(seq)

    def forget(self, seq: int) -> None:
        """seq will not be sent again (it ended, was sent again, or its Retry on CPU was withdrawn): what it holds
        goes."""
        self._recent.pop(seq, None)
        if seq in self._out_of_memory:
            self._out_of_memory.remove(seq)

    def _on_failed(self, failed: Failed) -> None:
        """A request that failed for good is forgotten, unless it may fit on the CPU: kept for Retry on CPU."""
        if not failed.final:  # one file of several: the job goes on
            return
        if not failed.retry_on_cpu:
            self.forget(failed.seq)
            return
        self._out_of_memory.append(failed.seq)
        while len(self._out_of_memory) > OUT_OF_MEMORY_KEPT:
            self.forget(self._out_of_memory[0])

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

    @property
    def closing(self) -> bool:
        """Whether shutdown() was asked (the window closed)."""
        return self.queue.closed

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop the worker: the request in flight stops at its next check (between files, frames, steps, or the
        layers of an encode or decode). Waits up to timeout_ms; True once the worker thread has ended. False while it
        is still inside one long step that no check reaches (a single layer of a big network, a model file read):
        its QThread must then not be destroyed before it ends (Qt aborts the process), see app.main. Harmless twice."""
        self.queue.close()
        self.thread.quit()
        if not self.thread.wait(timeout_ms):
            return False
        self.collector.stop()  # no worker left to collect on; a worker still running keeps the timer
        return True
