"""An item's steps as they stand in the models it was carried away from: the slider values a switch kept for each
(Item.values_by_model) and the bases kept for each latent shape left (Item.bases_by_shape). The loaded model's states
hold neither (a PC1 edit made in a VAE not loaded now reads +0.00σ here), so whether an item is edited, or changed
since its export, asks these too: counted in the loaded model alone, the quit question left out pictures edited in
another model, and Discard deleted that work unnamed. Plain data, no Qt."""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import numpy as np

from ..edit import named_row_by_label, reexpressed

if TYPE_CHECKING:
    from ..engine import requests as rq
    from .item import Item

# model identity -> {row of the directions the item's values count: that model's row}: the named directions both
# have (CarryOver's shared rows), whose values a switch back takes from the step's own
SharedRows = Mapping[str, Mapping[int, int]]


def same_in_kept_models(item: Item, a: int, b: int, shared: SharedRows, b_drew: bool = False) -> bool:
    """Whether steps a and b of item's history are one picture in every model it keeps edits for: the same slider
    values there and the same bases in each latent shape left. b_drew: b is the sample a is an edit of (its seed's
    unedited latent, Item.unedited_node), which has no slider values anywhere, though the step that drew it kept
    those of the step before it (a ψ or seed changed after a slider). Compared as a step, a sample given another ψ
    after its PC1 edit was its own unedited picture in another GAN, and the quit question left it out."""
    for model, kept in item.values_by_model.items():
        rows = shared.get(model, {})
        unedited = () if b_drew else _values_there(item, kept, b, rows)
        if model != item.directions_of and _values_there(item, kept, a, rows) != unedited:
            return False
    return all(_same_base(item, kept, a, b) for kept in item.bases_by_shape.values())


def rows_shared(item: Item, loaded: rq.ModelInfo | None, labels: Mapping[str, tuple[str, ...]]) -> SharedRows:
    """SharedRows for item, its values counting loaded's directions (labels: each kept model's direction labels,
    Document.direction_labels). Empty where its values count a model not loaded (a restored session waiting for its
    own): no row is known to be shared, and every value kept stands."""
    if loaded is None or item.directions_of not in (None, loaded.identity):
        return {}
    named = named_row_by_label(loaded.directions)  # label -> loaded row
    return {model: {named[label]: row for row, label in enumerate(labels.get(model, ())) if label in named}
            for model in item.values_by_model}


def _values_there(item: Item, kept: Mapping[int, tuple[float, ...]], node: int,
                  rows: Mapping[int, int]) -> tuple[float, ...]:
    """node's slider values in a model not loaded, as a switch back to it would give them (CarryOver's _reexpress):
    its own kept there, else (a step made since) its parent's there, the shared rows taking the step's own; trailing
    zeros dropped, as a missing value counts as 0."""
    nodes, path, rows = item.history.nodes(), item.history.path(node), dict(rows)
    start = max((i for i, n in enumerate(path) if n in kept), default=None)
    values = tuple(kept[path[start]]) if start is not None else ()
    size = max([len(values), *(row + 1 for row in rows.values())])
    for n in path[(start + 1 if start is not None else 0):]:
        values = reexpressed(nodes[n].state, rows, size, values + (0.0,) * (size - len(values))).values
    return tuple(np.trim_zeros(np.asarray(values, np.float64), "b"))


def _same_base(item: Item, kept: Mapping[int, np.ndarray], a: int, b: int) -> bool:
    """Whether steps a and b have one base in a latent shape left, as a switch back gives them
    (history.carried_across): one step's, or equal ones kept there (a seed drawn since is another latent there)."""
    source_a, source_b = _base_source(item, kept, a), _base_source(item, kept, b)
    if source_a == source_b:
        return True
    return source_a in kept and source_b in kept and np.array_equal(kept[source_a], kept[source_b])


def _base_source(item: Item, kept: Mapping[int, np.ndarray], node: int) -> int:
    """The step whose base node has in a shape left: its nearest own step or ancestor kept there, or one that drew a
    latent of its own (a seed, or the first step)."""
    return next(n for n in reversed(item.history.path(node)) if n in kept or n in item.drawn or n == 0)
