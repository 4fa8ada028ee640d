"""Stable Diffusion's KL autoencoder (SD 1.x, 2.x, SDXL), written from the LDM architecture.

The module's parameter names follow the original LDM checkpoints (`encoder.down.0.block.1.conv1`,
`encoder.mid.attn_1.q`, ...), so those files load as they are; `sd_vae_state_dict` renames the
diffusers layout into it. Latents leave `encode` already multiplied by the scaling factor, so
they are roughly unit-variance like every other latent in genimg.
"""
from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, ClassVar

import torch
import torch.nn.functional as F
from safetensors import SafetensorError, safe_open
from torch import nn

from .errors import ModelFileError

SD_SCALE, SDXL_SCALE = 0.18215, 0.13025
TORCH_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin")


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


def preferred_dtype(device: torch.device | str) -> torch.dtype:
    """SDXL's VAE overflows in float16; bfloat16 keeps float32's range and is fast on recent GPUs."""
    device = torch.device(device)
    if device.type == "cuda" and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def guess_scaling_factor(filename: str | Path) -> float:
    """The weights do not record it; the name often says SDXL. The app asks, with this as the default."""
    return SDXL_SCALE if "xl" in Path(filename).name.lower() else SD_SCALE


# --- files -------------------------------------------------------------------------------------

def read_state_file(path: Path, keep: Callable[[str], bool] = lambda k: True) -> dict[str, torch.Tensor]:
    """Tensors named by `keep` from a .safetensors or a weights-only torch file; never unpickles code."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path} does not exist or is not a file")
    if path.suffix == ".safetensors":
        try:
            with safe_open(str(path), "pt") as f:  # reads only the tensors asked for: full SD files are GBs
                return {k: f.get_tensor(k) for k in f.keys() if keep(k)}
        except (SafetensorError, OSError, ValueError) as e:
            raise ModelFileError(f"{path.name} is not a readable safetensors file ({e})") from None
    if path.suffix not in TORCH_SUFFIXES:
        raise ModelFileError(f"{path.name}: expected a .safetensors or {'/'.join(TORCH_SUFFIXES)} weights file")
    try:
        raw = torch.load(str(path), map_location="cpu", weights_only=True, mmap=zipfile.is_zipfile(path))
    except Exception as e:  # the weights-only unpickler raises several types for code or corrupt data
        raise ModelFileError(f"{path.name} cannot be read as plain tensors ({type(e).__name__}: {e}); genimg "
                             "never runs code from a model file") from None
    if isinstance(raw, dict) and isinstance(raw.get("state_dict"), dict):
        raw = raw["state_dict"]
    if not isinstance(raw, dict):
        raise ModelFileError(f"{path.name} holds a {type(raw).__name__}, not a dict of named tensors")
    return {str(k): v for k, v in raw.items() if isinstance(v, torch.Tensor) and keep(str(k))}


def load_strict(net: nn.Module, state: dict[str, torch.Tensor], source: str) -> nn.Module:
    """load_state_dict(strict=True), with a message naming what is missing, extra or the wrong shape."""
    expected = net.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [f"{k} {tuple(state[k].shape)} (expected {tuple(v.shape)})"
             for k, v in expected.items() if k in state and state[k].shape != v.shape]
    problems = [f"{len(items)} {what}: {', '.join(items[:4])}{', …' if len(items) > 4 else ''}"
                for what, items in (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong))
                if items]
    if problems:
        raise ModelFileError(f"{source} does not fit {type(net).__name__} ({'; '.join(problems)})")
    net.load_state_dict(state, strict=True)
    return net.eval()


# --- key layouts ------------------------------------------------------------------------------

CHECKPOINT_PREFIXES = ("first_stage_model.", "vae.")   # full LDM checkpoints; wrapped VAEs
NOT_VAE = ("loss.", "model.diffusion_model.")          # LDM's discriminator/LPIPS terms, the UNet
OTHER_PARTS = NOT_VAE + ("cond_stage_model.", "conditioner.", "model_ema.")  # never read from disk
_DIFFUSERS_NAMES = [  # (pattern, replacement) in order; the up_blocks reversal is done apart
    (r"\.mid_block\.resnets\.(\d)\.", lambda m: f".mid.block_{int(m[1]) + 1}."),
    (r"\.mid_block\.attentions\.0\.", ".mid.attn_1."),
    (r"\.attn_1\.group_norm\.", ".attn_1.norm."),
    (r"\.attn_1\.(to_q|query)\.", ".attn_1.q."),
    (r"\.attn_1\.(to_k|key)\.", ".attn_1.k."),
    (r"\.attn_1\.(to_v|value)\.", ".attn_1.v."),
    (r"\.attn_1\.(to_out\.0|proj_attn)\.", ".attn_1.proj_out."),
    (r"\.conv_norm_out\.", ".norm_out."),
    (r"\.conv_shortcut\.", ".nin_shortcut."),
    (r"^encoder\.down_blocks\.(\d+)\.resnets\.", r"encoder.down.\1.block."),
    (r"^encoder\.down_blocks\.(\d+)\.downsamplers\.0\.", r"encoder.down.\1.downsample."),
]


def vae_part(raw: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The VAE's tensors, unprefixed: a full checkpoint's first_stage_model, else all but loss/UNet terms."""
    for prefix in CHECKPOINT_PREFIXES:
        if any(k.startswith(prefix) for k in raw):
            raw = {k[len(prefix):]: v for k, v in raw.items() if k.startswith(prefix)}
            break
    return {k: v for k, v in raw.items() if not k.startswith(NOT_VAE)}


def is_diffusers_layout(state: dict[str, torch.Tensor]) -> bool:
    return any(".down_blocks." in k or ".up_blocks." in k or ".mid_block." in k for k in state)


def from_diffusers(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """diffusers names -> LDM names. diffusers counts decoder levels deepest first: up_blocks.0 == up.{n-1}."""
    n_up = len({k.split(".")[2] for k in state if k.startswith("decoder.up_blocks.")})

    def rename(key: str) -> str:
        for pattern, repl in _DIFFUSERS_NAMES:
            key = re.sub(pattern, repl, key)
        m = re.match(r"decoder\.up_blocks\.(\d+)\.(resnets|upsamplers\.0)\.", key)
        if m:
            part = "block." if m[2] == "resnets" else "upsample."
            key = f"decoder.up.{n_up - 1 - int(m[1])}.{part}{key[m.end():]}"
        return key

    return {rename(k): v for k, v in state.items()}


def _shape(state: dict[str, torch.Tensor], key: str) -> torch.Size:
    if not state:
        raise ModelFileError("it holds no VAE tensors (a UNet or text encoder alone?)")
    if key not in state:
        raise ModelFileError(f"not a Stable Diffusion VAE: it has no {key} (its tensors: "
                             f"{', '.join(sorted(state)[:3])}, …)")
    return state[key].shape


def _count(state: dict[str, torch.Tensor], prefix: str) -> int:
    return len({k[len(prefix):].split(".")[0] for k in state if k.startswith(prefix)})


def sd_vae_state_dict(raw: dict[str, torch.Tensor]) -> tuple[SDVAEConfig, dict[str, torch.Tensor]]:
    """LDM, diffusers, `first_stage_model.` or `vae.` keys -> (config read off the shapes, LDM-named state).
    Of a full SD checkpoint only the VAE is taken; the UNet, text encoders and loss terms are dropped."""
    state = vae_part(raw)
    if is_diffusers_layout(state):
        state = from_diffusers(state)
    # diffusers stores the attention projections as Linear (C, C); LDM as 1x1 convs (C, C, 1, 1)
    state = {k: (v[:, :, None, None] if ".attn_1." in k and v.ndim == 2 else v).float() for k, v in state.items()}
    ch, in_channels = _shape(state, "encoder.conv_in.weight")[:2]
    if "quant_conv.weight" not in state and "encoder.conv_out.weight" in state:
        raise ModelFileError(f"this VAE has no quant_conv ({_shape(state, 'encoder.conv_out.weight')[0] // 2} "
                             "latent channels): an SD3 or Flux VAE, which genimg does not open; TAESD3 and TAEF1 work")
    levels = _count(state, "encoder.down.")
    widths = [_shape(state, f"encoder.down.{i}.block.0.conv1.weight")[0] for i in range(max(levels, 1))]
    if ch % 32 or any(w % ch for w in widths):
        raise ModelFileError(f"layer widths {ch}, {widths} do not fit this architecture (multiples of 32 and of {ch})")
    cfg = SDVAEConfig(ch=ch, ch_mult=tuple(w // ch for w in widths), in_channels=in_channels,
                      num_res_blocks=_count(state, "encoder.down.0.block."),
                      z_channels=_shape(state, "decoder.conv_in.weight")[1])
    return cfg, state


def load_sd_vae(path: Path, scaling_factor: float | None = None) -> AutoencoderKL:
    """An SD VAE from a .safetensors / .ckpt / .pt / .pth / .bin file (or the VAE inside a full SD checkpoint)."""
    path = Path(path)
    raw = read_state_file(path, keep=lambda k: not k.startswith(OTHER_PARTS))
    try:
        cfg, state = sd_vae_state_dict(raw)
    except ModelFileError as e:
        raise ModelFileError(f"{path.name}: {e}") from None
    if scaling_factor is None:
        scaling_factor = guess_scaling_factor(path)
    return load_strict(AutoencoderKL(replace(cfg, scaling_factor=float(scaling_factor))), state, path.name)
