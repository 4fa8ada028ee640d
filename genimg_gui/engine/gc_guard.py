"""Python's cyclic garbage collection, kept on the GUI thread while a worker thread runs.

Automatic collection runs on whichever thread happens to allocate past the threshold. When that is the worker,
in the middle of building a network, and the garbage holds Qt objects (a closed dialog's widgets caught in a
reference cycle), PySide destroys them off the GUI thread and the process crashes: CI saw exactly that, a
segfault "Garbage-collecting" inside the worker's load_model. So while an engine runs, automatic collection is
off and a timer on the GUI thread collects whenever the thresholds say a collection is due (what pyqtgraph's
GarbageCollector does for the same reason).
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500  # often enough that garbage never piles up for long, rare enough to cost nothing


class GuiThreadCollector(QObject):
    """Create it on the GUI thread before starting a worker thread; stop() once that thread has finished."""

    _running = 0  # collectors not yet stopped: automatic collection stays off while any is
    _was_enabled = True

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        if GuiThreadCollector._running == 0:
            GuiThreadCollector._was_enabled = gc.isenabled()
            gc.collect()  # what earlier threads left, here, before a worker could trigger it
            gc.disable()
        GuiThreadCollector._running += 1
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_if_due)
        self.timer.start(interval_ms)

    def collect_if_due(self) -> None:
        """The collection the interpreter would have made by now, oldest generation that is due first."""
        counts, threshold = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > threshold[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Hand collection back to the interpreter (when no other collector runs); safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self.timer.stop()
        GuiThreadCollector._running -= 1
        if GuiThreadCollector._running == 0:
            gc.collect()
            if GuiThreadCollector._was_enabled:
                gc.enable()
