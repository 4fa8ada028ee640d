"""A new model's directions for the items carried over to it (CarryOver.values): each slider value counts the old
model's directions, and is re-expressed in the new one's, the values kept for each model an item was in."""
from __future__ import annotations

from ..edit import EditState, named_row_by_label, reexpressed, values_along
from ..engine import requests as rq
from .item import Item


def rows_by_label(labels: tuple[str, ...], new: rq.ModelInfo) -> dict[int, int]:
    """shared_rows for a model known only by its labels: a row named as one of new's named directions is that."""
    named = named_row_by_label(new.directions)
    return {i: named[label] for i, label in enumerate(labels) if label in named}


def reexpress(item: Item, old_identity: str, new: rq.ModelInfo, rows: dict[int, int]) -> tuple[set[int], set[int]]:
    """item's values, kept for the model they count (Item.values_by_model), moved to new's directions: a step
    made while the item was in new before gets its values there back (a user who loads another model to have a
    look and switches back expects the edits as they were); at any other step an attribute both models name alike
    keeps its value along rows (shared_rows) and the others, principal components above all (PC1 of one model is
    not PC1 of another), keep its parent's value in new: 0 under steps never made there, and a step made meanwhile
    along a direction new lacks is no change in new. It took the 0s its parent started again at where it was
    made, so back in the model it left from it read "PC1 +0.00σ" and undid that model's edits. Returns those
    others' rows, in the old directions, that held a value at the step on show, and at any step."""
    nodes = item.history.nodes()
    item.values_by_model[item.directions_of or old_identity] = {n.id: n.state.values for n in nodes}
    back = item.values_by_model.pop(new.identity, {})
    # every step counts, those back in new too: an edit along a direction new lacks is dropped there again on each
    # switch (a step new had seen before went unnamed, so A→B→A→B named only the edits made since)
    reset = {i for n in nodes for i, v in enumerate(n.state.values) if v and i not in rows}
    on_show = {i for i, v in enumerate(item.history.current.values) if v and i not in rows}
    states: dict[int, EditState] = {}
    for node in nodes:  # parents come before their children
        if node.id in back:  # fitted to the directions as they load now (another window may have added one)
            states[node.id] = node.state.with_values(values_along(node.state.with_values(back[node.id]),
                                                                  new.directions))
        else:
            parent = states.get(node.parent)  # None for the root
            start = parent.values if parent is not None else None
            states[node.id] = reexpressed(node.state, rows, len(new.directions), start)
    item.history = item.history.mapped_nodes(lambda node: states[node.id])
    item.directions_of = new.identity
    return on_show, reset
