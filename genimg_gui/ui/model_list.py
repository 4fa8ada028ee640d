"""The models the Models tab lists, which Train… dialogs are offered too: the bundled ones, the model folders
opened or trained in earlier runs (remembered in the settings), and each model loaded or trained since."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import BUNDLED_DIR, ModelEntry, bundled_copy, default_model, model_to_load, read_entry
from ..not_a_model import no_model_note
from ..engine import requests as rq
from ..model_names import model_name
from ..paths import shown_path
from ..weights_file import Signature, weights_signature
from .model_watch import ModelWatch
from .train_dialog import TrainDialog

if TYPE_CHECKING:
    from .main_window import MainWindow


def stand_in_warning(kind: str) -> str:
    """The status bar's warning while the bundled model of a kind stands in for the last one, which failed."""
    return f"Last {kind.upper()} not loaded"


def models_among(paths: list[str] | tuple[str, ...]) -> dict[str, str]:
    """kind -> the first genimg model folder of that kind among paths (a folder, or its card.json), by its card; a
    model file's kind is known only once the worker has read it (document_session.named_kind): none is here."""
    found: dict[str, str] = {}
    for path in paths:
        folder = model_to_load(path)
        entry = read_entry(folder) if folder is not None and folder.is_dir() else None
        if entry is not None:
            found.setdefault(entry.kind, str(folder))
    return found


class ModelList:
    """The window's list of models (entries), kept in step with its Models tab and open Train… dialogs."""

    def __init__(self, window: MainWindow, entries: list[ModelEntry]) -> None:
        self.window = window
        self.entries = entries
        # path -> when the Train… dialog wrote it: such a model is listed as trained here, not as opened
        self.trained: dict[str, datetime] = window.settings.trained_models()
        # listed folder -> the paths the settings remembered it by (a symlink, a relative path): forgotten by those
        # once gone, whose realpath then no longer leads to the folder it was listed as
        self._remembered_as: dict[str, list[str]] = {}
        self._list_known_models()
        window.document.restored_folder = self.own_folder
        # a loaded model trained again from a terminal is heard of too, not only one the Train… dialog wrote
        self._watch = ModelWatch(self.written_elsewhere, window)
        # folder -> the weights its "was trained again" was said of: a later run's are said too, the same run's once
        self._said_retrained: dict[str, Signature] = {}
        # the loads of the models named by --vae and --gan: app.main says their failures on the terminal too
        self.asked_at_start: set[int] = set()
        window.document.model_loaded.connect(self._watch_loaded)
        window.document.model_loaded.connect(self._withdraw_stand_in_warning)

    def _list_known_models(self) -> None:
        """The model folders opened or trained in earlier runs, still on disk, after the bundled ones; not one that
        holds a bundled model's weights (another install's bundled folder, which an earlier run restored): that
        model is listed once, as bundled."""
        listed = {e.path for e in self.entries}
        known = self.window.settings.known_models()
        for remembered in known:
            path = os.path.realpath(remembered)  # remembered before paths were canonical
            self._remembered_as.setdefault(path, []).append(remembered)
            entry = read_entry(Path(path)) if path not in listed and Path(path).is_dir() else None
            if entry is not None and bundled_copy(path, self.entries) is None:
                self.entries.append(entry)
                listed.add(path)

    def own_folder(self, path: str) -> str:
        """The folder to load a model from that a saved session or the settings name: this install's bundled folder
        where path holds a bundled model's weights (another install's bundled folder, after genimg was installed
        into another environment or run from another checkout), else path itself."""
        copy = bundled_copy(path, self.entries)
        return copy.path if copy else path

    def is_bundled(self, info: rq.ModelInfo) -> bool:
        """Whether a loaded model is a bundled one: from its folder, or its weights from another (a copy)."""
        path = os.path.realpath(info.path)
        return any(e.bundled and (os.path.realpath(e.path) == path or e.card.get("weights_sha256") == info.identity)
                   for e in self.entries)

    def start_folder(self, kind: str, asked: str | None = None) -> str | None:
        """The model of a kind the app loads as it starts: the one asked for (--vae, --gan), else the one loaded
        last (own_folder of it), else the bundled default; None when there is none."""
        if asked:
            return asked
        remembered = self.window.settings.last_model(kind)
        if remembered and os.path.exists(remembered):
            return self.own_folder(remembered)
        default = default_model(kind, [e for e in self.entries if e.bundled])
        return default.path if default else None

    def load_start_models(self, options: dict[str, str | None], files: list[str] | tuple[str, ...] = ()) -> None:
        """Load the VAE and the GAN the app starts with (start_folder): the one asked for by options (--vae, --gan),
        else the first model folder of its kind among files (the paths named on the command line, which open_paths
        then loads no second time: ModelController.open_models), else the last one or the bundled one. A folder
        among the files loads in the last one's place (the last was loaded first, then replaced); should it fail,
        the last one loads after it (_instead_of_among), and the files given with it open in that one: they were
        refused, no VAE loaded. Should the one loaded last fail (its weights damaged or cut short since), the
        bundled default of its kind loads instead, and one error says both: the start had left no GAN, and the
        Generate tab greyed out with nothing said why."""
        # one that is no model (no_model_note) is left to open_paths, which says so, as it does for any file
        among = {kind: path for kind, path in models_among(files).items() if not no_model_note(path, "app")}
        for kind in ("vae", "gan"):
            asked = options.get(kind)
            if asked or kind not in among:
                self._load_start(kind, asked)
                continue
            seq = self.window.document.load_model(among[kind], named=True, kind=kind)
            self.window.document.failures.instead[seq] = \
                lambda failed, of=kind, folder=among[kind]: self._instead_of_among(of, folder, failed)

    def _load_start(self, kind: str, asked: str | None) -> None:
        """Load the start's model of a kind: asked (by --vae or --gan), else the last one or the bundled default
        (start_folder), which falls back on the bundled default should it fail (_instead_of_last)."""
        chosen = self.start_folder(kind, asked)
        if not chosen:
            self.window.show_error(f"No {kind.upper()} model found in {BUNDLED_DIR}; open one from the Models tab")
            return
        if asked and (note := no_model_note(chosen, "app")):  # as a file named or dropped says it
            self.window.document.error.emit(note)
            return
        default = default_model(kind, [e for e in self.entries if e.bundled])
        gone = None if asked else self.window.settings.last_model(kind)
        if gone and default and not os.path.exists(gone):  # start_folder chose the bundled one, which is to be said
            self._instead_of_last(gone, default, "its folder no longer exists (moved or deleted?)")
            return
        seq = self.window.document.load_model(chosen, named=bool(asked), kind=kind)  # the user's: named
        if asked:
            self.asked_at_start.add(seq)
        if not asked and default and os.path.realpath(chosen) != os.path.realpath(default.path):
            self.window.document.failures.instead[seq] = \
                lambda failed, last=chosen, bundled=default: self._instead_of_last(last, bundled, failed.message)

    def _instead_of_among(self, kind: str, folder: str, failed: rq.Failed) -> None:
        """A model folder among the start's files failed to load (said as any load's failure is): the last model
        of its kind, or the bundled one, loads in its place, and the files waiting for the loads wait for it. It
        stands in (Document.stand_ins), which the user did not choose: a kept session waiting for the start-up's
        loads took it for the user's choice over its own model ("The session's h-vae was not loaded: you opened
        emoji-vae"), and its pictures were encoded again in it. A folder that is the last model too is not tried
        again: it failed as the last model does (_instead_of_last), said once; it was loaded twice, and two errors
        said so."""
        doc = self.window.document
        last = self.start_folder(kind)
        if last and os.path.realpath(last) == os.path.realpath(folder):
            bundled = default_model(kind, [e for e in self.entries if e.bundled])
            if bundled and os.path.realpath(bundled.path) != os.path.realpath(folder):
                self._instead_of_last(last, bundled, failed.message)
            else:  # the bundled folder itself failed: nothing is left to load in its place
                doc.error.emit(failed.message)
            return
        doc.error.emit(failed.message)
        if last:
            doc.stand_ins[kind] = (os.path.realpath(folder), last)  # before its load: the session may come back then
        self._load_start(kind, None)

    def _instead_of_last(self, last: str, bundled: ModelEntry, reason: str) -> None:
        """The bundled model stands in for the last one, which failed to load (reason: why) or is gone: said as an
        error, and by a warning on the bar until the user loads another model of its kind (the error was gone from
        the bar in 15 s; a gone one's load was not even tried, and nothing was said). A kept session coming back as
        the load is asked follows it as any new model (restore_session), not as one the user chose."""
        doc, kind = self.window.document, bundled.kind
        said = (f"The last {kind.upper()}, {model_name(last)} ({shown_path(last)}), could not be loaded: "
                f"{reason.removesuffix('.')}; loading the bundled {bundled.name} instead")  # not "….;"
        doc.error.emit(said)
        self.window.status.show_warning(stand_in_warning(kind), said)
        doc.stand_ins[kind] = (last, bundled.path)  # before the load: the session may come back as it is asked
        doc.carry.not_coming(kind, last, bundled.path)  # one that came back before: its items follow the bundled model
        doc.load_model(bundled.path)

    def _withdraw_stand_in_warning(self, info: rq.ModelInfo) -> None:
        """A model the user chose arrived: the bundled one stands in no more. Not one loaded in the last one's place
        (Document.stand_ins: the bundled one, a restored session's own), which the user did not choose."""
        doc = self.window.document
        stand_in = doc.stand_ins.get(info.kind)
        if stand_in is not None and info.path not in {os.path.realpath(p) for p in stand_in[1:]}:
            del doc.stand_ins[info.kind]
            self.window.status.withdraw_warning(stand_in_warning(info.kind))

    def load_listed(self, path: str) -> None:
        """A row of the Models tab loaded (double-click, Enter, Load selected). A folder moved or deleted since it
        was listed leaves the list, and the settings, saying so: it stayed, and each try said only that it did
        not exist."""
        if os.path.exists(path):
            self.window.document.load_model(path)
            return
        self.entries[:] = [e for e in self.entries if e.path != path]
        self.window.settings.forget_known_model(path, *self._remembered_as.pop(path, []))
        self.window.model_panel.set_entries(self.entries, self.trained)
        self.offer_to_training()
        self.window.show_error(f"{shown_path(path)} no longer exists (moved or deleted?): it was taken off the "
                               "Models list; Open model… finds it where it is now")

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
        # a copy of a bundled model (opened by hand: listed this run) is not remembered: the next start lists it once
        if not entry.bundled and bundled_copy(path, self.entries) is None:
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
        edits. Said once per set of weights written, whichever of the Train… dialog and the folder's watch hears of
        it first; the card's "New weights" figures follow each (a second run's stayed the first's, unsaid)."""
        loaded = [info for info in self.window.document.models.values() if os.path.realpath(info.path) == path]
        if not loaded:
            return
        panel, weights = self.window.model_panel, weights_signature(path)
        said = loaded[0].path in panel.retrained and self._said_retrained.get(path) == weights
        self._said_retrained[path] = weights
        panel.mark_retrained(loaded[0].path)  # the card on show re-read, as its folder's new card was
        if said:
            return
        self.window.status.show_message(f"{loaded[0].name} was trained again: load it to use the new weights "
                                        "(the old ones are in use until then)")

    def active_vae(self) -> str:
        info = self.window.document.models.get("vae")
        return info.path if info else ""

    def offer_to_training(self) -> None:
        """Train… dialogs offer what the Models tab lists, a model trained or loaded since they opened too."""
        for dialog in self.window.findChildren(TrainDialog):
            dialog.set_models(self.entries, self.active_vae())
