"""A brush stroke's previews: each sends the worker a mask of its own, as the stroke's step will hold it, but a whole
copy of the mask is made only when no earlier one is free (each frame of a stroke on a 2048 px photo copied 12 MB);
a copy something still holds (the worker drawing it, the item's asked state, anyone) is never painted on."""
from __future__ import annotations

import weakref

import numpy as np

from genimg_gui.engine import requests as rq
from genimg_gui.mask_copies import MaskCopies
from genimg_gui.masking import rounded_mask

from editing_helpers import open_image, settle

SIZE = (600, 1100)  # (H, W): a photo's mask, not the tiny model's own picture
FRAMES = 12


def test_a_strokes_previews_reuse_a_free_copy_and_never_change_a_held_one(qtbot, window, image_files):
    item = open_image(qtbot, window, image_files[0])
    settle(qtbot, window, item)
    item.image = item.original = np.random.default_rng(0).integers(0, 255, (*SIZE, 3), dtype=np.uint8)
    tool, engine = window.mask_tool, window.document.engine
    tool.brush.setChecked(True)
    tool.radius.setValue(30)
    sent: list[weakref.ref] = []  # each preview's mask, not held here: holding it would keep it from being reused
    made, wrong = [0], [0]

    def on_submitted(request) -> None:
        if isinstance(request, rq.Decode) and request.tag == item.id and request.mask is not None:
            mask = request.mask
            made[0] += not any(earlier() is mask for earlier in sent)
            wrong[0] += not np.array_equal(mask, rounded_mask(tool.mask))  # the stroke as it is now, rounded
            sent.append(weakref.ref(mask))
    engine.submitted.connect(on_submitted)
    held = kept = None
    for frame in range(FRAMES):
        with qtbot.waitSignal(engine.submitted):  # the frame's dabs, then its preview, asked once they are painted
            tool.paint(0.2 + 0.05 * frame, 0.5)
            tool.paint(0.22 + 0.05 * frame, 0.51)
        settle(qtbot, window, item)  # drawn: the worker let go of it
        if frame == 3:  # as a reader still drawing it would: never painted on again, so never reused
            held = item.requested.mask
            kept = held.copy()
    engine.submitted.disconnect(on_submitted)
    assert len(sent) == FRAMES and wrong[0] == 0
    assert made[0] <= 3, f"{made[0]} whole copies of the mask for {FRAMES} previews"
    assert np.array_equal(held, kept) and not np.array_equal(held, tool.rounded)
    stroke = tool.mask.copy()
    tool.finish()
    assert np.array_equal(item.history.current.mask, rounded_mask(stroke))  # the step: the stroke, rounded


def test_a_copy_is_reused_only_once_nothing_refers_to_it_nor_to_a_view_of_it():
    mask = np.zeros((40, 50), np.float32)
    copies = MaskCopies(mask)
    first = copies.copy()
    view = first[5:10]  # a reader's slice of it holds it too
    mask[0:4, 0:4] = 1.0
    copies.changed((0, 4, 0, 4))
    second = copies.copy()
    assert second is not first and copies.made == 2 and not view.any()
    del first, view
    mask[20:22, 30:35] = 0.5
    copies.changed((20, 22, 30, 35))
    third = copies.copy()  # the first, free now, brought up to date where the mask changed since it was made
    assert copies.made == 2 and np.array_equal(third, mask) and not np.shares_memory(third, second)
    assert not second[20:22, 30:35].any()  # the one still held kept its values
