"""The output folder a `genimg train` run holds while it trains: a lock file in it, so that a second run into the
same -o (with or without --resume or --overwrite) is refused instead of writing over the live run's files. No torch
(the Train… dialog's runs are `genimg train` processes: each takes the lock itself)."""
from __future__ import annotations

import json
import os
import platform
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..earlier_run import LOCK_FILE, holder_said, lock_holder
from ..fileio import why_not_written
from . import TrainError, TrainUsageError


@contextmanager
def holding_output(out: Path, note: Callable[[str], None]) -> Iterator[None]:
    """Hold `out` (created if missing) for the run inside the block; the lock goes when the block ends in any way,
    and so do the folders made for it if the run left them empty. A lock left by a process no longer alive on this
    host (a run killed outright; on Linux also one whose id another process has taken since, after a reboot or not)
    is taken over, with a note."""
    created = first_missing(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # said in words: "[Errno 2] No such file or directory: '/proc/r'" of -o /proc/r
        raise TrainError(f"-o {out} cannot be made: {why_not_written(e, 'folders')}") from None
    lock = out / LOCK_FILE
    try:
        _take(lock, note)
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)
    finally:
        if created is not None:
            remove_if_empty(out, created)


def _take(lock: Path, note: Callable[[str], None]) -> None:
    """Create the lock atomically (O_EXCL: of two runs starting together, one gets it), or refuse."""
    for _ in range(2):  # a second try once a stale lock has been removed
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = lock_holder(lock)
            if holder is None or not _stale(holder):
                raise TrainUsageError(_refusal(lock.parent, holder)) from None
            note(f"{lock.parent}: taking over from an earlier genimg train (process {holder['pid']}) that is no "
                 "longer running")
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"pid": os.getpid(), "host": platform.node(), "started": _process_start(os.getpid())}, f)
        return
    raise TrainUsageError(_refusal(lock.parent, lock_holder(lock)))


def _stale(holder: dict) -> bool:
    """Whether the lock's process is gone: not alive, or its id now another process's (one started at another
    time, or on another boot). One on another host cannot be checked, so it holds."""
    if holder["host"] != platform.node():
        return False
    if not pid_alive(holder["pid"]):
        return True
    started, now = holder.get("started"), _process_start(holder["pid"])
    return started is not None and now is not None and started != now  # unknown on either side: the id alone


def _process_start(pid: int) -> str | None:
    """What tells process `pid` apart from a later one given the same id: on Linux this boot's id and the process's
    start time (clock ticks after boot, field 22 of /proc/PID/stat); None elsewhere or when it cannot be read."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        ticks = stat.rpartition(")")[2].split()[19]  # fields 3 on follow the "(name)", which may hold spaces or ")"
    except (OSError, IndexError):
        return None
    return f"{boot}/{ticks}"


def pid_alive(pid: int) -> bool:
    """Whether a process of this id runs on this machine."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # there, but another user's
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    try:
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    finally:
        kernel32.CloseHandle(handle)
    return code.value == 259  # STILL_ACTIVE


def _refusal(out: Path, holder: dict | None) -> str:
    who = f"another genimg train{holder_said(holder)}"
    return (f"{out} is being written by {who}; wait for it or choose another -o (if no run is writing it, "
            f"remove {out / LOCK_FILE})")


def first_missing(out: Path) -> Path | None:
    """The outermost of OUT and its parents that is not there (and mkdir will create); None if OUT is there."""
    missing = None
    for folder in (out, *out.absolute().parents):
        if folder.exists():
            return missing
        missing = folder
    return missing


def remove_if_empty(out: Path, created: Path) -> None:
    """The folders made for the run (OUT up to created), removed if it left them empty: as it found them."""
    for folder in (out.absolute(), *out.absolute().parents):
        try:
            folder.rmdir()
        except OSError:  # something was written there: not the lock's to remove
            return
        if folder == created.absolute():
            return
