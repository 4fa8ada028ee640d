"""The user's directions after their model's folder was trained again in place (Train…'s Start over or Continue,
`genimg train … -o FOLDER --overwrite/--resume`): the new weights are another model, with another latent space, so
the directions made in the old ones do not apply to them, and after loading them the sliders lost them without a
word. Each is made again from the examples it was made from (its file keeps them: user_directions.user_examples),
encoded by the new weights as Edit → New direction from examples… would encode them; the old vectors are never
reused. One whose examples are gone, or were not kept (made by an earlier genimg), is named, so the user can make it
again.

The new weights' file records that their directions were made again (user_directions.REMADE_KEY), kept, empty, when none
is made or the last is deleted: otherwise the next launch found no file for them, the old weights' file again, and
made again the directions the user had deleted since, or said again which could not be made. It is written as the
remake begins, with the directions still to be made (user_directions.REMAKING_KEY), each struck off once made or
refused, so that the next load of those weights makes those genimg closed on (the next launch found the file, took them
as made, and they were lost); one made, then deleted, is not among them. Each window strikes off only those it made or
refused from the list as the file holds it (another genimg window may make them too), and none whose name is a row of
the file's already: two windows loading the new weights made them both, and two sliders had one name. The list goes with
the directions should the folder be trained again before they are all made. One whose encoding the user cancels, or
whose retry on the CPU can no longer be sent, stays on it, no longer counted as being made in this window: loading those
weights again makes it (it was taken as being made, and nothing was made or said)."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Collection

from PySide6.QtCore import Qt

from ..attributes import METHODS
from ..engine import requests as rq
from ..user_directions import (earlier_weights_file, remade_from, saved_identity, saved_rows, to_remake,
                               user_directions_file)
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
    resumed: bool = False                    # begun before: genimg closed (or the VAE changed) before all were made

    def note(self) -> str:
        """The status bar's word on it, e.g. 'vae2 was trained again: your directions made in its old weights do
        not apply to the new ones; making “frowning → smiling” again from its examples'."""
        parts = [f"{self.model} was trained again and not all your directions were made again for its new weights "
                 "yet" if self.resumed else
                 f"{self.model} was trained again: your directions made in its old weights do not apply to the "
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


def remake_for(info: rq.ModelInfo, own: bool = False, rows: Collection[str] = ()) -> Remake | None:
    """What to make again for info's weights: with a directions file of their own (own), the directions it records
    as not made again yet (user_directions.to_remake) but those named as one of its rows is (another window made them);
    else those saved for the weights info's folder held before (earlier_weights_file), with those not made again
    for them yet (trained again before they were). None when there are none (a new folder, or directions saved
    before their folder was recorded)."""
    if own:
        path = user_directions_file(info.name, info.identity)
        listed, source = to_remake(path), remade_from(path)
    else:
        path = earlier_weights_file(info.path, info.identity)
        # read whatever the old latent's size: the examples remake them
        listed = [] if path is None else [(label, made) for label, _, made in saved_rows(path)] + to_remake(path)
        source = "" if path is None else saved_identity(path) or ""
    listed = [(label, made) for label, made in listed if label not in rows]
    if not listed:
        return None
    requests, gone, unkept = [], [], []
    for label, made in listed:
        if made is None:
            unkept.append(label)
        elif not all(any(os.path.isfile(p) for p in made[side]) for side in ("from", "to")):
            gone.append(label)  # one still there is encoded; a missing one is skipped, as the dialog's are
        else:
            method = made.get("method") if made.get("method") in METHODS else "means"
            requests.append(DirectionRequest(label, tuple(made["from"]), tuple(made["to"]), method,
                                             bool(made.get("keep_fixed"))))
    return Remake(info.name, info.identity, source, tuple(requests), tuple(gone), tuple(unkept), resumed=own)


class Remakes:
    """A window's remakes: the one waiting for its VAE to be in place, those begun (the new weights' identity -> its
    Remake), each once, and what it has to do with the list of directions not made yet, which the new weights' file
    records till they are: those to put on it, and those to strike off."""

    def __init__(self, document: Document, kind: str, make: Callable[..., object],
                 save: Callable[[], None]) -> None:
        # make(request, again=True) begins one; save() writes the loaded VAE's file (with still_to_make)
        self.document, self.kind, self.make, self.save = document, kind, make, save
        self.waiting: Remake | None = None
        self.done: dict[str, Remake] = {}
        self.unlisted: dict[str, list[DirectionRequest]] = {}  # identity -> to put on its file's list, as it begins
        self.struck: dict[str, set[str]] = {}  # identity -> the labels this window made, refused or said unmakable
        self.running: dict[str, list[DirectionRequest]] = {}  # identity -> those being made in this window
        # queued: made again once the model is in place, and said after its "Loaded …"
        document.model_loaded.connect(self._make_again, Qt.ConnectionType.QueuedConnection)

    def expect(self, info: rq.ModelInfo, own: bool, rows: Collection[str] = ()) -> None:
        """A VAE arriving, with a directions file of its own or not: with none, its folder may have held other
        weights, whose directions are made again once it is in place; with one (its rows' labels: rows), it may
        record some not made again yet, made then unless they are being made, or are among its rows."""
        if not own:
            self.waiting = None if info.identity in self.done else remake_for(info)
            return
        remake, running = remake_for(info, own=True, rows=rows), self.running.get(info.identity, [])
        if remake is not None:
            remake = replace(remake, requests=tuple(r for r in remake.requests if r not in running))
        self.waiting = remake if remake is not None and (remake.requests or remake.gone or remake.unkept) else None

    def remade_from(self, identity: str) -> str:
        """The identity of the old weights whose directions this window made again for identity's, or ""."""
        remake = self.done.get(identity)
        return "" if remake is None else remake.source

    def still_to_make(self, identity: str, on_disk: list[tuple[str, dict]],
                      rows: Collection[str]) -> list[tuple[str, dict]]:
        """What identity's file is to record as not made again yet, as (label, its examples): the list as the file
        holds it now (on_disk: another window may have struck some off), with those this window begins to make
        (unlisted), less those it struck off and those named as one of the rows saved with it (rows)."""
        listed = on_disk + [(request.name, examples_of(request)) for request in self.unlisted.get(identity, [])]
        off, kept = self.struck.get(identity, set()) | set(rows), {}
        for label, made in listed:
            if label not in off:
                kept.setdefault(label, made)
        return list(kept.items())

    def listed(self, identity: str) -> None:
        """identity's file was written with the list: it holds those this window began to make from now on (should
        another window make one and its user delete it, this window would put it back on the list)."""
        self.unlisted.pop(identity, None)

    def made_elsewhere(self, job: Job, rows: Collection[str]) -> bool:
        """Whether job's direction, being made again for the VAE loaded, is among its rows already, this window's
        (rows: their labels) or its file's: another genimg window made it again meanwhile (a GPU's encodes differ a
        hair: both were kept, two sliders of one name). Struck off then, not made twice."""
        info = self.document.models[self.kind]
        try:
            saved = [label for label, _, _ in saved_rows(user_directions_file(info.name, info.identity))]
        except OSError:  # no folder to make: no other window saved any
            saved = []
        if job.request.name not in (*rows, *saved):
            return False
        self.made(job)
        return True

    def _make_again(self, info: rq.ModelInfo) -> None:
        remake, now = self.waiting, getattr(self.document.models.get(self.kind), "identity", "")
        if info.kind != self.kind or remake is None or {remake.identity, now} != {info.identity}:
            return  # a GAN, or a VAE loaded since: its own arrival says what became of its directions
        self.waiting = None
        self.done[remake.identity] = remake
        said = self.document.error if remake.gone or remake.unkept else self.document.message
        said.emit(remake.note())
        self.struck.setdefault(remake.identity, set()).update((*remake.gone, *remake.unkept))  # said once
        if not remake.resumed:  # the others are on the file's list already
            self.unlisted[remake.identity] = list(remake.requests)
        self.save()  # before any is made: what could not be made is said once, not at each launch
        running = self.running.setdefault(remake.identity, [])
        for request in remake.requests:
            running.append(request)
            self.make(request, again=True)

    def made(self, job: Job) -> None:
        """job's direction was made again: no longer to be made (the save that follows records it)."""
        _drop(job, self.running)
        self.struck.setdefault(job.model, set()).add(job.request.name)

    def refused(self, job: Job, reason: str) -> None:
        """Say that job's direction was not made again, and why. Unless the VAE changed meanwhile, its refusal is
        recorded: not said again at the next launch. Also for an encoding that failed for good (DirectionJobs):
        one left on the list failed again at each launch, and said so twice."""
        _drop(job, self.running)
        info = self.document.models.get(self.kind)
        self.document.error.emit(f"“{job.request.name}” was not made again for {self._model(job)}'s new weights: "
                                 f"{reason[:1].lower()}{reason[1:]}")
        if info is not None and info.identity == job.model:
            self.struck.setdefault(job.model, set()).add(job.request.name)
            self.save()

    def stopped(self, job: Job, cancelled: bool) -> None:
        """job's direction was not made in this window: its encoding was cancelled, or ran out of GPU memory and
        its retry on the CPU can no longer be sent (DirectionJobs). It is no longer being made, but stays on its
        file's list: left among those being made, loading those weights again in this window made nothing and said
        nothing."""
        _drop(job, self.running)
        name, model, later = job.request.name, self._model(job), "it will be made when those weights are loaded again"
        if cancelled:  # in place of a bare "Cancelled"
            self.document.message.emit(f"Cancelled making “{name}” again for {model}'s new weights: {later}")
        else:
            self.document.error.emit(f"“{name}” was not made again for {model}'s new weights: the GPU ran out of "
                                     f"memory while encoding its examples, and their retry on the CPU can no longer "
                                     f"be sent; {later}")

    def _model(self, job: Job) -> str:
        """The name of the model whose new weights job's direction is made again for."""
        remake, info = self.done.get(job.model), self.document.models.get(self.kind)
        return remake.model if remake is not None else getattr(info, "name", "the VAE")


def _drop(job: Job, requests: dict[str, list[DirectionRequest]]) -> None:
    """job's request struck off its model's list."""
    if job.request in requests.get(job.model, []):
        requests[job.model].remove(job.request)


def examples_of(request: DirectionRequest) -> dict:
    """A direction's examples as its file keeps them (user_directions.save_user_directions)."""
    return {"from": [os.path.abspath(p) for p in request.from_paths],
            "to": [os.path.abspath(p) for p in request.to_paths],
            "method": request.method, "keep_fixed": request.keep_fixed}


def _its(labels) -> str:
    return "its" if len(labels) == 1 else "their"
