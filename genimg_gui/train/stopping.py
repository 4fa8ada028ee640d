"""Make `kill`, a closed terminal and a scheduler's time limit stop training the way Ctrl+C does.

The loop saves a checkpoint and the model when it sees KeyboardInterrupt.
SIGTERM (plain `kill`, systemd, Slurm's time limit, torchrun tearing down) and
SIGHUP (the terminal or ssh session closed) would otherwise end the process at
once and lose every step since the last checkpoint. A run started with `&`
from a script does not even get Ctrl+C: such shells start it with SIGINT
ignored, so `kill -INT` does nothing and `kill` was the only way to stop it.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from ..earlier_run import NOTHING_WRITTEN
from ..startup_signals import SAVING_STOP_SIGNALS, first_process, stopped_exit_code

SAVING = "still saving the checkpoint and the model: a moment"
SIGPIPE = 13  # signal.SIGPIPE, which Windows lacks: 128 + 13 is the CLI's exit code for a closed stdout


class StopSignal(KeyboardInterrupt):
    """The KeyboardInterrupt a stop signal raises. str() names SIGTERM and SIGHUP, for the log's "interrupted
    by …" (empty for Ctrl+C, as Python's own); signum sets the exit code once the run has saved (exit_code)."""

    def __init__(self, signum: int) -> None:
        super().__init__("" if signum == signal.SIGINT else signal.Signals(signum).name)
        self.signum = signum


class LogClosed(KeyboardInterrupt):
    """The stop the loop raises once its log's reader has gone (`genimg train … 2>&1 | head -4`): the run saves as
    on Ctrl+C, and exits 141 (128 + SIGPIPE), as the CLI does for a closed stdout. Losing every step for a
    closed log was worse than a Ctrl+C, which at least saves."""
    signum = SIGPIPE

    def __str__(self) -> str:
        return "its log's reader closing"


class GuardedLog:
    """The run's log, silenced once its reader has closed it: closed then tells the loop to stop (LogClosed),
    and the lines of the save, which would fail again, go nowhere."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log
        self.closed = False

    def __call__(self, line: str) -> None:
        if self.closed:
            return
        try:
            self._log(line)
        except BrokenPipeError:
            self.closed = True


def to_stderr(line: str) -> None:
    """The run's log (data, progress, figures, messages): stderr, as every genimg command's progress. A stderr that
    takes nothing (closed: `2>&-`; full: `2>/dev/full`) loses the line, not the run, as cli_commands.say does."""
    if sys.stderr is None:  # no stderr at all: print would put the line on stdout, where the model written goes
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except BrokenPipeError:  # its reader has gone: later writes, and Python's flush at exit, go nowhere instead
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())
        raise
    except (OSError, ValueError):  # ValueError: a stderr closed by Python itself
        pass


def main_log(line: str) -> None:
    """The run's log (to_stderr) in first_process() alone: the lines every process of a torchrun group reaches
    alike ("resuming with the run's …") were printed once per process."""
    if first_process():
        to_stderr(line)


def nothing_written(stop: KeyboardInterrupt) -> str:
    """The log's last line for a run this interrupt stopped before its first step."""
    by = f" by {stop}" if str(stop) else ""  # SIGTERM/SIGHUP name themselves; Ctrl+C does not
    return f"stopped{by} {NOTHING_WRITTEN}"


def exit_code(stop: KeyboardInterrupt) -> int:
    """The exit code of a run this interrupt stopped, once it has saved; a plain KeyboardInterrupt is Ctrl+C's."""
    return stopped_exit_code(getattr(stop, "signum", signal.SIGINT))


_active: list[Callable[[], None]] = []  # the saving() of the stop_signals_interrupt block the process is in


@contextmanager
def stop_signals_interrupt(log: Callable[[str], None]) -> Iterator[Callable[[], None]]:
    """Within the block, Ctrl+C, SIGTERM and SIGHUP raise KeyboardInterrupt, once: from the first on, and from
    the call of the function it yields (the save begins), each one only logs that the run is saving. A second
    Ctrl+C or kill, as an impatient user sends, ended the process in the middle of its save, the model unwritten.

    A signal the process was started with ignored stays ignored: `nohup` ignores SIGHUP so that a closed
    terminal leaves the run going, and a shell running a script ignores SIGINT in the jobs it starts with `&`.

    A block inside another (the loop's, inside `genimg train`'s from its start) keeps the outer one's handlers and
    yields its saving: restoring them as it ends would make a stop after the save raise again, as one before the
    first step."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None  # Python delivers signals to the main thread only; its handlers stay as they are
        return
    if _active:
        yield _active[-1]
        return
    caught = [s for s in SAVING_STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN]

    def patient(signum: int, _frame) -> None:
        log(f"{signal.Signals(signum).name}: {SAVING}")

    def saving() -> None:
        for s in caught:
            signal.signal(s, patient)

    def interrupt(signum: int, _frame) -> None:
        saving()
        raise StopSignal(signum)

    previous = {s: signal.signal(s, interrupt) for s in caught}
    _active.append(saving)
    try:
        yield saving
    finally:
        _active.pop()
        for s, handler in previous.items():
            signal.signal(s, handler)
