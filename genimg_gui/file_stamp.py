"""Which file a picture was opened from, as it was then: opened again unchanged, it is the picture already open;
changed on disk since (same path, another size or modification time), it is another picture. No Qt, no torch."""
from __future__ import annotations

import filecmp
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class FileStamp:
    path: str      # canonical (os.path.realpath): a link or a relative path to the file names the same one
    size: int      # bytes
    mtime_ns: int  # its modification time when read


def stamp_of(path: str | os.PathLike) -> FileStamp | None:
    """The file at path as it is now; None when it cannot be looked at (gone, or not ours to read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return FileStamp(os.path.realpath(path), st.st_size, st.st_mtime_ns)


def same_bytes(a: FileStamp, b: FileStamp) -> bool:
    """Two files at two paths, each still as stamped, hold the same bytes: a copy in another folder, or one file
    reached by a second path (a hard link, another mount) is the same picture. Read only when the sizes match, and
    only until the first difference: two photos of one size in bytes are rare, so a drop of many reads almost none."""
    if a.size != b.size or a.path == b.path or stamp_of(a.path) != a or stamp_of(b.path) != b:
        return False  # (one changed on disk since it was stamped: what was opened is not what is there now)
    try:
        return filecmp.cmp(a.path, b.path, shallow=False)
    except OSError:
        return False


def stamp_json(stamp: FileStamp | None) -> dict | None:
    return None if stamp is None else {"path": stamp.path, "size": stamp.size, "mtime_ns": stamp.mtime_ns}


def stamp_from_json(saved: object) -> FileStamp | None:
    """A stamp as stamp_json wrote it; None for none, or for one that is not whole (a session saved before stamps
    were kept has none: its pictures are not known as any file's, and a file opened again opens beside them)."""
    if not isinstance(saved, dict):
        return None
    path, size, mtime = saved.get("path"), saved.get("size"), saved.get("mtime_ns")
    if isinstance(path, str) and isinstance(size, int) and isinstance(mtime, int):
        return FileStamp(path, size, mtime)
    return None
