"""The user's directions after their model's folder was trained again in place (Train…'s Start over or Continue,
`genimg train … -o FOLDER --overwrite/--resume`): the new weights are another model, with another latent space, so
the directions made in the old ones do not apply to them, and after loading them the sliders lost them without a
word. Each is made again from the examples it was made from (its file keeps them: attributes.user_examples), encoded
by the new weights as Edit → New direction from examples… would encode them; the old vectors are never reused. One
whose examples are gone, or were not kept (made by an earlier genimg), is named, so the user can make it again.

The new weights' file records that their directions were made again (attributes.REMADE_KEY), kept, empty, when none
is made or the last is deleted: otherwise the next launch found no file for them, the old weights' file again, and
made again the directions the user had deleted since, or said again which could not be made."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt

from ..attributes import (METHODS, earlier_weights_file, save_user_directions, saved_identity, saved_rows,
                          user_directions_file)
from ..engine import requests as rq
from ..wording import quoted_list
from .direction_jobs import Job
from .directions_dialog import DirectionRequest

if TYPE_CHECKING:
    from .document import Document


@dataclass(frozen=True)
class Remake:
    """What becomes of the directions of a model's old weights as its new ones load."""
    model: str                               # the model's name
    identity: str                            # the new weights' (ModelInfo.identity)
    source: str                              # the old weights', whose directions these are
    requests: tuple[DirectionRequest, ...]   # one per direction whose examples are there: made again
    gone: tuple[str, ...] = ()               # the labels of those with a side whose example files are all gone
    unkept: tuple[str, ...] = ()             # ... and of those whose examples were not kept

    def note(self) -> str:
        """The status bar's word on it, e.g. 'vae2 was trained again: your directions made in its old weights do
        not apply to the new ones; making “frowning → smiling” again from its examples'."""
        parts = [f"{self.model} was trained again: your directions made in its old weights do not apply to the "
                 "new ones"]
        if self.requests:
            parts.append(f"making {quoted_list([r.name for r in self.requests])} again from "
                         f"{_its(self.requests)} examples")
        if self.gone:
            parts.append(f"{quoted_list(self.gone)} cannot be made again: {_its(self.gone)} example files are gone")
        if self.unkept:
            parts.append(f"{quoted_list(self.unkept)} cannot be made again: {_its(self.unkept)} examples were not kept "
                         "(made by an earlier genimg)")
        if self.gone or self.unkept:
            them = "it" if len(self.gone) + len(self.unkept) == 1 else "them"
            parts.append(f"make {them} again with Edit → New direction from examples…")
        return "; ".join(parts)


def remake_for(info: rq.ModelInfo) -> Remake | None:
    """The directions saved for the weights info's folder held before (earlier_weights_file), to make again for
    info's; None when there are none (a new folder, or directions saved before their folder was recorded)."""
    path = earlier_weights_file(info.path, info.identity)
    rows = [] if path is None else saved_rows(path)  # read whatever the old latent's size: the examples remake them
    if not rows:
        return None
    requests, gone, unkept = [], [], []
    for label, _, made in rows:
        if made is None:
            unkept.append(label)
        elif not all(any(os.path.isfile(p) for p in made[side]) for side in ("from", "to")):
            gone.append(label)  # one still there is encoded; a missing one is skipped, as the dialog's are
        else:
            method = made.get("method") if made.get("method") in METHODS else "means"
            requests.append(DirectionRequest(label, tuple(made["from"]), tuple(made["to"]), method,
                                             bool(made.get("keep_fixed"))))
    return Remake(info.name, info.identity, saved_identity(path) or "", tuple(requests), tuple(gone), tuple(unkept))


class Remakes:
    """A window's remakes: the one waiting for its VAE to be in place, and those begun (the new weights' identity ->
    its Remake), each once."""

    def __init__(self, document: Document, kind: str, make: Callable[..., object]) -> None:
        self.document, self.kind, self.make = document, kind, make  # make(request, again=True) begins one
        self.waiting: Remake | None = None
        self.done: dict[str, Remake] = {}
        # queued: made again once the model is in place, and said after its "Loaded …"
        document.model_loaded.connect(self._make_again, Qt.ConnectionType.QueuedConnection)

    def expect(self, info: rq.ModelInfo, own: bool) -> None:
        """A VAE arriving, with a directions file of its own or not: with none, its folder may have held other
        weights, whose directions are made again once it is in place."""
        self.waiting = None if own or info.identity in self.done else remake_for(info)

    def remade_from(self, identity: str) -> str:
        """The identity of the old weights whose directions this window made again for identity's, or ""."""
        remake = self.done.get(identity)
        return "" if remake is None else remake.source

    def _make_again(self, info: rq.ModelInfo) -> None:
        remake, now = self.waiting, getattr(self.document.models.get(self.kind), "identity", "")
        if info.kind != self.kind or remake is None or {remake.identity, now} != {info.identity}:
            return  # a GAN, or a VAE loaded since: its own arrival says what became of its directions
        self.waiting = None
        self.done[remake.identity] = remake
        said = self.document.error if remake.gone or remake.unkept else self.document.message
        said.emit(remake.note())
        if not remake.requests:  # none to wait for: what could not be made again is said once, not at each launch
            self._settle(info)
        for request in remake.requests:
            self.make(request, again=True)

    def refused(self, job: Job, reason: str) -> None:
        """Say that job's direction was not made again, and why. Unless the VAE changed meanwhile, its refusal is
        recorded: not said again at the next launch."""
        remake, info = self.done.get(job.model), self.document.models.get(self.kind)
        model = remake.model if remake is not None else getattr(info, "name", "the VAE")
        self.document.error.emit(f"“{job.request.name}” was not made again for {model}'s new weights: "
                                 f"{reason[:1].lower()}{reason[1:]}")
        if info is not None and info.identity == job.model:
            self._settle(info)

    def _settle(self, info: rq.ModelInfo) -> None:
        """Record in the new weights' file that their directions were made again: written, empty, when it is not
        there (a direction made again writes it too, with the record: DirectionsController._save)."""
        try:
            path = user_directions_file(info.name, info.identity)
            if not path.is_file():
                save_user_directions(path, info.directions.subset(()), info.identity, info.path,
                                     remade_from=self.remade_from(info.identity))
        except OSError:  # a read-only folder: they are made again at the next launch
            pass


def examples_of(request: DirectionRequest) -> dict:
    """A direction's examples as its file keeps them (attributes.save_user_directions)."""
    return {"from": [os.path.abspath(p) for p in request.from_paths],
            "to": [os.path.abspath(p) for p in request.to_paths],
            "method": request.method, "keep_fixed": request.keep_fixed}


def _its(labels) -> str:
    return "its" if len(labels) == 1 else "their"
