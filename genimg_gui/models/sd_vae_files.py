"""Stable Diffusion VAE files: the VAE part of a file in either key layout (original LDM, optionally
inside a full checkpoint, or diffusers), its config read off the tensor shapes, loaded strictly
into sd_vae.AutoencoderKL."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import torch

from .errors import ModelFileError
from .sd_vae import AutoencoderKL, SDVAEConfig, guess_scaling_factor
from .state_files import load_strict, read_state_file

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
    """The shape of the convolution weight named key, whose sizes the config is read from."""
    if not state:
        raise ModelFileError("it holds no VAE tensors (a UNet or text encoder alone?)")
    if key not in state:
        raise ModelFileError(f"not a Stable Diffusion VAE: it has no {key} (its tensors: "
                             f"{', '.join(sorted(state)[:3])}, …)")
    shape = state[key].shape
    if len(shape) != 4 or min(shape) < 1:  # the sizes are read off it: a flattened or empty one said "unpack"
        raise ModelFileError(f"{key} has the shape {tuple(shape)}, where a convolution's weight has 4 sizes of at "
                             "least 1 (out, in, height, width): the file is damaged or not a Stable Diffusion VAE")
    return shape


def _count(state: dict[str, torch.Tensor], prefix: str) -> int:
    return len({k[len(prefix):].split(".")[0] for k in state if k.startswith(prefix)})


def sd_vae_state_dict(raw: dict[str, torch.Tensor]) -> tuple[SDVAEConfig, dict[str, torch.Tensor]]:
    """LDM, diffusers, `first_stage_model.` or `vae.` keys -> (config read off the shapes, LDM-named state).
    Of a full SD checkpoint only the VAE is taken; the UNet, text encoders and loss terms are dropped."""
    state = vae_part(raw)
    if is_diffusers_layout(state):
        state = from_diffusers(state)
    # diffusers stores the attention projections as Linear (C, C); LDM as 1x1 convs (C, C, 1, 1)
    state = {k: (v[:, :, None, None] if ".attn_1." in k and v.ndim == 2 else v) for k, v in state.items()}
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
