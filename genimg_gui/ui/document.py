"""The open work: items (dropped images, GAN samples), their edit histories, the loaded models. The document turns
user intent into engine requests and engine results into signals for the views. It never waits on the engine:
results arrive as signals, stamped with the request's sequence number, and anything older than what an item already
shows is dropped."""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from .. import seed_draws
from ..edit import Directions, EditState, edited_latent
from ..history import History
from ..engine import requests as rq
from ..session import Session
from .already_open import said_together, show_open, sorted_out
from .carry_over import CarryOver
from .closing import close_item, reopen_closed
from .document_results import insert_item, on_result, show_drawn
from .document_session import restore_session, session_of
from .failed_requests import FailedRequests
from .gan_samples import GanSamples
from .history_steps import HistorySteps, OfferedUndo
from .item import Item
from .kept_edits import rows_shared
from .running_jobs import JobKind, RunningJob, loading, loads, opening
from .switch_notes import carried_first_note


class Document(HistorySteps, QObject):
    item_added = Signal(object)        # Item; its place in the filmstrip is place_of(item.id)
    item_removed = Signal(int)         # the id of an item closed
    current_changed = Signal(object)   # Item | None
    restored = Signal(list)            # the Items a session brought back, added, before the current one is shown
    image_changed = Signal(object)     # Item (its image was redrawn)
    model_loaded = Signal(object)      # ModelInfo
    device_changed = Signal(object)    # DeviceChanged
    history_changed = Signal()
    message = Signal(str)              # status-bar text, kept in the message log
    note = Signal(str)                 # status-bar text of the moment, not logged (an inversion's progress)
    error = Signal(str)                # something the user should read
    retry_offered = Signal(int)        # seq of a request that ran out of memory on a GPU
    retried = Signal(int, int)         # (that seq, its retry's seq): Retry on CPU sent the request again
    retry_withdrawn = Signal(int)      # seq of a request waiting for Retry on CPU that can no longer be sent
    error_answered = Signal(str)       # an error the user acted on (Retry on CPU, a refusal done): it leaves the bar
    progress = Signal(object)          # Progress
    decode_time = Signal(float)        # seconds, worker-side
    previewed = Signal(object)         # rq.Previewed (slider strips, history thumbnails)
    latents_ready = Signal(object)     # rq.Latents (examples encoded for a direction)
    frames_ready = Signal(object)      # rq.Frames (a morph or an A/B pair, rendered)
    inverted = Signal(object)          # rq.Inverted (GAN inversion steps)
    scale_needed = Signal(object)      # rq.ScaleNeeded (an SD VAE file: ask SD 1/2 or SDXL, load again)
    directions_changed = Signal(str)   # kind whose direction set changed (added, renamed, deleted)
    undo_offered = Signal()            # offered_undo was set
    loading_changed = Signal()         # a model load began or ended, or files began or ended waiting for the loads

    def __init__(self, engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.items: dict[int, Item] = {}
        # closed items, the model of their kind then and their place in the filmstrip, the last last (reopen_closed)
        self.closed: list[tuple[Item, str | None, int]] = []
        self.current: Item | None = None
        self.models: dict[str, rq.ModelInfo] = {}
        # model identity -> its directions' labels, of each model switched away from or named by a restored session:
        # a step kept for one not loaded now is named by them (history_controller), also after a restart
        self.direction_labels: dict[str, tuple[str, ...]] = {}
        self.next_id = 1  # the id of the next item made, here or by samples
        self.samples = GanSamples(self)  # MapSeed requests, and each sample's own image for Compare
        self.carry = CarryOver(self)  # a new model takes the open items, and their histories, with it
        self.jobs: dict[int, RunningJob] = {}  # running job seq -> its kind and paths
        self.waiting_files: list[tuple[list[str], str]] = []  # (paths, fit) to open once no model is loading
        self.asking_scale = ""  # the SD VAE file whose latent-scale question is open: the files waiting say so
        # (items, whether files are opening, their job) found open already by the opens going on (said_together)
        self.open_already: list[tuple[list, bool, int | None]] | None = None
        self.sending: dict[int, str] = {}  # Send to VAE editor's EncodeImage seq -> the sample's name (Item.sent_from)
        self.failures = FailedRequests(self)  # what a failed request leaves, kept for a retry on the CPU
        # kind -> (the model the start-up loaded, failed: the last one, or a folder among the files; those loaded in
        # its place)
        self.stand_ins: dict[str, tuple[str, ...]] = {}
        # model identity -> (folder, why) of a restored session's model whose load failed: its items stay as kept,
        # their sliders withheld (document_session.own_model_failed)
        self.failed_own: dict[str, tuple[str, str]] = {}
        # the models named on the command line, as loaded (the user's choice), until the restore: path -> the kind
        # its option named (--vae, --gan), None for one among the files (document_session.named_kind)
        self.named: dict[str, str | None] = {}
        self.model_hooks: list = []  # ModelInfo -> ModelInfo, run as a model arrives (adds user directions)
        self.restored_folder: Callable[[str], str] = lambda path: path  # a session's folder: ModelList.own_folder
        self.session_due: Callable[[], bool] = lambda: False  # the last run's session is yet to come back or go
        self.offered_undo: OfferedUndo | None = None
        self.offer_waiting: OfferedUndo | None = None  # set aside while another model of its kind is loaded
        self._refusals: dict[str, str] = {}  # topic -> the error last said of it, while it may be on the bar: refuse
        self.finish_gestures: Callable[[], None] = lambda: None  # the views' (HistorySteps)
        self.gesture_going_on: Callable[[], bool] = lambda: False
        self.drop_sample_gestures: Callable[[], bool] = lambda: False
        for changed in (self.history_changed, self.directions_changed):
            changed.connect(self._forget_offered_undo)  # connected first: the views then see it gone
        self.model_loaded.connect(self.offer_follows_model)  # ...or set aside, or back
        engine.result.connect(self.failures.on_result)  # a retry's end says it was done on the CPU only after one
        engine.result.connect(self._on_result)
        engine.failed.connect(self.failures.on_failed)
        engine.failed.connect(self.carry.answered)
        engine.done.connect(self.failures.on_done)
        self.retry_withdrawn.connect(engine.forget)  # no Retry on CPU will send it: the engine lets go of it too
        engine.progress.connect(self._on_progress)
        engine.progress.connect(self.failures.on_progress)

    # --- requests -------------------------------------------------------
    def load_model(self, path: str, scaling_factor: float | None = None, named: bool = False,
                   kind: str | None = None) -> int:
        """A model folder, or a model file from elsewhere (converted by the worker; an SD VAE without scaling_factor
        comes back as scale_needed). A folder's path is made canonical: one reached through a symlink or a relative
        path is the one model it is (listed once, marked loaded). A file keeps its name (only made absolute): a
        download cache links a named file to a blob named by its hash, and the name says what it is (an SDXL VAE).
        named: on the command line (as kind, by --vae or --gan), so it wins over a kept session's (restore_session)."""
        path = os.path.realpath(path) if os.path.isdir(path) else os.path.abspath(path)
        if named:
            self.named[path] = kind
        seq = self.engine.submit(rq.LoadModel(path, scaling_factor))
        self.jobs[seq] = loading(path)
        self.loading_changed.emit()
        return seq

    def set_device(self, device: str) -> None:
        self.engine.submit(rq.SetDevice(device))

    def open_files(self, paths: list[str], fit: str = "crop", after_loads: bool = False) -> int | None:
        """Encode image files, less those open already (shown, and said once the others are opened: show_open).
        after_loads: once the models loading now are loaded and a session due back is (None is returned then; a file
        it holds is then known as open), as with models named beside them on the command line: an SD VAE file asks
        its scale first.
        Files opened before any VAE has loaded wait too (dropped as the window starts; loading_note names them)."""
        if not paths:
            return None
        loading = (after_loads or "vae" not in self.models) and self.loading_paths()
        if loading or (after_loads and self.session_due()):
            self.waiting_files.append((paths, fit))
            self.loading_changed.emit()
            return None
        paths, shown = sorted_out(self, paths, fit)
        seq = self.engine.submit(rq.EncodeFiles(tuple(paths), fit)) if paths else None
        if seq is not None:
            self.jobs[seq] = opening(paths)  # items_due counts it: new items, where a direction's examples are not
        if shown:  # said as the others' job ends, with the files it could not open
            show_open(self, shown, opening=bool(paths), job=seq)
        return seq

    def loading_paths(self) -> list[str]:
        """The models being loaded, in the order the worker loads them (the first is loading now)."""
        return list(loads(self.jobs).values())

    def models_due(self) -> bool:
        """Models loading, or the last run's session due back: what is opened now may need them, or be in it."""
        return bool(self.loading_paths()) or self.session_due()

    def items_due(self) -> bool:
        """Pictures or samples on their way, to be new items: files waiting for the models due (models_due) or
        being opened, or a new GAN sample being drawn (the one a GAN loading with none open asks for, New sample)."""
        opening = any(job.kind is JobKind.OPEN for job in self.jobs.values())  # open_files
        new_sample = 0 in self.samples.pending.values()  # GanSamples.generate: 0 for a new item
        return self.models_due() or bool(self.waiting_files) or opening or new_sample

    def open_waiting(self) -> None:
        """Open the files that wait for the models loading (open_files' after_loads), once none is and no session
        is due back. Called as each load ends, however it ends."""
        with said_together(self):  # the latent files waiting open as it is said (LatentFiles._open_waiting)
            if not self.models_due():
                waiting, self.waiting_files = self.waiting_files, []
                for paths, fit in waiting:
                    self.open_files(paths, fit)
            self.loading_changed.emit()

    def open_array(self, image: np.ndarray, name: str, fit: str = "crop") -> int:
        return self.engine.submit(rq.EncodeImage(image, name, fit))

    def generate(self, seed: int, psi: float, gan_class: int | None = None, draw: str = seed_draws.OWN,
                 new_item: bool = False, auto: bool = False, record: bool = True) -> int | None:
        """Map a seed into the current GAN sample (undoable), or into a new item: asked for, or because the
        current item was not drawn from a seed (an inversion, a VAE picture; Item.seeded), which stays as it is.

        gan_class: a conditional GAN's class (None: the seed's own). draw: how the seed is drawn (seed_draws.py).
        auto: the first sample shown when a GAN loads; it does not take the canvas from an image. record: False
        for a live sample mid-gesture (a ψ drag), shown on the current GAN item but not recorded; without one,
        nothing is drawn until the gesture ends."""
        return self.samples.generate(seed, psi, gan_class, draw, new_item, auto, record)

    def all_items(self, kind: str) -> list[Item]:
        """The open and the closed items of a kind: what must change with its model's directions."""
        return [i for i in [*self.items.values(), *(c[0] for c in self.closed)] if i.kind == kind]

    def close_item(self, item_id: int | None = None, reopenable: bool = True) -> Item | None:
        """Close an image or sample (default: the current one); closing.close_item says how."""
        return close_item(self, item_id, reopenable)

    def reopen_closed(self) -> Item | None:
        """The item closed last, back as it was (closing.reopen_closed); None when none is closed."""
        return reopen_closed(self)

    def place_of(self, item_id: int) -> int:
        """The index of an open item in the filmstrip's order."""
        return list(self.items).index(item_id)

    def model_identity(self, kind: str) -> str | None:
        return self.models[kind].identity if kind in self.models else None

    def send_to_vae(self, item: Item | None = None) -> None:
        """Encode a GAN picture (default: the current one) with the VAE, as a new picture to edit there."""
        item = item or self.current
        if item is not None and item.kind == "gan":  # a VAE picture would come back blurred
            self.sending[self.open_array(item.image, f"{item.name} (to VAE)")] = item.name

    def cancel(self, seq: int) -> None:
        self.engine.cancel(seq)

    # --- editing --------------------------------------------------------
    def directions(self, kind: str) -> Directions | None:
        info = self.models.get(kind)
        return info.directions if info else None

    def set_directions(self, kind: str, directions: Directions) -> None:
        """Replace the loaded model's direction set (the caller keeps items' values in step)."""
        if kind in self.models:
            self.models[kind] = replace(self.models[kind], directions=directions)
            self.directions_changed.emit(kind)

    def preview(self, values: tuple[float, ...]) -> int | None:
        """Decode the current item with these slider values, without recording history."""
        return None if self.current is None else self.preview_state(self.current.history.current.with_values(values))

    def preview_state(self, state: EditState) -> int | None:
        """Decode any state of the current item (a slider drag, a brush stroke) without recording it."""
        item = self.current
        return None if item is None else self.decode(item, state)

    def commit(self, values: tuple[float, ...], gesture: str | None = None, unedited: bool = False) -> None:
        """The slider values as one undoable edit (gesture: see commit_state); unedited: on the unedited latent."""
        if (item := self.current) is not None:
            state = item.on_unedited_latent(item.history.current) if unedited else item.history.current
            self.commit_state(state.with_values(values), gesture)

    def commit_state(self, state: EditState, gesture: str | None = None) -> None:
        """Record a state of the current item as one undoable edit (one per finished gesture). gesture: what made
        it, when that names the step better than what it changed ("Reset all"); a step made before keeps its name."""
        item = self.current
        steps = len(item.history) if item is not None else 0
        if item is not None and item.history.push(state):
            if gesture and len(item.history) > steps:
                item.made_by[item.history.current_id] = gesture
            if not item.history.current.same_as(item.requested):  # the gesture's last preview already asked
                self.decode(item, item.history.current)
            elif item.shown_seq >= item.requested_seq:  # ...and its image is already shown
                item.thumbs[item.history.current_id] = item.image
            self.history_changed.emit()

    def redraw(self, item: Item) -> None:
        """Decode the item's current state again (its latents or its model changed), and show it if current."""
        self.decode(item, item.history.current)
        if item is self.current:
            self.current_changed.emit(item)

    def decode(self, item: Item, state: EditState) -> int:
        """Ask the worker to draw an item in a state, now the one it waits for (what preview and commit use); during
        an inversion, the state's edit of the run's newest w (Item.running_w). An item whose latents stayed the last
        model's (their carrying over cancelled) has them carried first, and one whose latents a new model is making
        (CarryOver.on_its_way) waits for them: the new model drew another's latent ("latent of size 512 does not fit
        the VAE"). The decode names the model loaded: one of its kind loading meanwhile does not draw it."""
        if self.carry.carry_again(item) or self.carry.on_its_way(item):  # drawn as they come back
            return item.requested_seq
        item.requested = state
        drawn = state if item.running_w is None else replace(state, base=item.running_w)
        latent = edited_latent(drawn, self.directions(item.kind))
        masked = {} if drawn.mask is None else {"mask": drawn.mask, "base": drawn.base}
        model = self.model_identity(item.kind) or ""
        item.requested_seq = self.engine.submit(rq.Decode(item.kind, latent, tag=item.id, model=model, **masked))
        return item.requested_seq

    def carried_first(self, item: Item) -> str | None:
        """None when item's latents are the loaded model's of its kind, to be drawn or written as its; else what to
        say while they are made so: a switch's encoding of it (drawing of its seeds) is on its way, or was cancelled
        or failed and is asked for again now, as showing the picture does. history_changed says when they come."""
        if not self.carry.pending(item.id):
            return None
        self.carry.carry_again(item)
        return carried_first_note(item, getattr(self.models.get(item.kind), "name", f"the new {item.kind.upper()}"))

    def select(self, item_id: int) -> None:
        if item_id in self.items and self.items[item_id] is not self.current:
            self.make_current(self.items[item_id], emit=False)
            self.carry.hurry(self.current)  # drawn next, if a model switch holds its requests back
            self.current_changed.emit(self.current)

    def make_current(self, item: Item | None, emit: bool = True) -> None:
        """Make item current (None: none is open), and say so unless not emit (the caller does, once ready). A
        gesture still going on (a run of seed steps, a ψ or slider drag, a brush stroke) is first a step of the item
        it was made on: the views show the new item's values with their signals blocked, so a run went on, and at its
        rest asked for its step on the new item (over a VAE picture, a stray new sample), the first one left showing
        it; a stroke's release put it on the new item."""
        if item is not self.current:
            self.finish_gestures()
        self.current = item
        if emit:
            self.current_changed.emit(item)

    def unexported(self) -> list[Item]:
        """The open items with edits not exported, in the model loaded or in one they were carried away from."""
        return [item for item in self.items.values()
                if item.unexported(rows_shared(item, self.models.get(item.kind), self.direction_labels))]

    def mark_exported(self, item: Item, node: int | None = None) -> None:
        """The item's step node (default: its current one) is in a file now: quitting does not ask about it."""
        item.exported_node = item.history.current_id if node is None else node

    def add_item(self, kind: str, name: str, original: np.ndarray, image: np.ndarray, latent: np.ndarray,
                 first_step: str | None = None) -> Item:
        """A new item made outside the usual encode/map flow (a GAN inversion), its first state named first_step."""
        zeros = (0.0,) * len(self.directions(kind) or ())
        item = Item(self.next_id, kind, name, original, image, History(EditState(latent, zeros)),
                    step_names={0: first_step} if first_step else {})
        self.insert_item(item)
        return item

    def show_image(self, item: Item, image: np.ndarray) -> None:
        """Show an in-progress image on an item without touching its history (inversion previews)."""
        item.image = image
        self.image_changed.emit(item)

    def to_session(self) -> Session:
        return session_of(self)

    def restore(self, session: Session, drop_start_sample: bool = False, chosen_after: int | None = None) -> None:
        """Add a saved session's items (document_session.restore_session says how)."""
        restore_session(self, session, drop_start_sample, chosen_after)

    def current_latent(self) -> np.ndarray | None:
        item = self.current
        return None if item is None else edited_latent(item.history.current, self.directions(item.kind))

    # --- what the user is told -------------------------------------------
    def refuse(self, topic: str, text: str) -> None:
        """An error of an action the user may try again (topic: which, e.g. "rename PC1"): the next outcome of that
        action takes it off the status bar. A rename refused, then done, read "Renamed … — ⚠ … keeps its
        name"."""
        self._answer(topic)
        self._refusals[topic] = text
        self.error.emit(text)

    def done(self, topic: str, text: str) -> None:
        """A message of an action that succeeded: an error said of the same topic (refuse) leaves the bar."""
        self._answer(topic)
        self.message.emit(text)

    def _answer(self, topic: str) -> None:
        if (said := self._refusals.pop(topic, None)) is not None:
            self.error_answered.emit(said)  # StatusBar.withdraw_error: gone from the bar, kept in the log

    # --- results --------------------------------------------------------
    def _on_result(self, r) -> None:
        on_result(self, r)  # document_results.py: what each result becomes

    def show_drawn(self, item: Item, seq: int, image: np.ndarray, state: EditState) -> None:
        """Show a picture drawn for item from state's latent, or decode state (document_results.show_drawn)."""
        show_drawn(self, item, seq, image, state)

    def insert_item(self, item: Item, make_current: bool = True, place: int | None = None) -> None:
        """Add item at the end of the filmstrip, or at place (document_results.insert_item)."""
        insert_item(self, item, make_current, place)

    def _on_progress(self, p: rq.Progress) -> None:
        if p.fraction >= 1.0:
            self.jobs.pop(p.seq, None)  # no files open here: an SD VAE's load ends so to ask its scale
        self.progress.emit(p)

    def retry_on_cpu(self, seq: int) -> int | None:
        """Switch to the CPU and run a request that ran out of GPU memory again."""
        return self.failures.retry_on_cpu(seq)
