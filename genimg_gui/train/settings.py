"""The names `--set KEY=JSON` accepts, per recipe, torch-free so that `genimg train --help` can list them
without loading torch; check_setting, which refuses a value out of its range before any work, and
check_together, which refuses settings that need one another. ALLOWED is the one table of the ranges: the
recipes take its values as checked. Each recipe reads its own defaults; the README's table gives them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from . import TrainUsageError

VAE_SETTINGS = ("channels", "latent_channels", "kl_weight")
GAN_SETTINGS = ("channels", "z_dim", "w_dim", "styles", "r1_gamma", "ema", "mapping_lr", "d_lr", "d_warmup",
                "augment_p", "mode_seeking", "lecam", "decoder_noise", "decoder_gan", "compose")


def _number(value: object) -> bool:
    """A finite JSON number; not true/false, which Python counts as 1 and 0."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: object) -> bool:
    """A whole number, also as JSON writes a large one (1e3)."""
    return _number(value) and float(value).is_integer()


@dataclass(frozen=True)
class Allowed:
    """What a --set value may be: a test, and the words that say it in the refusal."""
    fits: Callable[[object], bool]
    says: str
    # JSON reads 256.0 and 1e3 as floats; a size must reach torch (and the card) as an int
    settle: Callable[[object], object] = lambda v: v


WEIGHT = Allowed(lambda v: _number(v) and v >= 0, "a weight, so 0 (off) or more")
MULTIPLE = Allowed(lambda v: _number(v) and v > 0, "a multiple of the learning rate, so it must be > 0")
COMPOSE = Allowed(lambda v: _number(v) and 0 <= v <= 1, "the share of real grids to compose, 0 to 1")
# 1 would freeze the EMA generator at its first steps: the model written would be an untrained one
DECAY = Allowed(lambda v: _number(v) and 0 <= v < 1, "a decay a step, from 0 up to but not including 1, "
                                                     "e.g. 0.999")
SIZE = Allowed(lambda v: _whole(v) and v >= 1, "a size, so a whole number, 1 or more", int)
STEPS = Allowed(lambda v: _whole(v) and v >= 0, "a number of steps, so a whole number, 0 or more", int)
FLAG = Allowed(lambda v: isinstance(v, bool), "a switch: true or false")
WIDTHS = Allowed(lambda v: isinstance(v, list) and len(v) > 0 and all(_whole(c) and c >= 1 for c in v),
                 "a list of whole numbers, each 1 or more, e.g. [32,64,128]", lambda v: [int(c) for c in v])
CHANCE = Allowed(lambda v: v == "auto" or (_number(v) and 0 <= v <= 1), "a chance between 0 and 1, or auto")
# the decoder copy's noise (in latent std) and adversarial weight: 0 is off, and 10 is far past any use
NOISE = Allowed(lambda v: _number(v) and 0 <= v <= 10, "a noise level in latent std, from 0 (the decoder stays "
                                                       "the VAE's) to 10, e.g. 0.3")
ADVERSARY = Allowed(lambda v: _number(v) and 0 <= v <= 10, "a weight from 0 (off) to 10, e.g. 0.5; it needs "
                                                           "--set decoder_noise too")

ALLOWED = {
    "channels": WIDTHS, "latent_channels": SIZE, "kl_weight": WEIGHT,
    "z_dim": SIZE, "w_dim": SIZE, "styles": FLAG, "r1_gamma": WEIGHT, "ema": DECAY,
    "mapping_lr": MULTIPLE, "d_lr": MULTIPLE, "d_warmup": STEPS, "augment_p": CHANCE, "mode_seeking": WEIGHT,
    "lecam": WEIGHT, "decoder_noise": NOISE, "decoder_gan": ADVERSARY, "compose": COMPOSE,
}


def unknown_setting(key: str, allowed: tuple[str, ...]) -> str:
    """Why --set KEY=JSON names no setting of this run, which the user typed as asked: a setting of the other kind
    of model (ema for a VAE) is said to be one, rather than "expected KEY=JSON"; then the keys this kind takes."""
    kind, other = ("vae", GAN_SETTINGS) if allowed == VAE_SETTINGS else ("gan", VAE_SETTINGS)
    why = (f"{key} is a {'GAN' if kind == 'vae' else 'VAE'} setting" if key in other
           else f"{key} is not a setting")
    return f"{why}; `genimg train {kind}` takes {', '.join(allowed)}"


def check_setting(key: str, value: object, typed: str) -> object:
    """Refuse, as a usage error, a --set value its setting cannot take (kl_weight=-1, ema=2, styles=7): the
    recipes would train with it, or refuse it only after the images are loaded. typed: the value as given.
    Returns the value as the recipe takes it: a whole number given as 256.0 or 1e3 as an int."""
    allowed = ALLOWED.get(key)
    if allowed is None:
        return value
    if not allowed.fits(value):
        raise TrainUsageError(f"--set {key}={typed}: {allowed.says}")
    return allowed.settle(value)


def check_together(extra: dict) -> None:
    """Refuse, as a usage error, a latent GAN's checked settings that are no use alone: decoder_gan trains the
    decoder copy that only decoder_noise makes."""
    if extra.get("decoder_gan") and not extra.get("decoder_noise"):
        raise TrainUsageError("--set decoder_gan trains the decoder copy beside --set decoder_noise: "
                              "add --set decoder_noise=0.4, or drop it")
