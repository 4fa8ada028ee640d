"""GAN inversion from the window: the current image (or a file) becomes a GAN item whose w
redraws it, refined in the background with live previews, progress and Cancel."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QObject

from ..edit import EditState
from ..history import History
from ..engine import requests as rq
from ..wording import counted
from .document import Document
from .drawing_wait import INVERT, DrawingWait
from .item import Item
from .number_boxes import set_in_range
from .gan_panel import INVERT_TIP, GanPanel
from .inversion_names import inversion_name, stopped_name
from .running_jobs import JobKind, RunningJob
from .settings import Settings

STARTING_GUESS = "Starting guess"  # the History tab's name of the state a run starts from, while it runs


@dataclass
class Run:
    name: str
    item: Item | None = None         # made from the first result (the starting guess)
    last: rq.Inverted | None = None  # the newest preview: kept if the run is cancelled
    source: tuple[int, int] | None = None  # (item id, history node) of the picture inverted: not inverted twice


def picture_to_invert(item: Item) -> np.ndarray:
    """The picture the user sees: a GAN item's drawing, a photo's VAE edit once a slider moved it (the photo was
    inverted, losing the edit), else the photo itself: sharper than the VAE's reconstruction, which is all an
    unedited picture adds to it."""
    return item.image if inverts_drawing(item) else item.original


def inverts_drawing(item: Item) -> bool:
    """Whether Invert takes the item's drawing (picture_to_invert): it waits for an edit still being drawn."""
    return item.kind == "gan" or any(v != 0 for v in item.history.current.values)


class InversionController(QObject):
    def __init__(self, document: Document, panel: GanPanel, settings: Settings, drawing: DrawingWait) -> None:
        super().__init__(panel)
        self.document, self.panel, self.drawing = document, panel, drawing
        self._remember_form(settings)
        self.runs: dict[int, Run] = {}
        self.out_of_memory: dict[int, Run] = {}  # seq -> a run that ran out of GPU memory, begun again by a retry
        panel.invert_requested.connect(self.invert_when_drawn)
        document.retried.connect(self._on_retried)
        document.retry_withdrawn.connect(self._on_withdrawn)
        document.inverted.connect(self._on_inverted)
        document.engine.failed.connect(self._on_failed)
        document.item_removed.connect(self._on_closed)
        document.current_changed.connect(self._offer_button)
        document.history_changed.connect(self._offer_button)

    def _remember_form(self, settings: Settings) -> None:
        """The Steps and the fidelity ↔ editability balance as last set, at the next start too: Steps was back to 200
        after a restart, where the app's other forms keep their values."""
        boxes = {"steps": self.panel.steps, "editability": self.panel.editability}
        for key, value in settings.inversion_form().items():
            set_in_range(boxes[key], value)
        for key, box in boxes.items():
            box.valueChanged.connect(lambda value, key=key: settings.set_inversion_value(key, value))

    def invert_when_drawn(self, steps: int, editability: float) -> None:
        """Invert current image: the picture once its edit is drawn (DrawingWait), not the one on screen before it;
        a gesture going on (a ψ run resting) is its step first."""
        self.document.finish_gestures()
        item = self.document.current
        if not self._can_invert(item):
            return
        if inverts_drawing(item):
            self.drawing.when_drawn(item, "", lambda: self._invert_item(item, steps, editability), INVERT)
        else:  # the photo itself, there already
            self._invert_item(item, steps, editability)

    def _can_invert(self, item: Item | None) -> bool:
        """Whether item can be inverted; else the status bar says why."""
        if item is None:
            self.document.error.emit("Open or drop an image first, then invert it into the GAN")
            return False
        if "gan" not in self.document.models:
            self.document.error.emit("Load a GAN first (Models tab)")
            return False
        return True

    def _invert_item(self, item: Item, steps: int, editability: float) -> int:
        return self.invert(picture_to_invert(item), item.name, steps, editability, (item.id, item.history.current_id))

    def invert(self, image: np.ndarray, name: str, steps: int, editability: float,
               source: tuple[int, int] | None = None) -> int:
        seq = self.document.engine.submit(rq.Invert(image, steps=steps, editability=editability))
        self.document.jobs[seq] = RunningJob(JobKind.INVERSION)
        self.document.message.emit(f"Inverting {name} ({counted(steps, 'step')})…")  # the log's record of the start
        self.runs[seq] = Run(name, source=source)
        self.document.failures.cancel_told_elsewhere.add(seq)  # _on_failed says what a cancel kept
        self._offer_button()
        return seq

    def _offer_button(self, *_) -> None:
        """Invert is greyed out while the picture on screen is being inverted (asked or running), or is a run's
        inversion on its way, its tooltip saying so: a double-click on it inverted the photo twice. The photo
        edited since the run was asked is another picture, and can be inverted."""
        item = self.document.current
        shown = None if item is None else (item.id, item.history.current_id)
        run = next((run for run in self.runs.values()
                    if shown is not None and (run.source == shown or run.item is item)), None)
        self.panel.invert_button.setEnabled(run is None)
        self.panel.invert_button.setToolTip(INVERT_TIP if run is None else (
            f"{run.name} is being inverted: wait for the result, or Cancel it in the status bar, to invert it again"))

    def _on_inverted(self, r: rq.Inverted) -> None:
        run = self.runs.get(r.seq)
        if run is None:
            return
        if run.item is None:  # the starting guess: a new item to watch improve
            original = r.original if r.original is not None else r.image
            run.item = self.document.add_item("gan", inversion_name(run.name, self._names()), original, r.image,
                                              r.latent, first_step=STARTING_GUESS)
            run.item.inverted_in = r.model  # the GAN that ran it: one loading as Invert was clicked loaded first
            self._offer_button()  # the inversion on screen now is the run's
        elif r.final:
            self.runs.pop(r.seq)
            self.document.failures.cancel_told_elsewhere.discard(r.seq)
            self._offer_button()
            self._settle(run.item, r, f"Inverted from {run.name} ({counted(r.step, 'step')})")
            self.document.message.emit(f"Inverted {run.name}: pixel error {r.loss:.4f} after "
                                       f"{counted(r.step, 'step')}; the sliders now edit it")
        else:
            run.last = r
            self._show_preview(run.item, r)
            # the step count is the progress bar's, which moves every step, this every preview: two counts disagreed.
            # A note, kept out of the message log: a run's ~20 previews pushed the errors out of its view
            self.document.note.emit(f"Inverting {run.name}: pixel error {r.loss:.4f} so far")

    def _show_preview(self, item: Item, r: rq.Inverted) -> None:
        """The preview's w as the sliders edit it (the worker draws it between the run's steps): a slider moved
        during the run showed the unedited preview until the result came, edited."""
        item.running_w = r.latent
        state = item.requested or item.history.current  # a drag's state, not yet in the history
        if any(state.values):
            self.document.decode(item, state)
        else:
            self.document.show_image(item, r.image)

    def _names(self) -> set[str]:
        """The names of the open and the closed items: a closed inversion reopened took a "(2)" of its own."""
        return {i.name for i in [*self.document.items.values(), *(c[0] for c in self.document.closed)]}

    def _settle(self, item: Item, r: rq.Inverted, name: str) -> None:
        """The run's result becomes the item's first state, named name, in place of the starting guess: an undo
        showed that guess, which need not look like the picture at all (a gradient's was an emoji). The sliders as
        they stand when it ends (moved, or moved and undone, during the run) stay as one step after it; the steps
        made on the guess go, so no undo leads back to the guess nor to a half-done preview, and no branch from the
        guess holds the result."""
        item.running_w = None  # the run's w is the history's now
        old, edit = item.history, item.history.current
        item.history = History(EditState(r.latent, (0.0,) * len(edit.values)))
        moved = item.history.push(replace(edit, base=r.latent))
        kept = {0: 0, **({old.current_id: 1} if moved else {})}  # old node id -> new: the steps that stay
        item.drawn = {kept[node]: replace(d, latent=r.latent) for node, d in item.drawn.items() if node in kept}
        item.made_by = {kept[node]: gesture for node, gesture in item.made_by.items() if node in kept}
        item.values_by_model = {model: {kept[n]: v for n, v in values.items() if n in kept}
                                for model, values in item.values_by_model.items()}
        item.bases_by_shape.clear()  # the guess's bases: none is the result's
        item.exported_node = None  # an export meanwhile wrote a preview, not the result
        item.step_names = {0: name}
        item.thumbs = {0: r.image}
        item.stale_below = item.requested_seq + 1  # a decode of the guess, or of an edited preview, may be on its way
        self.document.show_drawn(item, item.shown_seq, r.image, item.history.current)
        self.document.history_changed.emit()

    def _on_retried(self, seq: int, new: int) -> None:
        """Retry on CPU sent an inversion that ran out of GPU memory again: its results were dropped, as no run
        had their seq, and the retry did nothing the user could see."""
        if (run := self.out_of_memory.pop(seq, None)) is not None:
            self.runs[new] = run
            self.document.failures.cancel_told_elsewhere.add(new)  # _on_failed says what a cancel kept
            self._offer_button()

    def _on_withdrawn(self, seq: int) -> None:
        """A run that ran out of GPU memory whose Retry on CPU can no longer be sent (a newer one is offered, or it
        was too old to send again)."""
        self.out_of_memory.pop(seq, None)

    def _on_closed(self, item_id: int) -> None:
        """Its item closed: the run stops, and keeps its best preview (_on_failed) for a reopening."""
        for seq, run in list(self.runs.items()):  # a cancel answered at once pops its run (_on_failed)
            if run.item is not None and run.item.id == item_id:
                self.document.cancel(seq)

    def running_items(self) -> list[Item]:
        """The inversions being made, each shown as it stands (a run whose starting guess has not come has none)."""
        return [run.item for run in self.runs.values() if run.item is not None]

    def starting_names(self) -> list[str]:
        """The pictures being inverted whose run has no item yet (its starting guess has not come): from the click
        on, an inversion is running; the quit question, which counted items alone, let a quit drop it unasked."""
        return [run.name for run in self.runs.values() if run.item is None]

    def stop_for_quit(self) -> None:
        """Stop every run as genimg quits, each item kept as a Cancel keeps it (its last preview, named as stopped):
        kept for next time, a run cut off came back named and drawn as finished, its History a lone "Starting
        guess" under the last preview."""
        for seq, run in list(self.runs.items()):
            del self.runs[seq]  # before the cancel: a cancel answered at once finds no run to keep again
            self.document.cancel(seq)
            if run.item is not None:
                step, kept = self._keep_stopped(run)
                self.document.message.emit(f"Stopped the inversion of {run.name} at step {step} as genimg quit: "
                                           f"kept {kept} as “{run.item.name}”")
        self._offer_button()

    def _on_failed(self, f: rq.Failed) -> None:
        """Cancelled or failed midway: the item keeps the newest preview, named as stopped, and the status bar
        says what was kept (in place of a bare "Cancelled": FailedRequests.cancel_told_elsewhere)."""
        run = self.runs.pop(f.seq, None) if f.final else None
        if run is None:
            return
        if f.retry_on_cpu:  # Retry on CPU runs it again from the start, a new item (_on_retried)
            self.out_of_memory[f.seq] = Run(run.name, source=run.source)
        self._offer_button()
        if run.item is None:  # stopped before its starting guess came: nothing to keep
            if f.cancelled:
                self.document.message.emit(f"Cancelled the inversion of {run.name}")
            return
        step, kept = self._keep_stopped(run)
        if f.cancelled:
            self.document.message.emit(f"Cancelled the inversion of {run.name} at step {step}: kept {kept} "
                                       f"as “{run.item.name}”")

    def _keep_stopped(self, run: Run) -> tuple[int, str]:
        """A run stopped midway: its item keeps the newest preview, named as stopped. Returns the step it stopped
        at and what was kept, in words."""
        item, last = run.item, run.last
        step = last.step if last is not None else 0
        stopped = f"inversion stopped at step {step}"
        if last is not None:
            self._settle(item, last, f"{run.name}: {stopped}")
        else:  # no preview yet: the guess is all there is, named so
            item.step_names[0] = f"{STARTING_GUESS} ({stopped})"
            self.document.history_changed.emit()
        item.rename(stopped_name(item.name, step))
        # the filmstrip's caption, and the Generate tab's note that names the current item
        (self.document.current_changed if item is self.document.current else self.document.image_changed).emit(item)
        return step, "its starting guess" if last is None else f"its last preview (pixel error {last.loss:.4f})"
