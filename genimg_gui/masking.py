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


def soft_brush(mask: np.ndarray, x: float, y: float, radius: float, hardness: float = 0.5,
               value: float = 1.0) -> np.ndarray:
    """A copy of `mask` with one round dab at pixel (x, y): full strength inside
    hardness * radius, fading smoothly (smoothstep) to nothing at radius. value 1 paints,
    0 erases; a dab only moves pixels towards value, so repeated dabs never overshoot."""
    if radius <= 0:
        return np.array(mask, np.float32)
    h, w = mask.shape
    x0, x1 = max(0, int(np.floor(x - radius))), min(w, int(np.ceil(x + radius)) + 1)
    y0, y1 = max(0, int(np.floor(y - radius))), min(h, int(np.ceil(y + radius)) + 1)
    out = np.array(mask, np.float32)
    if x0 >= x1 or y0 >= y1:
        return out  # the dab lies wholly outside the mask
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dist = np.hypot(xx - x, yy - y) / radius  # 0 at the centre, 1 at the rim
    inner = float(np.clip(hardness, 0.0, 1.0))
    t = np.clip((1.0 - dist) / max(1.0 - inner, 1e-6), 0.0, 1.0)
    strength = t * t * (3.0 - 2.0 * t)  # smoothstep: no visible ring at the edge
    patch = out[y0:y1, x0:x1]
    out[y0:y1, x0:x1] = patch + strength * (float(value) - patch)
    return out


def looks_erased(mask: np.ndarray) -> bool:
    """A guess at whether a mask began by erasing (EditState.mask_erased), for one saved before that was kept (an
    older session or recipe): on along most of the picture's border, as after erasing a strip from a picture with no
    mask. Only a guess: a frame painted along the border is on there too."""
    m = np.asarray(mask, np.float32)
    border = np.concatenate([m[0], m[-1], m[1:-1, 0], m[1:-1, -1]])
    return float(border.mean()) > 0.5
