"""A session's pictures, each in a file of its own beside the session file, named by its content (SHA-256): a picture
as opened never changes, so it is written once, and each later autosave only names it. Rewritten whole at every
autosave, the pictures were most of the session: 9 MiB for each 2048 × 1536 photo open, every few seconds.

A save writes the picture files it lacks first, then the session file (atomically), then removes the picture files
that session no longer names (pictures closed since): a kill at any moment leaves a session file whose pictures are
all there. A picture as opened and its fit are kept as PNGs where they are 8-bit RGB (lossless; a copy anyone can
open), a decoded picture, which each edit replaces, as a .npy file (not compressed again at each edit: a 2048-px PNG
takes 0.7 s on a 2-core CPU), as is anything else, read without pickle. No Qt, no torch.

A picture as opened from a JPEG, WebP or PNG file is kept as a copy of that file's own bytes instead of a PNG of its
pixels, where the chain that made the pixels held (imaging.open_read, then imaging.held_at: a 4032 × 3024 photo is
held at 2048 × 1536) turns the copy into those very pixels, at the side they were held at: that side is in the copy's
name (<sha>.2048.jpg), so a restart with another GENIMG_MAX_SIDE restores the picture as it was held. A PNG of a
photo's pixels was about 7 times its JPEG (60 photos open made a 337 MB autosave; a 1.56 MB 4032 × 3024 JPEG made a
4.3 MB PNG), and a PNG file's copy spares the 0.7 s of encoding it again. A copy, not the path: the user's file may
be moved or deleted before the restart. Any other picture (a file changed since, one whose decode differs) stays a
PNG of genimg's own.
"""
from __future__ import annotations

import errno
import hashlib
import io
import re
import weakref
from pathlib import Path

import numpy as np
from PIL import Image

from .file_stamp import FileStamp, stamp_of
from .fileio import atomic_path
from .imaging import ImageLoadError, held_at, open_read
from .session_arrays import PNG_LEVEL

# file names a session may name: nothing else is read, or removed, from the folder. A copy of a file (_kept_copy) has
# the side its picture was held at between its hash and its suffix
_NAMED = r"[0-9a-f]{64}(?:\.(?:png|npy)|\.[1-9][0-9]{0,5}\.(?:jpg|webp|png))"
_NAME = re.compile(_NAMED)
_TEMP = re.compile(rf"\.{_NAMED}\.[0-9a-f]+\.tmp")  # atomic_path's, left by a kill mid-write
# the formats of the files kept as they are (their suffix): a JPEG (MPO: a phone's, with a second picture in it) or
# WebP far below a PNG, a PNG as it was
_KEPT = {"JPEG": "jpg", "MPO": "jpg", "WEBP": "webp", "PNG": "png"}
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


def _digest(pixels: np.ndarray) -> str:
    """The SHA-256 of pixels, with their dtype and shape: the stem of their file's name."""
    digest = hashlib.sha256(f"{pixels.dtype.str} {pixels.shape}".encode())
    digest.update(np.ascontiguousarray(pixels).data)
    return digest.hexdigest()


def file_name(pixels: np.ndarray, png: bool) -> str:
    """The name of the file that holds these pixels: their SHA-256 (with their dtype and shape), then .png where a
    PNG is asked and holds them (8-bit RGB), else .npy; or a copy's (<sha>.<side>.jpg, .webp or .png) once such a
    file is found to hold them (write_picture, read_picture)."""
    if (id(pixels), png) not in _NAMES:
        rgb = pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 3
        _remember(pixels, png, f"{_digest(pixels)}.{'png' if png and rgb else 'npy'}")
    return _NAMES[(id(pixels), png)]


def write_picture(folder: Path, pixels: np.ndarray, png: bool, file: FileStamp | None = None) -> tuple[str, bool]:
    """The name of the file in folder that holds pixels (as a PNG where png, if it can), and whether it was written
    now (False: it was there already). file: the file the pixels were read from, as it was then: a copy of it is
    written instead of a PNG where it is a JPEG, WebP or PNG that reads back as these very pixels."""
    name = file_name(pixels, png)
    path = folder / name
    if path.is_file():
        return name, False
    if name.endswith(".png") and (kept := _kept_there(folder, pixels, name)):
        return kept, False
    folder.mkdir(parents=True, exist_ok=True)
    if name.endswith(".png") and file is not None and (kept := _kept_copy(folder, pixels, name, file)):
        return kept, True
    with atomic_path(path) as tmp:
        if name.endswith(".png"):
            Image.fromarray(np.ascontiguousarray(pixels)).save(tmp, "PNG", compress_level=PNG_LEVEL)
        else:
            with open(tmp, "wb") as f:
                np.save(f, pixels, allow_pickle=False)
    return name, True


def _kept_there(folder: Path, pixels: np.ndarray, png_name: str) -> str | None:
    """The name of a copy of a file (_kept_copy) already in folder that holds these pixels, if any: the picture as
    opened and its fit may be two arrays of one content, and only one of them names the file."""
    stem = png_name[:-len(".png")]
    side = max(pixels.shape[:2])
    copies = [f"{stem}.{side}.{suffix}" for suffix in dict.fromkeys(_KEPT.values())]
    for kept in copies:
        if (folder / kept).is_file():
            _NAMES[(id(pixels), True)] = kept  # found once a run, as file_name's hash
            return kept
    return None


class _DecodedOtherwise(Exception):
    """A copy of a picture's file that genimg's reader does not read back as the picture's pixels: not kept."""


def _kept_copy(folder: Path, pixels: np.ndarray, png_name: str, file: FileStamp) -> str | None:
    """The name of a copy of file written in folder, where it is still as it was opened, a JPEG, WebP or PNG smaller
    than the pixels themselves, and the copy reads back (_read_at, at the side of the pixels, which its name keeps:
    a restart with another GENIMG_MAX_SIDE reads it alike) as these very pixels; None, and nothing written,
    otherwise."""
    try:
        if stamp_of(file.path) != file or file.size >= pixels.nbytes:
            return None
        with open(file.path, "rb") as f:
            data = f.read()
        with Image.open(io.BytesIO(data)) as im:  # its header only
            suffix = _KEPT.get(im.format or "")
        if suffix is None:
            return None
        side = max(pixels.shape[:2])
        name = f"{png_name[:-len('.png')]}.{side}.{suffix}"
        with atomic_path(folder / name) as tmp:
            tmp.write_bytes(data)
            if not _decodes_to(tmp, pixels, side):
                raise _DecodedOtherwise
    except Exception:  # gone, unreadable, not a picture (Pillow's errors), or not these pixels: a PNG instead
        return None
    _NAMES[(id(pixels), True)] = name
    return name


def _read_at(path: Path, side: int) -> np.ndarray:
    """The pixels a window holds of the picture at path, read at side (the worker's open_read, then
    spatial.kept_source)."""
    return held_at(np.asarray(open_read(path, side=side).image), side)


def _decodes_to(path: Path, pixels: np.ndarray, side: int) -> bool:
    """Whether the picture at path reads back, at side, as these very pixels."""
    try:
        decoded = _read_at(path, side)
    except ImageLoadError:
        return False
    return decoded.shape == pixels.shape and np.array_equal(decoded, pixels)


def _kept_pixels(path: Path, name: str) -> np.ndarray:
    """The pixels of a copy of a picture's file (_kept_copy), read at the side its name says. A reader that decodes
    it otherwise than the one that wrote it (another Pillow's JPEG decoder) gives the same photo, kept rather than
    the item lost; its next save names it by its own content."""
    if not path.is_file():  # said as missing, not as damaged (open_read's error)
        raise FileNotFoundError(errno.ENOENT, "No such file", str(path))
    digest, side, _ = name.split(".")  # <sha>.<side>.jpg
    pixels = np.array(_read_at(path, int(side)))  # a copy: writable, as a session file's arrays
    if _digest(pixels) == digest:
        _remember(pixels, True, name)
    return pixels


def read_picture(folder: Path, name: str) -> np.ndarray:
    """The pixels of a picture file a session names (write_picture); ValueError for a name genimg does not write,
    OSError for a file that is not there."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"it names a picture file genimg does not write ({name!r})")
    path = folder / name
    if name.endswith(".png") and name.count(".") == 1:  # genimg's own PNG (<sha>.<side>.png is a PNG file's copy)
        with Image.open(path) as png:
            png.load()
            if png.mode != "RGB":
                raise ValueError(f"its picture {path} is not an RGB PNG")
            pixels = np.array(png)  # a copy: writable, as an array read from the session file is
    elif name.endswith(".npy"):
        pixels = np.load(path, allow_pickle=False)
    else:
        return _kept_pixels(path, name)
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
