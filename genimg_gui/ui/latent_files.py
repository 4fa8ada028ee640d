"""Latent files opened in the window (File → Open images…, a drop, Open recent, the command line): an .npz genimg
wrote (`genimg encode/generate/edit --save-latents`, File → Export latent) becomes an item the window edits like
any other: the picture `genimg decode` draws of it, its slider values back as a step on its unedited latent, a GAN
sample's seed, ψ, class and draw back in the Generate tab. Read by export.read_latent, as `genimg decode` reads it:
here up to READ_HERE bytes, so files opened together are judged together and in the order the user acted (a read on
the worker waits behind the decode running: a model picked meanwhile came first); a larger one by the worker
(ReadLatentFile: 10 s at read_latent's size limit), the files after it waiting; once, also where it then waits
for its model (unless it changes on disk meanwhile). Drawn by the worker (DecodeLatentFile).

The model the file records is loaded first when another of its kind is loaded, as a kept session's models are
(document_session.restore_session): the file holds that model's latent, and another model of the same latent
size draws it without an error, as another picture. It is found and told apart by latent_model, as `genimg decode`
finds it: by its weights, never a folder of its name that holds others. A model that cannot be found is named, with
what to do. In one open (the files given at once), the first file of a kind decides that kind's model: another file
needing another would switch it under the first, whose picture would then follow a model that did not make it, so
such files are named, not opened. A file opened apart while they wait is its own open, as if opened after them.

The weights a file is judged by are read once in a run (weights_file.held_digest), by the worker (DigestWeights)
where nothing read them yet: an SD VAE's 300 MB held the window for a second. The file waits for them, and the files
opened after it wait behind it, as for a model loading.

A file opened again while the item it gave is open, unchanged on disk, is shown, not opened a second time, as a
picture is (already_open; no fit made it, so any fit): a file manager's "Open with" passing it at every start grew
a kept session by an "x (2)" each time. A file that cannot be read, or whose latent does not fit the very weights
it records, leaves File → Open recent, as a damaged picture does; one drawn out of memory (Failed.out_of_memory, on
the CPU too), read whole in too little memory (export.NoMemoryToRead), or too large to draw at genimg's limit on
pictures (export.TooLargeToDraw: a raised GENIMG_MAX_PIXELS opens it), stays: nothing is wrong with it."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from .. import seed_draws
from ..catalog import ModelEntry
from ..edit import Directions, EditState, edited_latent, fits
from ..engine import requests as rq
from ..export import LatentFile, NoMemoryToRead, TooLargeToDraw, bytes_to_read, read_latent
from ..file_stamp import FileStamp, stamp_of
from ..history import History
from ..latent_model import (DigestOf, WeightsUnread, made_scale, other_scale, other_weights_at, other_weights_said,
                            own_model, read_elsewhere, recorded_name, same_model)
from .already_open import new_files, open_copy, show_open
from .item import Item
from .latent_words import not_opened, not_opened_at_scale, not_switched, opened_message, switching_message

if TYPE_CHECKING:
    from .document import Document

LATENT_SUFFIX = ".npz"
# the most a latent file's arrays may hold to be read on the GUI thread: a 1024-px picture's latent, base and mask
# (4.5 MB, compressed) took 65 ms; the app's own at a CPU's 512 px hold 1.1 MB, a bundled model's 2 KB
READ_HERE = 4 * 2**20


def is_latent_file(path: str) -> bool:
    """A file opened as a latent, not a picture: by its suffix (read_latent says what any other .npz is)."""
    return Path(path).suffix.lower() == LATENT_SUFFIX and not Path(path).is_dir()


def picture_file(item: Item) -> FileStamp | None:
    """The file item's picture was opened from, which a new VAE reads again (CarryOver); None where there is none
    or it is a latent file: that item's picture is its model's drawing of the latent, not pixels a file holds."""
    if item.file is None or Path(item.file.path).suffix.lower() == LATENT_SUFFIX:
        return None
    return item.file


@dataclass(frozen=True, eq=False)
class _Opening:
    """A latent file read, on its way through the worker."""
    path: str
    file: LatentFile
    kind: str
    stamp: FileStamp | None  # the file as it was before it was read: the item's (Item.file)
    # model folder -> the digest of its weights, read by the worker for this file (None: no weights file there)
    digests: dict[str, str | None] = field(default_factory=dict)


@dataclass
class _Load:
    """A model loaded for a latent file: its folder (real path), the load's seq, and how it ended where another
    model took its place: "loaded" (then replaced), or "superseded" (another load of its kind asked before it began)."""
    folder: str
    seq: int
    ended: str = ""


@dataclass(frozen=True)
class _Claim:
    """The model that draws a kind's latent files in one open (LatentFiles.open): the first such file's (path),
    loaded for it or loaded already (loaded False)."""
    path: str
    model: str
    loaded: bool


class LatentFiles:
    """The latent files the window opens: read, their model loaded if need be, drawn, made items."""

    def __init__(self, document: Document, entries: Callable[[], list[ModelEntry]],
                 forget: Callable[[str], None]) -> None:
        """entries: the models the window lists (the bundled ones among them), where a file's model is looked for;
        forget: takes a file that cannot be opened out of File → Open recent."""
        self.document = document
        self.entries = entries
        self.forget = forget
        self.waiting: list[str] = []  # files waiting for the models loading (theirs among them)
        # file waiting -> what was read of it, opened from there unless the file changed on disk meanwhile (_wait):
        # a large one was read again on the worker as its model came, and a third time had a model been picked
        self.read_before: dict[str, _Opening] = {}
        self.model_asked: dict[str, _Load] = {}  # file -> the model loaded for it: not loaded again
        self.drawing: dict[int, _Opening] = {}  # DecodeLatentFile seq -> the file it draws
        # DecodeLatentFile seq -> the file it drew when it ran out of GPU memory, drawn by its Retry on CPU: dropped,
        # the retry said it was done on the CPU and no picture came
        self.retrying: dict[int, _Opening] = {}
        self.reading: dict[int, _Opening] = {}  # DigestWeights seq -> the file judged by those weights
        # ReadLatentFile seq -> the file read, and its stamp before reading (a file written meanwhile no longer matches)
        self.files_read: dict[int, tuple[str, FileStamp | None]] = {}
        self.opens = 0  # open() calls, told apart by number
        self.opened_in: dict[str, int] = {}  # file -> the open it was given in, while files wait
        self.claims: dict[tuple[int, str], _Claim] = {}  # (open, kind) -> the model its files of that kind are drawn by
        self.refused: dict[tuple[str, str, _Claim], list[str]] = {}  # (kind, model, claim) -> files needing model
        document.engine.result.connect(self._on_result)
        document.engine.result.connect(self._on_weights_read)
        document.engine.result.connect(self._on_file_read)
        document.engine.failed.connect(self._on_failed)
        document.loading_changed.connect(self._open_waiting)
        document.model_loaded.connect(self._on_model_loaded)
        document.engine.failed.connect(self._on_load_failed)
        document.retried.connect(self._on_retried)
        document.retry_withdrawn.connect(lambda seq: self.retrying.pop(seq, None))

    def open(self, paths: list[str]) -> None:
        """Open latent files given at once (one File → Open images…, a drop): one open, whose first file of a kind
        decides that kind's model (_load_for); one opened while they wait is another open."""
        self.opens += 1
        self.opened_in.update(dict.fromkeys(paths, self.opens))
        self._open_all(paths)

    def _open_all(self, paths: list[str]) -> None:
        if self._busy():  # a session due back may hold some of them: known as open once it is back
            self.waiting += paths
            return
        new = new_files(self.document, paths, None)
        for shown in set(paths) - set(new):  # open already: shown instead
            self.read_before.pop(shown, None)
        for path in new:
            self._open(path)
        refused, self.refused = self.refused, {}
        for (kind, model, claim), names in refused.items():
            self.document.error.emit(not_switched(names, model, kind, claim))
        if not (self.waiting or self.files_read or self.reading):  # these opens are done: the next may switch models
            self.claims.clear()
            self.opened_in.clear()

    def _busy(self) -> bool:
        """Models are loading, or a session is due back: the model a file needs may be among them; or a file, or
        the weights it is judged by, are being read: those opened after it wait behind it."""
        return self.document.models_due() or bool(self.reading) or bool(self.files_read)

    def on_their_way(self) -> bool:
        """Files waiting, being read, judged or drawn: items to come."""
        return bool(self.waiting or self.files_read or self.reading or self.drawing)

    def _open_waiting(self) -> None:
        """Open the files waiting, once nothing is busy; and say those refused meanwhile (_open_all)."""
        if not self._busy():
            waiting, self.waiting = self.waiting, []
            self._open_all(waiting)

    def _on_model_loaded(self, info: rq.ModelInfo) -> None:
        """Note the models loaded for files: one replaced before its file opened (another picked meanwhile) is said
        to be, not said not to have loaded."""
        for load in self.model_asked.values():
            if load.folder == os.path.realpath(info.path):
                load.ended = "loaded"

    def _on_load_failed(self, failed: rq.Failed) -> None:
        for load in self.model_asked.values():
            if load.seq == failed.seq and failed.superseded:  # another picked before it began: said so, not "failed"
                load.ended = "superseded"

    def _open(self, path: str) -> None:
        doc = self.document
        if self._busy():
            self.waiting.append(path)
            return
        stamp = stamp_of(path)  # before reading: a file written meanwhile no longer matches it
        read = self.read_before.pop(path, None)
        if read is not None and stamp is not None and read.stamp == stamp:  # unchanged since it was read: not again
            self._judge(read)
            return
        if bytes_to_read(path) > READ_HERE:  # read on the worker: see the module's docstring
            self.files_read[doc.engine.submit(rq.ReadLatentFile(path))] = (path, stamp)
            return
        try:
            f = read_latent(path)
        except ValueError as e:  # damaged, not a latent file, gone: in read_latent's words, as `genimg decode` says it
            if not isinstance(e, (NoMemoryToRead, TooLargeToDraw)):  # whole: too little memory, or a low limit
                self.forget(path)
            doc.error.emit(str(e))
            return
        self._judge(_Opening(path, f, f.kind or "vae", stamp))  # a bare np.savez records none: a VAE's, as decode

    def _on_file_read(self, r: object) -> None:
        """A file read by the worker: judged (_judge_in_turn)."""
        if isinstance(r, rq.LatentFileRead) and (read := self.files_read.pop(r.seq, None)) is not None:
            self._judge_in_turn(_Opening(read[0], r.file, r.file.kind or "vae", read[1]))

    def _judge_in_turn(self, opening: _Opening) -> None:
        """The file judged now, or once the models asked for meanwhile have come (as a file opened now would be);
        then the files opened after it."""
        if self.document.models_due():
            self._wait(opening)
        else:
            self._judge(opening)
        self._open_waiting()

    def _judge(self, opening: _Opening) -> None:
        """Draw the file in the model loaded if it made it, else load the model that did, else say why not; once
        the weights it is told by have been read (DigestWeights, on the worker: never here)."""
        doc, path, f, kind = self.document, opening.path, opening.file, opening.kind
        info, digest_of = doc.models.get(kind), read_elsewhere(opening.digests)
        try:  # every digest first: a file is judged whole, by weights read
            own = own_model(f, Path(path), kind, self.entries(), digest_of)
            mine = info is not None and made_in(f, own, info, digest_of)
            # not found, or loaded for it and still not its weights (or not loaded)
            refused = not mine and (own is None or path in self.model_asked)
            there = other_weights_at(f, Path(path), kind, digest_of) if refused else None
        except WeightsUnread as unread:
            self.reading[doc.engine.submit(rq.DigestWeights(unread.folder))] = opening
            return
        asked, claimed = self.model_asked.pop(path, None), self._key(path, kind)
        if mine:
            self.claims.setdefault(claimed, _Claim(path, info.name, False))
            self._draw(path, f, kind, opening.stamp)
        elif refused:
            if claimed in self.claims and self.claims[claimed].path == path:  # the others may load theirs
                del self.claims[claimed]
            doc.error.emit(not_opened_at_scale(path, recorded_name(f), info, made_scale(f, own))
                           if info is not None and asked is None and other_scale(f, own, info) else
                           not_opened(path, recorded_name(f), kind, f.model_path, info,
                                      other_weights_said(f, there) if there is not None else "", asked))
        else:
            self._load_for(opening, recorded_name(f), info, own)

    def _on_weights_read(self, r: object) -> None:
        """The file judged again, by the weights read (_judge_in_turn)."""
        if isinstance(r, rq.WeightsDigest) and (opening := self.reading.pop(r.seq, None)) is not None:
            opening.digests[r.folder] = r.digest
            self._judge_in_turn(opening)

    def _load_for(self, opening: _Opening, model: str, info: rq.ModelInfo | None, own: Path) -> None:
        """Load the model that made the file (own: its folder), the file waiting for it; unless another file of this
        open decided the model of its kind: switching would take that file along."""
        path, kind = opening.path, opening.kind
        claim = self.claims.setdefault(self._key(path, kind), _Claim(path, model, True))
        if claim.path != path:
            self.refused.setdefault((kind, model, claim), []).append(Path(path).name)
            return
        doc = self.document
        self._wait(opening)  # before the files opened after it, waiting while its weights were read
        # an earlier open's file still being drawn follows it too
        pictures = any(i.kind == kind for i in (*doc.items.values(), *self.drawing.values()))
        doc.message.emit(switching_message(Path(path).name, model, kind, info, own, pictures))
        self.model_asked[path] = _Load(os.path.realpath(own), doc.load_model(str(own)))

    def _wait(self, opening: _Opening) -> None:
        """The file waits for the models asked for, before the files opened after it; what was read of it is kept for
        then, with the stamp it was read at: a file changed on disk meanwhile is read again (_open). The digests of
        the weights it is judged by are looked up again, as when it was read again: a model folder trained again
        meanwhile holds other weights."""
        self.waiting.insert(0, opening.path)
        self.read_before[opening.path] = replace(opening, digests={})

    def _key(self, path: str, kind: str) -> tuple[int, str]:
        """The claims key of a file's kind in its open (opened_in)."""
        return self.opened_in.get(path, 0), kind

    def _draw(self, path: str, f: LatentFile, kind: str, stamp: FileStamp | None) -> None:
        base = f.base if f.mask is not None or (f.base is not None and not np.array_equal(f.base, f.latent)) else None
        seq = self.document.engine.submit(rq.DecodeLatentFile(kind, f.latent, Path(path).name, base, f.mask))
        self.drawing[seq] = _Opening(path, f, kind, stamp)

    def _on_failed(self, failed: rq.Failed) -> None:
        """A file's drawing failed. One that records its weights was drawn by them (made_in): a latent they cannot
        draw (another shape, NaN) is damaged, and leaves Open recent. One that records none may be another
        model's, which draws it: it stays (as one whose model is not here does). A file whose weights could not be
        read is not opened (the failure says why); those opened after it are, as after one the worker could not
        read (said in read_latent's words), which leaves Open recent, as one read here does, unless it was whole and
        the memory free could not hold it (export.NoMemoryToRead). One that ran out of GPU memory opens once Retry on
        CPU has drawn it; one that ran out on the CPU stays in Open recent, undamaged."""
        read = self.files_read.pop(failed.seq, None) if failed.final else None
        if read is not None and not undamaged(failed):
            self.forget(read[0])
        if read is not None or failed.final and self.reading.pop(failed.seq, None) is not None:
            self._open_waiting()
            return
        opening = self.drawing.pop(failed.seq, None) if failed.final else None
        if opening is not None and failed.retry_on_cpu:
            self.retrying[failed.seq] = opening
        elif opening is not None and opening.file.identity and not undamaged(failed):
            self.forget(opening.path)

    def _on_retried(self, seq: int, new: int) -> None:
        if (opening := self.retrying.pop(seq, None)) is not None:
            self.drawing[new] = opening

    def _on_result(self, r: object) -> None:
        if not isinstance(r, rq.LatentDecoded) or (opening := self.drawing.pop(r.seq, None)) is None:
            return
        doc, f = self.document, opening.file
        info = doc.models.get(opening.kind)
        if info is None:  # closed meanwhile: nothing to edit it in
            return
        if (same := open_copy(doc, opening.stamp, None)) is not None:  # asked for again before it came (a copy)
            show_open(doc, [(same, [opening.stamp])])
            return
        history, restored = history_of(f, info.directions)
        item = Item(doc.next_id, opening.kind, Path(opening.path).stem, r.original, r.image, History(history[0]),
                    r.seq, file=opening.stamp)
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
        item.exported_node = item.history.current_id  # the file holds it: quitting need not ask about it
        if opening.kind == "vae":  # the file's, after a switch back (CarryOver._latent_in_model: a VAE's alone)
            item.latent_by_model[info.identity] = item.history.nodes()[0].state.base
        doc.insert_item(item)
        if not restored and f.mask is not None:  # shown masked, as the file draws; its state has no mask now
            doc.redraw(item)
        doc.message.emit(opened_message(Path(opening.path).name, info, f, restored))


def made_in(f: LatentFile, own: Path | None, info: rq.ModelInfo, digest_of: DigestOf) -> bool:
    """Whether the file was made in this model (own: the folder of the model it records, latent_model.own_model), as
    `genimg decode` tells it (latent_model.same_model); a file that records no model is drawn by the one loaded, as
    `genimg decode` draws it by the bundled one."""
    return (not f.identity and not recorded_name(f)) or same_model(f, own, info, digest_of)


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


def undamaged(failed: rq.Failed) -> bool:
    """A latent file's read or drawing failed for nothing wrong with the file: it stays in Open recent."""
    return failed.cancelled or failed.out_of_memory or failed.too_large
