"""Slider preview strips and the typicality meter, for the current item.

A strip shows the image with one slider at each of the panel's preview values (the others where
they are). Strips are asked for once the item or its values have been still for a moment (one
PreviewStrip per slider per pause), at the engine's lowest priority, so the live image never
waits on them; a strip that arrives for an older state is dropped.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer

from ..edit import Directions, EditState, edited_latent, fits
from ..engine import requests as rq
from ..typicality import reading
from .document import Document
from ..model_names import model_name
from .document_session import awaited_model, own_model_failed, sliders_withheld
from .item import Item
from .slider_row import PREVIEW_SIDE
from .sliders import SliderPanel

DELAY_MS = 250
TAG_SLOTS = 1000   # tag = item id * TAG_SLOTS + slider index
MAX_STRIPS = 999   # item id * 1000 + 999 is the history panel's thumbnail lane
THUMB_SIZE = PREVIEW_SIDE  # px: the previews are rendered at the most a strip draws them


def strip_latents(state: EditState, directions, index: int, values: tuple[float, ...]) -> np.ndarray:
    """(N, D): state's latent with slider index set to each of values in turn."""
    full = list(state.values) + [0.0] * max(0, len(directions) - len(state.values))
    rows = []
    for v in values:
        full[index] = v
        rows.append(edited_latent(state.with_values(tuple(full)), directions))
    return np.stack(rows)


def unread_why(document: Document, item: Item) -> tuple[str, str] | None:
    """Why the meter reads nothing of an item whose own model is on its way (awaited_model) or failed to load
    (own_model_failed), as the Sliders tab words it: (a few words, a sentence); None for any other item."""
    if (awaited := awaited_model(document, item)) is not None:
        name = model_name(awaited)
        return (f"waiting for {name}", f"Not measured: {item.name} was made in {name}, which is still loading; "
                "the meter reads it once it has")
    if (failed := own_model_failed(document, item)) is not None:
        name, kind = model_name(failed[0]), item.kind.upper()
        return (f"{name} is not loaded", f"Not measured: {item.name} was made in {name}, which could not be loaded, "
                f"and the {kind} loaded would read it along its own directions, not its; load a {kind} in the "
                "Models tab")
    return None


class PreviewController(QObject):
    def __init__(self, document: Document, sliders: SliderPanel, delay_ms: int = DELAY_MS) -> None:
        super().__init__(sliders)
        self.document, self.sliders = document, sliders
        self.state: EditState | None = None  # what the canvas shows or is about to (a drag's live values)
        self._item_id: int | None = None
        self.sent: dict[int, int] = {}       # tag -> seq of the strip asked for last
        # the model (its identity) and the latent the last strips were asked of: a VAE loaded as they were asked
        # drew them (its load, a job, went first), of a latent its encoding of the picture has replaced since
        self._asked_of: tuple[str | None, np.ndarray] | None = None
        self.timer = QTimer(self, singleShot=True, interval=delay_ms)
        self.timer.timeout.connect(self.request_strips)
        document.current_changed.connect(self.refresh)
        document.history_changed.connect(self.refresh)
        document.directions_changed.connect(self.refresh)
        document.model_loaded.connect(self.refresh)
        # a load the current item waited for failed: the meter says so, no longer that it waits (unread_why)
        document.loading_changed.connect(self._on_loads)
        document.previewed.connect(self._on_previewed)
        sliders.values_changed.connect(self._on_values)
        sliders.previews_toggled.connect(lambda on: self.timer.start() if on else self.timer.stop())

    def _item(self) -> Item | None:
        return self.document.current

    def _left_in_last_model(self, item: Item) -> bool:
        """Whether item's latents are still the last model's of its kind: a switch's encoding of it (a GAN's drawing
        of its seeds) is on its way, or was cancelled or failed. The new model drew strips of them as other pictures
        and the meter read them in its directions; both wait for the latents it carries over (history_changed)."""
        return self.document.carry.pending(item.id)

    def _directions(self, item: Item | None) -> Directions | None:
        """The directions item's values count, loaded: none while it waits for its own model, or that model failed
        to load (sliders_withheld), whose sliders do not show; the model loaded read its latent along its own."""
        if item is None or sliders_withheld(self.document, item):
            return None
        return self.document.directions(item.kind)

    def refresh(self, *_) -> None:
        """The current item or its state changed: meter now, strips after the pause."""
        item = self._item()
        if item is not None and item.id != self._item_id:
            self.sliders.dim_previews()  # another image's, faint till this one's come: cleared, the rows jumped
            self.sent.clear()
        self._item_id = None if item is None else item.id
        self._update(None if item is None else item.history.current)

    def _on_loads(self) -> None:
        """Only where what the meter says of the current item changes: each load's start and end asked for strips."""
        item = self._item()
        if item is not None and self.sliders.meter.unread != unread_why(self.document, item):
            self.refresh()

    def _on_values(self, values: tuple) -> None:
        item = self._item()
        if item is not None:
            self._update(item.history.current.with_values(values))

    def _update(self, state: EditState | None) -> None:
        self.state = state
        item = self._item()
        directions = self._directions(item)
        # a stale latent does not fit; a model with no directions (its latents do not vary) has no spread to measure by
        if state is None or directions is None or not fits(state.base, directions) or not len(directions) \
                or self._left_in_last_model(item):
            self.sliders.set_typicality(None, unread=None if item is None else unread_why(self.document, item))
            self.sliders.drop_stale_previews()  # no strips will come for it: the last image's faint ones go
            return
        measured = reading(edited_latent(state, directions), directions)
        self.sliders.set_typicality(measured.sigma, measured.direction)
        if self.sliders.previews_enabled():
            self.timer.start()  # restarts: strips wait until the values rest

    def request_strips(self) -> list[int]:
        """One PreviewStrip per slider for the current state; returns their seqs."""
        item, state = self._item(), self.state
        directions = self._directions(item)
        if state is None or directions is None or not fits(state.base, directions) \
                or self._left_in_last_model(item) or not self.sliders.previews_enabled():
            self.sliders.drop_stale_previews()  # none will replace the last image's faint ones
            return []
        values = self.sliders.preview_values()
        masked = rq.frame_masks([state] * len(values))
        self._asked_of = (self.document.model_identity(item.kind), state.base)
        seqs = []
        for i in range(min(len(directions), MAX_STRIPS)):
            tag = item.id * TAG_SLOTS + i
            request = rq.PreviewStrip(item.kind, strip_latents(state, directions, i, values), tag,
                                      size=THUMB_SIZE, **masked)
            self.sent[tag] = self.document.engine.submit(request)
            seqs.append(self.sent[tag])
        self.sliders.drop_stale_previews(len(seqs))  # past the strips asked for
        return seqs

    def _on_previewed(self, r: rq.Previewed) -> None:
        item = self._item()
        if item is None or r.tag // TAG_SLOTS != item.id or self.sent.get(r.tag) != r.seq \
                or self._left_in_last_model(item) or not self._drawn_as_asked(item):
            return  # another item's, the history panel's, for a state since left, or drawn by the wrong model
        self.sliders.set_preview(r.tag % TAG_SLOTS, r.images)

    def _drawn_as_asked(self, item: Item) -> bool:
        """Whether the strips asked last were drawn by the model they were asked of (results come in the order run,
        so the model loaded now drew them, as MorphController checks its frames), of the latent shown now. Asked as
        another VAE loaded, they were its drawings of the last one's latent, shown as the picture's until the next
        pause when its encoding with the new VAE came first."""
        model, base = self._asked_of or (None, None)
        return model == self.document.model_identity(item.kind) and self.state is not None \
            and base is not None and np.array_equal(base, self.state.base)
