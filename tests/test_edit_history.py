"""The editing core's history: an edit after undo branches, redo follows the last visited child, the mask is
part of a state, and a history carried over to new latents keeps its shape."""
from __future__ import annotations

import numpy as np
import pytest

from genimg_gui.edit import EditState
from genimg_gui.history import History, carried_over, fits_over


def state(*values, mask=None) -> EditState:
    return EditState(np.zeros(3, np.float32), tuple(float(v) for v in values), mask)


def test_an_edit_after_undo_branches_and_the_old_branch_stays_reachable():
    h = History(state(0))
    h.push(state(1))
    h.push(state(2))
    old_tip = h.current_id
    h.undo()
    assert h.push(state(5)) and h.current.values == (5.0,)
    assert len(h) == 4 and not h.can_redo()
    assert h.children(1) == [old_tip, h.current_id]
    nodes = h.nodes()
    assert [(n.id, n.parent, n.created) for n in nodes] == [(0, None, 0), (1, 0, 1), (2, 1, 2), (3, 1, 3)]
    assert h.goto(old_tip).values == (2.0,) and h.current_id == old_tip
    assert h.undo().values == (1.0,)
    assert h.redo().values == (2.0,)  # redo follows the branch visited last: the old one now
    h.goto(3)
    h.undo()
    assert h.redo().values == (5.0,)
    with pytest.raises(KeyError):
        h.goto(99)


def test_a_step_grafted_where_it_was_asked_leaves_the_current_node_and_is_redone_as_if_pushed_then_left():
    """A seed step still being drawn when an undo or a jump came (GanSamples.set_aside) is added at its node."""
    h = History(state(0))
    h.push(state(1))
    assert h.graft(1, state(1)) is None  # the node's own state: no step
    step = h.graft(1, state(2))
    assert h.current_id == 1 and h.redo_target() == step and h.graft(1, state(2)) == step  # an equal one revisited
    h.undo()
    aside = h.graft(1, state(3))  # asked at 1, drawn after an undo from it: redo goes 0 -> 1 -> it
    assert h.current_id == 0 and h.redo().values == (1.0,) and h.redo_target() == aside
    h.push(state(4))  # a step made from 1 since: redo from 1 keeps leading to it
    h.graft(1, state(5))
    h.undo()
    assert h.redo().values == (4.0,) and len(h) == 6


def test_redo_picks_the_last_visited_child_and_pushing_a_known_state_revisits_it():
    h = History(state(0))
    h.push(state(1))
    h.undo()
    h.push(state(2))
    h.undo()
    assert h.redo().values == (2.0,)
    h.undo()
    assert h.push(state(1)) and h.current_id == 1 and len(h) == 3  # no duplicate node
    h.undo()
    assert h.redo().values == (1.0,)
    assert h.path() == [0, 1] and h.path(2) == [0, 2]


def test_the_mask_is_part_of_a_state():
    mask = np.zeros((4, 4), np.float32)
    a, b = state(1, mask=mask), state(1, mask=mask.copy())
    assert a.same_as(b) and not a.same_as(state(1)) and not state(1).same_as(a)
    painted = a.with_mask(np.pad(np.ones((2, 2)), 1) * 2)  # clipped to [0, 1], float32
    assert painted.mask.dtype == np.float32 and painted.mask.max() == 1 and not painted.same_as(a)
    h = History(state(1))
    assert h.push(state(1).with_mask(mask)) and h.undo().mask is None  # a mask stroke is undoable
    masked = state(1).with_mask(mask)
    assert masked.with_values((2,)).mask is masked.mask and not masked.mask.flags.writeable
    with pytest.raises(ValueError, match="H, W"):
        state(1).with_mask(np.zeros(4))


def test_a_history_carried_over_to_new_latents_keeps_its_branches_values_masks_and_folded_edits():
    old_a, old_b, new_a, new_b = (np.full(4, v, np.float32) for v in (1.0, 5.0, 10.0, 50.0))
    mask = np.ones((2, 2), np.float32)
    h = History(EditState(old_a, (0.0,)))                # 0: sample a
    h.push(h.current.with_values((1.0,)))               # 1: an edit of a
    h.push(EditState(old_a + 0.5, (1.0,)).with_mask(mask))  # 2: a's edit folded into the base, masked
    h.goto(0)
    h.push(EditState(old_b, (0.0,)))                    # 3: sample b, a branch from the root
    h.push(h.current.with_values((-2.0,)))              # 4: an edit of b
    h.goto(2)
    anchors = {0: (old_a, new_a), 3: (old_b, new_b)}
    assert fits_over(h, anchors)
    moved = carried_over(h, anchors)
    bases = [n.state.base for n in moved.nodes()]
    assert [b[0] for b in bases] == [10.0, 10.0, 10.5, 50.0, 50.0]
    assert [n.state.values for n in moved.nodes()] == [n.state.values for n in h.nodes()]
    assert np.array_equal(moved.nodes()[2].state.mask, mask)
    assert [(n.id, n.parent) for n in moved.nodes()] == [(n.id, n.parent) for n in h.nodes()]
    assert moved.current_id == 2 and moved.undo().base[0] == 10.0 and h.current.base[0] == 1.5  # h is untouched
    # a node with no anchor above it stays; another latent shape cannot be carried over
    assert carried_over(h, {3: (old_b, new_b)}).nodes()[1].state.base is old_a
    assert not fits_over(h, {0: (old_a, np.zeros(6, np.float32))})
