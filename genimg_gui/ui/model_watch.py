"""Watches the folders of the loaded models, so a model trained again in its folder from a terminal (`genimg train
… -o` into a loaded folder) is noticed as a run of the Train… dialog is: its card read again and the model marked as
loaded before it was trained again. Only the weights file is looked at, so a run's sample grids and checkpoints
written beside them say nothing; and where only their times changed, the weights' digest is compared with the loaded
model's, so the same weights written again (a copy or a checkout over the folder) say nothing either. The digest is
read on a thread of its own: an SD VAE's 300 MB would hold the window for a second or more; and it is kept
(weights_file.held_digest), so a latent file of these weights opened next does not read them again."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from ..weights_file import Signature, held_digest_or_none, weights_signature

SETTLE_MS = 500  # a run writes the weights, the card and the directions one after another: look once they are all


class ModelWatch(QObject):
    """Calls written(folder) once a loaded model's folder holds other weights than it did when the model loaded."""

    _digested = Signal(str, object, object)  # folder, the signature it was read at, its digest (None: unreadable)

    def __init__(self, written: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._written = written
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_changed)
        self._signatures: dict[str, Signature] = {}
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._look)
        self._changed: set[str] = set()
        self._identities: dict[str, str] = {}
        self._digested.connect(self._on_digested)

    def watch(self, loaded: dict[str, str]) -> None:
        """Watch these folders (the loaded models': folder -> its weights' identity, weights_digest), each from the
        weights it holds now; the others no longer."""
        wanted = {os.path.realpath(f): identity for f, identity in loaded.items() if Path(f, "card.json").is_file()}
        self._identities = wanted
        for gone in set(self._signatures) - set(wanted):
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
            if folder not in self._signatures or not now or now == self._signatures[folder]:
                continue
            was, self._signatures[folder] = self._signatures[folder], now  # said once per run, not per file
            if was is None or was[0] != now[0]:  # surely other weights where the file's size changed
                self._written(folder)
            else:  # only its time changed: as its digest says
                threading.Thread(target=self._digest, args=(folder, now), daemon=True).start()

    def _digest(self, folder: str, signature: Signature) -> None:
        """On a thread of its own: the folder's weights' digest, sent back to the UI thread."""
        digest = held_digest_or_none(folder)  # None: gone as we looked, and the next change says
        try:
            self._digested.emit(folder, signature, digest)
        except RuntimeError:  # the window closed meanwhile
            pass

    def _on_digested(self, folder: str, signature: Signature, digest: str | None) -> None:
        """Said only if the weights are still those that were read (a later change reads them again) and not the
        loaded model's."""
        if digest is not None and self._signatures.get(folder) == signature and digest != self._identities.get(folder):
            self._written(folder)
