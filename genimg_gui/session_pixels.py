"""A session's pictures, each in a file of its own beside the session file, named by its content (SHA-256): a picture
as opened never changes, so it is written once, and each later autosave only names it. Rewritten whole at every
autosave, the pictures were most of the session: 9 MiB for each 2048 × 1536 photo open, every few seconds.

A save writes the picture files it lacks first, then the session file (atomically), then removes the picture files
that session no longer names (pictures closed since): a kill at any moment leaves a session file whose pictures are
all there. A picture as opened and its fit are kept as PNGs where they are 8-bit RGB (lossless; a copy anyone can
open), a decoded picture, which each edit replaces, as a .npy file (not compressed again at each edit: a 2048-px PNG
takes 0.7 s on a 2-core CPU), as is anything else, read without pickle. No Qt, no torch.
"""
from __future__ import annotations

import hashlib
import re
import weakref
from pathlib import Path

import numpy as np
from PIL import Image

from .fileio import atomic_path
from .session_arrays import PNG_LEVEL

# file names a session may name: nothing else is read, or removed, from the folder
_NAME = re.compile(r"[0-9a-f]{64}\.(?:png|npy)")
_TEMP = re.compile(r"\.[0-9a-f]{64}\.(?:png|npy)\.[0-9a-f]+\.tmp")  # atomic_path's, left by a kill mid-write
# (id of a picture, whether a PNG is asked) -> its file's name, while the picture lives: hashed once a run (40 ms for
# a 2048 × 1536 photo), not at every autosave, as pictures are never changed in place (session_arrays.py says why)
_NAMES: dict[tuple[int, bool], str] = {}


def pictures_folder(session_path: Path) -> Path:
    """The folder beside a session file that holds its pictures: autosave.safetensors -> autosave.pictures."""
    return session_path.with_name(f"{session_path.stem}.pictures")


def _remember(pixels: np.ndarray, png: bool, name: str) -> None:
    key = (id(pixels), png)
    if key not in _NAMES:
        _NAMES[key] = name
        weakref.finalize(pixels, _NAMES.pop, key, None)  # an id is free for another array once it is gone


def file_name(pixels: np.ndarray, png: bool) -> str:
    """The name of the file that holds these pixels: their SHA-256 (with their dtype and shape), then .png where a
    PNG is asked and holds them (8-bit RGB), else .npy."""
    if (id(pixels), png) not in _NAMES:
        digest = hashlib.sha256(f"{pixels.dtype.str} {pixels.shape}".encode())
        digest.update(np.ascontiguousarray(pixels).data)
        rgb = pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 3
        _remember(pixels, png, f"{digest.hexdigest()}.{'png' if png and rgb else 'npy'}")
    return _NAMES[(id(pixels), png)]


def write_picture(folder: Path, pixels: np.ndarray, png: bool) -> tuple[str, bool]:
    """The name of the file in folder that holds pixels (as a PNG where png, if it can), and whether it was written
    now (False: it was there already)."""
    name = file_name(pixels, png)
    path = folder / name
    if path.is_file():
        return name, False
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        if name.endswith(".png"):
            Image.fromarray(np.ascontiguousarray(pixels)).save(tmp, "PNG", compress_level=PNG_LEVEL)
        else:
            with open(tmp, "wb") as f:
                np.save(f, pixels, allow_pickle=False)
    return name, True


def read_picture(folder: Path, name: str) -> np.ndarray:
    """The pixels of a picture file a session names (write_picture); ValueError for a name genimg does not write,
    OSError for a file that is not there."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"it names a picture file genimg does not write ({name!r})")
    path = folder / name
    if name.endswith(".png"):
        with Image.open(path) as png:
            png.load()
            if png.mode != "RGB":
                raise ValueError(f"its picture {path} is not an RGB PNG")
            pixels = np.array(png)  # a copy: writable, as an array read from the session file is
    else:
        pixels = np.load(path, allow_pickle=False)
    _remember(pixels, name.endswith(".png"), name)  # its next save finds its file there, unhashed
    return pixels


def read_pictures(named: dict[str, str], folder: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The pictures a session names (key -> file name), each file read once: key -> pixels for those read, and
    key -> why not for the others ("its picture file is missing"), so that only the images using them are lost."""
    read: dict[str, np.ndarray] = {}
    failed: dict[str, str] = {}
    for name in set(named.values()):
        try:
            read[name] = read_picture(folder, name)
        except FileNotFoundError:
            failed[name] = "its picture file is missing"
        except Exception:  # damaged, cut short, not one genimg writes
            failed[name] = "its picture file is damaged"
    return ({key: read[name] for key, name in named.items() if name in read},
            {key: failed[name] for key, name in named.items() if name in failed})


def remove_unnamed(folder: Path, named: set[str]) -> None:
    """Remove the picture files (and temp files a kill left) in folder that the session file does not name; the
    folder too, once it holds nothing."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name not in named and (_NAME.fullmatch(path.name) or _TEMP.fullmatch(path.name)):
            path.unlink(missing_ok=True)
    if not named:
        try:
            folder.rmdir()
        except OSError:  # something else in it: left alone
            pass
