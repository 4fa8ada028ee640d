"""Tiny autoencoders for SD latents: TAESD, TAESDXL (4 latent channels), TAESD3 and TAEF1 (16).

Plain 64-channel conv stacks; they see images in [0, 1] inside, and this wrapper gives them genimg's
[-1, 1] interface. Their latents are already on the scale the diffusion models use (no scale factor).
Module indices match the published `taesd_encoder.pth` / `taesd_decoder.pth` files, so those load
unchanged; diffusers' AutoencoderTiny layout is renamed on the way in.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ClassVar

import torch
from torch import nn

from .state_files import load_strict, read_state_file
from .errors import ModelFileError

WIDTH = 64
LAST_ENCODER_CONV = 14  # index of the encoder's latent conv in its Sequential
FIRST_DECODER_CONV = 1  # the decoder's index 0 is the parameter-free clamp


@dataclass(frozen=True)
class TAESDConfig:
    latent_channels: int = 4  # 4: TAESD / TAESDXL, 16: TAESD3 / TAEF1
    resolution: int = 512     # nominal only: any side divisible by 8 works
    spatial: ClassVar[bool] = True
    downscale_factor: ClassVar[int] = 8

    @property
    def latent_shape(self) -> tuple[int, int, int]:
        side = self.resolution // self.downscale_factor
        return (self.latent_channels, side, side)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TAESDConfig":
        return cls(latent_channels=int(d["latent_channels"]), resolution=int(d.get("resolution", 512)))


def _conv(c_in: int, c_out: int, stride: int = 1, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=bias)


class Block(nn.Module):
    """Three 3x3 convs with ReLUs between, a residual skip, and a ReLU after the sum."""

    def __init__(self, c: int = WIDTH) -> None:
        super().__init__()
        self.conv = nn.Sequential(_conv(c, c), nn.ReLU(), _conv(c, c), nn.ReLU(), _conv(c, c))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv(x) + x)  # widths never change here, so the skip is the identity


class SoftClamp(nn.Module):
    """Squashes latents smoothly into (-3, 3): outliers cannot blow up the decoder."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x / 3) * 3


def _encoder(latent_channels: int) -> nn.Sequential:
    layers: list[nn.Module] = [_conv(3, WIDTH), Block()]
    for _ in range(3):  # three halvings, each followed by three blocks
        layers += [_conv(WIDTH, WIDTH, stride=2, bias=False), Block(), Block(), Block()]
    return nn.Sequential(*layers, _conv(WIDTH, latent_channels))


def _decoder(latent_channels: int) -> nn.Sequential:
    layers: list[nn.Module] = [SoftClamp(), _conv(latent_channels, WIDTH), nn.ReLU()]
    for _ in range(3):  # three blocks, then a nearest x2 and a conv, three times
        layers += [Block(), Block(), Block(), nn.Upsample(scale_factor=2), _conv(WIDTH, WIDTH, bias=False)]
    return nn.Sequential(*layers, Block(), _conv(WIDTH, 3))


class TAESD(nn.Module):
    """Images (B, 3, H, W) in [-1, 1] <-> latents (B, C, H/8, W/8); deterministic, so no logvar."""

    def __init__(self, cfg: TAESDConfig = TAESDConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = _encoder(cfg.latent_channels)
        self.decoder = _decoder(cfg.latent_channels)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, None]:
        if x.shape[-2] % 8 or x.shape[-1] % 8:
            raise ValueError(f"image sides must be multiples of 8, got {tuple(x.shape[-2:])}")
        dtype = self.encoder[0].weight.dtype
        return self.encoder(x.add(1).div(2).to(dtype)).to(x.dtype), None

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z.to(self.encoder[0].weight.dtype)).to(z.dtype).mul(2).sub(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x)[0])


# --- files -------------------------------------------------------------------------------------

def taesd_state_dict(raw: dict[str, torch.Tensor]) -> tuple[TAESDConfig, dict[str, torch.Tensor]]:
    """`encoder.N…`/`decoder.N…` (the two published halves, prefixed) or diffusers' AutoencoderTiny
    (`encoder.layers.N…`, `decoder.layers.N…`, the decoder shifted by one: diffusers clamps outside
    its Sequential) -> (config read off the shapes, this module's state)."""
    def rename(key: str) -> str:
        m = re.match(r"(encoder|decoder)\.layers\.(\d+)\.", key)
        if not m:
            return key
        index = int(m[2]) + (m[1] == "decoder")
        return f"{m[1]}.{index}.{key[m.end():]}"

    state = {rename(k): v for k, v in raw.items()}
    enc, dec = f"encoder.{LAST_ENCODER_CONV}.weight", f"decoder.{FIRST_DECODER_CONV}.weight"
    if enc not in state or dec not in state:
        raise ModelFileError(f"not a TAESD: it lacks {enc if enc not in state else dec} (its tensors: "
                             f"{', '.join(sorted(state)[:3]) or 'none'}, …)")
    channels = state[enc].shape[0]
    if state[dec].ndim != 4 or state[dec].shape[1] != channels:
        raise ModelFileError(f"the encoder makes {channels} latent channels but the decoder reads "
                             f"{tuple(state[dec].shape)[1:2]}: the two halves are from different models")
    return TAESDConfig(latent_channels=channels), state


def _half(state: dict[str, torch.Tensor]) -> str | None:
    """'encoder' or 'decoder' for one published half (bare Sequential indices), None for a whole model."""
    if not state or not all(k.split(".")[0].isdigit() for k in state):
        return None
    first = state.get("0.weight")
    return "encoder" if first is not None and first.ndim == 4 and first.shape[1] == 3 else "decoder"


def _sibling(path: Path, half: str) -> Path:
    other = "decoder" if half == "encoder" else "encoder"
    name = path.name
    i = name.rfind(half)
    if i < 0:
        raise ModelFileError(f"{name} is only the {half} of a TAESD, and its name does not say where the "
                             f"{other} is: pass both files (e.g. taesd_encoder.pth and taesd_decoder.pth)")
    return path.with_name(name[:i] + other + name[i + len(half):])


def _read_pair(path: Path, state: dict[str, torch.Tensor], half: str) -> dict[str, torch.Tensor]:
    other_path = _sibling(path, half)
    if not other_path.is_file():
        raise ModelFileError(f"{path.name} is only the {half} of a TAESD; genimg needs both halves, and "
                             f"{other_path.name} is not beside it")
    other = read_state_file(other_path)
    if _half(other) != ("decoder" if half == "encoder" else "encoder"):
        raise ModelFileError(f"{other_path.name} is not the other half of {path.name}")
    return {f"{half}.{k}": v for k, v in state.items()} | {f"{_half(other)}.{k}": v for k, v in other.items()}


def load_taesd(path_or_pair: Path | str | tuple[Path, Path]) -> TAESD:
    """A TAESD from either file of the pair `*_encoder.pth` + `*_decoder.pth` (the other is found by
    name), both as a tuple, or one diffusers AutoencoderTiny .safetensors. Weights-only reads."""
    if isinstance(path_or_pair, tuple):
        paths = [Path(p) for p in path_or_pair]
        halves = {_half(state): state for state in map(read_state_file, paths)}
        source = " + ".join(p.name for p in paths)
        if set(halves) != {"encoder", "decoder"}:
            raise ModelFileError(f"{source} are not the encoder and decoder halves of a TAESD")
        raw = {f"{half}.{k}": v for half, state in halves.items() for k, v in state.items()}
    else:
        path = Path(path_or_pair)
        raw = read_state_file(path)
        half = _half(raw)
        raw = _read_pair(path, raw, half) if half else raw
        source = path.name
    try:
        cfg, state = taesd_state_dict(raw)
    except ModelFileError as e:
        raise ModelFileError(f"{source}: {e}") from None
    return load_strict(TAESD(cfg), state, source)
