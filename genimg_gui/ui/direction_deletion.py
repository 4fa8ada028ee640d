"""What deleting one of the user's directions does to each picture's history, kept so that Undo can put it back."""
from __future__ import annotations

from dataclasses import dataclass

from ..edit import EditState
from ..history import History
from .history_words import describe_step
from .item import Item
from .slider_parts import RESET_ONE


@dataclass(frozen=True)
class ItemEdits:
    """What deleting a direction changes in an item, kept to undo it."""
    history: History
    requested: EditState | None
    exported_node: int | None
    step_names: dict[int, str]
    thumbs: dict

    @classmethod
    def of(cls, item: Item) -> ItemEdits:
        return cls(item.history, item.requested, item.exported_node, dict(item.step_names), dict(item.thumbs))

    def restore(self, item: Item) -> None:
        item.history, item.requested = self.history, self.requested
        # an export since stays, unless of a step the history put back lacks (made since): the one before it then
        if item.exported_node is None or item.exported_node >= len(self.history):
            item.exported_node = self.exported_node
        item.step_names, item.thumbs = dict(self.step_names), dict(self.thumbs)
        # a step made since and taken back (a run of seed keys Ctrl+Z took back: the deletion stays on offer) is not
        # in the history put back, and its node id is the next step's: that step read "seed 45", as the run's sample
        kept = range(len(self.history))
        item.drawn = {node: drawn for node, drawn in item.drawn.items() if node in kept}
        item.made_by = {node: gesture for node, gesture in item.made_by.items() if node in kept}


def keep_step_names(item: Item, labels: tuple[str, ...], index: int, baked: History) -> None:
    """Name the steps that deleting direction `index` renames as they were named before, baked: the item's history
    without it. A step that moved it is marked "(deleted)": after it, the step's part of the edit is in its base (or
    gone, under a mask), and it read "New latent" or "Edit". Another step may read anew too: a mask painted over an
    edit along it keeps the unedited latent outside the mask, where its parent's base took the edit in, and the
    stroke read "New latent". A GAN sample's step is named by its sample (describe_sample), left to it."""
    states = {n.id: n.state for n in item.history.nodes()}
    after = {n.id: n.state for n in baked.nodes()}  # mapped: the same ids
    left = labels[:index] + labels[index + 1:]
    for node in item.history.nodes():
        before = states.get(node.parent)
        if before is None or node.id in item.step_names:
            continue
        reset = item.made_by.get(node.id) == RESET_ONE  # "Reset PC1 (deleted)", as it was named
        named = describe_step(before, node.state, labels, reset)
        moved = [s.values[index] if index < len(s.values) else 0.0 for s in (before, node.state)]
        if moved[0] != moved[1]:
            item.step_names[node.id] = f"{named} (deleted)"
        elif node.id not in item.drawn and describe_step(after[node.parent], after[node.id], left, reset) != named:
            item.step_names[node.id] = named
