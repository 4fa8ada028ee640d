"""Stable Diffusion's KL autoencoder (SD 1.x, 2.x, SDXL), written from the LDM architecture.

The module's parameter names follow the original LDM checkpoints (`encoder.down.0.block.1.conv1`,
`encoder.mid.attn_1.q`, ...), so those files load as they are; sd_vae_files.py reads files and
renames the diffusers layout into it. Latents leave `encode` already multiplied by the scaling factor, so
they are roughly unit-variance like every other latent in genimg.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from ..model_names import family_names


SD_SCALE, SDXL_SCALE = 0.18215, 0.13025


@dataclass(frozen=True)
class SDVAEConfig:
    ch: int = 128
    ch_mult: tuple[int, ...] = (1, 2, 4, 4)  # width of each level, times ch; len-1 downsamplings
    num_res_blocks: int = 2                   # per encoder level; the decoder has one more
    z_channels: int = 4
    in_channels: int = 3
    scaling_factor: float = SD_SCALE         # the file cannot tell: 0.18215 for SD 1/2, 0.13025 for SDXL
    resolution: int = 512                     # nominal only: any side divisible by the downscale works
    spatial: ClassVar[bool] = True

    @property
    def downscale_factor(self) -> int:
        return 2 ** (len(self.ch_mult) - 1)

    @property
    def latent_shape(self) -> tuple[int, int, int]:
        side = self.resolution // self.downscale_factor
        return (self.z_channels, side, side)

    def to_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "SDVAEConfig":
        return cls(ch=int(d["ch"]), ch_mult=tuple(int(m) for m in d["ch_mult"]),
                   num_res_blocks=int(d["num_res_blocks"]), z_channels=int(d["z_channels"]),
                   in_channels=int(d.get("in_channels", 3)), scaling_factor=float(d["scaling_factor"]),
                   resolution=int(d.get("resolution", 512)))


def _norm(c: int) -> nn.GroupNorm:
    return nn.GroupNorm(32, c, eps=1e-6)


def _conv3(c_in: int, c_out: int, stride: int = 1, padding: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 3, stride=stride, padding=padding)


class ResnetBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.norm1, self.conv1 = _norm(c_in), _conv3(c_in, c_out)
        self.norm2, self.conv2 = _norm(c_out), _conv3(c_out, c_out)
        self.nin_shortcut = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return self.nin_shortcut(x) + h


class AttnBlock(nn.Module):
    """Single-head self-attention over all positions; q, k, v and the output are 1x1 convs."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.norm = _norm(c)
        self.q, self.k, self.v, self.proj_out = (nn.Conv2d(c, c, 1) for _ in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        y = self.norm(x)
        q, k, v = (conv(y).view(b, 1, c, h * w).transpose(2, 3) for conv in (self.q, self.k, self.v))  # (B,1,HW,C)
        # the fused kernel never materialises the (HW, HW) matrix: 1024² images stay in memory
        out = F.scaled_dot_product_attention(q, k, v).transpose(2, 3).reshape(b, c, h, w)
        return x + self.proj_out(out)


class MidBlock(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.block_1, self.attn_1, self.block_2 = ResnetBlock(c, c), AttnBlock(c), ResnetBlock(c, c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block_2(self.attn_1(self.block_1(x)))


class Downsample(nn.Module):
    """Pad right and bottom by one, then a stride-2 conv without padding (as the checkpoints were trained)."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv = _conv3(c, c, stride=2, padding=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv = _conv3(c, c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Level(nn.Module):
    """The resnet blocks of one resolution, then an optional resampler (named as in LDM files)."""

    def __init__(self, widths: list[tuple[int, int]], resample: str | None) -> None:
        super().__init__()
        self.block = nn.ModuleList(ResnetBlock(a, b) for a, b in widths)
        if resample == "down":
            self.downsample = Downsample(widths[-1][1])
        elif resample == "up":
            self.upsample = Upsample(widths[-1][1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.block:
            x = block(x)
        for name in ("downsample", "upsample"):
            if hasattr(self, name):
                x = getattr(self, name)(x)
        return x


def _chain(c_in: int, c_out: int, n: int) -> list[tuple[int, int]]:
    return [(c_in if i == 0 else c_out, c_out) for i in range(n)]


class Encoder(nn.Module):
    def __init__(self, cfg: SDVAEConfig) -> None:
        super().__init__()
        widths = [cfg.ch * m for m in cfg.ch_mult]
        self.conv_in = _conv3(cfg.in_channels, cfg.ch)
        last = len(widths) - 1
        self.down = nn.ModuleList(
            Level(_chain(widths[i - 1] if i else cfg.ch, w, cfg.num_res_blocks), "down" if i < last else None)
            for i, w in enumerate(widths))
        self.mid = MidBlock(widths[-1])
        self.norm_out, self.conv_out = _norm(widths[-1]), _conv3(widths[-1], 2 * cfg.z_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for level in self.down:
            h = level(h)
        return self.conv_out(F.silu(self.norm_out(self.mid(h))))  # (B, 2z, H/f, W/f)


class Decoder(nn.Module):
    def __init__(self, cfg: SDVAEConfig) -> None:
        super().__init__()
        widths = [cfg.ch * m for m in cfg.ch_mult]
        self.conv_in = _conv3(cfg.z_channels, widths[-1])
        self.mid = MidBlock(widths[-1])
        # up[i] works at the resolution of down[i]; it runs deepest first and reads widths[i+1]
        self.up = nn.ModuleList(
            Level(_chain(widths[min(i + 1, len(widths) - 1)], w, cfg.num_res_blocks + 1), "up" if i else None)
            for i, w in enumerate(widths))
        self.norm_out, self.conv_out = _norm(widths[0]), _conv3(widths[0], cfg.in_channels)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(z))
        for level in reversed(self.up):
            h = level(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class AutoencoderKL(nn.Module):
    """Images (B, 3, H, W) in [-1, 1] <-> scaled latents (B, z, H/f, W/f); H and W divisible by f (8 for SD)."""

    def __init__(self, cfg: SDVAEConfig = SDVAEConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder, self.decoder = Encoder(cfg), Decoder(cfg)
        self.quant_conv = nn.Conv2d(2 * cfg.z_channels, 2 * cfg.z_channels, 1)
        self.post_quant_conv = nn.Conv2d(cfg.z_channels, cfg.z_channels, 1)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mean, logvar) of the scaled latent: mean times the scaling factor, logvar shifted to match."""
        f = self.cfg.downscale_factor
        if x.shape[-2] % f or x.shape[-1] % f:
            raise ValueError(f"image sides must be multiples of {f}, got {tuple(x.shape[-2:])}")
        moments = self.quant_conv(self.encoder(x.to(self.quant_conv.weight.dtype))).to(x.dtype)
        mean, logvar = moments.chunk(2, dim=1)
        s = self.cfg.scaling_factor
        return mean * s, logvar.clamp(-30.0, 20.0) + 2.0 * math.log(s)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        h = (z / self.cfg.scaling_factor).to(self.quant_conv.weight.dtype)
        return self.decoder(self.post_quant_conv(h)).to(z.dtype)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean, logvar = self.encode(x)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        return self.decode(z), mean, logvar


def guess_scaling_factor(path: str | Path) -> float:
    """The weights do not record it; the model's name often says SDXL (model_names.family_names: a diffusers folder's
    weights file is named alike in every folder, SDXL's too). The app asks, with this as the default."""
    return SDXL_SCALE if any("xl" in name.lower() for name in family_names(path)) else SD_SCALE
