"""A model as the worker holds it (LoadedModel), and what its load works out beside the network: its latent
directions when its folder has none saved (and where they are kept), its discriminator, the ways it draws a seed,
and the note for a card that describes other weights. Runtime (runtime.py) loads and runs these."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn

from .. import seed_draws
from ..edit import Directions
from ..models import mixtures, refine
from ..catalog import converted_dir, estimated_dir
from ..models.directions import load_directions, pca, save_directions
from ..models.gan import sample_w
from ..models.weights import DIRECTIONS_NAME, ModelFileError, is_spatial, latent_shape
from ..weights_file import card_describes_other_weights, other_weights_note
from . import inversion, spatial

N_DIRECTIONS = 16
ProgressFn = Callable[[float, str], None]


@dataclass
class LoadedModel:
    path: str
    net: nn.Module
    card: dict
    directions: Directions
    identity: str  # the weights' SHA-256 (ModelInfo.identity)
    judge: nn.Module | None = None  # a GAN's own discriminator, for refining its samples (models/refine.py)
    no_judge: str = ""  # why the discriminator in its folder would not load (ModelInfo.no_refine)
    # a GAN's inversion set-up (the same for every picture), made at its first inversion; a load (a retrained
    # folder's too) makes a new LoadedModel, and a device change drops it, so it never outlives these weights
    inversion_setup: inversion.GanSetup | None = None
    # a GAN's 2048 mapped w (inversion.mapped_ws), mapped once at its load, on the CPU (a device change leaves
    # them valid): the typicality meter's anchors and every inversion's set-up start from these same points
    mapped: torch.Tensor | None = None
    estimated: str = ""  # why its slider directions were estimated as it loaded (ModelInfo.estimated_directions)

    @property
    def kind(self) -> str:
        return self.card["kind"]

    @property
    def spatial(self) -> bool:
        """Images at their own size and latents (C, h, w) of that size (SD VAE, TAESD)."""
        return is_spatial(self.net)

    @property
    def latent_shape(self) -> tuple[int, ...]:
        return latent_shape(self.net)

    @property
    def direction_size(self) -> int:
        return direction_size(self.net)

    @property
    def resolution(self) -> int:
        return self.net.cfg.resolution



def direction_size(net: nn.Module) -> int:
    """The length of a direction: the latent's, or for a spatial model its channel count."""
    shape = latent_shape(net)
    return shape[0] if is_spatial(net) else int(np.prod(shape))



@torch.no_grad()  # takes no gradients, whoever calls it (the Runtime under inference mode, tests)
def estimate_directions(net: nn.Module, kind: str, progress: ProgressFn) -> Directions:
    """PCA of the latent distribution when no cache exists: sampled w for a GAN; for a VAE,
    prior samples decoded and re-encoded, an approximation of the aggregate posterior; for a
    spatial VAE, the latent pixels of example pictures (spatial.pixel_directions)."""
    if is_spatial(net):
        return spatial.pixel_directions(net, progress)
    gen = torch.Generator().manual_seed(0)
    device = next(net.parameters()).device
    chunks = []
    for i in range(8):
        progress(i / 8, "computing latent directions")
        if kind == "vae":
            z = torch.randn(128, *net.cfg.latent_shape, generator=gen).to(device)
            chunks.append(net.encode(net.decode(z))[0].flatten(1).cpu())
        else:
            chunks.append(sample_w(net, 1024, gen).cpu())
    return pca(torch.cat(chunks), N_DIRECTIONS)



def estimated_directions(folder: Path, identity: str, net: nn.Module, kind: str, progress: ProgressFn
                         ) -> tuple[Directions, str]:
    """The directions of a model whose folder has none to read (estimate_directions'), and what to tell the user of
    them. A folder genimg converted a file into is its own cache: they are written there, and nothing is said. A
    user's folder is never written into (`genimg info` is read-only, and a file appearing in a folder the user copied
    is a surprise): they are kept in genimg's data folder by the weights' SHA-256 (identity), since estimating them
    takes a 64 px VAE some 20 s of CPU at every command, and its note says they are not the trained ones."""
    converted = Path(folder).resolve().is_relative_to(converted_dir().resolve())
    kept_in = Path(folder) if converted else estimated_dir() / identity
    try:  # a converted folder's own file was read already; a damaged kept estimate is made again
        directions = None if converted else load_directions(kept_in, direction_size(net))
    except ModelFileError:
        directions = None
    if directions is None:
        directions = estimate_directions(net, kind, progress)
        try:
            kept_in.mkdir(parents=True, exist_ok=True)
            save_directions(kept_in, directions)
        except OSError:
            pass  # a read-only data folder: estimated again next time
    return directions, "" if converted else _estimated_note(folder, net, kind)


def _estimated_note(folder: Path, net: nn.Module, kind: str) -> str:
    """"directions.safetensors is missing from FOLDER: slider directions estimated from …", and what to do."""
    if is_spatial(net):
        source = "genimg's example pictures"
    elif kind == "vae":
        source = "the model, not its training images"
    else:
        source = "new samples of the model, not those saved as it was trained"
    where = (f"{DIRECTIONS_NAME} in {folder} holds no usable directions" if (Path(folder) / DIRECTIONS_NAME).exists()
             else f"{DIRECTIONS_NAME} is missing from {folder}")
    return (f"{where}: slider directions estimated from {source}; copy the model's own {DIRECTIONS_NAME} into it "
            "to edit along the directions it was trained with")



def discriminator_of(folder: Path, net: nn.Module) -> tuple[nn.Module | None, str]:
    """A GAN's discriminator for models/refine.py, and why the one in its folder would not load ("" when it did or
    there is none); without one (or with a file that is not its), the GAN still loads, and refining is not offered.
    The why is kept: a damaged file had silently made the default Refine draw each seed's own z."""
    if not refine.applies_to(net):
        return None, ""
    try:
        judge = refine.read_discriminator(folder, net)
    except ModelFileError as e:
        return None, str(e)
    return (None if judge is None else judge.to(next(net.parameters()).device)), ""



def offered_draws(model: LoadedModel) -> tuple[str, ...]:
    """The ways this GAN can draw a seed (seed_draws.py): skipping mixtures is cheap only for genimg's own
    generators; refining needs the discriminator saved beside one."""
    return (seed_draws.OWN, *([seed_draws.SKIP_MIXTURES] if mixtures.applies_to(model.net) else []),
            *([seed_draws.REFINE] if model.judge is not None else []))



def other_weights(model: LoadedModel) -> str:
    """ModelInfo.other_weights: from the digest the load took for its identity, so the weights are read once."""
    if not card_describes_other_weights(model.card, model.identity):
        return ""
    return other_weights_note(str(model.card.get("name", Path(model.path).name)))

