"""A thread-safe request queue: FIFO jobs, and a latest-wins slot per live lane.

A lane is a request kind for one item (see Request.lane), so a fast drag on one
image never drops the pending update of another.
"""
from __future__ import annotations

import threading
from collections import deque

from .requests import Request


class Cancelled(Exception):
    """Raised inside a job when its cancellation was asked for."""


class RequestQueue:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._jobs: deque[Request] = deque()
        self._live: dict[tuple, Request] = {}  # lane -> newest request, in first-queued order
        self._closed = False
        self._cancelled: set[int] = set()
        self.superseded = 0  # live requests replaced before they ran

    def put(self, request: Request) -> None:
        with self._cond:
            if request.live:
                if self._live.pop(request.lane, None) is not None:
                    self.superseded += 1
                self._live[request.lane] = request
            else:
                self._jobs.append(request)
            self._cond.notify()

    def take(self) -> Request | None:
        """Block until a request is ready (jobs first); None once closed."""
        with self._cond:
            while not self._closed and not self._jobs and not self._live:
                self._cond.wait()
            if self._closed:
                return None
            if self._jobs:
                return self._jobs.popleft()
            return self._live.pop(next(iter(self._live)))

    def pending(self) -> int:
        with self._cond:
            return len(self._jobs) + len(self._live)

    def cancel(self, seq: int) -> bool:
        """Cancel a request. A queued one is dropped now (returns True); a running one
        stops at its next check(); an unknown or finished one is ignored."""
        with self._cond:
            queued = [r for r in self._jobs if r.seq == seq] + [r for r in self._live.values() if r.seq == seq]
            if queued:
                self._jobs = deque(r for r in self._jobs if r.seq != seq)
                self._live = {k: r for k, r in self._live.items() if r.seq != seq}
                return True
            self._cancelled.add(seq)
            return False

    def finished(self, seq: int) -> None:
        """Forget a cancellation that arrived after its request had ended."""
        with self._cond:
            self._cancelled.discard(seq)

    def check(self, seq: int) -> None:
        """Raise Cancelled in a running job if it was cancelled or the app is closing."""
        with self._cond:
            if self._closed or seq in self._cancelled:
                self._cancelled.discard(seq)
                raise Cancelled()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
