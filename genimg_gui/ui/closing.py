"""Closing an item and reopening the one closed last, where it stood in the filmstrip and with its history:
Document.close_item and Document.reopen_closed. Plain data, no Qt of its own: the document's signals tell the
views."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .item import Item

if TYPE_CHECKING:
    from .document import Document


def close_item(document: Document, item_id: int | None = None, reopenable: bool = True) -> Item | None:
    """Close an image or sample (default: the current one); the next one in the filmstrip, else the one before,
    becomes current. reopen_closed brings it back as it was, unless not reopenable: an item that was never the
    user's (the start-up sample a restored session replaces), which Reopen offered as a duplicate "seed 0"."""
    ids = list(document.items)
    current = document.current
    if current is not None and item_id in (None, current.id):
        # a gesture still going on is a step of the item while it is open: ended as the next one is made current,
        # it asked for its sample for the item gone, which came back as a new item
        document.finish_gestures()
    item = document.items.pop(current.id if item_id is None and current else item_id, None)
    if item is None:
        return None
    # a new model's latents still on their way for it are dropped: it gets them again when reopened
    model = None if document.carry.pending(item.id) else own_model(document, item)
    if reopenable:
        document.closed.append((item, model, ids.index(item.id)))
    document.samples.forget(item.id)
    document.item_removed.emit(item.id)
    if current is item:
        later = ids[ids.index(item.id) + 1:] + ids[:ids.index(item.id)][::-1]
        document.make_current(document.items[later[0]] if later else None)
    document.history_changed.emit()
    return item


def reopen_closed(document: Document) -> Item | None:
    """The item closed last, back at its place in the filmstrip with its history (carried over to the model of
    its kind loaded since, if any); None when none is closed."""
    if not document.closed:
        return None
    item, model, place = document.closed.pop()
    if item.shown_seq < item.requested_seq:  # its last decode came back while it was closed, and was dropped
        item.thumbs.pop(item.history.current_id, None)
    document.insert_item(item, place=place)
    if model != own_model(document, item):
        document.carry.item(item)  # which also brings each sample's Compare image
    else:
        if not item.recall_drawn():  # its Compare image was on its way when it was closed
            document.samples.draw_original(item)
        document.decode(item, item.history.current)
    return item


def own_model(document: Document, item: Item) -> str | None:
    """The model (identity) an item's latents are in, or are carried to: the one it names (Item.directions_of: a
    switch names the new model for every item, closed ones too), else the one of its kind loaded. A picture a
    session restored while the last VAE was loaded, its own on the way, was taken for the last one's, and encoded
    again in its own as it was reopened."""
    return item.directions_of or document.model_identity(item.kind)
