"""Make `kill`, a closed terminal and a scheduler's time limit stop training the way Ctrl+C does.

The loop saves a checkpoint and the model when it sees KeyboardInterrupt.
SIGTERM (plain `kill`, systemd, Slurm's time limit, torchrun tearing down) and
SIGHUP (the terminal or ssh session closed) would otherwise end the process at
once and lose every step since the last checkpoint. A run started with `&`
from a script does not even get Ctrl+C: such shells start it with SIGINT
ignored, so `kill -INT` does nothing and `kill` was the only way to stop it.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

STOP_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)


def _interrupt(signum: int, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise KeyboardInterrupt; the old handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # Python delivers signals to the main thread only; its handlers stay as they are
        return
    previous = {s: signal.signal(s, _interrupt) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
