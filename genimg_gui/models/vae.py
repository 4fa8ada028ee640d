"""Convolutional VAE with a spatial latent (B, C, H/f, W/f).

A spatial latent is the cheap way to sharp reconstructions; the sliders act on
PCA directions of the flattened latent.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from .blocks import ResBlock, Upsample, norm


@dataclass(frozen=True)
class VAEConfig:
    resolution: int = 64
    channels: tuple[int, ...] = (32, 64, 128)  # one entry per scale; len-1 downsamplings
    latent_channels: int = 4

    @property
    def latent_shape(self) -> tuple[int, int, int]:
        side = self.resolution // 2 ** (len(self.channels) - 1)
        return (self.latent_channels, side, side)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "VAEConfig":
        return cls(resolution=int(d["resolution"]), channels=tuple(int(c) for c in d["channels"]),
                   latent_channels=int(d["latent_channels"]))


def _encoder(cfg: VAEConfig) -> nn.Sequential:
    ch = cfg.channels
    layers: list[nn.Module] = [nn.Conv2d(3, ch[0], 3, padding=1)]
    for i, c in enumerate(ch):
        layers.append(ResBlock(ch[i - 1] if i else ch[0], c))
        if i < len(ch) - 1:
            layers.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
    layers += [norm(ch[-1]), nn.SiLU(), nn.Conv2d(ch[-1], 2 * cfg.latent_channels, 3, padding=1)]
    return nn.Sequential(*layers)


def _decoder(cfg: VAEConfig) -> nn.Sequential:
    ch = cfg.channels[::-1]
    layers: list[nn.Module] = [nn.Conv2d(cfg.latent_channels, ch[0], 3, padding=1)]
    for i, c in enumerate(ch):
        layers.append(ResBlock(c, c))
        if i < len(ch) - 1:
            layers.append(Upsample(c, ch[i + 1]))
    layers += [norm(ch[-1]), nn.SiLU(), nn.Conv2d(ch[-1], 3, 3, padding=1)]
    return nn.Sequential(*layers)


class ConvVAE(nn.Module):
    """Images in [-1, 1] (B, 3, R, R) <-> latents (B, *cfg.latent_shape)."""

    def __init__(self, cfg: VAEConfig = VAEConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = _encoder(cfg)
        self.decoder = _decoder(cfg)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns (mean, logvar), each (B, C, h, w)."""
        mean, logvar = self.encoder(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean, logvar = self.encode(x)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        return self.decode(z), mean, logvar


def kl_divergence(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)), summed over latent dims, averaged over the batch."""
    return 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).flatten(1).sum(1).mean()
