"""A genimg model's own model.safetensors met without its card.json, told by its tensor names alone; the other
files genimg writes into a model's folder (its directions, a GAN's discriminator, its figures and sample grid) and
the user's own directions files, opened as a model.

The names say which of genimg's networks the weights are for, but not the sizes the card records (resolution,
latent channels, classes, the directions beside it), so such a file is named for what it is and the user is told
where its card is needed; nothing is guessed from the shapes.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import torch
from torch import nn

from ..user_directions import saved_folder, saved_identity, user_directions_folder
from .directions import OUTSIDE_SPREAD, TENSORS
from .gan import Discriminator, GANConfig, Generator
from .latent_gan import LatentGANConfig, LatentGenerator
from .refine import DISCRIMINATOR_FILE
from .vae import ConvVAE, VAEConfig
from .weights import CARD_NAME, DIRECTIONS_NAME
from ..weights_file import WEIGHTS_NAME

# a network made with the fewest layers and options of its kind, one made with every optional part (a skip, an
# upsampling, class embeddings, style layers): a file of that kind holds every layer name of the first and none
# beyond the second's
_SMALLEST_VAE = VAEConfig(resolution=4, channels=(8,), latent_channels=2)
_FULLEST_VAE = VAEConfig(resolution=16, channels=(8, 16), latent_channels=2)
_SMALL_GAN = {"z_dim": 8, "w_dim": 8, "mapping_layers": 1}
_OPTIONS = {"classes": ("a", "b"), "styles": True}
_SMALLEST_GAN = GANConfig(resolution=4, channels=(8,), **_SMALL_GAN)
_FULLEST_GAN = GANConfig(resolution=8, channels=(8, 8), **_SMALL_GAN, **_OPTIONS)
_KINDS = {
    "a genimg VAE": (lambda: ConvVAE(_SMALLEST_VAE), lambda: ConvVAE(_FULLEST_VAE)),
    "a genimg GAN": (lambda: Generator(_SMALLEST_GAN), lambda: Generator(_FULLEST_GAN)),
    "a genimg latent GAN (one that draws in a VAE's latent space)": (
        lambda: LatentGenerator(LatentGANConfig(resolution=4, channels=(8,), vae=_SMALLEST_VAE, **_SMALL_GAN)),
        lambda: LatentGenerator(LatentGANConfig(resolution=16, channels=(8, 8), vae=_FULLEST_VAE, **_SMALL_GAN,
                                                **_OPTIONS))),
}


# a GAN's discriminator (pixel and latent GANs alike: refine.read_discriminator), as _KINDS lists the networks
_DISCRIMINATOR = (lambda: Discriminator(_SMALLEST_GAN), lambda: Discriminator(_FULLEST_GAN))


def layout(names: Iterable[str]) -> frozenset[str]:
    """Tensor names without their layer numbers ('decoder.1.body.0.bias' -> 'decoder.#.body.#.bias'): how many
    layers a network has depends on its config, which the file does not hold; the names of its layers do not."""
    return frozenset(".".join("#" if part.isdigit() else part for part in name.split(".")) for name in names)


def _names(make) -> frozenset[str]:
    """The layout of a network's tensor names; built on the meta device: names only, no memory."""
    with torch.device("meta"):
        net: nn.Module = make()
    return layout(net.state_dict())


@cache
def _layouts() -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """(what the network is, the layout every file of it has, the layout any file of it may have)."""
    return tuple((what, _names(smallest), _names(fullest)) for what, (smallest, fullest) in _KINDS.items())


@cache
def _discriminator_layouts() -> tuple[frozenset[str], frozenset[str]]:
    return _names(_DISCRIMINATOR[0]), _names(_DISCRIMINATOR[1])


def own_network(names: Iterable[str]) -> str:
    """'a genimg VAE' (or GAN, latent GAN) where these tensor names are the weights of one; '' for any other."""
    found = layout(names)
    return next((what for what, every, most in _layouts() if every <= found <= most), "")


def without_card(what: str, name: str) -> str:
    """What the weights file `name` of one of genimg's networks (own_network's `what`) is, opened without the card
    that gives its sizes, and what to open instead."""
    put = ("put its card.json beside it" if name == WEIGHTS_NAME
           else f"put it in a folder as {WEIGHTS_NAME}, beside its card.json")
    return (f"the weights file of {what}, without its card.json, which says the network's sizes: open the model's "
            f"folder (card.json beside {WEIGHTS_NAME}), or {put}, and open that folder")


def companion_file(names: Iterable[str], path: Path) -> str:
    """What `path` is, where its tensor names are those of a file genimg writes into a model's folder beside its
    weights (its slider directions, a GAN's discriminator) or those of the user's own directions, and what to open
    instead; '' for any other. Such a file was "a weights file … of an architecture genimg does not know", as if it
    were foreign."""
    names = list(names)
    every, most = _discriminator_layouts()
    directions = TENSORS <= frozenset(names) <= TENSORS | {OUTSIDE_SPREAD}  # directions.save_directions writes these
    if directions and (saved_identity(path) is not None or _in_directions_folder(path)):
        return _users_directions(path)  # the window's (user_directions.save_user_directions); older ones unmarked
    if directions:
        what, model, standard = "the slider directions file", "model", DIRECTIONS_NAME
    elif every <= layout(names) <= most:
        what, model, standard = "the discriminator that refines the seeds", "GAN", DISCRIMINATOR_FILE
    else:
        return ""
    folder = Path(path).absolute().parent
    if (folder / CARD_NAME).is_file():
        return _open_the_folder(f"{what} of the {model} in its folder", folder, model)
    return (f"{what} of a genimg {model}, not a model itself: open the {model}'s folder (card.json beside "
            f"{WEIGHTS_NAME}), with this file in it as {standard}")


def _open_the_folder(what: str, folder: Path, model: str = "model") -> str:
    return f"{what}, not a model itself: open the folder ({folder}) for the {model}"


# the files `genimg train` writes into a model's folder that hold no tensors (train/loop.py), as a sentence's
# subject: opened as a model they were "a text file", "a PNG image", then the list of what genimg opens
_FOLDER_FILES = {"metrics.json": "the file of figures training measured for the model in its folder",
                 "samples.png": "the grid of samples training drew with the model in its folder"}


def folder_file(path: Path) -> str:
    """What `path` is, where it is one of _FOLDER_FILES beside a model's card.json, and what to open instead (that
    folder); '' for any other file."""
    folder = Path(path).absolute().parent
    what = _FOLDER_FILES.get(Path(path).name)
    return _open_the_folder(what, folder) if what and (folder / CARD_NAME).is_file() else ""


def _in_directions_folder(path: Path) -> bool:
    """Whether path lies where the window keeps the user's own directions files (not made if missing)."""
    place = user_directions_folder(create=False)
    return place.is_dir() and Path(path).absolute().parent.samefile(place)


def _users_directions(path: Path) -> str:
    """What a file of the user's own directions is and how they are used: the window adds them to their model's
    sliders as it loads (ui/user_direction_files.py), from the directions folder, where a file is found by the
    start of its model's weights digest at the end of its name (user_directions.user_directions_file)."""
    path = Path(path)
    model = f" (last loaded from {folder})" if (folder := saved_folder(path)) else ""
    said = ("a file of your own slider directions, made with Edit → New direction from examples…, not a model "
            "itself: the genimg window adds them to the sliders of the model they were made in whenever that model "
            "loads")
    if _in_directions_folder(path):
        return f"{said}: load that model{model}"
    short = (saved_identity(path) or "")[:12]
    named = f" as {path.stem}-{short}{path.suffix}" if short and not path.stem.endswith(f"-{short}") else ""
    place = user_directions_folder(create=False)
    return f"{said}, from its directions folder ({place}): put this file there{named}, then load that model{model}"
