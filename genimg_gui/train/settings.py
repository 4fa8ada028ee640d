"""The names `--set KEY=JSON` accepts, per recipe, torch-free so that `genimg train --help` can list them
without loading torch, and number_from, which checks a numeric one. Each recipe reads its own defaults; the
README's table gives them."""
from __future__ import annotations

import math

from . import TrainUsageError

VAE_SETTINGS = ("channels", "latent_channels", "kl_weight")
GAN_SETTINGS = ("channels", "z_dim", "w_dim", "styles", "r1_gamma", "ema", "mapping_lr", "d_lr", "d_warmup",
                "augment_p", "mode_seeking", "decoder_noise", "decoder_gan", "compose")


def number_from(value: object, low: float, high: float, refusal: str) -> float:
    """A --set value as a number from low to high, or a TrainError saying `--set {refusal}` (which names the
    setting, the value as given and what it should be)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan  # refused below, with the same message
    if not low <= number <= high:
        raise TrainUsageError(f"--set {refusal}")
    return number
