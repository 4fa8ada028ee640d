"""The document's moves through the current item's history: undo (or the undo on offer of a change to many items),
redo and a jump to any step. A gesture still going on in the views (a run of seed keys, a slider drag) ends first,
its step made before the move, and Undo takes it back, that alone (over an item with no seed, a run of seed keys or ψ
is dropped: it would make a new sample); a step still being drawn is set aside (GanSamples.set_aside). Mixed into
Document (document.py), which holds the items, their signals and the requests."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..history import History
from ..model_names import model_name
from .already_open import unique_name
from .document_session import own_model_failed

if TYPE_CHECKING:
    from ..engine import requests as rq
    from .carry_over import CarryOver
    from .gan_samples import GanSamples
    from .item import Item


@dataclass(frozen=True)
class OfferedUndo:
    """A change to many items at once (deleting a direction): no item's history can hold it, so Undo offers it
    until the next change to any item or direction set. A model switch is none, but the change is to one model's
    directions: while another model of its kind is loaded it waits (offer_follows_model)."""
    text: str                  # the Undo action's text, e.g. "Undo delete “smile”"
    undo: Callable[[], None]
    kind: str                  # the kind of the model changed
    model: str                 # ...its identity (ModelInfo.identity): undone in it alone
    model_name: str            # ...and its name, which the wait is said by


class HistorySteps:
    """Undo, redo and goto of Document; finish_gestures is the views' (the window sets it)."""
    current: Item | None
    samples: GanSamples
    carry: CarryOver
    models: dict[str, rq.ModelInfo]
    offered_undo: OfferedUndo | None
    offer_waiting: OfferedUndo | None  # the undo on offer, set aside while another model of its kind is loaded
    # ends the gestures still going on in the views, each a step now (seed keys, a ψ or slider drag, a stroke): an
    # undo from the toolbar (a button that takes no focus, so the seed box never saw it) undid the step before the run
    finish_gestures: Callable[[], None]
    gesture_going_on: Callable[[], bool]  # ...and whether one goes on, its step still to come (the views')
    # ends a run of seed steps or a ψ gesture going on without its step (the views'); whether one went on
    drop_sample_gestures: Callable[[], bool]

    def undo(self) -> None:
        """A step still to come, taken back (_took_back_coming); else the offered undo of a change to many items, if
        one is on offer, else the current item's last step."""
        if self.step_coming() and self._took_back_coming():
            return
        self.finish_gestures()
        offered, self.offered_undo = self.offered_undo, None
        if offered is not None:
            offered.undo()
            self.history_changed.emit()
        elif self.current is not None and self.samples.set_aside(self.current):
            self._step_history(lambda _history: True, lambda history: history.current)
        else:
            self._step_history(History.can_undo, History.undo)

    def _took_back_coming(self) -> bool:
        """A gesture going on, taken back: over an item with no seed, a run of seed steps or ψ is dropped (it would
        make a new sample, and the undo then took back the picture's own last step); else it ends, its step made,
        and is undone. A step still being drawn (a run of seed keys ended by Ctrl+Z as its last seed was drawn) is
        taken back, the current step shown again, and comes, when drawn, as the step Redo goes to. False: there was
        none to take back (a run back at the seed it began at), and the undo goes on as without a gesture.
        Undo named the gesture, and takes back that alone: an undo on offer stays for the next Ctrl+Z (it went
        with the run, and the next undid the item's step before the run, the deleted direction lost)."""
        item = self.current
        with self.offer_kept():  # the run was never a change: its step, made to be undone, is no "next change"
            if not item.seeded and self.drop_sample_gestures():
                return True
            before = item.history.current_id
            self.finish_gestures()
            if self.samples.set_aside(item):
                self._step_history(lambda _history: True, lambda history: history.current)
            elif item.history.current_id != before:  # the gesture's step, made now
                self._step_history(History.can_undo, History.undo)
            else:
                return False
        return True

    def step_coming(self) -> bool:
        """A step of the current item still to come (a gesture going on; over an item with no seed, a run of seed
        steps or ψ, which would make a new sample) or being drawn, which undo takes back: the Undo action is offered
        for it, also at the item's first step, which has none before it, and Redo is not (redo_waits)."""
        return self.current is not None and (self.gesture_going_on() or self.samples.step_to_take_back(self.current))

    def offer_undo(self, offered: OfferedUndo) -> None:
        self.offered_undo, self.offer_waiting = offered, None
        self.undo_offered.emit()

    def _forget_offered_undo(self, *_) -> None:
        self.offered_undo = self.offer_waiting = None

    def offer_follows_model(self, info: rq.ModelInfo) -> None:
        """A model loaded (ModelInfo) is no edit: the undo on offer stays. Another model of the kind it changed
        cannot take it (a deleted direction is its model's, and the items' histories move to the new one): it waits,
        said, until that model is loaded again and the items are back in it (offer_once_carried). A switch took it
        away, and the deleted direction was lost."""
        offered = self.offered_undo
        if offered is None or info.kind != offered.kind or info.identity == offered.model:
            return
        self.offered_undo, self.offer_waiting = None, offered
        what, name = offered.text.replace("&", ""), offered.model_name
        self.message.emit(f"{what} waits for {name}, whose direction it was: load {name} again to bring it back "
                          "(an edit before then ends the offer)")

    def offer_once_carried(self) -> None:
        """The undo set aside comes back once its model is loaded again and the items of its kind are back in it
        (CarryOver.answered asks after each answer): it puts back their histories as they were in that model, and a
        sample's seed still being drawn again moved the history put back a second time as it came (another face)."""
        waiting = self.offer_waiting
        model = self.models.get(waiting.kind) if waiting is not None else None
        if model is None or model.identity != waiting.model or self.carry.pending_any(waiting.kind):
            return
        self.offer_undo(waiting)
        self.message.emit(f"{waiting.text.replace('&', '')} is on offer again (Edit → Undo)")

    def history_moved(self) -> None:
        """The items' histories moved to a new model (CarryOver): the views read them again; no edit, the undo on
        offer stays."""
        with self.offer_kept():
            self.history_changed.emit()

    @contextmanager
    def offer_kept(self) -> Iterator[None]:
        """The undo on offer stays through what is done inside, which changes no item as the user sees it (a run
        taken back, the step of a run taken back drawn late), though History's signals fire; so does one waiting."""
        offered, waiting = self.offered_undo, self.offer_waiting
        try:
            yield
        finally:
            if self.offered_undo is None and self.offer_waiting is None:
                self.offered_undo, self.offer_waiting = offered, waiting
                if offered is not None:
                    self.undo_offered.emit()

    def redo_waits(self) -> bool:
        """No redo while a step of the current item is still to come (a gesture going on) or being drawn at the
        current node: it is the newest, or the one an undo took back, which Redo goes to once it is drawn. Redo
        offered the step redone before, then recorded the run on top or did nothing."""
        return self.current is None or self.step_coming() or bool(self.samples.steps_on_way(self.current))

    def redo(self) -> None:
        if not self.redo_waits():
            self.finish_gestures()  # a press held still on a slider's groove (no step coming till let go)
            self._step_history(History.can_redo, History.redo)

    def goto(self, node_id: int) -> None:
        """Make any state of the current item's history current (branches included)."""
        self.finish_gestures()
        item = self.current
        if item is not None and node_id != item.history.current_id:
            self.samples.set_aside(item)
            self._step_history(lambda h: True, lambda h: h.goto(node_id))

    def _step_history(self, possible, step) -> None:
        item = self.current
        if item is None or not possible(item.history):
            return
        if (failed := own_model_failed(self, item)) is not None:
            # drawn by the model loaded, the step showed another model's latent; its History row moved all the same
            kind = item.kind.upper()
            self.refuse("steps", f"{item.name} stays at its step: {model_name(failed[0])}, which made it, could not be "
                                 f"loaded, and no other {kind} can draw its steps; load a {kind} in the Models tab")
            self.history_changed.emit()  # the History tab back on the step shown
            return
        state = step(item.history)
        if not item.recall_drawn():
            self.samples.draw_original(item)
        # the step's sample's name ("seed 0"), which an item opened or drawn since may have taken
        item.rename(unique_name(self, item.name, besides=item))
        self.decode(item, state)
        self.history_changed.emit()
        self.current_changed.emit(item)
