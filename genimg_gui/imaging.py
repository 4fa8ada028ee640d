"""Reading user images into model-ready RGB arrays (Pillow + numpy; no Qt, no torch).

Any mode Pillow reads (RGBA, palette, 16-bit, grey, CMYK) becomes 8-bit RGB;
transparency is composited on white, the background the bundled models were
trained on. EXIF orientation is honoured. Every failure is an ImageLoadError
with a sentence a user can act on.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from .env_settings import positive_int_or_none, positive_int_setting
from .file_damage import TEXT_SAMPLE, is_text
from .jpeg_scans import decoded_whole

# pixels decoded. Read and reduced at once, a 150-megapixel PNG peaks at about 0.6 GB above the app's own memory
# (1.2 GB with transparency, 1.6 GB in 16-bit grey); a JPEG's decoded pixels are those of its 1/2 … 1/8 scale
DEFAULT_MAX_PIXELS = 150_000_000
# A picture is read no larger than the app keeps it (kept_side; the engine's spatial.kept_source): a JPEG is decoded
# at 1/2, 1/4 or 1/8 scale, other formats are reduced as soon as read, so a 200-megapixel phone photo decodes to a few
# megapixels and the copies after (upright, RGB, numpy) are of the small picture.
GPU_MAX_SIDE = 2048  # the longest side a GPU edits at
SHORT_KEPT = 512  # the least short side a picture read reduced keeps (or all it has): its centre square stays sharp
DRAFT_AREA = 64  # a JPEG at 1/8 scale decodes 1/64 of its pixels
# A JPEG read reduced costs time for each pixel in its file, not memory (libjpeg keeps a few rows: a 1-gigapixel one
# read in a second at 111 MB), so its size in the file may pass the cap JPEG_AREA times (2,400 megapixels by default).
# A progressive JPEG, or one stored a colour at a time in several scans, is decoded whole at any scale: libjpeg holds
# its every coefficient, 2 bytes a pixel and channel (a 1.5 MB progressive file of 16000x16000 peaked at 0.54 GB read
# at 4000x4000, and a 65500x65500 header asks for 8.6 to 26 GB), so its pixels in the file count against the cap itself.
JPEG_AREA = 16
# Only these decoders see user files (JPEG includes MPO, the multi-picture JPEGs many phones write): EPS would start
# Ghostscript, and rarely used decoders are where the bugs are.
FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "DIB", "TIFF", "GIF")
FORMAT_NAMES = "PNG, JPEG, WebP, BMP, TIFF, GIF"
LOSSY_QUALITY = 95  # a JPEG or WebP written (`genimg generate --grid g.jpg`): Pillow's 75 blurs small faces
MAGIC = {b"\x89PNG": "PNG", b"\xff\xd8": "JPEG", b"GIF8": "GIF", b"RIFF": "WebP", b"II*\x00": "TIFF",
         b"MM\x00*": "TIFF", b"BM": "BMP"}


class ImageLoadError(Exception):
    """A file could not be used as an image; the message says why."""


def max_pixels_setting() -> int:
    """The image size cap: GENIMG_MAX_PIXELS if set to a positive number, else DEFAULT_MAX_PIXELS (read once, at
    import)."""
    return positive_int_setting("GENIMG_MAX_PIXELS", DEFAULT_MAX_PIXELS, "pixels")


MAX_PIXELS = max_pixels_setting()
# Pillow's decompression-bomb guard stays on, above any header a JPEG read at 1/8 scale brings within our cap (open_read
# checks every picture against the cap before decoding it, and a JPEG's size in the file: JPEG_AREA; check_pixels a
# mask): it refuses on reading the header, before any pixel memory is allocated. It warns between 1x and 2x its
# limit; that warning is made an error here so a bomb is refused the same way in the app, the CLI and the tests.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS * DRAFT_AREA
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


class Fit(str, Enum):
    CROP = "crop"            # centre-crop to a square, then resize
    LETTERBOX = "letterbox"  # pad to a square with white, then resize


class PictureTooLarge(ImageLoadError):
    """A picture past genimg's limit on pictures (MAX_PIXELS, GENIMG_MAX_PIXELS): nothing is wrong with the file, and
    a raised limit opens it (it stays in the window's File → Open recent)."""


def too_large(name: str, pixels: int, limit: int, size: tuple[int, int] | None = None,
              read_at: tuple[int, int] | None = None, kind: str = "") -> PictureTooLarge:
    """read_at: the size a JPEG larger than the app keeps would be decoded at, where other than size; kind: the
    pictures the limit is for, where not all ("a progressive JPEG, which is decoded whole")."""
    dims = f"{size[0]}x{size[1]} = " if size else ""
    if size and read_at and read_at != size:
        dims = f"{size[0]}x{size[1]}, read at {read_at[0]}x{read_at[1]} = "
    for_kind = f" for {kind}" if kind else ""
    return PictureTooLarge(f"{name} is {dims}{pixel_count(pixels)}, above the limit of {pixel_count(limit)}"
                          f"{for_kind}; scale it down first, or raise the limit with GENIMG_MAX_PIXELS")


def pixel_count(pixels: int) -> str:
    """'81 megapixels', '0.26 megapixels'; a small GENIMG_MAX_PIXELS in pixels ('10 pixels', not '1e-05 megapixels')."""
    if pixels < 10_000:
        return f"{pixels:,} pixels"
    mp = pixels / 1e6
    return f"{mp:,.0f} megapixels" if mp >= 10 else f"{mp:.3g} megapixels"


@dataclass(frozen=True)
class Picture:
    """An image file's first frame as read (open_read): 8-bit RGB, upright, no larger than the app keeps it."""
    image: Image.Image
    note: str              # said when the frame is one of an animation ("" for a still image)
    size: tuple[int, int]  # (width, height) in the file, upright: the image's own where it was read reduced


def open_image(path: Path | str, max_pixels: int | None = None, *, name: str | None = None) -> Image.Image:
    """Open the first frame of an image file as 8-bit RGB, upright (open_read's image)."""
    return open_read(path, max_pixels, name=name).image


def open_noted(path: Path | str, max_pixels: int | None = None, *,
               name: str | None = None) -> tuple[Image.Image, str]:
    """open_read's image and its note."""
    read = open_read(path, max_pixels, name=name)
    return read.image, read.note


def open_read(path: Path | str, max_pixels: int | None = None, *, name: str | None = None,
              side: int | None = None) -> Picture:
    """The first frame of an image file as 8-bit RGB, upright, no larger than the app keeps it (kept_side: a 12000 x
    9000 photo is read at 3000 x 2250), with a note when that frame is one of an animation ("anim.gif is an animation
    of 12 frames: its first frame was opened") and its size in the file. The one reader of pictures: the window, the
    command line and training all open them here.

    max_pixels: the cap on pixels decoded (default MAX_PIXELS, from GENIMG_MAX_PIXELS); a larger image is refused
    from its header, before its pixels are read.
    name: how the messages name the file. By default its bare name, but the path as given for a file that is not
    there or may not be read (a command line's mistake may be in its folder); the window, whose paths are made
    absolute, gives the bare name for these too, as it names every file.
    side: the longest side it is read no larger than (default kept_side()): an autosave's copy of a photo's file is
    read at the side the photo was held at, whatever GENIMG_MAX_SIDE is now (session_pixels.py)."""
    path = Path(path)
    limit = MAX_PIXELS if max_pixels is None else max_pixels
    named = name or path.name
    try:
        if path.is_dir():
            raise ImageLoadError(f"{named} is a folder, not an image")
        with Image.open(path, formats=FORMATS) as im:
            in_file, side = im.size, side or kept_side()
            if max(in_file) > side:  # a JPEG decodes at the smallest of 1/2, 1/4, 1/8 scale that keeps it all
                im.draft(None, _least_kept(in_file, side))  # (others ignore it)
            if im.width * im.height > limit:
                raise too_large(named, im.width * im.height, limit, in_file, im.size)
            _check_jpeg(im, in_file, named, limit)
            note = _animation_note(named, im)
            im.seek(0)  # after the draft: a JPEG (or MPO) is at its frame 0 already, and stays drafted
            im.load()
            turned = im.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8)  # a quarter turn swaps the sides
            ImageOps.exif_transpose(im, in_place=True)  # in place: no copy of a large picture
            if im.mode in ("I", "F"):  # 4 bytes a pixel: made small 8-bit grey (reduced there) before any copy
                rgb = to_rgb(_grey_of_wide(im, side))
            else:  # reduced once: before to_rgb (fewer pixels to convert) where the mode may be averaged (REDUCIBLE)
                rgb = to_rgb(_reduced(im, side)) if im.mode in REDUCIBLE else _reduced(to_rgb(im), side)
            return Picture(rgb, note, in_file[::-1] if turned else in_file)
    except ImageLoadError:
        raise
    except Exception as e:  # noqa: BLE001 - the file's and the decoders' (OSError, EOFError, struct.error, a bomb...)
        raise unreadable(path, e, limit, name) from None


def check_pixels(im: Image.Image, name: str) -> None:
    """Refuse an image opened but not yet decoded (a recipe's mask: not a picture for open_read) whose pixels pass
    the cap: Pillow's guard lets a header through up to DRAFT_AREA times it."""
    if im.width * im.height > MAX_PIXELS:
        raise too_large(name, im.width * im.height, MAX_PIXELS, im.size)


def _check_jpeg(im: Image.Image, in_file: tuple[int, int], name: str, limit: int) -> None:
    """Refuse, from its header, a JPEG whose pixels in the file cost too much to decode even reduced (JPEG_AREA)."""
    if im.format not in ("JPEG", "MPO"):
        return
    whole = decoded_whole(im)
    most = limit if whole else limit * JPEG_AREA
    if in_file[0] * in_file[1] > most:
        raise too_large(name, in_file[0] * in_file[1], most, in_file,
                        kind=f"{whole}, which is decoded whole" if whole else "a JPEG read reduced")


def kept_side() -> int:
    """The longest side the app keeps a picture at: a GPU's GPU_MAX_SIDE, or GENIMG_MAX_SIDE where larger (read
    here unsaid: the engine names a value that is no number, with the default of its device)."""
    return max(GPU_MAX_SIDE, positive_int_or_none("GENIMG_MAX_SIDE") or 0)


def held_at(image: np.ndarray, side: int) -> np.ndarray:
    """image scaled down (aspect kept, Lanczos) to side px on its longer side, where it is longer. After open_read,
    it makes the pixels an open picture holds (spatial.kept_source), and reads an autosave's copy of the picture's
    file back to those very pixels (session_pixels.py): one chain for both."""
    height, width = image.shape[:2]
    if max(height, width) <= side:
        return image
    scale = side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.LANCZOS))


def _least_kept(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The least (width, height) a picture of size is read at: side px on its longer side, its aspect kept, and at
    least SHORT_KEPT on its shorter (or all it has)."""
    scale = side / max(size)
    return tuple(max(1, round(n * scale), min(n, SHORT_KEPT)) for n in size)


# Image.reduce averages these right, before to_rgb; others are reduced after it (a palette's indices, LAB's signed
# a and b must not be averaged; to_rgb reads the range of 16-bit pictures from their largest value). 32-bit integer
# and float pictures are reduced in _grey_of_wide, their range read first.
REDUCIBLE = ("L", "LA", "RGB", "RGBA", "CMYK")


def _reduced(im: Image.Image, side: int) -> Image.Image:
    """im reduced by a whole factor (boxes of pixels averaged: fast, and no worse than the resize that follows) to no
    less than _least_kept."""
    least = _least_kept(im.size, side)
    factor = min(n // m for n, m in zip(im.size, least))
    return im.reduce(factor) if factor > 1 else im


def unreadable(path: Path, e: Exception, limit: int | None = None, name: str | None = None) -> ImageLoadError:
    """Why Pillow could not read path, in a user's words: no exception class, none of Pillow's internals ("image
    file is truncated (18 bytes not processed)" for a JPEG whose second half is missing). limit: the size cap
    in force (default MAX_PIXELS); name: as open_noted's."""
    named = name or path.name
    if isinstance(e, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        found = re.search(r"\((\d+) pixels\)", str(e))  # Pillow's message holds the declared size
        return too_large(named, int(found.group(1)) if found else 0, MAX_PIXELS if limit is None else limit)
    if isinstance(e, FileNotFoundError):
        return ImageLoadError(f"{name or path} does not exist")
    if isinstance(e, PermissionError):
        return ImageLoadError(f"no permission to read {name or path}")
    if isinstance(e, IsADirectoryError):
        return ImageLoadError(f"{named} is a folder, not an image")
    if isinstance(e, OSError) and e.errno is not None:  # the system's, e.g. a failing disk (a decoder's has none)
        return ImageLoadError(f"{name or path} cannot be read ({(e.strerror or str(e)).lower()})")
    if isinstance(e, UnidentifiedImageError):
        return ImageLoadError(_not_identified(path, named))
    if isinstance(e, MemoryError):
        return ImageLoadError(f"{named} is too large to decode in the memory available")
    if isinstance(e, EOFError) or "truncated" in str(e).lower():  # the decoder ran out of data
        return ImageLoadError(f"{named} is damaged or cut short (its end is missing)")
    if "broken data stream" in str(e):
        return ImageLoadError(f"{named} is damaged (its picture data is garbled)")
    return ImageLoadError(f"{named} is damaged (its picture cannot be read)")


def _animation_note(name: str, im: Image.Image) -> str:
    """A note for an animated GIF, WebP or PNG, of which only the first frame is opened. A phone's multi-picture
    JPEG (MPO) is no animation: its first picture is the photo."""
    if im.format not in ("GIF", "WEBP", "PNG"):
        return ""
    try:
        if not im.is_animated:
            return ""
        frames = im.n_frames
    except Exception:  # noqa: BLE001 - a later frame is damaged: the first still opens, as it did without a note
        return ""
    return f"{name} is an animation of {frames} frames: its first frame was opened"


def _not_identified(path: Path, name: str) -> str:
    """Why a file Pillow does not identify cannot be opened: empty, text, a supported format's start but damaged,
    or another format (a HEIC photo, an SVG or EPS drawing: images, but not ones genimg reads)."""
    try:
        with open(path, "rb") as f:
            head = f.read(TEXT_SAMPLE)
    except OSError:
        head = b"?"  # unreadable now: nothing more to say than the formats read
    if not head:
        return f"{name} is not an image (the file is empty: 0 bytes)"
    drawing = head.startswith(b"%!") or b"<svg" in head
    if not drawing and is_text(head):
        return f"{name} is not an image (it holds text)"
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return f"{name} is damaged (it starts like a {kind} file but cannot be read)"
    return f"{name} is not an image in a format genimg reads (supported: {FORMAT_NAMES})"


def to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode to RGB; alpha (incl. palette transparency) composited on white."""
    if im.mode.startswith("I;16"):  # 16-bit: the scale is 0..65535 even in a dark image that uses little of it
        grey = np.asarray(im).astype(np.uint32)  # whole numbers, in place: floats took 26 bytes a pixel
        grey *= 255
        grey += 32767  # rounded to the nearest
        grey //= 65535
        im = Image.fromarray(grey.astype(np.uint8), "L")
    elif im.mode in ("I", "F"):
        im = _grey_of_wide(im)
    elif im.mode == "LAB":  # convert("RGB") would read L, a, b as if they were R, G, B
        im = _lab_to_srgb(im)
    if im.mode == "P" and "transparency" in im.info or im.mode in ("LA", "PA", "La"):
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "RGBa"):
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im.convert("RGBA"))
    return im.convert("RGB")


def _grey_of_wide(im: Image.Image, side: int | None = None) -> Image.Image:
    """A 32-bit integer picture (16-bit data widened: 0..65535, or plain 8-bit values) or a float one (0..1 when it
    fits, else 0..255) as 8-bit grey, its range read from the whole picture, then reduced (side: _reduced) and scaled
    in float32. Scaled whole in float64 first, an 8000x8000 one peaked at 2.2 GB."""
    top = im.getextrema()[1]
    if top != top:  # NaN: Pillow's extrema start from the first pixel, and no NaN compares (NaN is read as 0)
        top = float(np.nan_to_num(np.asarray(im, np.float32)).max())
    scale = 255.0 / (65535.0 if im.mode == "I" and top > 255 else 1.0 if im.mode == "F" and top <= 1.0 else 255.0)
    grey = np.nan_to_num(np.array(_reduced(im, side) if side else im, np.float32), copy=False)  # writable
    grey *= scale
    grey += 0.5
    return Image.fromarray(np.clip(grey, 0, 255, out=grey).astype(np.uint8), "L")


def _lab_to_srgb(im: Image.Image) -> Image.Image:
    from PIL import ImageCms  # LittleCMS; only LAB files need it
    transform = ImageCms.buildTransform(ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB")
    return ImageCms.applyTransform(im, transform)


def fit_square(im: Image.Image, size: int, fit: Fit = Fit.CROP) -> Image.Image:
    """Make a size x size RGB image by centre-crop or white letterbox."""
    if fit == Fit.CROP:
        return ImageOps.fit(im, (size, size), Image.Resampling.LANCZOS)
    return ImageOps.pad(im, (size, size), Image.Resampling.LANCZOS, color=(255, 255, 255))


# A crop that keeps less of a picture than this is said. A 5:4 print keeps 80 %, a 4:3 photo 75 %, a 16:9 one 56 %:
# each loses what was framed at its sides, and the Original pane, which shows only the square, does not tell. A
# picture a few pixels off square (a 1024 × 1000 scan keeps 98 %) loses a sliver nobody misses, and a note on every
# such picture would teach users to skip the notes.
CROP_SAID_BELOW = 0.95


def crop_note(width: int, height: int, fit: Fit | str, keep_all: str) -> str:
    """"its centre square was kept (8 % of the picture); to keep it all, <keep_all>" when fit_square's crop of a
    width × height picture cuts away a noticeable part of it (CROP_SAID_BELOW), else "". keep_all says how, where the
    note is read (the window's Fit new images, the command line's --fit letterbox); the caller names the picture."""
    kept = min(width, height) / max(width, height, 1)
    if Fit(fit) != Fit.CROP or kept >= CROP_SAID_BELOW:
        return ""
    share = "under 1" if kept * 100 < 1 else round(kept * 100)  # 10000 × 5: 0.05 %, which "1 %" overstated 20 times
    return f"its centre square was kept ({share} % of the picture); to keep it all, {keep_all}"


def load_fitted(path: Path | str, size: int, fit: Fit = Fit.CROP) -> np.ndarray:
    """A user image as a (size, size, 3) uint8 array ready for the encoder."""
    return np.asarray(fit_square(open_image(path), size, fit), dtype=np.uint8)


def save_png(array: np.ndarray, path: Path | str, scale: int = 1, format: str = "PNG") -> None:
    """Save an (H, W, 3) uint8 array as PNG (or format: JPEG, WEBP), optionally upscaled by an integer factor."""
    im = Image.fromarray(np.ascontiguousarray(array, dtype=np.uint8), "RGB")
    if scale > 1:
        im = im.resize((im.width * scale, im.height * scale), Image.Resampling.LANCZOS)
    im.save(path, format=format, **({} if format == "PNG" else {"quality": LOSSY_QUALITY}))


def image_grid(images: list[np.ndarray], columns: int) -> np.ndarray:
    """Tile equally sized (H, W, 3) arrays into one array, white where the last row is short."""
    h, w, _ = images[0].shape
    rows = -(-len(images) // columns)
    grid = np.full((rows * h, columns * w, 3), 255, np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, columns)
        grid[r * h:(r + 1) * h, c * w:(c + 1) * w] = im
    return grid
