"""A GAN switch to a GAN whose w has another size, in the real window: every step of a sample's history stays
(each seed drawn again by the new GAN, the steps that edit it rebuilt on its new w with their values and masks),
undo walks back through them, and switching back brings the old w's back exactly."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder, step_ids
from genimg_gui.edit import EditState
from genimg_gui.history import History, carried_across
from genimg_gui.models.gan import Generator
from test_foreign_ui import paint_stroke, settle
from test_switch_values import move, user_rows
from ui_helpers import load_other, shown, the_sample

NARROW_GAN = replace(TINY_GAN, w_dim=8)


@pytest.fixture()
def smiles(user_folders) -> None:
    """Both GANs carry a "smile" of their own w size, so a smile edit keeps its value across the switch."""
    user_rows("tiny-gan", TINY_GAN.w_dim, ("smile",))
    user_rows("narrow-gan", NARROW_GAN.w_dim, ("smile",))


def steps_of(item, window) -> list[tuple]:
    """Each node as (id, parent, base, smile value, mask)."""
    smile = window.sliders.labels().index("smile")
    return [(n.id, n.parent, n.state.base.copy(), n.state.values[smile], n.state.mask) for n in item.history.nodes()]


def load(qtbot, doc, folder):
    reference = load_other(qtbot, doc, folder)
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    return reference


def test_a_gan_of_another_w_size_keeps_every_step_and_switching_back_brings_the_ws_back(
        qtbot, smiles, window, tmp_path, model_dir):
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    seed, psi, _, _ = panel.values()
    move(qtbot, window, item, "smile", 1.5)
    panel.seed.setValue(seed + 3)  # another seed: a step of its own, the smile kept
    qtbot.waitUntil(lambda: item.seed == seed + 3, timeout=UI_TIMEOUT)
    move(qtbot, window, item, "smile", -0.5)
    settle(qtbot, item)
    paint_stroke(window)  # the last step a masked edit
    settle(qtbot, item)
    doc.generate(7, psi, new_item=True)  # a second sample, not on screen at the switch
    qtbot.waitUntil(lambda: doc.current is not item and doc.current.seed == 7, timeout=UI_TIMEOUT)
    other = doc.current
    move(qtbot, window, other, "smile", 1.0)
    doc.select(item.id)
    before = {item.id: steps_of(item, window), other.id: steps_of(other, window)}
    assert len(before[item.id]) == 5 and before[item.id][-1][4] is not None

    sizes: list[set] = []  # the sizes of the item's w's each time its history changed
    doc.history_changed.connect(lambda: sizes.append({n.state.base.shape for n in item.history.nodes()}))
    values = {edited.id: [n.state.values for n in edited.history.nodes()] for edited in (item, other)}

    torch.manual_seed(3)
    narrow = load(qtbot, doc, make_model_folder(tmp_path / "narrow-gan", Generator(NARROW_GAN), "narrow-gan"))
    for edited in (item, other):
        after = steps_of(edited, window)
        assert [s[:2] for s in after] == [s[:2] for s in before[edited.id]]  # every step, every branch
        # the smiles kept (the PCs: at 0, not the old GAN's)
        assert [s[3] for s in after] == [s[3] for s in before[edited.id]]
        assert all(np.array_equal(a[4], b[4]) for a, b in zip(after, before[edited.id]) if b[4] is not None)
        assert {s[2].shape for s in after} == {(NARROW_GAN.w_dim,)}
    assert sizes and all(len(shapes) == 1 for shapes in sizes)  # never a step the new GAN cannot draw
    assert len(step_ids(window.history_panel)) == len(before[item.id])
    bases = [s[2] for s in steps_of(item, window)]
    first, second = (narrow.map_seed(s, psi) for s in (seed, seed + 3))
    assert all(np.array_equal(b, first) for b in bases[:2]) and all(np.array_equal(b, second) for b in bases[2:])
    assert np.array_equal(steps_of(other, window)[0][2], narrow.map_seed(7, psi))
    settle(qtbot, item)
    for _ in range(4):
        window.undo_action.trigger()
    assert item.history.current_id == 0 and panel.values()[0] == seed
    qtbot.waitUntil(lambda: np.array_equal(shown(window), narrow.decode("gan", first)), timeout=UI_TIMEOUT)
    for _ in range(4):
        window.redo_action.trigger()
    assert item.history.current_id == 4 and item.seed == seed + 3

    load(qtbot, doc, model_dir / "tiny-gan")
    for edited in (item, other):
        after = steps_of(edited, window)
        assert len(after) == len(before[edited.id])
        for a, b in zip(after, before[edited.id]):
            assert a[:2] == b[:2] and np.array_equal(a[2], b[2])  # the old w's, exactly
            assert (a[4] is None) == (b[4] is None) and (a[4] is None or np.array_equal(a[4], b[4]))
        assert [n.state.values for n in edited.history.nodes()] == values[edited.id]
    settle(qtbot, item)
    assert window.last_error == ""


def test_carried_across_rebuilds_each_anchors_steps_on_its_own_latent():
    """A GAN's history has an anchor at each seed: the steps under each are rebuilt on that seed's new w, and
    a base kept from that shape comes back moved by what its own anchor moved."""
    w = np.zeros(4, np.float32)
    history = History(EditState(w, (0.0,)))
    history.push(EditState(w, (1.5,)))
    history.push(EditState(w + 1, (1.5,)))  # another seed, node 2
    history.push(EditState(w + 3, (1.5,)))  # a deleted direction's share folded into its base
    kept = {n.id: n.state.base for n in history.nodes()}
    narrow = carried_across(history, {0: np.full(2, 5, np.float32), 2: np.full(2, 7, np.float32)})
    assert [float(n.state.base.mean()) for n in narrow.nodes()] == [5, 5, 7, 7]
    assert [n.state.values for n in narrow.nodes()] == [(0.0,), (1.5,), (1.5,), (1.5,)]
    back = carried_across(narrow, {0: w + 10, 2: w + 1}, kept)  # the first seed drawn 10 higher, the second alike
    assert [float(n.state.base.mean()) for n in back.nodes()] == [10, 10, 1, 3]
    assert np.array_equal(back.nodes()[3].state.base, kept[3])  # its anchor did not move: exactly as it was
