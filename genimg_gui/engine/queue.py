"""A thread-safe request queue: FIFO jobs, and one latest-wins slot for live requests."""
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
        self._live: Request | None = None
        self._closed = False
        self._cancelled: set[int] = set()
        self.superseded = 0  # live requests replaced before they ran

    def put(self, request: Request) -> None:
        with self._cond:
            if request.live:
                if self._live is not None:
                    self.superseded += 1
                self._live = request
            else:
                self._jobs.append(request)
            self._cond.notify()

    def take(self) -> Request | None:
        """Block until a request is ready (jobs first); None once closed."""
        with self._cond:
            while not self._closed and not self._jobs and self._live is None:
                self._cond.wait()
            if self._closed:
                return None
            if self._jobs:
                return self._jobs.popleft()
            request, self._live = self._live, None
            return request

    def pending(self) -> int:
        with self._cond:
            return len(self._jobs) + (self._live is not None)

    def cancel(self, seq: int) -> None:
        """Cancel a queued or running request; a queued one is dropped, a running one stops at its next check."""
        with self._cond:
            self._cancelled.add(seq)
            self._jobs = deque(r for r in self._jobs if r.seq != seq)
            if self._live is not None and self._live.seq == seq:
                self._live = None

    def check(self, seq: int) -> None:
        with self._cond:
            if seq in self._cancelled:
                self._cancelled.discard(seq)
                raise Cancelled()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
