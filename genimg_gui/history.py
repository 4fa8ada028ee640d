"""Branching undo/redo over edit states, and carrying a history over to a new model's latents: plain numpy,
shared by the UI, the session files and the tests (the edit states themselves are in edit.py)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Container, Sequence

import numpy as np

from .edit import EditState


@dataclass(frozen=True)
class HistoryNode:
    id: int
    parent: int | None
    state: EditState = field(compare=False)
    created: int  # creation order, 0 for the root


class History:
    """Branching undo/redo over edit states.

    Undo moves to the parent; an edit after undo starts a new branch and the old one stays
    reachable (goto); redo goes to the child visited last. Node ids never change."""

    def __init__(self, first: EditState) -> None:
        self._nodes = [HistoryNode(0, None, first, 0)]
        self._children: dict[int, list[int]] = {0: []}
        self._last_child: dict[int, int] = {}  # node -> the child redo goes to
        self._current = 0

    @classmethod
    def from_nodes(cls, parents: Sequence[int | None], states: Sequence[EditState], current: int) -> "History":
        """A tree rebuilt as it was saved: node i has states[i] and parents[i] (an earlier node; None for the
        root only). Equal states stay separate nodes, so the ids come back the same."""
        history = cls(states[0])
        for node_id, (parent, state) in enumerate(zip(parents[1:], states[1:]), start=1):
            if parent is None or not 0 <= parent < node_id:
                raise ValueError(f"history node {node_id} has no earlier parent ({parent})")
            history._nodes.append(HistoryNode(node_id, parent, state, node_id))
            history._children[node_id] = []
            history._children[parent].append(node_id)
            history._last_child[parent] = node_id  # redo goes to the newest child, as push left it
        history.goto(current)
        return history

    @property
    def current(self) -> EditState:
        return self._nodes[self._current].state

    @property
    def current_id(self) -> int:
        return self._current

    def push(self, state: EditState, alike: Callable[[int], bool] = lambda _node: True) -> bool:
        """Record state as a child of the current node unless it equals the current state;
        a child with an equal state is revisited rather than duplicated. Returns whether
        the current state changed. alike(node id): whether an equal state's node is the same step too (a GAN
        sample of another seed is a step of its own though its w is equal: at ψ 0 every seed's is the mean)."""
        if state.same_as(self.current) and alike(self._current):
            return False
        self._visit(self._child(self._current, state, alike))
        return True

    def graft(self, parent: int, state: EditState, alike: Callable[[int], bool] = lambda _node: True) -> int | None:
        """push's step, made from node parent, which is not current now (a step asked there came after an undo or a
        jump): the current node stays, and redo from parent goes to it, as if pushed then left, unless parent leads
        on to the current node (a step made from it since came after). Returns its node; None: state is parent's."""
        if state.same_as(self._nodes[parent].state) and alike(parent):
            return None
        child = self._child(parent, state, alike)
        if parent not in self.path()[:-1]:
            self._last_child[parent] = child
        return child

    def _child(self, parent: int, state: EditState, alike: Callable[[int], bool]) -> int:
        """parent's child with an equal state that is the same step (alike), else a new one."""
        twin = next((c for c in self._children[parent] if self._nodes[c].state.same_as(state) and alike(c)), None)
        if twin is None:
            twin = len(self._nodes)
            self._nodes.append(HistoryNode(twin, parent, state, twin))
            self._children[twin] = []
            self._children[parent].append(twin)
        return twin

    def can_undo(self) -> bool:
        return self._nodes[self._current].parent is not None

    def can_redo(self) -> bool:
        return self._current in self._last_child

    def redo_target(self) -> int | None:
        """The node redo goes to (the child visited last); None when there is nothing to redo."""
        return self._last_child.get(self._current)

    def undo(self) -> EditState:
        if self.can_undo():
            self._current = self._nodes[self._current].parent
        return self.current

    def redo(self) -> EditState:
        if self.can_redo():
            self._current = self._last_child[self._current]
        return self.current

    def goto(self, node_id: int) -> EditState:
        """Make any node current; redo from its ancestors will lead back to it."""
        if not 0 <= node_id < len(self._nodes):
            raise KeyError(f"no history node {node_id}")
        self._visit(node_id)
        return self.current

    def mapped(self, fn: Callable[[EditState], EditState]) -> "History":
        """A copy with fn applied to every state; ids, branches, redo targets and the current
        node are kept (e.g. to rewrite all states when a direction is deleted)."""
        return self.mapped_nodes(lambda node: fn(node.state))

    def mapped_nodes(self, fn: Callable[[HistoryNode], EditState]) -> "History":
        """mapped, for an fn that needs to know where a state sits (its node's id and parent)."""
        copy = History.__new__(History)
        copy._nodes = [replace(node, state=fn(node)) for node in self._nodes]
        copy._children = {k: list(v) for k, v in self._children.items()}
        copy._last_child = dict(self._last_child)
        copy._current = self._current
        return copy

    def children(self, node_id: int) -> list[int]:
        return list(self._children[node_id])

    def nodes(self) -> list[HistoryNode]:
        """All nodes in creation order (a parent always comes before its children)."""
        return list(self._nodes)

    def path(self, node_id: int | None = None) -> list[int]:
        """Node ids from the root to node_id (default: the current node)."""
        ids = [self._current if node_id is None else node_id]
        while self._nodes[ids[-1]].parent is not None:
            ids.append(self._nodes[ids[-1]].parent)
        return ids[::-1]

    def _visit(self, node_id: int) -> None:
        ids = self.path(node_id)
        for parent, child in zip(ids, ids[1:]):
            self._last_child[parent] = child
        self._current = node_id

    def __len__(self) -> int:
        return len(self._nodes)


def carried_over(history: History, anchors: dict[int, tuple[np.ndarray, np.ndarray]]) -> History:
    """history re-expressed in another model's latent space, every branch kept.

    anchors: node id -> (its base in the old model, its latent in the new one), for the nodes that drew a fresh
    latent (an image's encoding, a GAN seed). Every other node's base moves by what its nearest anchor above it
    moved, so an edit folded into a base (a deleted direction's share) comes along; a node with no anchor above
    it (an inversion's guess) stays as it is, and so do the nodes of an anchor that did not move (bit for bit:
    base - old + new rounds). Slider values and masks are kept. All old and new latents must be of one shape (see
    fits_over)."""
    nearest = _nearest_anchors(history, anchors)

    def moved(node: HistoryNode) -> EditState:
        anchor = nearest[node.id]
        if anchor is None or np.array_equal(*anchors[anchor]):
            return node.state
        old, new = anchors[anchor]
        base = new if np.array_equal(node.state.base, old) else (node.state.base - old + new).astype(np.float32)
        return replace(node.state, base=base)
    return history.mapped_nodes(moved)


def fits_over(history: History, anchors: dict[int, tuple[np.ndarray, np.ndarray]]) -> bool:
    """Whether carried_over can move history to the new latents: the same latent shape as every base."""
    shapes = {a.shape for pair in anchors.values() for a in pair} | {n.state.base.shape for n in history.nodes()}
    return len(shapes) <= 1


def carried_across(history: History, latents: dict[int, np.ndarray],
                   kept: dict[int, np.ndarray] | None = None) -> History:
    """history moved to latents of another shape (a spatial VAE after a vector one, another latent grid, a GAN
    whose w has another size), where no base can move by what its anchor moved (carried_over): every branch and
    step is kept, with its slider values and mask. latents: node id -> its new latent, for the nodes that drew a
    fresh one (the root: a picture's new encoding; each GAN seed's node: its w). kept: the bases the nodes had when
    the picture was last in latents of this shape (Item.bases_by_shape), brought back moved by what their anchor
    moved, so an edit folded into a base there (a deleted direction's share) comes back. Any other node takes its
    parent's base: a fold made in the other shape has no meaning in this one. A node with no anchor above it stays
    as it is."""
    shapes = {latent.shape for latent in latents.values()}
    kept = {n: b for n, b in (kept or {}).items() if b.shape in shapes}
    nearest = _nearest_anchors(history, latents)
    bases: dict[int, np.ndarray] = {}
    for node in history.nodes():  # parents come before their children
        anchor = nearest[node.id]
        if anchor is None:
            bases[node.id] = node.state.base
        else:
            bases[node.id] = kept.get(node.id, latents[anchor] if node.id == anchor else bases[node.parent])
    moved = history.mapped_nodes(lambda node: replace(node.state, base=bases[node.id]))
    return carried_over(moved, {a: (bases[a], latent) for a, latent in latents.items()})


def _nearest_anchors(history: History, anchors: Container[int]) -> dict[int, int | None]:
    """Each node's nearest anchor: itself, else its nearest ancestor among anchors (None: none above it)."""
    nearest: dict[int, int | None] = {}
    for node in history.nodes():  # parents come before their children
        nearest[node.id] = node.id if node.id in anchors else nearest.get(node.parent)
    return nearest
