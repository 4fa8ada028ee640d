"""A brush stroke on a photo-sized picture: each dab changes the stroke's mask, its overlay and its rounded copy only
within the dab's box (remaking all of them took 75 ms a dab on a 2048 px photo), and the stroke's step is the mask
that painting the whole mask anew at every dab made."""
from __future__ import annotations

import numpy as np
import pytest

from genimg_gui.masking import brush_into, resize_mask, resize_mask_cells
from genimg_gui.ui.mask_overlay import MaskOverlay, edge_grid

from editing_helpers import open_image

SIZE = (600, 1100)  # (H, W): its edge grid is finer than the mask (1024 / 1100), at a scale not a whole number
DABS = [(0.30, 0.50), (0.33, 0.52), (0.36, 0.55), (0.39, 0.57), (0.99, 0.02), (0.62, 0.30)]  # one past the corner


def old_soft_brush(mask, x, y, radius, hardness=0.5, value=1.0):
    """The brush as it was: a copy of the whole mask at every dab (the reference, kept as it was)."""
    h, w = mask.shape
    x0, x1 = max(0, int(np.floor(x - radius))), min(w, int(np.ceil(x + radius)) + 1)
    y0, y1 = max(0, int(np.floor(y - radius))), min(h, int(np.ceil(y + radius)) + 1)
    out = np.array(mask, np.float32)
    if x0 >= x1 or y0 >= y1:
        return out
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dist = np.hypot(xx - x, yy - y) / radius
    t = np.clip((1.0 - dist) / max(1.0 - hardness, 1e-6), 0.0, 1.0)
    strength = t * t * (3.0 - 2.0 * t)
    patch = out[y0:y1, x0:x1]
    out[y0:y1, x0:x1] = patch + strength * (float(value) - patch)
    return out


def alpha(image):
    """An RGBA8888 QImage's alpha, (H, W)."""
    rgba = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rgba[:, :image.width(), 3].astype(int)


def old_rounded(mask):
    """EditState.with_mask's rounding as it was, over the whole mask."""
    return (np.rint(np.clip(np.asarray(mask, np.float32), 0.0, 1.0) * 255) / 255).astype(np.float32)


def old_stroke(start, dabs, radius, value):
    mask = start
    h, w = mask.shape
    for x, y in dabs:
        mask = old_soft_brush(mask, x * w - 0.5, y * h - 0.5, radius, 0.5, value)
    return mask


@pytest.mark.parametrize("shape", [(600, 1100), (1536, 2048), (100, 130), (40, 30), (2048, 1365)])
def test_the_cells_a_box_reaches_are_those_of_resizing_the_whole_mask(shape):
    rng = np.random.default_rng(0)
    mask = rng.random(shape).astype(np.float32)
    grid = edge_grid(mask)
    h, w = shape
    for box in [(0, 5, 0, 7), (h // 3, h // 2, w // 4, w // 2), (h - 3, h, w - 9, w), (0, h, 0, w)]:
        (gy0, gy1, gx0, gx1), cells = resize_mask_cells(mask, grid.shape, box)
        assert np.allclose(cells, grid[gy0:gy1, gx0:gx1], atol=1e-5)
        changed = mask.copy()  # the cells outside (gy0, gy1, gx0, gx1) do not see a change within box
        changed[box[0]:box[1], box[2]:box[3]] = rng.random((box[1] - box[0], box[3] - box[2]))
        outside = np.ones(grid.shape, bool)
        outside[gy0:gy1, gx0:gx1] = False
        assert np.array_equal(resize_mask(changed, grid.shape)[outside], grid[outside])


def test_a_dab_changes_the_mask_within_its_box_alone():
    mask = np.random.default_rng(1).random((50, 70)).astype(np.float32)
    before = mask.copy()
    y0, y1, x0, x1 = brush_into(mask, 20.3, 31.6, 7.5, 0.5, 1.0)
    outside = np.ones(mask.shape, bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(mask[outside], before[outside]) and not np.array_equal(mask, before)
    assert np.array_equal(mask, old_soft_brush(before, 20.3, 31.6, 7.5))  # the same values as the copy made
    assert brush_into(mask, -20, -20, 5) is None and brush_into(mask, 5, 5, 0) is None


def big_picture(qtbot, window, image_files):
    item = open_image(qtbot, window, image_files[0])
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 255, (*SIZE, 3), dtype=np.uint8)
    item.image = item.original = picture  # a photo, drawn at its own size
    return item


def paint_stroke(qtbot, window, dabs):
    """The dabs as the canvas's stroke signal gives them; each on the stroke's own mask and overlay, changed in
    place within the dab's box; its edge traced only when the canvas is drawn."""
    tool, canvas = window.mask_tool, window.canvas
    for i, (x, y) in enumerate(dabs):
        mask = tool.mask
        overlay = canvas.mask_overlay
        before = None if mask is None else mask.copy()
        canvas.stroke.emit(x, y)
        if mask is not None:
            # painted in place: a whole copy of a photo's mask at every dab was 12 MB
            assert tool.mask is mask, "the dab made a new mask"
            assert canvas.mask_overlay is overlay, "the dab made the overlay anew"  # changed in its box
            h, w = mask.shape
            r = tool.radius.value()
            cx, cy = x * w - 0.5, y * h - 0.5
            box = np.zeros(mask.shape, bool)
            box[max(0, int(np.floor(cy - r))):int(np.ceil(cy + r)) + 1,
                max(0, int(np.floor(cx - r))):int(np.ceil(cx + r)) + 1] = True
            assert np.array_equal(mask[~box], before[~box])
    overlay = canvas.mask_overlay
    assert overlay.traces == 0  # not traced at each dab: the canvas was not drawn in between
    canvas.grab()
    assert overlay.traces == 1
    return overlay


@pytest.mark.parametrize("erasing", [False, True])
def test_a_strokes_step_is_the_mask_painting_all_of_it_at_every_dab_made(qtbot, window, image_files, erasing):
    item = big_picture(qtbot, window, image_files)
    (window.mask_tool.erase if erasing else window.mask_tool.brush).setChecked(True)
    window.mask_tool.radius.setValue(40)
    overlay = paint_stroke(qtbot, window, DABS)
    raw = window.mask_tool.mask
    start = np.full(SIZE, 1.0 if erasing else 0.0, np.float32)
    expected = old_stroke(start, DABS, 40, 0.0 if erasing else 1.0)
    assert np.array_equal(raw, expected)
    # the overlay shows the mask as one made of it anew would
    fresh = MaskOverlay(raw)
    assert np.allclose(overlay.grid, fresh.grid, atol=1e-5)
    assert np.abs(alpha(overlay.tint) - alpha(fresh.tint)).max() <= 1
    # the stroke's preview (asked once the dabs so far are painted) draws the mask its step will hold
    qtbot.waitUntil(lambda: item.requested is not None and item.requested.mask is not None)
    assert np.array_equal(item.requested.mask, old_rounded(expected))
    window.mask_tool.finish()
    step = item.history.current
    assert np.array_equal(step.mask, old_rounded(expected)) and step.mask_erased == erasing
    assert not step.mask.flags.writeable

    # a second stroke goes on from the step's mask, its overlay changed in place from the first dab
    window.mask_tool.brush.setChecked(True)
    shown = window.canvas.mask_overlay
    assert shown is not None and shown.source is step.mask
    more = [(0.7, 0.7), (0.72, 0.71)]
    paint_stroke(qtbot, window, more)
    assert window.canvas.mask_overlay is shown
    window.mask_tool.finish()
    assert np.array_equal(item.history.current.mask, old_rounded(old_stroke(step.mask, more, 40, 1.0)))
