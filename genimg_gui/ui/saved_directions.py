"""Tells every genimg window that the user's saved directions may have changed, so each one reads its models' files
again (DirectionsController.follow_files): a rename, a new direction or a deletion made in one window showed in the
others only after a restart. A window of this process says so after each save it makes; a watch on the folder
catches genimg running in another process (where the platform can watch folders)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal

from ..edit import Directions


class SavedDirections(QObject):
    """The process's one notice board for the user directions folder (shared())."""
    changed = Signal()  # some file in the folder may differ from what a window last read

    def __init__(self) -> None:
        super().__init__()
        self._watcher = QFileSystemWatcher(self)
        # a directory's change, not a file's: a save replaces the file (atomic_path), which ends a watch on it
        self._watcher.directoryChanged.connect(lambda _folder: self.changed.emit())

    def watch(self, folder: Path) -> None:
        """Watch folder for writes from other processes too (once; several windows share it)."""
        if str(folder) not in self._watcher.directories():
            self._watcher.addPath(str(folder))


_shared: SavedDirections | None = None


def shared() -> SavedDirections:
    """The one SavedDirections of this process, made on first use (after the QApplication)."""
    global _shared
    if _shared is None:
        _shared = SavedDirections()
    return _shared


def change_note(mine: Directions, rows: Directions) -> str:
    """What differs from the user rows mine to rows, e.g. 'renamed “a” to “b”; added “c”' ('' when nothing does)."""
    was = {row.tobytes(): label for row, label in zip(mine.basis, mine.labels)}
    now = {row.tobytes(): label for row, label in zip(rows.basis, rows.labels)}
    parts = [f"deleted “{label}”" for key, label in was.items() if key not in now]
    parts += [f"renamed “{label}” to “{now[key]}”" for key, label in was.items() if now.get(key, label) != label]
    parts += [f"added “{label}”" for key, label in now.items() if key not in was]
    return "; ".join(parts)
