"""Latent files opened in the window (File → Open images…, a drop, Open recent, the command line): an .npz genimg
wrote (`genimg encode/generate/edit --save-latents`, File → Export latent) becomes an item the window edits like
any other: the picture `genimg decode` draws of it, its slider values back as a step on its unedited latent, a GAN
sample's seed, ψ, class and draw back in the Generate tab. Read here by export.read_latent, as `genimg decode`
reads it (a small file), and drawn by the worker (DecodeLatentFile).

The model the file records is loaded first when another of its kind is loaded, as a kept session's models are
(document_session.restore_session): the file holds that model's latent, and another model of the same latent
size draws it without an error, as another picture. A model that cannot be found is named, with what to do."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from .. import seed_draws
from ..catalog import ModelEntry, recorded_model
from ..edit import Directions, EditState, edited_latent, fits
from ..engine import requests as rq
from ..export import LatentFile, read_latent
from ..history import History
from .item import Item

if TYPE_CHECKING:
    from .document import Document

LATENT_SUFFIX = ".npz"


def is_latent_file(path: str) -> bool:
    """A file opened as a latent, not a picture: by its suffix (read_latent says what any other .npz is)."""
    return Path(path).suffix.lower() == LATENT_SUFFIX and not Path(path).is_dir()


@dataclass(frozen=True, eq=False)
class _Opening:
    """A latent file read, on its way through the worker."""
    path: str
    file: LatentFile
    kind: str


class LatentFiles:
    """The latent files the window opens: read, their model loaded if need be, drawn, made items."""

    def __init__(self, document: Document, entries: Callable[[], list[ModelEntry]]) -> None:
        """entries: the models the window lists (the bundled ones among them), where a file's model is looked for."""
        self.document = document
        self.entries = entries
        self.waiting: list[str] = []  # files waiting for the models loading (theirs among them)
        self.model_asked: set[str] = set()  # files whose model was loaded for them: not loaded again
        self.drawing: dict[int, _Opening] = {}  # DecodeLatentFile seq -> the file it draws
        document.engine.result.connect(self._on_result)
        document.engine.failed.connect(lambda f: self.drawing.pop(f.seq, None) if f.final else None)
        document.loading_changed.connect(self._open_waiting)

    def open(self, paths: list[str]) -> None:
        for path in paths:
            self._open(path)

    def _busy(self) -> bool:
        """Models are loading, or a session is due back: the model a file needs may be among them."""
        return bool(self.document.loading_paths()) or self.document.session_due()

    def _open_waiting(self) -> None:
        if self.waiting and not self._busy():
            waiting, self.waiting = self.waiting, []
            self.open(waiting)

    def _open(self, path: str) -> None:
        doc, name = self.document, Path(path).name
        if self._busy():
            self.waiting.append(path)
            return
        try:
            f = read_latent(path)
        except ValueError as e:  # damaged, not a latent file, gone: in read_latent's words, as `genimg decode` says it
            doc.error.emit(str(e))
            return
        kind = f.kind or "vae"  # a bare np.savez records none: as `genimg decode`, a VAE's
        info = doc.models.get(kind)
        if info is not None and made_in(f, info):
            self._draw(path, f, kind)
            return
        model = recorded_name(f)
        folder = None if path in self.model_asked else recorded_model(kind, f.model_name, f.model_path, Path(path),
                                                                        self.entries(), f.identity)
        # its folder is the one loaded, trained again since: loading it again would not bring its weights back
        again = folder is not None and info is not None and os.path.realpath(folder) == os.path.realpath(info.path)
        if folder is None or again:
            doc.error.emit(not_opened(name, model, kind, f.model_path, info, again or path in self.model_asked))
            self.model_asked.discard(path)
            return
        self.model_asked.add(path)
        self.waiting.append(path)
        doc.message.emit(f"Loading {model}, which made {name}")
        doc.load_model(str(folder))

    def _draw(self, path: str, f: LatentFile, kind: str) -> None:
        self.model_asked.discard(path)
        base = f.base if f.mask is not None or (f.base is not None and not np.array_equal(f.base, f.latent)) else None
        seq = self.document.engine.submit(rq.DecodeLatentFile(kind, f.latent, Path(path).name, base, f.mask))
        self.drawing[seq] = _Opening(path, f, kind)

    def _on_result(self, r: object) -> None:
        if not isinstance(r, rq.LatentDecoded) or (opening := self.drawing.pop(r.seq, None)) is None:
            return
        doc, f = self.document, opening.file
        info = doc.models.get(opening.kind)
        if info is None:  # closed meanwhile: nothing to edit it in
            return
        history, restored = history_of(f, info.directions)
        item = Item(doc.next_id, opening.kind, Path(opening.path).stem, r.original, r.image, History(history[0]),
                    r.seq)
        if opening.kind == "gan":  # its sample, as the GAN drew it: node 0's (an undo to it shows the seed)
            sample = sample_of(f)
            if sample is not None:
                item.seed, item.psi, class_name, item.draw = sample
                item.gan_class = seed_draws.class_numbered(class_name, info.classes)
                item.asked_draw, item.name = item.draw, f"seed {item.seed}"
            drawn_class = (f.sample or {}).get("drawn_class")
            item.remember_drawn(*((class_name, drawn_class) if sample is not None else (None, None)))
        if len(history) > 1:
            item.history.push(history[1])
        item.exported = item.history.current  # the file holds it: quitting need not ask about it
        doc.insert_item(item)
        if not restored and f.mask is not None:  # shown masked, as the file draws; its state has no mask now
            doc.redraw(item)
        doc.message.emit(opened_message(Path(opening.path).name, info.name, f, restored))


def made_in(f: LatentFile, info: rq.ModelInfo) -> bool:
    """Whether the file was made in this model: by its weights, where the file records them, else by its name
    (a file that records no model is drawn by the one loaded, as `genimg decode` draws it by the bundled one)."""
    if f.identity:
        return f.identity == info.identity
    return not recorded_name(f) or recorded_name(f) == info.name


def recorded_name(f: LatentFile) -> str:
    """The name of the model the file records (its folder's name if it records a path only); "" if none."""
    return f.model_name or (Path(f.model_path).name if f.model_path else "")


def not_opened(name: str, model: str, kind: str, path: str, info: rq.ModelInfo | None, loaded: bool) -> str:
    """Why a latent file was not opened: the model it was made with is not here (loaded: it was loaded for it, and
    is not it, or did not load), and what to do."""
    if not model:
        return f"{name} was not opened: it records no model, and no {kind.upper()} is loaded; load one first"
    if loaded:
        why = (f"{model} did not load" if info is None or info.name != model
               else f"{model} at {info.path} now holds other weights than those it was made with")
    else:
        why = f"{model} is not loaded" + (f" and was not found at {path}" if path else " and is not listed")
    return (f"{name} was not opened: it was made with {model}, and {why}; open that {kind.upper()} (File → Open "
            f"model folder…), then open {name} again. `genimg decode {name} --{kind} MODEL_DIR` decodes it too")


def sample_of(f: LatentFile) -> tuple[int, float, str | None, str] | None:
    """The (seed, ψ, class name, draw) a GAN sample was drawn with (seed_draws.sample_record); None if not recorded."""
    s = f.sample or {}
    seed, psi, draw = s.get("seed"), s.get("psi"), s.get("draw")
    if not isinstance(seed, int) or not isinstance(psi, (int, float)) or not 0 <= seed <= seed_draws.MAX_SEED:
        return None
    named = s.get("class") if isinstance(s.get("class"), str) else None
    return seed, float(psi), named, draw if draw in seed_draws.DRAWS else seed_draws.OWN


def history_of(f: LatentFile, directions: Directions | None) -> tuple[list[EditState], bool]:
    """The file's edit as states: its unedited latent, then its slider values (and mask) on it as one step, where
    the file holds them and this model's directions give back its latent (True); else its latent alone (False)."""
    zeros = (0.0,) * len(directions or ())
    if f.base is None:
        return [EditState(f.latent, zeros)], True
    values = values_on(f, directions)
    if values is None:
        return [EditState(f.latent, zeros)], np.array_equal(f.latent, f.base) and f.mask is None
    unedited, edited = EditState(f.base, zeros), EditState(f.base, values).with_mask(f.mask)
    return ([unedited] if edited.same_as(unedited) else [unedited, edited]), True


def values_on(f: LatentFile, directions: Directions | None) -> tuple[float, ...] | None:
    """The file's slider values along these directions, by their labels (one it lacks at 0), when they give back
    the file's latent from its base; None when they do not (other directions, or a direction since deleted)."""
    if directions is None or f.base is None or not fits(f.base, directions):
        return None
    by_label = dict(zip(f.labels, f.values))
    if any(value and label not in directions.labels for label, value in by_label.items()):
        return None
    values = tuple(by_label.get(label, 0.0) for label in directions.labels)
    remade = edited_latent(EditState(f.base, values), directions)
    return values if np.allclose(remade, f.latent, rtol=1e-4, atol=1e-4) else None


def opened_message(name: str, model: str, f: LatentFile, restored: bool) -> str:
    """What the status bar says of a latent file opened: the model that drew it, and where its edit went."""
    said = f"Opened {name}, drawn by {model}"
    if not recorded_name(f):
        said += " (it records no model: if another made it, its picture is another)"
    if any(f.values) and restored:
        return said + "; its edit is its last step in History"
    if not restored:
        mask = ", without its mask" if f.mask is not None else ""
        return said + f"; its edit is not along these directions, so it opened as one picture{mask}"
    return said
