"""The models the Models tab lists, which Train… dialogs are offered too: the bundled ones, the model folders
opened or trained in earlier runs (remembered in the settings), and each model loaded or trained since."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import ModelEntry, read_entry
from .model_watch import ModelWatch
from .train_dialog import TrainDialog

if TYPE_CHECKING:
    from .main_window import MainWindow


class ModelList:
    """The window's list of models (entries), kept in step with its Models tab and open Train… dialogs."""

    def __init__(self, window: MainWindow, entries: list[ModelEntry]) -> None:
        self.window = window
        self.entries = entries
        # path -> when the Train… dialog wrote it: such a model is listed as trained here, not as opened
        self.trained: dict[str, datetime] = window.settings.trained_models()
        self._list_known_models()
        # a loaded model trained again from a terminal is heard of too, not only one the Train… dialog wrote
        self._watch = ModelWatch(self.written_elsewhere, window)
        window.document.model_loaded.connect(self._watch_loaded)

    def _list_known_models(self) -> None:
        """The model folders opened or trained in earlier runs, still on disk, after the bundled ones."""
        listed = {e.path for e in self.entries}
        known = self.window.settings.known_models()
        for path in map(os.path.realpath, known):  # remembered before paths were canonical
            entry = read_entry(Path(path)) if path not in listed and Path(path).is_dir() else None
            if entry is not None:
                self.entries.append(entry)
                listed.add(path)

    def list_model(self, path: str, written: bool = False) -> bool:
        """A model folder joins the Models tab's list (once): one loaded, or one a Train… run wrote (written: its
        card is read again, as a second run into the same folder writes a new one). True if the list changed,
        and Train… dialogs were offered it."""
        listed = next((i for i, e in enumerate(self.entries) if e.path == path), None)
        if listed is not None and not written:
            return False
        entry = read_entry(Path(path))
        if entry is None:
            return False
        if listed is None:
            self.entries.append(entry)
        else:
            self.entries[listed] = entry
        if not entry.bundled:
            self.window.settings.add_known_model(path)
        self.window.model_panel.set_entries(self.entries, self.trained)
        self.offer_to_training()
        return True

    def list_trained(self, path: str) -> bool:
        """A model folder the Train… dialog just wrote: listed (its card read again) as trained here, now."""
        path = os.path.realpath(path)
        self.trained[path] = datetime.now().replace(microsecond=0)
        self.window.settings.add_trained_model(path, self.trained[path])
        listed_now = self.list_model(path, written=True)
        self._note_retrained(path)
        self.window.model_panel.refresh_marks(self.entries)  # also when its card could not be read again
        return listed_now

    def written_elsewhere(self, path: str) -> None:
        """A loaded model's folder holds new weights, written by a run outside this window: its card is read
        again and the model marked, as for a Train… run, but it is not listed as trained here."""
        self.list_model(path, written=True)
        self._note_retrained(path)
        self.window.model_panel.refresh_marks(self.entries)

    def _watch_loaded(self, _info: object) -> None:
        self._watch.watch({info.path: info.identity for info in self.window.document.models.values()})

    def _note_retrained(self, path: str) -> None:
        """A loaded model's folder written again ("Start over", Continue, a run from a terminal): the weights in
        use are still the old ones. Said, not reloaded: loading it would re-encode the open images under their
        edits. Said once, whichever of the Train… dialog and the folder's watch hears of it first."""
        loaded = [info for info in self.window.document.models.values() if os.path.realpath(info.path) == path]
        if not loaded or loaded[0].path in self.window.model_panel.retrained:
            return
        self.window.model_panel.mark_retrained(loaded[0].path)
        self.window.status.show_message(f"{loaded[0].name} was trained again: load it to use the new weights "
                                        "(the old ones are in use until then)")

    def active_vae(self) -> str:
        info = self.window.document.models.get("vae")
        return info.path if info else ""

    def offer_to_training(self) -> None:
        """Train… dialogs offer what the Models tab lists, a model trained or loaded since they opened too."""
        for dialog in self.window.findChildren(TrainDialog):
            dialog.set_models(self.entries, self.active_vae())
