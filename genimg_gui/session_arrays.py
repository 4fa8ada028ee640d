"""How a session file holds its arrays: each distinct array once, under a short key, and the large ones packed small
as the file is written: each mask as a PNG; the pictures go to files of their own (session_pixels.py).

Collecting (SessionArrays.key, .mask, .picture) only takes references, so it is quick enough for the GUI thread; the
packing (resolved) runs on the thread that writes the file (ui/session_writer.py). That is safe because the arrays
in a session are never changed in place: a history's masks are read-only (EditState.with_mask), and an edit, a
stroke or a decode makes a new array. Each array is packed once a run, not at every autosave. No Qt, no torch.
"""
from __future__ import annotations

import io
import weakref
from typing import Callable

import numpy as np
from PIL import Image

from .file_stamp import FileStamp

PNG_LEVEL = 1  # zlib's fastest: a photo's PNG at 6 was 8 % smaller and took a third longer
# (packing, id of the array) -> the array packed, while the array lives: a 2048-px photo's PNG took 0.7 s on a
# 2-core CPU, a mask of that size 0.07 s, and an autosave comes every few seconds while the user edits
_PACKED: dict[tuple[str, int], np.ndarray] = {}


def png_bytes(pixels: np.ndarray) -> np.ndarray:
    """8-bit pixels (H, W) or (H, W, 3) as a PNG file's bytes (uint8, 1-D): lossless."""
    packed = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(packed, "PNG", compress_level=PNG_LEVEL)
    return np.frombuffer(packed.getvalue(), np.uint8)


def png_pixels(data: np.ndarray, mode: str) -> np.ndarray:
    """The pixels of a PNG file's bytes (png_bytes), in mode ("RGB", "L")."""
    with Image.open(io.BytesIO(data.tobytes())) as png:
        return np.asarray(png.convert(mode))


def packed_mask(mask: np.ndarray) -> np.ndarray:
    """A mask as its file holds it: a grey PNG of its 1/255 steps, 0.3 % of the float32 array's size for a few
    strokes on a 2048 × 1536 photo, where its values are such steps (EditState.with_mask rounds every mask of a
    history to them); else the float32 mask itself, as sessions held every mask before."""
    mask = np.asarray(mask)
    if mask.dtype == np.float32 and mask.ndim == 2:
        steps = np.rint(np.clip(mask, 0.0, 1.0) * 255).astype(np.uint8)
        if np.array_equal(mask_of_steps(steps), mask):  # exact, bit for bit: the restored edit blends the same
            return png_bytes(steps)
    return np.ascontiguousarray(mask, np.float32)


def mask_of_steps(steps: np.ndarray) -> np.ndarray:
    """A mask of 1/255 steps (uint8) as EditState.with_mask makes it: the same float32 values."""
    return (steps.astype(np.float32) / np.float32(255)).astype(np.float32)


def unpacked_mask(stored: np.ndarray) -> np.ndarray:
    """A mask as packed_mask stored it, read-only as a history's masks are."""
    mask = mask_of_steps(png_pixels(stored, "L")) if stored.dtype == np.uint8 and stored.ndim == 1 else stored
    mask.flags.writeable = False
    return mask


def _packed_once(packing: Callable[[np.ndarray], np.ndarray], array: np.ndarray) -> np.ndarray:
    key = (packing.__name__, id(array))
    if key not in _PACKED:
        _PACKED[key] = packing(array)
        weakref.finalize(array, _PACKED.pop, key, None)  # an id is free for another array once it is gone
    return _PACKED[key]


class SessionArrays:
    """The arrays of one session: each distinct array (by identity) stored once, as history nodes share bases; those
    to pack (mask) are packed only by resolved(), on the thread that writes the file, and pictures are kept apart
    (pictures), for files of their own."""

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}
        self._packings: dict[str, Callable[[np.ndarray], np.ndarray]] = {}  # key -> how its array is packed
        self._pictures: dict[str, bool] = {}  # key -> whether it is stored as a PNG, for those in files of their own
        self._files: dict[str, FileStamp] = {}  # key -> the file a picture was read from (session_pixels keeps it)
        self._seen: dict[tuple[str, int], str] = {}

    def key(self, array: np.ndarray | None) -> str | None:
        """The key of an array stored as it is (None: none)."""
        return None if array is None else self._add(array, "")

    def mask(self, mask: np.ndarray | None) -> str | None:
        """The key of a mask, stored as packed_mask packs it (unpacked_mask reads it; None: none)."""
        return None if mask is None else self._add(mask, "mask", packed_mask)

    def picture(self, pixels: np.ndarray | None, png: bool = True, file: FileStamp | None = None) -> str | None:
        """The key of a picture's pixels, stored in a file of their own (pictures), a PNG where png and they are
        8-bit RGB (None: none); file: the file they were read from, which may be kept instead (session_pixels.py)."""
        if pixels is None:
            return None
        key = self._add(pixels, "png" if png else "npy")
        if png and file is not None:
            self._files[key] = file
        return key

    def _add(self, array: np.ndarray, how: str, packing: Callable[[np.ndarray], np.ndarray] | None = None) -> str:
        seen = (how, id(array))
        if seen not in self._seen:
            name = f"a{len(self._arrays)}"
            self._arrays[name] = array  # held: its id is not another array's while this session is written
            if packing is not None:
                self._packings[name] = packing
            if how in ("png", "npy"):
                self._pictures[name] = how == "png"
            self._seen[seen] = name
        return self._seen[seen]

    def resolved(self) -> dict[str, np.ndarray]:
        """Every array the session file holds, as it holds it (not the pictures), packing those not packed yet this
        run."""
        return {name: _packed_once(self._packings[name], array) if name in self._packings
                else np.ascontiguousarray(array) for name, array in self._arrays.items() if name not in self._pictures}

    def pictures(self) -> dict[str, tuple[np.ndarray, bool, FileStamp | None]]:
        """The pictures stored in files of their own (session_pixels.py), not in the session file: key -> (pixels,
        whether as a PNG, the file they were read from). Those read from a file first: a fit of the same pixels
        (another array) then names that file's copy, not a PNG of its own."""
        first = sorted(self._pictures, key=lambda name: name not in self._files)
        return {name: (self._arrays[name], self._pictures[name], self._files.get(name)) for name in first}
