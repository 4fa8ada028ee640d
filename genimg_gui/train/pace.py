"""The progress line's images/s: measured over the last few minutes, not the whole run.

A run of many hours meets a machine that changes under it (another job starts, a laptop goes on
battery, a resumed run's first step spends seconds warming up). An average since the start takes
hours to show that, and the ETA built on it is wrong all that time; a window of minutes shows it
within minutes, and is long enough that one sample grid barely moves it. A held-out evaluation can take
a minute on a CPU: its time is left out (skip), and the ETA counts the evaluations to come apart.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Callable

WINDOW_S = 300.0
REPORT_STEPS = 25   # a progress line every this many steps...
REPORT_S = 10.0     # ...or this many seconds, whichever comes first: a slow run (a large model on a CPU, a
                    # one-minute trial) went a minute between lines, and the Train dialog's bar sat still


class Pace:
    def __init__(self, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic):
        self.window_s = window_s
        self._clock = clock
        self._marks: deque[tuple[float, int]] = deque()  # (time, images trained so far in this run)

    def mark(self, images: int) -> None:
        now = self._clock()
        self._marks.append((now, images))
        # drop the oldest mark while the next one still spans the window, so the window is never shorter
        while len(self._marks) > 2 and now - self._marks[1][0] >= self.window_s:
            self._marks.popleft()

    def skip(self, seconds: float) -> None:
        """Leave out these seconds, just spent on something else than training (a held-out evaluation)."""
        self._marks = deque((t + seconds, n) for t, n in self._marks)

    def report_due(self, step: int, first: int) -> bool:
        """Whether step (the run's first is first) gets a progress line."""
        late = bool(self._marks) and self._clock() - self._marks[-1][0] >= REPORT_S
        return step % REPORT_STEPS == 0 or step == first or late

    def images_per_s(self) -> float:
        """Images per second between the oldest mark in the window and the newest; 0 before two marks."""
        if len(self._marks) < 2:
            return 0.0
        (t0, n0), (t1, n1) = self._marks[0], self._marks[-1]
        return (n1 - n0) / max(t1 - t0, 1e-9)
