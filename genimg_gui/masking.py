"""Soft masks for local edits: paint, resize and blend. Pure numpy (and Pillow for resizing).

A mask is float32 (H, W) in [0, 1]: 1 where the edit applies, 0 where the
unedited image must show through unchanged, soft values between.
"""
from __future__ import annotations

import numpy as np
from PIL import Image


def blend(edited: np.ndarray, unedited: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """edited * mask + unedited * (1 - mask), rounded to uint8 (H, W, 3).
    Where mask == 0 the result is exactly `unedited`; where mask == 1 exactly `edited`."""
    if edited.shape != unedited.shape or mask.shape != edited.shape[:2]:
        raise ValueError(f"mask {mask.shape} and images {edited.shape}, {unedited.shape} differ in size")
    m = np.clip(np.asarray(mask, np.float32), 0.0, 1.0)[..., None]
    mixed = edited.astype(np.float32) * m + unedited.astype(np.float32) * (1.0 - m)
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def resize_mask(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a float mask to (H, W); the same array back if it already fits."""
    h, w = size
    mask = np.asarray(mask, np.float32)
    if mask.shape == (h, w):
        return mask
    if mask.ndim != 2:
        raise ValueError(f"a mask is (H, W), not {mask.shape}")
    resized = Image.fromarray(mask, mode="F").resize((w, h), Image.Resampling.BILINEAR)
    return np.clip(np.asarray(resized, np.float32), 0.0, 1.0)


def resize_mask_cells(mask: np.ndarray, size: tuple[int, int],
                      box: tuple[int, int, int, int]) -> tuple[tuple[int, int, int, int], np.ndarray]:
    """The part of resize_mask(mask, size) that mask's box (y0, y1, x0, x1) reaches: its cells (gy0, gy1, gx0, gx1)
    and their values, resized from the pixels around them alone (a dab's box of a 2048 px photo's mask: resizing
    all of it took 44 ms). The same values as resizing all of it, or within a few millionths where the scale is not
    a whole number (the resize's own rounding)."""
    rows, ys = _cells(box[0], box[1], mask.shape[0], size[0])
    cols, xs = _cells(box[2], box[3], mask.shape[1], size[1])
    part = np.clip(np.asarray(mask[ys[0]:ys[1], xs[0]:xs[1]], np.float32), 0.0, 1.0)
    cells = (rows[0], rows[1], cols[0], cols[1])
    if tuple(size) == mask.shape:
        return cells, part
    sy, sx = mask.shape[0] / size[0], mask.shape[1] / size[1]
    where = (cols[0] * sx - xs[0], rows[0] * sy - ys[0], cols[1] * sx - xs[0], rows[1] * sy - ys[0])
    resized = Image.fromarray(part, mode="F").resize((cols[1] - cols[0], rows[1] - rows[0]),
                                                     Image.Resampling.BILINEAR, box=where)
    return cells, np.clip(np.asarray(resized, np.float32), 0.0, 1.0)


def _cells(start: int, stop: int, size: int, cells: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Along one axis of a mask of size pixels resized to cells: the cells [start, stop) reaches (a bilinear cell
    reads a pixel either side of where it lies, or as many as its scale where it shrinks), and the pixels around
    them, wide enough that resizing just those gives those cells as resizing all of the mask did."""
    if size == cells:
        return (start, stop), (start, stop)
    scale = size / cells
    reach = max(scale, 1.0) + 2
    first = max(0, int(np.floor((start - reach) / scale - 0.5)))
    last = min(cells, int(np.ceil((stop + reach) / scale - 0.5)) + 1)
    return (first, last), (max(0, int(np.floor(first * scale - reach))), min(size, int(np.ceil(last * scale + reach))))


def soft_brush(mask: np.ndarray, x: float, y: float, radius: float, hardness: float = 0.5,
               value: float = 1.0) -> np.ndarray:
    """A copy of `mask` with one round dab at pixel (x, y): full strength inside
    hardness * radius, fading smoothly (smoothstep) to nothing at radius. value 1 paints,
    0 erases; a dab only moves pixels towards value, so repeated dabs never overshoot."""
    out = np.array(mask, np.float32)
    if radius > 0:
        brush_into(out, x, y, radius, hardness, value)
    return out


def brush_into(mask: np.ndarray, x: float, y: float, radius: float, hardness: float = 0.5,
               value: float = 1.0) -> tuple[int, int, int, int] | None:
    """soft_brush's dab painted into `mask` (float32, writable) itself, the same values; returns the box it may have
    changed, (y0, y1, x0, x1), or None where the dab lies wholly outside. A stroke's dabs on a 2048 px photo each
    copied the whole mask (12 MB) to change a few hundred pixels of it."""
    h, w = mask.shape
    x0, x1 = max(0, int(np.floor(x - radius))), min(w, int(np.ceil(x + radius)) + 1)
    y0, y1 = max(0, int(np.floor(y - radius))), min(h, int(np.ceil(y + radius)) + 1)
    if radius <= 0 or x0 >= x1 or y0 >= y1:
        return None
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dist = np.hypot(xx - x, yy - y) / radius  # 0 at the centre, 1 at the rim
    inner = float(np.clip(hardness, 0.0, 1.0))
    t = np.clip((1.0 - dist) / max(1.0 - inner, 1e-6), 0.0, 1.0)
    strength = t * t * (3.0 - 2.0 * t)  # smoothstep: no visible ring at the edge
    patch = mask[y0:y1, x0:x1]
    mask[y0:y1, x0:x1] = patch + strength * (float(value) - patch)
    return y0, y1, x0, x1


def rounded_mask(mask: np.ndarray) -> np.ndarray:
    """A mask's values clipped to [0, 1] and rounded to 1/255 steps, as a new float32 array (EditState.with_mask).
    Rounding is element by element, so a part rounded alone equals that part of the whole rounded."""
    return (np.rint(np.clip(np.asarray(mask, np.float32), 0.0, 1.0) * 255) / 255).astype(np.float32)


def looks_erased(mask: np.ndarray) -> bool:
    """A guess at whether a mask began by erasing (EditState.mask_erased), for one saved before that was kept (an
    older session or recipe): on along most of the picture's border, as after erasing a strip from a picture with no
    mask. Only a guess: a frame painted along the border is on there too."""
    m = np.asarray(mask, np.float32)
    border = np.concatenate([m[0], m[-1], m[1:-1, 0], m[1:-1, -1]])
    return float(border.mean()) > 0.5
