"""Spatial autoencoders (SD VAE, TAESD): images at their own size, latents (C, h, w), tiles.

A photo keeps its aspect and (up to GENIMG_MAX_SIDE, by default 2048 px on a GPU and 512 px on a
CPU, where an SD VAE decode of 512² already takes seconds) its size, rounded to a multiple of the
model's downscale factor. Networks see one tile at a time (models.tiling), so memory stays
bounded whatever the size. Sliders are per-channel directions: PCA of the latent *pixels*
(each a C-vector), so a slider shifts every latent pixel alike.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image
from torch import nn

from ..catalog import EXAMPLES_DIR
from ..edit import Directions
from ..env_settings import positive_int_setting
from ..imaging import GPU_MAX_SIDE, ImageLoadError, held_at, open_image, to_rgb
from ..models.directions import pca
from ..models.tensors import to_tensor
from ..models.tiling import OVERLAP_CELLS, TILE_CELLS, TileSteps, downscale_factor, tiled_decode, tiled_encode

DEFAULT_MAX_SIDE = {"cpu": 512}  # by device type; others (cuda, mps) get GPU_MAX_SIDE (imaging reads no more)
TILE_PX, OVERLAP_PX = 512, 64  # at most this many image pixels per tile and of overlap (what decides at f >= 8)
EXAMPLE_SIDE = 128             # examples are encoded at this size to estimate the directions


def max_side_setting(device_type: str = "cpu") -> int:
    """The longest side a photo is edited at: GENIMG_MAX_SIDE if a positive number, else the
    default for the device type (live editing must stay interactive there)."""
    return positive_int_setting("GENIMG_MAX_SIDE", DEFAULT_MAX_SIDE.get(device_type, GPU_MAX_SIDE), "pixels a side")


def shrunk_note(name: str, image_shape: tuple[int, ...], fitted_shape: tuple[int, ...], max_side: int) -> str:
    """"big.jpg is 4000×3000: edited at 512×384 (…, GENIMG_MAX_SIDE)" for a photo scaled down to the limit, else "":
    one wording for the window's log and the command line's note."""
    (height, width), (fitted_h, fitted_w) = image_shape[:2], fitted_shape[:2]
    if max(height, width) <= max_side:
        return ""
    return (f"{name} is {width}×{height}: edited at {fitted_w}×{fitted_h} "
            f"(at most {max_side} px a side, GENIMG_MAX_SIDE)")


def kept_source(image: np.ndarray, max_side: int) -> np.ndarray:
    """The pixels an open picture keeps for a switch to another VAE to encode again (Encoded.source): the image as
    opened, scaled down (aspect kept) to the largest side any device edits at, GPU_MAX_SIDE or a larger max_side.
    A 64-megapixel photo kept whole held 192 MB a picture; no VAE ever read more than this."""
    return held_at(np.asarray(image), max(GPU_MAX_SIDE, max_side))


def own_size(width: int, height: int, factor: int, max_side: int) -> tuple[int, int]:
    """(width, height) rounded to multiples of factor, scaled down to fit max_side if larger."""
    scale = min(1.0, max_side / max(width, height))
    limit = max(factor, max_side // factor * factor)
    return tuple(min(limit, max(factor, round(n * scale / factor) * factor)) for n in (width, height))


def fit_own(image: np.ndarray, net: nn.Module, max_side: int) -> np.ndarray:
    """An RGB uint8 array at its own size, made encodable by net (see own_size)."""
    im = to_rgb(Image.fromarray(np.asarray(image)))
    size = own_size(im.width, im.height, downscale_factor(net), max_side)
    if size != im.size:
        im = im.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(im, np.uint8)


def tile_cells(net: nn.Module) -> tuple[int, int]:
    """(tile, overlap) in latent cells a side: at most TILE_CELLS, since an SD VAE's attention sees every cell of
    a tile (512 px at downscale 2 would be 65,536 positions, a 16 GiB matrix), and at most TILE_PX pixels."""
    f = downscale_factor(net)
    return max(1, min(TILE_CELLS, TILE_PX // f)), min(OVERLAP_CELLS, OVERLAP_PX // f)


def encode(net: nn.Module, x: torch.Tensor, steps: TileSteps | None = None) -> torch.Tensor:
    """The latent mean (B, C, H/f, W/f) of images (B, 3, H, W) in [-1, 1], tile by tile (each told to steps)."""
    f, (tile, overlap) = downscale_factor(net), tile_cells(net)
    return tiled_encode(net, x, tile * f, overlap * f, steps)


def decode(net: nn.Module, z: torch.Tensor, steps: TileSteps | None = None) -> torch.Tensor:
    """Images (B, 3, h*f, w*f) in [-1, 1] from latents (B, C, h, w), tile by tile (each told to steps)."""
    return tiled_decode(net, z, *tile_cells(net), steps)


def shrink(latent: np.ndarray, net: nn.Module, size: int) -> np.ndarray:
    """A (C, h, w) latent averaged down so that it decodes to about twice `size` pixels on its long
    side: a thumbnail of a big photo then costs a small decode, not a full one."""
    cells = max(1, -(-2 * size // downscale_factor(net)))
    c, h, w = latent.shape
    if max(h, w) <= cells:
        return latent
    target = (max(1, round(h * cells / max(h, w))), max(1, round(w * cells / max(h, w))))
    small = torch.nn.functional.adaptive_avg_pool2d(torch.from_numpy(np.ascontiguousarray(latent, np.float32)),
                                                    target)
    return small.numpy()


def _examples(folder: Path, side: int) -> list[np.ndarray]:
    """The bundled example pictures at side x side; smooth random pictures if there are none."""
    images = []
    for path in sorted(Path(folder).glob("*.png")) if Path(folder).is_dir() else []:
        try:
            images.append(np.asarray(open_image(path).resize((side, side), Image.Resampling.LANCZOS)))
        except ImageLoadError:
            continue
    if not images:  # an installed package without the assets folder
        gen = torch.Generator().manual_seed(0)
        coarse = torch.rand(4, 3, 8, 8, generator=gen)
        fine = torch.nn.functional.interpolate(coarse, size=(side, side), mode="bicubic", align_corners=False)
        images = list((fine.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy())
    return images


def pixel_directions(net: nn.Module, progress: Callable[[float, str], None],
                     folder: Path = EXAMPLES_DIR) -> Directions:
    """PCA of the latent pixels of the example pictures: C directions in the channel space,
    with the spread of the pixels along each as the slider unit."""
    device = next(net.parameters()).device
    f = downscale_factor(net)
    images = _examples(folder, max(f, EXAMPLE_SIDE // f * f))
    pixels = []
    for i, image in enumerate(images):
        progress(i / len(images), "computing latent directions")
        z = encode(net, to_tensor(image, device))[0]  # (C, h, w)
        pixels.append(z.flatten(1).T.double().cpu())  # (h*w, C)
    samples = torch.cat(pixels)
    return pca(samples, samples.shape[1])
