"""The model's direction set in the window: new directions from example images, rename, delete,
and the user's own directions saved per model (by its weights, not its name) and added back whenever it loads.

Built-in rows (PCA, and named directions shipped with the model) may be renamed for the session;
only the user's own directions can be deleted (and renamed for good). Deleting one leaves every
image as it is: each history state keeps that direction's share in its base latent. Undo brings it back,
with every item's history as it was, until the next change (Document.offer_undo); while another model of its kind
is loaded, the offer waits for the model the direction was deleted from (HistorySteps.offer_follows_model).

The user's directions file is shared by every genimg window: user_direction_files.py loads, saves and follows it.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ..attributes import direction_from_examples, separation, slider_unit
from ..edit import Directions, named_rows, typed_name, without_direction
from ..engine import requests as rq
from ..user_directions import row_key, user_directions_folder
from ..wording import counted, in_sigmas
from . import saved_directions
from .direction_deletion import ItemEdits, keep_step_names
from .direction_jobs import DirectionJobs, Job
from .direction_remake import Remakes, examples_of
from .directions_dialog import DirectionRequest, DirectionsDialog, free_name, naming_refusal
from .document import Document
from .history_steps import OfferedUndo
from .item import Item
from .sliders import SliderPanel
from .user_direction_files import UserDirectionFiles

KIND = "vae"  # examples are encoded by the VAE, so directions from examples belong to it
# Kept apart from the named directions, the examples may no longer differ along what is left (the same examples made
# a direction before): below half a within-group spread (Cohen's d 0.5, a "small" effect) the two groups overlap more
# than they part, and the slider would move pictures along what the examples do not show.
MIN_SEPARATION = 0.5
NOT_MADE = "No direction made: "


class DirectionsController(UserDirectionFiles, QObject):
    def __init__(self, document: Document, sliders: SliderPanel, parent: QWidget,
                 shown_kind: Callable[[], str | None]) -> None:
        super().__init__(parent)
        self.document, self.sliders, self.parent_widget = document, sliders, parent
        self.shown_kind = shown_kind     # the kind whose directions the sliders show
        self.builtin: dict[str, int] = {}  # kind -> rows that came with the model (the rest are the user's)
        # model identity (ModelInfo.identity) -> renamed built-in rows: a copy of the model in another folder keeps them
        self.session_names: dict[str, dict[int, str]] = {}
        self.on_disk: dict[str, Directions] = {}  # kind -> the user rows in its model's file, as this window took them
        # the last request refused once its images were encoded, and why: the dialog opens with it again, as the
        # refusal comes after the dialog has closed (the user's examples are not lost)
        self.refused: tuple[DirectionRequest, str] | None = None
        self.examples: dict[bytes, dict] = {}  # a user row's bytes -> the examples it was made from (its file's)
        self.remakes = Remakes(document, KIND, self.make_direction,  # after a folder was trained again in place
                               lambda: self._save(KIND, document.directions(KIND)))
        # the directions being made: their examples' encodes; one made again that fails for good, is cancelled or
        # its retry withdrawn says so once
        self.jobs = DirectionJobs(document, self._finish, self.remakes.refused, self.remakes.stopped)
        notices = saved_directions.shared()
        try:
            notices.watch(user_directions_folder())
        except OSError:  # no folder to make (a read-only home): another process's saves show after a restart
            pass
        # queued: a save's own notice comes after the change that saved (and its undo offer), never in its middle
        notices.changed.connect(self.follow_files, Qt.ConnectionType.QueuedConnection)
        document.model_hooks.append(self._with_user_directions)
        sliders.rename_requested.connect(self.rename)
        sliders.delete_requested.connect(self.delete)

    # --- new direction from examples --------------------------------------
    def new_direction(self) -> int | None:
        """Edit → New direction from examples…: ask for the images, then make it."""
        if KIND not in self.document.models:
            self.document.error.emit("Load a VAE first: directions from examples are made by encoding "
                                     "the images with it")
            return None
        request = self._ask()
        return None if request is None else self.make_direction(request)

    def _ask(self) -> DirectionRequest | None:
        """The dialog; tests replace it."""
        info = self.document.models[KIND]
        directions = info.directions
        dialog = DirectionsDialog(self.parent_widget, directions.labels, info.name, self._target_note(info),
                                  [directions.labels[i] for i in named_rows(directions)])
        if self.refused is not None:
            dialog.restore(*self.refused)
        try:
            return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:  # a child of the window: each opening left one behind, its palette watch on the window
            dialog.deleteLater()

    def _target_note(self, info: rq.ModelInfo) -> str:
        """The dialog's word on the model the direction is made for, and over a GAN sample, on the GAN it is not."""
        note = f"For {info.name} (the VAE): example images are encoded by it, and the new slider joins its directions."
        gan = self.document.models.get("gan")
        if self.shown_kind() == "gan" and gan is not None:
            note += (f" The picture shown is a sample of the GAN {gan.name}: the slider goes to the VAE's sliders, "
                     "not this GAN's (Send to VAE editor edits the sample with them).")
        return note

    def make_direction(self, request: DirectionRequest, again: bool = False) -> int | None:
        """Encode both groups in the background; the direction is made when both arrive (DirectionJobs).
        again: made again for the model's new weights (direction_remake.Remakes). Returns the second request's seq."""
        info = self.document.models.get(KIND)
        if info is None:
            self.document.error.emit("Load a VAE first: directions from examples are made by encoding "
                                     "the images with it")
            return None
        job = Job(request, info.identity, again=again)
        refusal = naming_refusal(info.directions.labels, request.name, model=info.name)
        if refusal:  # the dialog refuses such a name; a name given otherwise (a new built-in's) is checked here
            if again:
                self.remakes.refused(job, refusal)
            else:
                self.document.error.emit(NOT_MADE + refusal)
            return None
        if not again:  # a refused request of the user's waits for the dialog, whatever is made again meanwhile
            self.refused = None
        self.jobs.encode(job, "from", request.from_paths)
        return self.jobs.encode(job, "to", request.to_paths)

    def _finish(self, job: Job) -> None:
        req, info = job.request, self.document.models.get(KIND)
        if job.failed:  # bad files are reported; the rest still make the direction
            self.document.error.emit(f"Skipped {counted(len(job.failed), 'example file')}: " + "; ".join(job.failed))
        if info is None or not job.encoded_in(info.identity):  # one made again stays on its file's list (remake)
            again = "it will be made when those weights are loaded again" if job.again else "make it again"
            return self._refuse(job, f"The VAE changed while encoding the examples for {req.name}; {again}")
        if job.again and self.remakes.made_elsewhere(job, info.directions.labels[self.builtin[KIND]:]):
            return self._save(KIND, info.directions)  # struck off the list: another window made it
        empty = [side for side in ("from", "to") if len(job.latents[side]) == 0]
        if empty:
            return self._refuse(job, f"No readable “{empty[0]}” image for {req.name}: add at least one")
        a, b = job.latents["from"], job.latents["to"]
        label = free_name(info.directions.labels, req.name)  # another window may have taken the name since it was asked
        try:
            directions, kept = _fitted(info.directions, a, b, req, label)
        except ValueError as e:
            return self._refuse(job, f"Could not make {req.name}: {e}")
        twin = self._same_vector(info.directions, directions.basis[-1])
        if twin is not None:
            return self._refuse(job, f"{NOT_MADE}“{req.name}” would be the same direction as “{twin}” "
                                     f"(the same examples give the same direction); use or rename “{twin}”")
        gap = separation(a, b, directions.basis[-1], float(directions.sigma[-1]))
        if kept and abs(gap) < MIN_SEPARATION:
            return self._refuse(job, f"{NOT_MADE}the “from” and “to” examples of {req.name} barely differ "
                                f"along it once it is kept apart from the {counted(len(kept), 'named direction')} "
                                f"({in_sigmas(gap)}); untick “Keep the named directions fixed”, "
                                "or choose other examples")
        self.examples[row_key(directions.basis[-1])] = examples_of(req)  # kept with it: see direction_remake
        if job.again:
            self.remakes.made(job)  # no longer to be made again: the save records it
        self.document.set_directions(KIND, directions)
        self._save(KIND, info.directions)
        self.document.message.emit(self._made_note(directions.labels[-1], info.name, (len(a), len(b)), gap,
                                                   kept if req.keep_fixed else None, job.again))

    def _refuse(self, job: Job, reason: str) -> None:
        """Say why no direction was made, and keep the request for the dialog's next opening: it closed before the
        images were encoded, and its examples, name and options would be lost. One made again is said as such."""
        if job.again:
            return self.remakes.refused(job, reason.removeprefix(NOT_MADE))
        self.refused = (job.request, reason)
        self.document.error.emit(f"{reason} (Edit → New direction from examples… opens with these examples again)")

    def _made_note(self, label: str, model: str, sizes: tuple[int, int], gap: float, kept: list[int] | None,
                   again: bool = False) -> str:
        """The status bar's word on a new direction: its model (not the GAN shown), how far apart its examples sit
        and what it was kept apart from (kept None: it was not asked to be); again: made again for new weights."""
        end = " (the slider's +3σ end: each group varies less than a third of that along it)" if gap > 2.99 else ""
        fixed = "" if kept is None else (f"; kept apart from {counted(len(kept), 'named direction')}" if kept else
                                         "; there were no named directions to keep fixed")
        where = "; its slider is among the VAE's sliders, not the GAN's shown" if self.shown_kind() == "gan" else ""
        made = (f"Made “{label}” again for {model}'s new weights from its {sizes[0]} + {sizes[1]} example images"
                if again else f"New direction “{label}” for {model} from {sizes[0]} + {sizes[1]} images")
        return f"{made}: the “to” images sit {in_sigmas(gap)} from the “from” images along it{end}{fixed}{where}"

    @staticmethod
    def _same_vector(directions: Directions, row: np.ndarray) -> str | None:
        """The label of a row equal to row, byte for byte, else None. The saved file knows a row by its vector
        (merged_user_directions), so a twin would be saved once and a rename or delete of one act on the other."""
        key = row.tobytes()
        return next((label for label, other in zip(directions.labels, directions.basis) if other.tobytes() == key),
                    None)

    # --- rename / delete ----------------------------------------------------
    def _target(self, index: int) -> tuple[str, Directions] | None:
        kind = self.shown_kind()
        directions = self.document.directions(kind) if kind else None
        if directions is None or not 0 <= index < len(directions):
            return None
        return kind, directions

    def rename(self, index: int, label: str) -> None:
        """Give row index a new name, refused (and said why) when blank or another row's (clashing_label)."""
        target = self._target(index)
        if target is None:
            return
        kind, directions = target
        old, label = directions.labels[index], typed_name(label)
        if label == old:
            return
        refusal = naming_refusal(directions.labels, label, index)
        if refusal:
            self.document.refuse(f"rename {old}", f"“{old}” keeps its name: {refusal}")
            return
        self.document.set_directions(kind, directions.renamed(index, label))
        if index >= self.builtin.get(kind, len(directions)):
            self._save(kind, directions)
            self.document.done(f"rename {old}", f"Renamed “{old}” to “{label}”")
        else:
            self.session_names.setdefault(self.document.models[kind].identity, {})[index] = label
            self.document.done(f"rename {old}", f"Renamed “{old}” to “{label}” for this session (it comes with "
                                                "the model; only your own directions keep a new name)")

    def _confirm_delete(self, label: str) -> bool:
        """The question before a deletion; tests replace it."""
        answer = QMessageBox.question(
            self.parent_widget, "Delete direction?",
            f"Delete “{label}”? Pictures edited with it keep their edit (an edit under a mask loses its part). "
            "Undo brings it back until your next edit.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def delete(self, index: int) -> None:
        """Delete a user direction; every image stays as it is (its share moves into the base latent), except
        inside a mask, which loses it (edit.without_direction)."""
        target = self._target(index)
        if target is None:
            return
        kind, directions = target
        label = directions.labels[index]
        if index < self.builtin.get(kind, len(directions)):
            self.document.error.emit(f"“{label}” comes with the model and cannot be deleted; only your own "
                                     "directions can (rename it instead)")
            return
        if not self._confirm_delete(label):  # asked: Undo brings it back only until the next edit
            return
        kept = [(item, ItemEdits.of(item)) for item in self.document.all_items(kind)]
        redraw = self._bake_out(kind, directions, index)
        self.document.set_directions(kind, directions.without(index))
        self._save(kind, directions)
        self.document.history_changed.emit()  # step descriptions name directions by position
        for item in redraw:  # a masked edit lost the deleted direction's share; the current one or not
            self.document.redraw(item)
        self.document.message.emit(f"Deleted “{label}”; images edited with it keep the edit (masked edits lose "
                                   "its part: outside a mask stays unedited). Undo brings it back")
        model = self.document.models[kind]
        self.document.offer_undo(OfferedUndo(f"&Undo delete “{label}”",
                                             lambda: self._undelete(kind, directions, kept, redraw, label),
                                             kind, model.identity, model.name))

    def _bake_out(self, kind: str, directions: Directions, index: int) -> list[Item]:
        """Every item of the kind, closed ones too (they may be reopened), made to do without row index of
        directions: its share moves into each state's base (edit.without_direction). Returns the open items whose
        picture changes, to draw again: those whose current state used it under a mask."""
        def bake(state):
            return without_direction(state, directions, index)

        def loses_it(state) -> bool:  # a masked state that used the direction: its picture changes
            return state.mask is not None and index < len(state.values) and bool(state.values[index])
        redraw = []
        for item in self.document.all_items(kind):
            baked = item.history.mapped(bake)
            keep_step_names(item, directions.labels, index, baked)
            for node in item.history.nodes():
                if loses_it(node.state):
                    item.thumbs.pop(node.id, None)
            if loses_it(item.history.current) and item.id in self.document.items:
                redraw.append(item)
            item.history = baked
            item.requested = None if item.requested is None else bake(item.requested)
        return redraw

    def _undelete(self, kind: str, directions: Directions, kept: list[tuple[Item, ItemEdits]],
                  redraw: list[Item], label: str) -> None:
        """Undo a deletion: the direction set and every item's history as they were (nothing changed since)."""
        for item, edits in kept:
            edits.restore(item)
        before = self.document.directions(kind)
        self.document.set_directions(kind, directions)
        self._save(kind, before)
        for item in redraw:  # a masked edit gets the direction's share back
            if item.id in self.document.items:
                self.document.redraw(item)
        self.document.message.emit(f"Brought back “{label}”")


def _fitted(directions: Directions, a: np.ndarray, b: np.ndarray, req: DirectionRequest,
            label: str) -> tuple[Directions, list[int]]:
    """directions with the new one (from examples a to b) last, and the named rows it was kept apart from
    (req.keep_fixed). Raises ValueError when the examples leave no direction.
    Its outside_spread is left unmeasured, so on a VAE the meter reads a push along it on the PCs it moves alone, as
    before (a GAN's mapped w measure it: typicality.outside_pcs): the spread wants the model's own latents, which a
    VAE lacks at run time, and the examples are no stand-in: a handful of pictures, often photos off its data, picked
    to differ along this very direction, so their spread along it is their gap, not the data's."""
    vector, sigma = direction_from_examples(a, b, req.method)
    made = directions.with_direction(vector, sigma, label)
    kept = named_rows(directions) if req.keep_fixed else []
    if kept:  # kept apart, the groups part less along it: its unit is measured again, so +3σ still reaches
        row = made.orthogonalized(len(made) - 1, kept).basis[-1]
        made = directions.with_direction(row, slider_unit(a, b, row), label)
    return made, kept
