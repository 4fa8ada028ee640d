"""Watches the folders of the loaded models, so a model trained again in its folder from a terminal (`genimg train
… -o` into a loaded folder) is noticed as a run of the Train… dialog is: its card read again and the model marked as
loaded before it was trained again. Only the weights files are compared (their size and time), so a run's sample
grids and checkpoints written beside them say nothing."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer

SETTLE_MS = 500  # a run writes the weights, the card and the directions one after another: look once they are all

Signature = tuple[tuple[str, int, int], ...]


def weights_signature(folder: str) -> Signature:
    """(name, size, modification time) of each safetensors file in the folder: what changes when it is trained
    again, whichever file a run writes first."""
    found = []
    for path in sorted(Path(folder).glob("*.safetensors")):
        try:
            stat = path.stat()
        except OSError:  # renamed over as we looked
            continue
        found.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


class ModelWatch(QObject):
    """Calls written(folder) once a loaded model's folder holds other weights than it did when the model loaded."""

    def __init__(self, written: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._written = written
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_changed)
        self._signatures: dict[str, Signature] = {}
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._look)
        self._changed: set[str] = set()

    def watch(self, folders: list[str]) -> None:
        """Watch these folders (the loaded models'), each from the weights it holds now; the others no longer."""
        wanted = {os.path.realpath(f) for f in folders if Path(f, "card.json").is_file()}
        for gone in set(self._signatures) - wanted:
            self._watcher.removePath(gone)
            del self._signatures[gone]
        for folder in wanted:
            self._signatures[folder] = weights_signature(folder)  # a model loaded again: its weights now
            if folder not in self._watcher.directories():
                self._watcher.addPath(folder)

    def _on_changed(self, folder: str) -> None:
        self._changed.add(folder)
        self._settle.start()

    def _look(self) -> None:
        changed, self._changed = self._changed, set()
        for folder in sorted(changed):
            now = weights_signature(folder)
            if folder in self._signatures and now and now != self._signatures[folder]:
                self._signatures[folder] = now  # said once per run, not again for the same weights
                self._written(folder)
