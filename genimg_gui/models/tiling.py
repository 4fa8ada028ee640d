"""Encode and decode images larger than a tile, one overlapping tile at a time.

Activation memory is that of one tile whatever the image size; only the result (and, for
decoding, one float image of the output size) is held whole. Overlaps are cross-faded with
linear ramps, and the per-axis weights are normalised to sum to one everywhere, so tiles blend
without seams. A picture that fits in one tile goes through the network unchanged.

Tiles are sized in latent cells, not pixels: an SD VAE's mid-block attention sees every cell of a tile, so
its memory grows with the square of the cells. 512 px is 64x64 cells (4,096 positions, 64 MiB) at downscale
8 but 256x256 (65,536 positions, a 16 GiB matrix) at downscale 2.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

TILE_CELLS, OVERLAP_CELLS = 64, 8  # the default tile and overlap, in latent cells a side (512 and 64 px at f = 8)
MAX_TILE_CELLS = 128 * 128         # cells in one tile: float32 attention over them all is 1 GiB; more is refused
# told (tiles done, tiles in all): (0, n) before the first tile, then after each; a picture of one tile tells nothing
TileSteps = Callable[[int, int], None]


def downscale_factor(net: nn.Module) -> int:
    """Pixels per latent cell: the config's own figure, else resolution / latent side."""
    cfg = net.cfg
    factor = getattr(cfg, "downscale_factor", None)
    return int(factor) if factor else cfg.resolution // cfg.latent_shape[-1]


def tile_layout(size: int, tile: int, overlap: int) -> tuple[int, list[int]]:
    """(tile length, tile origins) along one axis: the fewest tiles of at most `tile` cells that overlap
    by at least `overlap`, then shrunk and spread evenly, so no tile does more work than it must."""
    if size <= tile:
        return size, [0]
    count = math.ceil((size - overlap) / (tile - overlap))
    length = min(tile, math.ceil((size + (count - 1) * overlap) / count))
    stride = (size - length) / (count - 1)  # <= length - overlap, and so is its ceiling
    return length, [round(i * stride) for i in range(count)]


def axis_weights(size: int, tile: int, overlap: int, starts: list[int]) -> list[torch.Tensor]:
    """One weight profile per tile along an axis: 1 inside, a linear ramp over `overlap` cells at each
    side that meets another tile, then divided by their sum so every position's weights add to 1."""
    ramp = (torch.arange(overlap, dtype=torch.float64) + 0.5) / max(overlap, 1)
    profiles = []
    for s in starts:
        w = torch.ones(min(tile, size), dtype=torch.float64)
        if overlap and s > 0:
            w[:overlap] = ramp
        if overlap and s + tile < size:
            w[-overlap:] = torch.minimum(w[-overlap:], ramp.flip(0))
        profiles.append(w)
    total = torch.zeros(size, dtype=torch.float64)
    for s, w in zip(starts, profiles):
        total[s:s + len(w)] += w
    return [(w / total[s:s + len(w)]).float() for s, w in zip(starts, profiles)]


def _check(tile: int, overlap: int, what: str) -> None:
    if tile <= 0 or not 0 <= overlap < tile:
        raise ValueError(f"{what}: need 0 <= overlap < tile, got tile {tile} and overlap {overlap}")


def _check_size(height: int, width: int) -> None:
    """Refuse, before any allocation, a tile whose attention alone would not fit in sensible memory."""
    if height * width > MAX_TILE_CELLS:
        gib = (height * width) ** 2 * 4 / 2 ** 30
        raise ValueError(f"a tile of {height}×{width} latent cells is too big to run at once: attention over "
                         f"all its cells would need about {gib:.0f} GiB; tiles may hold at most "
                         f"{MAX_TILE_CELLS:,} cells")


@torch.no_grad()
def _tiled(run: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, tile: int, overlap: int,
           cell_in: int, cell_out: int, steps: TileSteps | None = None) -> torch.Tensor:
    """Apply `run` on overlapping tiles of x (B, C, H, W). Sizes are in cells: a cell is `cell_in` input
    and `cell_out` output pixels on each side (a latent cell is f image pixels). steps hears of each tile done."""
    (th, ys), (tw, xs) = (tile_layout(n // cell_in, tile, overlap) for n in x.shape[-2:])
    _check_size(th, tw)
    if len(ys) == len(xs) == 1:
        return run(x)
    oh, ow = (n // cell_in * cell_out for n in x.shape[-2:])
    wy = axis_weights(oh, th * cell_out, overlap * cell_out, [y * cell_out for y in ys])
    wx = axis_weights(ow, tw * cell_out, overlap * cell_out, [x0 * cell_out for x0 in xs])
    out, tiles = None, [(y, weight_y, x0, weight_x) for y, weight_y in zip(ys, wy) for x0, weight_x in zip(xs, wx)]
    if steps is not None:
        steps(0, len(tiles))
    for done, (y, weight_y, x0, weight_x) in enumerate(tiles, 1):
        piece = run(x[..., y * cell_in:(y + th) * cell_in, x0 * cell_in:(x0 + tw) * cell_in])
        if out is None:
            out = piece.new_zeros(*piece.shape[:-2], oh, ow, dtype=torch.float32)
        weight = weight_y.to(piece.device)[:, None] * weight_x.to(piece.device)[None, :]
        out[..., y * cell_out:(y + th) * cell_out, x0 * cell_out:(x0 + tw) * cell_out] += piece.float() * weight
        if steps is not None:
            steps(done, len(tiles))
    return out.to(x.dtype)


def tiled_encode(net: nn.Module, x: torch.Tensor, tile: int | None = None, overlap: int | None = None,
                 steps: TileSteps | None = None) -> torch.Tensor:
    """The latent mean of images x (B, 3, H, W) in [-1, 1], `tile` pixels at a time (multiples of the
    net's downscale factor; by default TILE_CELLS and OVERLAP_CELLS latent cells). Returns (B, C, H/f, W/f);
    logvars are not blended."""
    f = downscale_factor(net)
    tile = TILE_CELLS * f if tile is None else tile
    overlap = OVERLAP_CELLS * f if overlap is None else overlap
    _check(tile, overlap, "tiled_encode")
    if tile % f or overlap % f:
        raise ValueError(f"tile ({tile}) and overlap ({overlap}) must be multiples of the downscale factor {f}")
    if x.shape[-2] % f or x.shape[-1] % f:
        raise ValueError(f"image sides must be multiples of {f}, got {tuple(x.shape[-2:])}")
    return _tiled(lambda t: net.encode(t)[0], x, tile // f, overlap // f, f, 1, steps)


def tiled_decode(net: nn.Module, z: torch.Tensor, tile_latent: int = TILE_CELLS,
                 overlap_latent: int = OVERLAP_CELLS, steps: TileSteps | None = None) -> torch.Tensor:
    """Images (B, 3, h*f, w*f) in [-1, 1] from latents z (B, C, h, w), `tile_latent` cells at a time."""
    _check(tile_latent, overlap_latent, "tiled_decode")
    return _tiled(net.decode, z, tile_latent, overlap_latent, 1, downscale_factor(net), steps)
