"""Tiny files from elsewhere with the real key layouts, for the foreign-model tests: SD VAEs (LDM and
diffusers), TAESD (the published pair and AutoencoderTiny), StyleGAN2-ADA pickles, and junk.
The layouts come from the architecture tests' own builders (test_sd_vae, test_taesd, test_stylegan2)."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

from genimg_gui.models.sd_vae import AutoencoderKL
from test_sd_vae import TINY as TINY_SD
from test_sd_vae import to_diffusers as sd_to_diffusers
from test_stylegan2 import payloads, tiny_conditional_generator, tiny_generator, with_classes, write_pickle
from test_taesd import random_taesd, write_pair
from test_taesd import to_diffusers as taesd_to_diffusers


def sd_vae_state(seed: int = 0) -> dict[str, torch.Tensor]:
    """A tiny SD VAE (32 channels, downscale 2) in the LDM layout, perturbed so norms matter."""
    torch.manual_seed(seed)
    net = AutoencoderKL(TINY_SD)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return {k: v.clone().contiguous() for k, v in net.state_dict().items()}


def sd_vae_file(path: Path, layout: str = "ldm", seed: int = 0) -> Path:
    """layout: "ldm", "diffusers", or "checkpoint" (LDM keys under first_stage_model. beside a UNet)."""
    state = sd_vae_state(seed)
    if layout == "diffusers":
        state = sd_to_diffusers(state, len(TINY_SD.ch_mult))
    elif layout == "checkpoint":
        state = {f"first_stage_model.{k}": v for k, v in state.items()}
        state["model.diffusion_model.input_blocks.0.0.weight"] = torch.zeros(8, 4, 3, 3)
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    return Path(path)


def taesd_pair(folder: Path, latent_channels: int = 4) -> tuple[Path, Path]:
    return write_pair(random_taesd(latent_channels), Path(folder))


def taesd_diffusers_file(path: Path, latent_channels: int = 4) -> Path:
    save_file(taesd_to_diffusers(random_taesd(latent_channels)), str(path))
    return Path(path)


def stylegan_pickle(path: Path, marker: Path, seed: int = 0) -> Path:
    """A StyleGAN2-ADA network pickle whose embedded module_src would write `marker` if run."""
    return write_pickle(Path(path), tiny_generator(seed), Path(marker))


def conditional_stylegan_pickle(path: Path, marker: Path, c_dim: int = 3) -> Path:
    """A StyleGAN2-ADA pickle of a generator trained with c_dim classes (its mapping embeds a one-hot label)."""
    return write_pickle(Path(path), tiny_conditional_generator(c_dim), Path(marker), edit=with_classes(c_dim))


def unet_only_file(path: Path) -> Path:
    save_file({"model.diffusion_model.input_blocks.0.0.weight": torch.zeros(8, 4, 3, 3),
               "model.diffusion_model.out.2.bias": torch.zeros(4)}, str(path))
    return Path(path)


def malicious_pickle(path: Path, marker: Path) -> Path:
    """A pickle that writes `marker` when plain-unpickled (builtins.exec)."""
    Path(path).write_bytes(payloads(Path(marker))["builtins.exec"])
    return Path(path)


def junk_files(folder: Path) -> dict[str, Path]:
    """Files that are no model, keyed by what they are."""
    folder = Path(folder)
    rng = np.random.default_rng(0)
    files = {"empty": folder / "empty.safetensors", "random": folder / "random.ckpt",
             "png": folder / "photo.safetensors", "text": folder / "notes.pt", "pickle-list": folder / "list.pkl"}
    files["empty"].write_bytes(b"")
    files["random"].write_bytes(rng.bytes(4096))
    files["png"].write_bytes(b"\x89PNG\r\n\x1a\n" + rng.bytes(100))
    files["text"].write_text("these are not the weights you are looking for\n")
    files["pickle-list"].write_bytes(pickle.dumps([1, 2, 3]))
    return files
