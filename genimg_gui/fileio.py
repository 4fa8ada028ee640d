"""Atomic file writes, torch-free so that edit recipes and user directions can use them too."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_UMASK = os.umask(0o022)  # read once, at import, and put back at once
os.umask(_UMASK)
NAME_MAX = 255  # bytes in one file name on most file systems
ELLIPSIS = "…"  # marks where a name too long for the file system was cut


def fitted_name(stem: str, after: str, limit: int = NAME_MAX) -> str:
    """stem + after, the stem cut short with "…" where the whole would pass limit bytes (a file system's limit on
    one name): after (" (edited).png", ".mask.png") is what tells the user which file it is, so it stays whole."""
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
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
