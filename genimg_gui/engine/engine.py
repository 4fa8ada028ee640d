"""The GUI-thread face of the worker: submit requests, get results as signals.

Owns the QThread and the RequestQueue. submit() never blocks: it stamps a
sequence number, queues the request and returns. Nothing here imports torch: the worker thread does, as it starts,
so the window shows while torch loads (seconds on a slow machine); requests submitted meanwhile wait in the queue.
"""
from __future__ import annotations

import dataclasses
import itertools

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal

from .gc_guard import GuiThreadCollector
from .queue import Place, RequestQueue
from .requests import Failed, Progress, Request

if TYPE_CHECKING:
    from .worker import Worker

# requests that ran out of GPU memory, kept for resubmit (Retry on CPU): it offers the last one to run out, and with it
# a direction's other side; a few cover that. Each holds its payload, and a drag on a full GPU runs out at every step
OUT_OF_MEMORY_KEPT = 8
WORKER_SIGNALS = ("result", "progress", "started", "done", "failed")


class SaidUntilShutdown(QObject):
    """Passes one of the worker's signals on as the engine's, on the GUI thread, until shutdown: an answer the worker
    sent as the window closed (a job stopped says "cancelled") came after it, to a document deleted since, and
    "Signal source has been deleted" (failed_requests.on_failed → document.open_waiting)."""

    def __init__(self, engine: Engine, name: str) -> None:
        super().__init__(engine)  # lives on the GUI thread: the worker's signal is queued to it
        self.engine, self.said = engine, getattr(engine, name)

    def pass_on(self, payload: object) -> None:
        if not self.engine.closing:  # read as it is delivered, not as it was sent
            self.said.emit(payload)


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
        self.queue = RequestQueue()  # holds a request until it ends: request() asks it, nothing here copies it
        # seq -> what Retry on CPU sends (Failed.retry) for the last OUT_OF_MEMORY_KEPT requests to run out of GPU
        # memory, the oldest first, until sent again or their retry withdrawn (forget). Nothing of a request that
        # waits or runs: the queue holds it, and the worker sends it back with its failure
        self._out_of_memory: dict[int, Request] = {}
        self.worker: Worker | None = None  # made on the worker thread as it starts (_start_worker)
        self.collector = GuiThreadCollector(self)  # before the thread starts: it must never collect Qt objects
        self.failed.connect(self._on_failed)
        self._relays = {name: SaidUntilShutdown(self, name) for name in WORKER_SIGNALS}
        self.thread = QThread()
        self.thread.setObjectName("genimg-worker")
        # direct: run on the new thread, which imports torch there (the window had waited 4 s for it)
        self.thread.started.connect(lambda: self._start_worker(device, threads), Qt.ConnectionType.DirectConnection)
        self.thread.start()

    def _start_worker(self, device: str, threads: int | None) -> None:
        """On the worker thread: import the worker (and torch with it), make it and run its loop. A torch that
        cannot be imported fails every request with why, where the window would wait on its loads for ever: missing
        (ImportError) or broken (a library of its that will not load raises OSError, or whatever its code meets).
        Said as the engine's failed signal: queued to the GUI thread, where the engine lives."""
        try:
            from .worker import Worker
        except Exception as e:
            why = f"genimg cannot run its models: torch could not be loaded ({e})"
            while (request := self.queue.take()) is not None:
                self.queue.finished(request.seq)
                self.failed.emit(Failed(request.seq, type(request).__name__, why))
            return
        worker = Worker(self.queue, device, threads)  # lives on this thread, where it was made
        for name in WORKER_SIGNALS:  # queued, to objects of one thread: all arrive in the order sent
            getattr(worker, name).connect(self._relays[name].pass_on)
        self.worker = worker
        worker.run()

    def submit(self, request: Request) -> int:
        """Queue a request; returns its sequence number (results carry it). Once shut down, nothing is queued, said
        or answered: the window has closed."""
        seq = next(self._seq)
        stamped = dataclasses.replace(request, seq=seq)
        if self.queue.put(stamped):  # a live one it supersedes is dropped unrun (and never answered)
            self.submitted.emit(stamped)
        return seq

    def resubmit(self, seq: int) -> int | None:
        """Send again a request that ran out of GPU memory (a new sequence number), as its failure said to
        (Failed.retry); None if it is no longer kept. The old one is forgotten: it stayed until OUT_OF_MEMORY_KEPT more
        ran out of GPU memory, which none does once the models run on the CPU (a big paste's pixels, for good)."""
        request = self._out_of_memory.pop(seq, None)
        return None if request is None else self.submit(request)

    def request(self, seq: int) -> Request | None:
        """A request as it was submitted, while the queue holds it (waiting, or the one running), or as Retry on CPU
        would send it after it ran out of GPU memory (one of the last few to); None otherwise."""
        kept = self._out_of_memory.get(seq)
        return kept if kept is not None else self.queue.find(seq)

    def forget(self, seq: int) -> None:
        """seq will not be sent again (its Retry on CPU was withdrawn): what it holds goes."""
        self._out_of_memory.pop(seq, None)

    def _on_failed(self, failed: Failed) -> None:
        """A request that ran out of GPU memory is kept for Retry on CPU, as the worker sent it back with the failure:
        the last OUT_OF_MEMORY_KEPT of them."""
        if not (failed.final and failed.retry_on_cpu and failed.retry is not None):
            return
        self._out_of_memory[failed.seq] = failed.retry
        while len(self._out_of_memory) > OUT_OF_MEMORY_KEPT:
            del self._out_of_memory[next(iter(self._out_of_memory))]

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
        its QThread must then not be destroyed before it ends (Qt aborts the process), see app.main. Harmless twice.
        From then on the engine says nothing: what the worker sends as it stops (its job's "cancelled", a last result)
        is dropped here (SaidUntilShutdown); the worker's own signals still carry it."""
        self.queue.close()
        self.thread.quit()
        if not self.thread.wait(timeout_ms):
            return False
        self.collector.stop()  # no worker left to collect on; a worker still running keeps the timer
        return True
