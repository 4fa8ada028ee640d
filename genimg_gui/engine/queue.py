"""A thread-safe request queue: FIFO jobs, and a latest-wins slot per live lane.

A lane is a request kind for one item (see Request.lane), so a fast drag on one
image never drops the pending update of another. Preview lanes (slider strips)
are served last: jobs > live > previews. A long job may serve waiting live
requests of one kind between its own steps (take_waiting: an inversion draws a
slider's edit as it goes).
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from .requests import Request


class Cancelled(Exception):
    """Raised inside a job when its cancellation was asked for."""


@dataclass(frozen=True)
class Place:
    """Where a queued job stands: what the worker runs now (None between two requests), the jobs that run before
    it, and how many live requests (pictures to draw) it goes before."""
    running: Request | None
    before: tuple[Request, ...]
    live_after: int


class RequestQueue:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._jobs: deque[Request] = deque()
        self._live: dict[tuple, Request] = {}  # lane -> newest request, in first-queued order
        self._previews: dict[tuple, Request] = {}  # the same, for the lowest priority
        self._closed = False
        self._cancelled: set[int] = set()
        self._running: Request | None = None  # the request the worker took last, until finished()
        self.superseded = 0  # live requests replaced before they ran

    def put(self, request: Request) -> bool:
        """Queue a request; a live one replaces the one waiting in its lane, which is dropped unrun. False, and
        nothing queued, once closed: nothing would run it (a timer firing as the window closes asked it)."""
        with self._cond:
            if self._closed:
                return False
            if request.live:
                slots = self._previews if request.preview else self._live
                if slots.pop(request.lane, None) is not None:
                    self.superseded += 1
                slots[request.lane] = request
            else:
                self._jobs.append(request)
            self._cond.notify()
            return True

    def take(self) -> Request | None:
        """Block until a request is ready (jobs, then live, then previews); None once closed."""
        with self._cond:
            while not self._closed and not self._jobs and not self._live and not self._previews:
                self._cond.wait()
            if self._closed:
                return None
            if self._jobs:
                request = self._jobs.popleft()
            else:
                slots = self._live or self._previews
                request = slots.pop(next(iter(slots)))
            self._running = request
            return request

    def queued(self, seq: int) -> bool:
        """Whether seq waits in the queue (a preview strip that gave way waits again)."""
        with self._cond:
            return any(r.seq == seq for r in (*self._jobs, *self._live.values(), *self._previews.values()))

    def find(self, seq: int) -> Request | None:
        """Request seq while it waits, or while it runs as the one the worker took last (until finished); None
        otherwise: it ended, or was dropped (superseded, cancelled, withdrawn)."""
        with self._cond:
            held = (*self._jobs, *self._live.values(), *self._previews.values(), self._running)
            return next((r for r in held if r is not None and r.seq == seq), None)

    def pending(self) -> int:
        with self._cond:
            return len(self._jobs) + len(self._live) + len(self._previews)

    def urgent(self) -> bool:
        """Whether a job or a live request waits: a running preview should give way."""
        with self._cond:
            return bool(self._jobs or self._live) or self._closed

    def waiting(self, kind: type) -> int:
        """How many live requests of this type wait (one a lane)."""
        with self._cond:
            return sum(isinstance(r, kind) for r in self._live.values())

    def take_waiting(self, kind: type) -> Request | None:
        """The oldest waiting live request of this type, taken while another runs (which stays the running one,
        so its cancel still reaches it); None when none waits."""
        with self._cond:
            lane = next((lane for lane, r in self._live.items() if isinstance(r, kind)), None)
            return None if lane is None else self._live.pop(lane)

    def requeue(self, request: Request) -> None:
        """Put back an abandoned preview, first in line among previews, unless a newer
        request for its lane arrived meanwhile (that one wins) or it was cancelled."""
        with self._cond:
            if request.lane in self._previews or self._closed:
                return
            if request.seq in self._cancelled:
                self._cancelled.discard(request.seq)
                return
            self._previews = {request.lane: request, **self._previews}
            self._cond.notify()

    def cancel(self, seq: int) -> bool:
        """Cancel a request. A queued one is dropped now (returns True); a running one
        stops at its next check(); an unknown or finished one is ignored."""
        with self._cond:
            queued = [r for r in (*self._jobs, *self._live.values(), *self._previews.values()) if r.seq == seq]
            if queued:
                self._jobs = deque(r for r in self._jobs if r.seq != seq)
                self._live = {k: r for k, r in self._live.items() if r.seq != seq}
                self._previews = {k: r for k, r in self._previews.items() if r.seq != seq}
                return True
            # remembering others would only grow the set: they never run again
            if self._running is not None and seq == self._running.seq:
                self._cancelled.add(seq)
            return False

    def place(self, seq: int) -> Place | None:
        """Where a queued job stands (jobs run in the order asked, before any live request); None once it has
        started, or when seq is no queued job."""
        with self._cond:
            jobs = list(self._jobs)
            index = next((i for i, r in enumerate(jobs) if r.seq == seq), None)
            return None if index is None else Place(self._running, tuple(jobs[:index]), len(self._live))

    def withdraw(self, seq: int, before: int) -> Request | None:
        """Take out a queued job that a newer one makes pointless, if it is still queued just before that one (a load
        of another model of its kind asked right after it); never one that runs. None when it is not so."""
        with self._cond:
            jobs = list(self._jobs)
            stale = next((a for a, b in zip(jobs, jobs[1:]) if a.seq == seq and b.seq == before), None)
            if stale is not None:
                self._jobs.remove(stale)
            return stale

    def finished(self, seq: int) -> None:
        """Forget a cancellation that arrived after its request had ended."""
        with self._cond:
            self._cancelled.discard(seq)
            if self._running is not None and self._running.seq == seq:
                self._running = None

    def stopping(self, seq: int) -> bool:
        """Whether a running request should stop (cancelled, or the app closing), read without the lock: it is asked
        before every layer of an encode or decode, slider drags included. A bool and a set's membership read whole
        under the GIL; a cancel that lands just after is seen at the next layer, or by check()."""
        return self._closed or seq in self._cancelled

    def check(self, seq: int) -> None:
        """Raise Cancelled in a running job if it was cancelled or the app is closing."""
        with self._cond:
            if self._closed or seq in self._cancelled:
                self._cancelled.discard(seq)
                raise Cancelled()

    @property
    def closed(self) -> bool:
        """Whether close() was called: the app is closing."""
        return self._closed

    def close(self) -> None:
        """No request runs from now on: those waiting are let go of (with the latents and pictures they hold)."""
        with self._cond:
            self._closed = True
            self._jobs.clear()
            self._live.clear()
            self._previews.clear()
            self._cond.notify_all()
