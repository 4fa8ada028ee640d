"""Differentiable augmentation (Zhao et al. 2020, DiffAugment): colour, translation, cutout.

Applied to both real and fake images before the discriminator so a GAN trained
on a few thousand images does not let D memorise them.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def colour(x: torch.Tensor) -> torch.Tensor:
    b = x.shape[0]
    x = x + (torch.rand(b, 1, 1, 1, device=x.device) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (torch.rand(b, 1, 1, 1, device=x.device) * 2) + mean
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (torch.rand(b, 1, 1, 1, device=x.device) + 0.5) + mean


def translation(x: torch.Tensor, ratio: float = 0.125, fill: float | None = 1.0) -> torch.Tensor:
    """Shift each sample by up to ratio of its size; the uncovered border is `fill`
    (white for images) or, with fill=None, a copy of the edge (a latent grid's own background)."""
    b, _, h, w = x.shape
    shift = int(h * ratio + 0.5)
    dx = torch.randint(-shift, shift + 1, (b, 1, 1), device=x.device)
    dy = torch.randint(-shift, shift + 1, (b, 1, 1), device=x.device)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    gy = (gy.unsqueeze(0) + dy + 1).clamp(0, h + 1)
    gx = (gx.unsqueeze(0) + dx + 1).clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1], mode="replicate") if fill is None else F.pad(x, [1, 1, 1, 1], value=fill)
    idx = (gy * (w + 2) + gx).view(b, 1, -1).expand(-1, x.shape[1], -1)
    return padded.flatten(2).gather(2, idx).view_as(x)


def cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    oy = torch.randint(0, h + 1 - ch % 2, (b, 1, 1), device=x.device)
    ox = torch.randint(0, w + 1 - cw % 2, (b, 1, 1), device=x.device)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    inside = ((gy.unsqueeze(0) - oy).abs() < ch // 2) & ((gx.unsqueeze(0) - ox).abs() < cw // 2)
    return x * (~inside).unsqueeze(1).to(x.dtype)


def diff_augment(x: torch.Tensor) -> torch.Tensor:
    return cutout(translation(colour(x)))


def latent_augment(x: torch.Tensor) -> torch.Tensor:
    """DiffAugment for latent grids: translation and cutout only (colour has no meaning there)."""
    return cutout(translation(x, fill=None))
