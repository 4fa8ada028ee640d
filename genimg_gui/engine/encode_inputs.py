"""What the worker encodes for an EncodeImage (the file read again while unchanged, else the pixels given), and the
square thumbnail of a picture."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from ..file_stamp import FileStamp, stamp_of
from ..imaging import ImageLoadError, open_read
from . import requests as rq


def pixels_of(r: rq.EncodeImage) -> tuple[np.ndarray, FileStamp | None, tuple[int, int] | None]:
    """What an EncodeImage encodes, the file read for it and that file's size: the file it names read again, while
    still as it was when opened (a file changed since is another picture; one gone or unreadable leaves the pixels
    given, unsaid: they are what the picture was), else the pixels given (None, None)."""
    if r.file is not None and stamp_of(r.file.path) == r.file:
        try:
            read = open_read(r.file.path, name=r.name)
            return np.asarray(read.image), r.file, read.size
        except ImageLoadError:
            pass
    return r.image, None, None


def thumbnail(image: np.ndarray, size: int) -> np.ndarray:
    """size x size; a photo of another aspect (a spatial VAE's) is letterboxed, not squashed."""
    im = Image.fromarray(image)
    if im.width == im.height:
        return np.asarray(im.resize((size, size), Image.Resampling.LANCZOS))
    return np.asarray(ImageOps.pad(im, (size, size), Image.Resampling.LANCZOS, color=(255, 255, 255)))
