"""The autosaved session read back after a crash, as much of it as can be, and never deleted unread: a session not
read whole (its file damaged, or a picture file of one image missing) is moved aside with its pictures, where the
user can find it, before this run's autosave takes its place. One damaged picture file lost every image open, and
the session was then deleted. Also why the data folder cannot be autosaved to, in words. No Qt, no torch.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from .fileio import why_no_files, why_not_written
from .session import Session, SessionError, load_session
from .session_pixels import pictures_folder, remove_unnamed
from .wording import counted, listed

KEPT_ASIDE = 2  # sessions set aside kept at most: the oldest go


def set_aside(path: Path) -> Path | None:
    """Move the session file at path and its pictures to autosave.unreadable-20261207-153300.safetensors (and
    .pictures) beside it; the oldest beyond KEPT_ASIDE removed. Its new path, or None where it cannot be moved (a
    read-only folder, where nothing writes over it either)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.unreadable-{stamp}{path.suffix}")
    number = 1
    while aside.exists() or pictures_folder(aside).exists():
        number += 1
        aside = path.with_name(f"{path.stem}.unreadable-{stamp}-{number}{path.suffix}")
    try:
        os.replace(path, aside)
        if pictures_folder(path).is_dir():
            os.replace(pictures_folder(path), pictures_folder(aside))
    except OSError:
        return None
    set_apart = sorted(path.parent.glob(f"{path.stem}.unreadable-*{path.suffix}"), key=lambda p: p.stat().st_mtime_ns)
    for old in set_apart[:-KEPT_ASIDE]:  # the oldest sessions (a move keeps the time a file was written)
        old.unlink(missing_ok=True)
        remove_unnamed(pictures_folder(old), set())  # only the picture files genimg writes, then the empty folder
    return aside


def _kept_note(aside: Path | None) -> str:
    return "it is left where it is" if aside is None else f"it is kept as {aside}, not deleted"


def read_saved(path: Path) -> tuple[Session | None, str | None]:
    """The session at path as far as it can be read (None: no image can be), and what to tell the user of what
    could not be (None: read whole). A session not read whole is set aside first (set_aside)."""
    try:
        session = load_session(path)
    except SessionError as e:
        return None, f"{e}: {_kept_note(set_aside(path))}; starting fresh"
    if not session.unreadable:
        return session, None
    total = len(session.items) + len(session.unreadable)
    lost = listed([f"{name} ({why})" for name, why in session.unreadable])
    session.set_aside_as = set_aside(path)  # the restore question names it
    note = _kept_note(session.set_aside_as)
    if not session.items:
        return None, f"None of the {total:,} autosaved images could be restored: {lost}. The autosaved session: {note}"
    return session, (f"{len(session.unreadable):,} of {counted(total, 'image')} could not be restored: {lost}. "
                     f"The autosaved session: {note}")


def why_not_autosaved(folder: Path) -> str | None:
    """Why this window cannot autosave in folder (the data folder's session folder), in words; None where it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        error = why_no_files(folder)
    except OSError as e:
        error = e
    if error is None:
        return None
    return (f"Your work is not being autosaved: the data folder {folder} cannot be written "
            f"({why_not_written(error, 'files')}), so export what you want to keep")
