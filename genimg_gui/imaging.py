"""Reading user images into model-ready RGB arrays (Pillow + numpy; no Qt, no torch).

Any mode Pillow reads (RGBA, palette, 16-bit, grey, CMYK) becomes 8-bit RGB;
transparency is composited on white, the background the bundled models were
trained on. EXIF orientation is honoured. Every failure is an ImageLoadError
with a sentence a user can act on.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's decompression-bomb guard stays on; this is the cap we apply on top.
MAX_PIXELS = 64_000_000
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")


class ImageLoadError(Exception):
    """A file could not be used as an image; the message says why."""


class Fit(str, Enum):
    CROP = "crop"            # centre-crop to a square, then resize
    LETTERBOX = "letterbox"  # pad to a square with white, then resize


def open_image(path: Path | str, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open the first frame of an image file as 8-bit RGB, upright."""
    path = Path(path)
    if path.is_dir():
        raise ImageLoadError(f"{path.name} is a folder, not an image")
    try:
        with Image.open(path) as im:
            if im.width * im.height > max_pixels:
                raise ImageLoadError(f"{path.name} is {im.width}x{im.height}; images over "
                                     f"{max_pixels / 1e6:g} megapixels are not opened")
            im.seek(0)
            im = ImageOps.exif_transpose(im)
            return to_rgb(im)
    except ImageLoadError:
        raise
    except Image.DecompressionBombError:
        raise ImageLoadError(f"{path.name} declares an enormous size (a possible decompression bomb)") from None
    except FileNotFoundError:
        raise ImageLoadError(f"{path} does not exist") from None
    except PermissionError:
        raise ImageLoadError(f"no permission to read {path}") from None
    except UnidentifiedImageError:
        raise ImageLoadError(f"{path.name} is not an image Pillow can read") from None
    except (OSError, ValueError, SyntaxError) as e:
        raise ImageLoadError(f"{path.name} is damaged or truncated ({e})") from None


def to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode to RGB; alpha (incl. palette transparency) composited on white."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = 65535.0 if arr.max() > 255 else 255.0
        im = Image.fromarray(np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    if im.mode == "P" and "transparency" in im.info or im.mode in ("LA", "PA", "La"):
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "RGBa"):
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im.convert("RGBA"))
    return im.convert("RGB")


def fit_square(im: Image.Image, size: int, fit: Fit = Fit.CROP) -> Image.Image:
    """Make a size x size RGB image by centre-crop or white letterbox."""
    if fit == Fit.CROP:
        return ImageOps.fit(im, (size, size), Image.Resampling.LANCZOS)
    return ImageOps.pad(im, (size, size), Image.Resampling.LANCZOS, color=(255, 255, 255))


def load_fitted(path: Path | str, size: int, fit: Fit = Fit.CROP) -> np.ndarray:
    """A user image as a (size, size, 3) uint8 array ready for the encoder."""
    return np.asarray(fit_square(open_image(path), size, fit), dtype=np.uint8)


def save_png(array: np.ndarray, path: Path | str, scale: int = 1) -> None:
    """Save an (H, W, 3) uint8 array as PNG, optionally upscaled by an integer factor."""
    im = Image.fromarray(np.ascontiguousarray(array, dtype=np.uint8), "RGB")
    if scale > 1:
        im = im.resize((im.width * scale, im.height * scale), Image.Resampling.LANCZOS)
    im.save(path, format="PNG")


def image_grid(images: list[np.ndarray], columns: int) -> np.ndarray:
    """Tile equally sized (H, W, 3) arrays into one array, white where the last row is short."""
    h, w, _ = images[0].shape
    rows = -(-len(images) // columns)
    grid = np.full((rows * h, columns * w, 3), 255, np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, columns)
        grid[r * h:(r + 1) * h, c * w:(c + 1) * w] = im
    return grid


def list_images(folder: Path | str) -> list[Path]:
    """Image files below folder, recursively, in a stable order."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
