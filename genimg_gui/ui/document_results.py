"""The document's answers to the worker's results: a picture encoded becomes an item, a picture drawn is shown on
the item it was drawn for (unless a newer one is shown already), and each item joins the filmstrip by insert_item.
Document._on_result, Document.show_drawn and Document.insert_item. Plain functions of the document, no Qt of their
own: the document's signals tell the views."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..edit import EditState
from ..history import History
from ..engine import requests as rq
from .already_open import open_copy, show_open, unique_name
from .encoded_message import encoded_message, source_size
from .item import Item
from .model_arrival import take_model
from .running_jobs import loading

if TYPE_CHECKING:
    from .document import Document


def on_result(doc: Document, r) -> None:
    handler = {rq.ModelInfo: lambda info: take_model(doc, info), rq.Encoded: lambda e: _on_encoded(doc, e),
               rq.Decoded: lambda d: _on_decoded(doc, d), rq.Mapped: lambda m: _on_mapped(doc, m),
               rq.DeviceChanged: doc.device_changed.emit,
               rq.Previewed: doc.previewed.emit, rq.Latents: doc.latents_ready.emit,
               rq.Frames: doc.frames_ready.emit, rq.Inverted: doc.inverted.emit,
               rq.ScaleNeeded: lambda s: _on_scale_needed(doc, s)}.get(type(r))
    if handler is not None:
        handler(r)
    doc.carry.answered(r)  # after: the answer may have asked for the picture on screen, which goes first


def _on_encoded(doc: Document, r: rq.Encoded) -> None:
    sent_from = doc.sending.pop(r.seq, None)  # taken whatever becomes of the picture: the encode has ended
    if doc.carry.on_encoded(r):
        return
    if (same := open_copy(doc, r.file, r.fit, source_size(r))) is not None:  # asked for again before it came
        show_open(doc, [(same, [r.file])])
        return
    state = EditState(r.latent, (0.0,) * len(doc.directions("vae") or ()))
    insert_item(doc, item := Item(doc.next_id, "vae", r.name, r.original, r.image, History(state), r.seq,
                                  sent_from=sent_from, source=r.source, fit=r.fit,
                                  source_size=source_size(r), file=r.file))
    doc.message.emit(encoded_message(r, item.name))  # its name in the filmstrip: "cat.png (2)" if it is that


def _on_scale_needed(doc: Document, r: rq.ScaleNeeded) -> None:
    # on its way while asked (its progress's end took it off): a kept session waiting for it came back as anything
    # else ended meanwhile, over the model the user named
    doc.jobs[r.seq] = loading(r.path)
    doc.asking_scale = r.path  # the files waiting are said to wait for the answer: the canvas offered to open one
    doc.loading_changed.emit()
    try:
        doc.scale_needed.emit(r)  # answered (loading again) before this load counts as done: files wait on
    finally:
        doc.asking_scale = ""
    doc.jobs.pop(r.seq, None)
    doc.open_waiting()


def _on_mapped(doc: Document, r: rq.Mapped) -> None:
    if not doc.carry.on_mapped(r):
        doc.samples.on_mapped(r)


def _on_decoded(doc: Document, r: rq.Decoded) -> None:
    if doc.samples.on_decoded(r):
        return
    doc.decode_time.emit(r.seconds)
    # one asked of a model replaced before it ran never comes: the worker drops a Decode whose model is not loaded
    if (item := doc.items.get(r.tag)) is not None and r.seq > item.shown_seq and r.seq >= item.stale_below:
        doc.carry.on_redrawn(item, r.seq)  # a GAN switch's sample in Compare, with its edit
        _show(doc, item, r.seq, r.image)


def _show(doc: Document, item: Item, seq: int, image: np.ndarray) -> None:
    item.shown_seq, item.image = seq, image
    if item.requested is None or item.requested.same_as(item.history.current):
        item.thumbs[item.history.current_id] = image
    doc.image_changed.emit(item)


def show_drawn(doc: Document, item: Item, seq: int, image: np.ndarray, state: EditState) -> None:
    """Show image, drawn from state's latent (a sample, an inversion), or decode state when its sliders move
    it off that latent. A state outside the history (a ψ drag's live sample) gives no node a thumbnail."""
    if any(state.values):
        doc.decode(item, state)  # which records it as requested, as below
    else:  # what is shown is what was asked: a gesture's later preview must ask again, not wait for one dropped;
        # a decode asked before, which the sample made stale (stale_below) and which is dropped as it comes, is not
        # waited for: an export waiting for the picture to be drawn waited for ever
        item.requested, item.requested_seq = state, seq
        _show(doc, item, seq, image)


def insert_item(doc: Document, item: Item, make_current: bool = True, place: int | None = None) -> None:
    """Add item, numbered next_id, at the end of the filmstrip, or at place (an index, where a reopened item
    stood)."""
    doc.next_id += 1
    # a sample too ("seed 44 (2)"): beside a latent file of its seed, or another sample of it, two "seed 44"
    # thumbnails were told apart by History alone, whichever came first
    item.rename(unique_name(doc, item.name))
    if place is None or place >= len(doc.items):
        doc.items[item.id] = item
    else:  # between others: rebuilt in place, as views and controllers hold this dict
        order = list(doc.items.items())
        order.insert(place, (item.id, item))
        doc.items.clear()
        doc.items.update(order)
    if item.shown_seq >= item.requested_seq:  # its image is its current state's
        item.thumbs.setdefault(item.history.current_id, item.image)
    if item.kind == "gan" and not item.drawn:
        item.remember_drawn()
    doc.item_added.emit(item)
    if make_current or doc.current is None:
        doc.make_current(item)
