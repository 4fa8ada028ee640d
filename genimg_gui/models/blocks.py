"""Small building blocks shared by the VAE and the GAN."""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F


def norm(ch: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(8, ch), ch)


class ResBlock(nn.Module):
    """Pre-activation residual block; a 1x1 skip when the width changes."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            norm(c_in), nn.SiLU(), nn.Conv2d(c_in, c_out, 3, padding=1),
            norm(c_out), nn.SiLU(), nn.Conv2d(c_out, c_out, 3, padding=1),
        )
        self.skip = nn.Identity() if c_in == c_out else nn.Conv2d(c_in, c_out, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.skip(x) + self.body(x)


class Upsample(nn.Module):
    """Nearest x2 then a 3x3 conv: no checkerboard artefacts of transposed convs."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


def unit_rms(x: torch.Tensor) -> torch.Tensor:
    """Each feature vector (dim 1) scaled to unit root mean square."""
    return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


class PixelNorm(nn.Module):
    """Normalise each feature vector to unit RMS (ProGAN); keeps the GAN free of batch statistics."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return unit_rms(x)
