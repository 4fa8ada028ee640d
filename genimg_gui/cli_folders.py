"""The folders a genimg command makes for its files (-o's, --grid's, --save-recipe's, an animation's), made as the
first file is written into each, and taken away again when the run fails with nothing left in them: on a full disk
`genimg encode imgs -o full/sub` made sub/ (a folder needs no room on some file systems), wrote nothing into it and
left it behind, empty. No Qt, no torch."""
from __future__ import annotations

from pathlib import Path

_made: list[Path] = []  # the folders this run made, each after the folder above it


def in_folder(path: Path) -> Path:
    """path, its folder made now (and the folders above it that are missing), so that a command refused, or one
    whose every input failed, leaves no empty folder."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    path.parent.mkdir(parents=True, exist_ok=True)
    _made.extend(reversed(missing))
    return path


def run_ended(failed: bool) -> None:
    """The run is over: on a failure, the folders it made that hold nothing are removed, the deepest first (a
    folder holding anything, of this run or not, stays). Forgotten either way, for the next run in this process."""
    made = _made[:]
    _made.clear()
    if not failed:
        return
    for folder in reversed(made):
        try:
            folder.rmdir()  # only an empty one: anything in it, and it fails
        except OSError:
            pass
