"""Atomic file writes, torch-free so that edit recipes and user directions can use them too."""
from __future__ import annotations

import errno
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_UMASK = os.umask(0o022)  # read once, at import, and put back at once
os.umask(_UMASK)
NAME_MAX = 255  # bytes in one file name on most file systems
ELLIPSIS = "…"  # marks where a name too long for the file system was cut


def name_max(folder: Path) -> int:
    """The most bytes one file name may have in folder (or, where it is not made yet, the first folder above it
    that is there), as its file system says, else NAME_MAX."""
    for place in (folder, *folder.parents):
        if place.is_dir():
            try:
                return os.pathconf(place, "PC_NAME_MAX")
            except (OSError, ValueError):
                break
    return NAME_MAX


def fitted_name(stem: str, after: str, limit: int = NAME_MAX) -> str:
    """stem + after, the stem cut short with "…" where the whole would pass limit bytes (a file system's limit on
    one name): after ("_edited.png", ".mask.png") is what tells the user which file it is, so it stays whole."""
    if len(os.fsencode(stem + after)) <= limit:
        return stem + after
    cut = stem
    while cut and len(os.fsencode(f"{cut.rstrip()}{ELLIPSIS}{after}")) > limit:
        cut = cut[:-1]
    return f"{cut.rstrip()}{ELLIPSIS}{after}"


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a unique temp path beside `path`; renamed over it on success, removed on failure,
    so a kill mid-write never leaves a broken file and two writers never share a temp file.
    The file gets the usual permissions for new files, whatever the writer chose."""
    path = Path(path)
    # its own name in it, cut where that would pass the file system's limit (a 255-byte name could not be written)
    tmp = path.with_name(fitted_name(f".{path.name}", f".{uuid.uuid4().hex[:12]}.tmp"))
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)  # safetensors creates its files owner-only
        os.replace(tmp, path)
    except OSError as e:
        if e.errno is None or e.filename not in (None, str(tmp), tmp):  # about another file: as it was raised
            raise
        # the file asked for, not the temp file: "No such file or directory: '/proc/.m.gif.bf05f0617225.tmp'"
        raise OSError(e.errno, e.strerror, str(path)) from e
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def takes_files(folder: Path) -> bool:
    """Whether folder is there and a file can be made in it (why_no_files)."""
    return why_no_files(folder) is None


def why_no_files(folder: Path) -> OSError | None:
    """Why no file can be made in folder (None: one can), tried with an empty file removed at once: os.access
    answers yes of /proc (and of every folder, for root), where no file can be made, and says nothing of a full
    disk."""
    probe = Path(folder) / f".genimg-{uuid.uuid4().hex[:12]}.probe"
    try:
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as e:
        return e
    probe.unlink(missing_ok=True)
    return None


def as_os_error(e: Exception, path: Path) -> OSError | None:
    """A library's error that carries the system's (safetensors: "I/O error: No space left on device (os error
    28)") as that OSError about path, which why_not_written can put in words; None for any other error."""
    found = re.search(r"\(os error (\d+)\)", str(e))
    return None if found is None else OSError(int(found[1]), os.strerror(int(found[1])), str(path))


def blocking_file(path: Path) -> Path | None:
    """The first of path and the folders above it that is there but is no folder (a file, /dev/null); None if
    path is a folder or can be made one."""
    for p in (path, *path.parents):
        if p.exists():
            return None if p.is_dir() else p
    return None


def why_not_written(e: OSError, what: str = "files") -> str:
    """Why a file (or folder, what="folders") could not be written, in words: "[Errno 2] No such file or
    directory" told a user nothing of a folder such as /proc, which is there but takes no new files, nor of a
    folder that is not there."""
    place = Path(e.filename).parent if e.filename is not None else None
    if e.errno == errno.ENOENT and place is not None and place.is_dir():
        return f"{place} takes no new {what}"
    if e.errno == errno.ENOENT and place is not None and not place.exists():  # the app's exports make no folders
        return f"the folder {place} does not exist"
    if e.errno in (errno.ENOTDIR, errno.EEXIST) and place is not None and (blocker := blocking_file(place)):
        return f"{blocker} is not a folder"
    return {errno.EACCES: "no permission to write there", errno.EPERM: "no permission to write there",
            errno.EROFS: "the disk is read-only", errno.ENOSPC: "the disk is full",
            errno.ENAMETOOLONG: "the name is too long",
            errno.EISDIR: "a folder of that name is in the way"}.get(e.errno, (e.strerror or str(e)).lower())


def why_folder_refuses(path: Path | str) -> str:
    """Why path cannot be written because of its folder, in why_not_written's words, or "" where the folder is
    there and writable: checked before minutes of work (a morph's render) that would end in that OSError. The morph
    said "Cannot export to FOLDER: the folder does not exist", naming no file, where the PNG export says "Could not
    write FILE: the folder FOLDER does not exist"."""
    folder = Path(path).parent
    if folder.is_dir():
        code = 0 if os.access(folder, os.W_OK) else errno.EACCES
    else:
        code = errno.ENOTDIR if blocking_file(folder) else errno.ENOENT
    return why_not_written(OSError(code, os.strerror(code), str(path))) if code else ""


class StdoutFailed(Exception):
    """stdout takes no more (`> /dev/full`): said so by cli._call, exit 1, the run stopped (the next name would fail
    alike). As an OSError inside cli_commands.writing(), the file just written was said to be the one that "cannot be
    written"; `genimg info` blamed the model folder, train printed "[Errno 28]". written: the file (or model folder)
    written whose name was not listed."""

    def __init__(self, why: str, written: Path | None = None) -> None:
        super().__init__(f"cannot write to standard output: {why}")
        self.why, self.written = why, written
