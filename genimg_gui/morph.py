"""Morphs: paths through latents (linear or spherical) from keyframe to keyframe, and the layers of a morph through
masked edits. Plain numpy + Pillow. The frames are written as animation files by animation_files.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from PIL import Image

from .masking import resize_mask

MODES = ("linear", "spherical")
# The Morph dialog's first Path and `genimg interpolate --mode`'s default, so that one morph is one animation either
# way. Spherical: Gaussian latents (a GAN's z, a VAE's) keep their norm along it, so the in-between frames are as
# typical as the keyframes; a straight line passes through shorter, washed-out latents halfway.
DEFAULT_MODE = "spherical"
DEFAULT_FRAMES, DEFAULT_FPS = 24, 12  # the dialog's first Frames and Speed, and interpolate's --frames and --fps
MIN_FRAMES, MAX_FRAMES = 2, 600  # a morph's frames, the Morph dialog's and `genimg interpolate --frames`' bounds:
# every frame is held in memory until the file is written


def lerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    return ((1 - t) * np.asarray(a, np.float64) + t * np.asarray(b, np.float64)).astype(np.float32)


def slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Along the great circle from a's direction to b's, with the length going linearly from
    |a| to |b| (so equal-norm latents keep their norm, as Gaussian latents should). Nearly
    parallel or zero vectors fall back to lerp, where the arc is a line anyway."""
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    na, nb = np.linalg.norm(a64), np.linalg.norm(b64)
    if na < 1e-12 or nb < 1e-12:
        return lerp(a, b, t)
    ua, ub = a64 / na, b64 / nb
    omega = np.arccos(np.clip(ua @ ub, -1.0, 1.0))
    if omega < 1e-4:
        return lerp(a, b, t)
    s = np.sin(omega)
    direction = (np.sin((1 - t) * omega) * ua + np.sin(t * omega) * ub) / s
    return (direction * ((1 - t) * na + t * nb)).astype(np.float32)


def morph_path(latents: np.ndarray | Sequence[np.ndarray], frames: int, mode: str = DEFAULT_MODE,
               loop: bool = False, only: int | None = None) -> np.ndarray:
    """(frames, *shape) latents through K keyframes of one shape (K, *shape), evenly spaced in
    time: the first frame is the first keyframe; without loop the last frame is the last
    keyframe, with loop the path returns towards the first and stops one step short, so the
    animation repeats seamlessly. Spherical paths treat each latent as one vector.
    only: just that frame, (1, *shape) (the timeline shows one frame; masks make all of them large)."""
    stacked = np.asarray(latents, np.float32)
    shape = stacked.shape[1:]
    keys = stacked.reshape(len(stacked), -1)
    if len(keys) < 2:
        raise ValueError("a morph needs at least two keyframes")
    if frames < MIN_FRAMES:
        raise ValueError(f"a morph needs at least {MIN_FRAMES} frames, not {frames}")
    if mode not in MODES:
        raise ValueError(f"unknown morph mode {mode!r}: use {' or '.join(MODES)}")
    step = slerp if mode == "spherical" else lerp
    if loop:
        keys = np.vstack([keys, keys[:1]])
        times = np.arange(frames) * (len(keys) - 1) / frames
    else:
        times = np.linspace(0, len(keys) - 1, frames)
    if only is not None:
        times = times[only:only + 1]
    out = np.empty((len(times), keys.shape[1]), np.float32)
    for f, t in enumerate(times):
        k = min(int(t), len(keys) - 2)
        out[f] = step(keys[k], keys[k + 1], float(t - k))
    return out.reshape(len(times), *shape)


def min_frames(keyframes: int) -> int:
    """The fewest frames of a morph through this many keyframes, in the Morph dialog and `genimg interpolate`
    alike: one per keyframe (fewer frames skip a keyframe), and MIN_FRAMES."""
    return max(MIN_FRAMES, keyframes)


def common_grid(latents: Sequence[np.ndarray]) -> np.ndarray:
    """The keyframes stacked (K, *shape). Spatial latents (C, h, w) of photos of other sizes are
    resampled (bilinear, channel by channel) to the first one's grid, so the morph plays at
    the first keyframe's size; flat latents must already be of one size."""
    first = np.asarray(latents[0], np.float32)
    out = [first]
    for latent in latents[1:]:
        latent = np.asarray(latent, np.float32)
        if latent.shape != first.shape:
            if latent.ndim != 3 or first.ndim != 3 or latent.shape[0] != first.shape[0]:
                raise ValueError(f"keyframes of shapes {first.shape} and {latent.shape} are not from one model")
            latent = np.stack([_resample(channel, first.shape[1:]) for channel in latent])
        out.append(latent)
    return np.stack(out)


def _resample(channel: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    h, w = size
    return np.asarray(Image.fromarray(channel, mode="F").resize((w, h), Image.Resampling.BILINEAR), np.float32)


@dataclass(frozen=True, eq=False)
class Layers:
    """Keyframes or frames of a morph through masked edits. Each is drawn as the canvas draws a masked edit: its
    edited latent's decode inside its mask, its unedited latent's outside. An unmasked keyframe's two layers are
    both its edited latent (its mask all ones), so each layer morphs from what one keyframe shows in a region
    to what the next shows there, and a morph with no masked keyframe has just the one layer."""
    edited: np.ndarray            # (N, *shape)
    unedited: np.ndarray | None   # (N, *shape); None: no keyframe is masked
    masks: np.ndarray | None      # (N, H, W) in [0, 1]; None as unedited

    def frame_masks(self) -> tuple[tuple[np.ndarray | None, ...], tuple[np.ndarray | None, ...]]:
        """(masks, bases) per frame, as engine requests take them: None where the edit covers the whole frame,
        which then needs no second decode."""
        if self.masks is None or self.unedited is None:
            return (), ()
        masks = tuple(None if m.min() >= 1.0 else m for m in self.masks)
        return masks, tuple(None if m is None else b for m, b in zip(masks, self.unedited))


def keyframe_layers(edited: Sequence[np.ndarray], unedited: Sequence[np.ndarray],
                    masks: Sequence[np.ndarray | None], size: tuple[int, int]) -> Layers:
    """The keyframes' layers on the first keyframe's grid (common_grid), masks resized to its (H, W) size."""
    if all(m is None for m in masks):
        return Layers(common_grid(edited), None, None)
    under = [e if m is None else u for e, u, m in zip(edited, unedited, masks)]
    stacked = np.stack([np.ones(size, np.float32) if m is None else resize_mask(m, size) for m in masks])
    return Layers(common_grid(edited), common_grid(under), stacked)


def morph_layers(keys: Layers, frames: int, mode: str = DEFAULT_MODE, loop: bool = False,
                 only: int | None = None) -> Layers:
    """The frames' layers (only: that frame's): both latents along morph_path, the masks linearly (a mask stays
    within [0, 1]), so a frame on a keyframe is drawn exactly as that keyframe (on a linear path)."""
    edited = morph_path(keys.edited, frames, mode, loop, only)
    if keys.unedited is None or keys.masks is None:
        return Layers(edited, None, None)
    return Layers(edited, morph_path(keys.unedited, frames, mode, loop, only),
                  morph_path(keys.masks, frames, "linear", loop, only))
