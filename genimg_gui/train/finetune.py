"""`genimg train ... --init MODEL_DIR`: start a run from a model folder's weights instead of random ones.

A trained model can be fine-tuned on a new folder, and a run whose checkpoint is gone can go on
from the model it wrote. A GAN folder written by `genimg train gan` also holds its discriminator
(discriminator.safetensors, half precision: the app never reads it), because a GAN cannot go on
well without one: a fresh discriminator's first gradients tell a trained generator only noise, so
it trains alone first (--set d_warmup), and against a good generator that takes thousands of steps.
"""
from __future__ import annotations

import filecmp
import json
import math
from pathlib import Path

import torch
from torch import nn

from ..catalog import latent_of_to_type, recorded_latent_of
from ..models.blocks import PixelNorm, unit_rms
from ..models.gan import MappedGenerator
from ..models.refine import DISCRIMINATOR_FILE
from ..models.weights import (WEIGHTS_NAME, ModelFileError, check_state_dict, load_model, read_card, read_tensors,
                              save_tensors)
from . import TrainError, TrainUsageError

DISCRIMINATOR_NAME = DISCRIMINATOR_FILE  # the same file models/refine.py reads for the app
D_WARMUP_STEPS = 500  # a fresh discriminator's solo steps by default: enough against a young generator
# what the run takes over from the model's card, so that --init alone gives the same network
ARCHITECTURE_SETTINGS = {"vae": ("channels", "latent_channels"), "gan": ("channels", "z_dim", "w_dim", "styles")}
# where this run's side of a difference load_start names comes from, said only where that setting differs
DIFFERENCE_HINTS = {"classes": "classes come from --labels", "vae": "latent spaces from --latent-of",
                    "resolution": "the resolution from --resolution"}
NEW_COLUMNS_SCALE = 0.5  # of He init: a new class embedding moves w a little at first, and training makes it matter


def init_card(folder: Path, kind: str, latent_of: Path | None) -> dict:
    """The card of the model in `folder`; a usage error, before any work, if it cannot start a run of this kind."""
    try:
        card = read_card(folder)
    except ModelFileError as e:
        raise TrainUsageError(f"--init: {e}") from None
    if card["kind"] != kind:
        raise TrainUsageError(f"--init {folder} is a {card['kind'].upper()}; `genimg train {kind}` needs a "
                              f"{kind.upper()}")
    latent = card["architecture"] == "LatentGenerator"
    if latent != bool(latent_of):
        hint = latent_of_to_type(card)
        raise TrainUsageError(f"--init {folder} draws in a VAE's latent space: add --latent-of VAE_DIR"
                              + (f" (it was trained with {hint})" if hint else "") if latent else
                              f"--init {folder} is a pixel GAN ({card['architecture']}): drop --latent-of")
    if latent:
        check_latent_space(folder, card, latent_of)
    return card


def check_latent_space(folder: Path, card: dict, latent_of: Path) -> None:
    """--latent-of names the VAE the --init GAN was trained in (its card's), or a copy of it. The recipe compares
    the decoders' weights too, but two short runs from one seed lie within a fine-tuned copy's distance of each
    other; a card whose VAE is gone leaves that test alone."""
    recorded = Path(recorded_latent_of(card)).expanduser()
    if not (recorded / WEIGHTS_NAME).is_file() or not (latent_of / WEIGHTS_NAME).is_file() \
            or recorded.resolve() == latent_of.resolve():
        return  # a --latent-of that is no VAE folder: check_latent_of says so
    if not filecmp.cmp(recorded / WEIGHTS_NAME, latent_of / WEIGHTS_NAME, shallow=False):
        raise TrainUsageError(f"--init {folder} was trained in the latent space of {recorded} (its card), and "
                              f"--latent-of names another VAE, {latent_of}: pass --latent-of {recorded}")


def architecture_settings(card: dict) -> dict:
    """The --set values that rebuild the network a model card describes."""
    config = card["config"]
    return {key: config[key] for key in ARCHITECTURE_SETTINGS[card["kind"]] if key in config}


def check_start_network(folder: Path, card: dict, extra: dict) -> None:
    """The --set network settings (extra, over the card's) that the --init model can start, checked from its card
    before the images load: a GAN's channels may widen (load_start grows the generator), each setting else stays
    the model's. They were refused only once the images had loaded (exit 1), with a hint at --labels and
    --latent-of, and without the rule."""
    config, kind = card["config"], card["kind"]
    for key in (k for k in ARCHITECTURE_SETTINGS[kind] if k != "channels" and k in config and k in extra):
        if config[key] != extra[key]:
            raise TrainUsageError(f"--init {folder} has {key} {json.dumps(config[key])}: a run from it keeps it "
                                  f"(this run: {json.dumps(extra[key])}); drop --set {key}")
    theirs, ours = tuple(config.get("channels") or ()), tuple(extra.get("channels") or ())
    if not theirs or not ours or theirs == ours:
        return
    has = f"--init {folder} has channels {theirs}"
    if kind == "vae":
        raise TrainUsageError(f"{has}: a VAE run from it keeps them (this run: {ours}); drop --set channels")
    if config.get("styles"):  # widened() places new rows after old ones; a style layer's are two halves
        raise TrainUsageError(f"{has}: a styled generator (--set styles=true) cannot grow; drop --set channels, or "
                              "train a wider one from scratch")
    if len(ours) != len(theirs):
        raise TrainUsageError(f"{has}: a run from it may widen them, keeping their {len(theirs)} layers (this run "
                              f"has {len(ours)}: {ours})")
    if narrowed := next(((i, o, n) for i, (o, n) in enumerate(zip(theirs, ours), 1) if n < o), None):
        layer, old, new = narrowed
        raise TrainUsageError(f"{has}: a run from it may widen them, not narrow them ({new} < {old} at layer {layer})")


def load_start(folder: Path, like: nn.Module) -> dict:
    """The state dict of the model in `folder`, checked to be the network this run built; returns its card too."""
    try:
        net, card = load_model(folder)
    except ModelFileError as e:
        raise TrainError(f"--init: {e}") from None
    if type(net) is not type(like):
        raise TrainError(f"--init {folder} is a {type(net).__name__}; this run trains a {type(like).__name__}")
    state, theirs, ours = net.state_dict(), net.cfg.to_dict(), like.cfg.to_dict()
    merged = len(theirs["classes"]) if theirs.get("classes") and not ours.get("classes") else 0
    added = len(ours["classes"]) if ours.get("classes") and not theirs.get("classes") else 0
    if merged:  # a conditional GAN starting a run without labels
        state, theirs = without_classes(net), {**theirs, "classes": ours["classes"]}
    elif added:  # an unconditional GAN starting a run with labels
        state, theirs = with_classes(state, like.state_dict()), {**theirs, "classes": ours["classes"]}
    grown = isinstance(like, MappedGenerator) and wider(theirs.get("channels"), ours.get("channels"))
    if grown and ours.get("styles"):  # widened() places new rows after old ones; a style layer's are two halves
        raise TrainError(f"--init {folder}: a styled generator (--set styles=true) cannot grow; train it from scratch")
    if grown:  # a larger generator grown from a smaller one
        state, theirs = widened(state, like), {**theirs, "channels": ours["channels"]}
    keys = [k for k in sorted(set(theirs) | set(ours)) if theirs.get(k) != ours.get(k)]
    if keys:  # the --set network settings were checked before the images loaded (check_start_network)
        differ = "; ".join(f"{k}: model {theirs.get(k)!r}, this run {ours.get(k)!r}" for k in keys)
        hints = "".join(f"; {DIFFERENCE_HINTS[k]}" for k in keys if k in DIFFERENCE_HINTS)
        raise TrainError(f"--init {folder} does not fit this run ({differ}){hints}")
    return {"state": state, "card": card, "merged_classes": merged, "added_classes": added,
            "grown_from": tuple(net.cfg.channels) if grown else ()}


def wider(old: list | tuple | None, new: list | tuple | None) -> bool:
    """Whether `new` widths keep `old`'s layers and widen at least one of them (a generator can grow into it)."""
    if old is None or new is None or len(old) != len(new) or tuple(old) == tuple(new):
        return False
    return all(n >= o for o, n in zip(old, new))


@torch.no_grad()
def widened(old: dict[str, torch.Tensor], wide: nn.Module) -> dict[str, torch.Tensor]:
    """A generator's state grown into `wide` (the same network with more channels), drawing what it drew.

    A larger generator trained from scratch needs many hours more than this CPU gives (the all-emoji
    emoji-gan took 13); grown from a trained one, it starts where that one ended, and training puts the new
    channels to use, slowly: grown from emoji-gan, their weights reached a fifth to a quarter
    of the old ones' scale in 3,755 steps of 32, and a twentieth in the first layer
    (weights/emoji-gan/TRAINING.md, "Nor would a larger generator"; benchmarks/grown_channels.py).

    Each new channel starts silent: zero weights into it, so it outputs zero, while its weights out
    to the next layer keep their fresh random values, so the gradient reaches the weights into it
    from the first step (were both zero, neither would ever move). PixelNorm averages over all
    channels, silent ones too, which scales the old ones up by sqrt(new/old); the layer after it
    takes that back on its old inputs."""
    state = {}
    for name, fresh in wide.state_dict().items():
        before = old[name]
        if before.shape == fresh.shape:
            state[name] = before.clone()
            continue
        grown = torch.zeros_like(fresh) if name.endswith("bias") else fresh.clone()
        grown[before.shape[0]:] = 0  # new output channels (rows): silent
        grown[tuple(slice(0, n) for n in before.shape)] = before
        state[name] = grown
    normalised = None  # the (old, new) width of the PixelNorm the next conv reads, if it reads one
    for name, module in wide.synthesis.named_modules(prefix="synthesis"):
        if isinstance(module, nn.Conv2d):
            if normalised:
                old_in, new_in = normalised
                state[f"{name}.weight"][:, :old_in] *= math.sqrt(old_in / new_in)
            normalised = None
            width = (old[f"{name}.weight"].shape[0], module.out_channels)
        elif isinstance(module, PixelNorm):
            normalised = width
    return state


@torch.no_grad()
def with_classes(old: dict[str, torch.Tensor], new: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """An unconditional generator's state made conditional, for `new` (a conditional generator's fresh
    state: its class embedding and class frequencies are kept). The first mapping layer gets input
    columns for the embedding, small (half their He init), so the generator starts close to what it
    drew; its truncation centre serves every class until the run's end sets one per class."""
    state = {**new, **old}
    weight, wide = old["mapping.1.weight"], new["mapping.1.weight"]
    extra = torch.randn(weight.shape[0], wide.shape[1] - weight.shape[1], generator=torch.Generator().manual_seed(0))
    he_std = math.sqrt(2 / (1.04 * wide.shape[1]))  # kaiming_normal_ with a=0.2, as _he_linear draws it
    state["mapping.1.weight"] = torch.cat([weight, extra * he_std * NEW_COLUMNS_SCALE], 1)
    state["w_avg"] = old["w_avg"][None].expand_as(new["w_avg"]).clone()
    return state


@torch.no_grad()
def without_classes(gen: nn.Module) -> dict[str, torch.Tensor]:
    """A conditional generator's state as an unconditional one's. The mapping's first layer sees
    [unit_rms(z), unit_rms(embed(c))]; the embedding's share of it becomes bias, averaged over the
    classes as often as its data held them, so the run starts from a blend of all of them (and the
    same network exactly, for a generator whose data held one class)."""
    state = dict(gen.state_dict())
    weight, z_dim = state["mapping.1.weight"], gen.cfg.z_dim
    freq = state.pop("class_freq")
    share = unit_rms(state.pop("embed.weight")) @ weight[:, z_dim:].T  # (classes, w_dim): each class's push
    p = freq / freq.sum()
    state["mapping.1.weight"] = weight[:, :z_dim].clone()
    state["mapping.1.bias"] = state["mapping.1.bias"] + p @ share
    state["w_avg"] = p @ state["w_avg"]
    return state


def load_discriminator(folder: Path, D: nn.Module, other_widths: bool = False) -> bool:
    """Load `folder`'s discriminator into D if it has one; False when it has none. other_widths: the
    generator was grown (widened), and D's widths follow it, so a D of the old widths is left out."""
    path = Path(folder) / DISCRIMINATOR_NAME
    if not path.is_file():
        return False
    try:
        state = read_tensors(path)
        if other_widths and any(k in state and state[k].shape != v.shape for k, v in D.state_dict().items()):
            return False
        if not hasattr(D, "project"):  # a run without labels: the class projection has nothing to judge
            state = {k: v for k, v in state.items() if not k.startswith("project.")}
        elif "project.weight" not in state:  # a run with labels from a model without: D's projection starts at zero
            state["project.weight"] = D.project.weight.detach().clone()
        check_state_dict(D, state, path)
    except ModelFileError as e:
        raise TrainError(f"--init: {e}") from None
    dtypes = {k: v.dtype for k, v in D.state_dict().items()}
    D.load_state_dict({k: v.to(dtypes[k]) for k, v in state.items()})
    return True


def fine_tune_licence(training: dict, origin: dict) -> str:
    """The licence a fine-tune's card records (training: its card's own record): the one given, else, trained on
    the data the model it started from was (the same folder, or the same --data-name), that model's: the run
    never asked, and "unknown" was written for the very images whose licence the first card holds."""
    licence = training.get("licence", "unknown")
    if licence == "unknown" and origin.get("data") and origin.get("data") == training.get("data"):
        return origin.get("licence", licence)
    return licence


def save_discriminator(folder: Path, D: nn.Module) -> None:
    """Half precision: the file only starts later training, and halves the repo's share of a bundled model."""
    save_tensors(Path(folder) / DISCRIMINATOR_NAME,
                 {k: v.half() if v.is_floating_point() else v for k, v in D.state_dict().items()})


def started_from(card: dict) -> dict:
    """What the model card of a fine-tuned run records about the model it started from."""
    training = card.get("training", {})
    earlier = {"started_from": training["started_from"]} if "started_from" in training else {}
    return {"model": card.get("name", ""), "steps": training.get("steps"), "seconds": training.get("seconds"),
            "data": training.get("data", ""), "licence": training.get("licence", "unknown"), **earlier}
