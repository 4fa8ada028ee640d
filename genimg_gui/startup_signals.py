"""A stop (Ctrl+C, kill, a closed terminal) before a genimg command begins: one line, the signal's exit code.

cli.py imports this module before any other and sets stops_end_at_once() at once, so it imports nothing but what
the interpreter has loaded by then (os, sys, threading, contextlib, typing) and signal: while cli.py's first import
(train/stopping.py, with dataclasses, inspect and difflib behind it) still loaded, a Ctrl+C ended genimg in a raw
traceback. What comes before this module's first line (the interpreter's own start, a launcher such as pyenv's shell
script shim) is not genimg's to answer: a stop there ends the process with the signal's code and no line.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import suppress
from typing import Callable

# the signals a run stops on once it has saved its checkpoint and model (train/stopping.py; no SIGHUP on Windows):
# Ctrl+C, kill (systemd, Slurm's time limit, torchrun tearing down, the Train… dialog's Stop), a closed terminal
SAVING_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, *((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()))
# the end of the line a stop before the command says; the Train… dialog reads it so (ui/train_run.py)
BEFORE_IT_BEGAN = "before it began: nothing written"

Handlers = dict[int, Callable | int | None]  # signal.signal's handlers (or SIG_DFL), by signal


def stopped_exit_code(signum: int) -> int:
    """`genimg train`'s exit code for a run a stop signal ended once it had saved: 128 + the signal's number, as a
    shell reports a process a signal ended (130 Ctrl+C, 143 kill, 129 a closed terminal), so that a script tells
    it from a finished run (0) and a failed one (1)."""
    return 128 + signum


def first_process() -> bool:
    """Whether this process says what the run does: the only one, or rank 0 of a torchrun group, whose processes
    all run the same command line and would each say it (RANK, which torchrun sets: no group is joined before the
    training loop)."""
    return os.environ.get("RANK", "0") == "0"


def stopped_before_it_began(signum: int, _frame) -> None:
    """A stop signal's handler from genimg's first line until a command takes the signals over: nothing is written
    yet, so the process ends there, in one line and with the signal's exit code. Python's own Ctrl+C ended it in a
    traceback while the modules loaded, and a kill (the Train… dialog's Stop) outright, which the dialog read as a
    crash. os._exit, not SystemExit: an exception raised here comes out of whatever code is running, and numpy's C
    code, loading the datetime module, turned it into an ImportError (a "bad install" traceback, exit code 1); what
    an exit would still do is done first (stdout flushed: a --help half printed), there being nothing else to end."""
    by = "" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}"
    if first_process() and sys.stderr is not None:  # rank 0's line alone under torchrun, as the run's log
        with suppress(OSError, ValueError):  # a closed stderr: the exit code says it alone
            print(f"genimg: stopped{by} {BEFORE_IT_BEGAN}", file=sys.stderr, flush=True)
    flush_output()
    os._exit(stopped_exit_code(signum))


def flush_output() -> None:
    """stdout and stderr flushed, before os._exit, which ends the process without Python's own flush. A stream that
    is missing (None under Windows' pythonw, which runs genimg-gui, a gui-script), closed or on a full disk has
    nothing to flush, and no reason to keep the process from ending: `genimg-gui` quit inside a long pass raised
    AttributeError there, and Python, ending on it, destroyed the running worker thread (Qt aborted, exit 134)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with suppress(OSError, ValueError):  # ValueError: a stream closed by Python itself
                stream.flush()


def stops_end_at_once() -> Handlers:
    """Make Ctrl+C, kill and a closed terminal end the process at once (stopped_before_it_began); the handlers they
    replace, for put_back. Signals the process was started with ignored stay so (train/stopping.py's
    stop_signals_interrupt says why)."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # Python delivers signals to the main thread only, and sets their handlers there alone
    return {s: signal.signal(s, stopped_before_it_began)
            for s in SAVING_STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN}


def put_back(handlers: Handlers) -> None:
    """The handlers stops_end_at_once replaced, back."""
    for s, handler in handlers.items():
        signal.signal(s, handler)
