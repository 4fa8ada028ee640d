"""Model folders: `model.safetensors` + `card.json` (+ `directions.safetensors`).

Loading never unpickles anything: safetensors holds plain tensors only, and the
card is JSON. Every way a user's file can be wrong ends in a ModelFileError
with a message that says what is wrong and what was expected.
"""
from __future__ import annotations

import json
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from ..card_sizes import size_problem
from ..fileio import atomic_path, atomic_write_bytes  # noqa: F401 (re-exported: models.weights.atomic_path)
from .errors import ModelFileError
from .gan import GANConfig, Generator
from .latent_gan import LatentGANConfig, LatentGenerator
from .sd_vae import AutoencoderKL, SDVAEConfig
from .state_files import check_finite, damaged_safetensors, misfits
from .stylegan2 import StyleGAN2Config, StyleGAN2Generator
from .taesd import TAESD, TAESDConfig
from .tensor_budget import TooManyTensors, for_file
from .vae import ConvVAE, VAEConfig
from ..weights_file import CARD_DIGEST, WEIGHTS_NAME, weights_digest

CARD_NAME = "card.json"
DIRECTIONS_NAME = "directions.safetensors"
FORMAT = "genimg-model"
# name in the card -> (network, config, kind). The foreign ones (SD VAE, TAESD, StyleGAN2) are what
# models.foreign converts users' files into, so a converted model is an ordinary model folder.
ARCHITECTURES = {"ConvVAE": (ConvVAE, VAEConfig, "vae"), "MappedGenerator": (Generator, GANConfig, "gan"),
                 "LatentGenerator": (LatentGenerator, LatentGANConfig, "gan"),
                 "AutoencoderKL": (AutoencoderKL, SDVAEConfig, "vae"), "TAESD": (TAESD, TAESDConfig, "vae"),
                 "StyleGAN2Generator": (StyleGAN2Generator, StyleGAN2Config, "gan")}
# the config fields whose numbers (LAYER_COUNTS) or lists' lengths (LAYER_LISTS) say how many layers are built
LAYER_COUNTS = ("mapping_layers", "num_mapping_layers", "num_res_blocks", "img_resolution")
LAYER_LISTS = ("channels", "ch_mult")


def parameter_count(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def architecture_of(net: nn.Module) -> str:
    for name, (cls, _, _) in ARCHITECTURES.items():
        if type(net) is cls:
            return name
    raise TypeError(f"no registered architecture for {type(net).__name__}")


def kind_of(net: nn.Module) -> str:
    """"vae" or "gan", from the registry."""
    return ARCHITECTURES[architecture_of(net)][2]


def is_spatial(net: nn.Module) -> bool:
    """Whether the network takes images of any size (sides divisible by its downscale factor) and
    makes a (C, H/f, W/f) latent of that size; the bundled ConvVAE has one fixed resolution."""
    return bool(getattr(net.cfg, "spatial", False))


def save_tensors(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    with atomic_path(path) as tmp:
        save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp))


def save_model(folder: Path, net: nn.Module, card: dict) -> Path:
    """Write weights and a card that records architecture, config, sizes and the weights' digest (CARD_DIGEST: a
    card given with another model's digest, a --resume's or --init's, gets this one)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arch = architecture_of(net)
    save_tensors(folder / WEIGHTS_NAME, net.state_dict())
    full = {**card, "format": FORMAT, "format_version": 1, "architecture": arch,
            "kind": ARCHITECTURES[arch][2], "config": net.cfg.to_dict(),
            "resolution": net.cfg.resolution, "parameters": parameter_count(net),
            "latent_shape": list(latent_shape(net)), "spatial": is_spatial(net), CARD_DIGEST: weights_digest(folder)}
    atomic_write_bytes(folder / CARD_NAME, json.dumps(full, indent=2).encode())
    return folder


def latent_shape(net: nn.Module) -> tuple[int, ...]:
    """A VAE's latent (C, h, w) (for a spatial one: at its nominal resolution); a GAN's w (w_dim,)."""
    return _config_latent(net.cfg, kind_of(net))


def _config_latent(cfg, kind: str) -> tuple[int, ...]:
    return tuple(cfg.latent_shape) if kind == "vae" else (cfg.w_dim,)


def _drawn_side(cfg) -> int:
    """The side of the images the config's network really draws: genimg's VAE decoder doubles its latent grid once
    per channel entry after the first (a resolution it does not divide is rounded down), the pixel GAN from 4 px;
    the other networks draw their config's resolution."""
    vae = getattr(cfg, "vae", cfg)
    if isinstance(vae, VAEConfig):
        return vae.latent_shape[1] * 2 ** (len(vae.channels) - 1)
    if isinstance(cfg, GANConfig):
        return 4 * 2 ** (len(cfg.channels) - 1)
    return cfg.resolution


def checked_sizes(card: dict, folder: Path) -> dict:
    """The card with its resolution and latent_shape checked against the network its config describes (derived
    from it where the card has none); a ModelFileError names the field, its value and what the network has."""
    if problem := size_problem(card, against_config=False):
        raise ModelFileError(f"{folder}: {problem}")
    _, cfg_cls, kind = ARCHITECTURES[card["architecture"]]
    try:
        cfg = cfg_cls.from_dict(card["config"])
        resolution, drawn, shape = int(cfg.resolution), int(_drawn_side(cfg)), list(_config_latent(cfg, kind))
    except Exception:  # noqa: BLE001 - a config that makes no network: build_network says what is wrong with it
        if problem := size_problem(card):
            raise ModelFileError(f"{folder}: {problem}") from None
        return card
    if min(resolution, drawn, *shape) < 1:
        return card  # build_network says that both must be positive
    if resolution != drawn:  # a hand-edited config: its channels, not its resolution, decide what it draws
        raise ModelFileError(f"{folder}: card.json's config says resolution {resolution}, but its network draws "
                             f"{drawn}×{drawn}: correct the config")
    card = {"resolution": resolution, "latent_shape": shape, **card}
    if card["resolution"] != drawn:
        raise ModelFileError(f"{folder}: card.json says resolution {card['resolution']}, but its network draws "
                             f"{drawn}×{drawn}: correct the card")
    if card["latent_shape"] != shape:
        raise ModelFileError(f"{folder}: card.json says latent_shape {card['latent_shape']}, but its network's "
                             f"latent at resolution {resolution} is {'×'.join(map(str, shape))}: correct the card")
    return card


def read_card(folder: Path) -> dict:
    path = Path(folder) / CARD_NAME
    if not Path(folder).exists():
        raise ModelFileError(f"{folder} does not exist")
    if Path(folder).is_file():
        raise ModelFileError(f"{folder} is a file, not a genimg model folder (a folder holding "
                             f"{CARD_NAME} and {WEIGHTS_NAME})")
    if not path.is_file() and (Path(folder) / WEIGHTS_NAME).is_file():  # a card lost, or left behind in a copy
        raise ModelFileError(f"{folder} is not a genimg model folder: it has {WEIGHTS_NAME} but no {CARD_NAME}. A "
                             f"model folder needs both, as genimg train writes them: the card says which network "
                             "the weights are for; copy it back from the folder this one came from")
    if not path.is_file():
        raise ModelFileError(f"{folder} is not a genimg model folder: it has no {CARD_NAME}")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as e:  # bad UTF-8, bad JSON, or nesting deeper than Python's stack
        raise ModelFileError(f"{CARD_NAME} in {folder} is not valid JSON ({_json_fault(e)})") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a genimg model card (\"format\" must be \"{FORMAT}\")")
    missing = [k for k in ("architecture", "config", "kind") if k not in card]
    if missing:
        raise ModelFileError(f"{path} lacks the field(s): {', '.join(missing)}")
    if not isinstance(card["architecture"], str) or card["architecture"] not in ARCHITECTURES:
        raise ModelFileError(f"{path}: unknown architecture {card['architecture']!r}; "
                             f"supported: {', '.join(ARCHITECTURES)}")
    if card["kind"] != ARCHITECTURES[card["architecture"]][2]:
        raise ModelFileError(f"{path}: \"kind\" is {card['kind']!r}, but a {card['architecture']} is a "
                             f"{ARCHITECTURES[card['architecture']][2]!r}")
    if not isinstance(card["config"], dict):
        raise ModelFileError(f"{path}: \"config\" must be a JSON object, not {json.dumps(card['config'])[:40]}")
    return checked_sizes(card, Path(folder))


def _json_fault(e: Exception) -> str:
    """Where or why a card is not JSON, in words: the parser's own ("Expecting property name enclosed in double
    quotes: line 1 column 15 (char 14)") was shown as it came."""
    if isinstance(e, json.JSONDecodeError):
        return f"line {e.lineno}, column {e.colno}"
    if isinstance(e, UnicodeDecodeError):
        return f"it is not UTF-8 text, at byte {e.start + 1}"
    return "it is nested too deeply" if isinstance(e, RecursionError) else str(e)


def build_network(card: dict, device: str | torch.device = "cpu", tensors: int | None = None) -> nn.Module:
    """The card's network with fresh weights; on device "meta" it has shapes but takes no memory. tensors: how many
    the weights file holds, which the network's parameters cannot far outnumber (tensor_budget); a card declaring
    more (a layer count of millions, which built layers for ever) fails as soon as it passes them."""
    cls, cfg_cls, _ = ARCHITECTURES[card["architecture"]]
    try:
        with torch.device(device), (for_file(tensors) if tensors is not None else nullcontext()):
            net = cls(cfg_cls.from_dict(card["config"]))
    except TooManyTensors as e:
        raise ModelFileError(f"the model card's config describes a {card['architecture']} of {e}, but "
                             f"{WEIGHTS_NAME} holds {e.tensors}: a layer count in the config is wrong"
                             f"{_counts_said(card['config'])}; correct the card") from None
    except Exception as e:  # noqa: BLE001 - any way the card's numbers fail to make a network
        raise ModelFileError(f"the model card's config is invalid for {card['architecture']}: {e!r}") from None
    if getattr(net.cfg, "resolution", 1) < 1 or min(latent_shape(net)) < 1:
        raise ModelFileError(f"the model card's config gives resolution {net.cfg.resolution} and latent shape "
                             f"{latent_shape(net)}; both must be positive")
    return net


def _counts_said(config: dict) -> str:
    """The config's numbers that decide how many layers a network has, as the card gives them: " (mapping_layers
    100000000, 5 channels)"; "" where it has none of them."""
    said = [f"{k} {json.dumps(v)[:20]}" for k, v in config.items() if k in LAYER_COUNTS]
    said += [f"{len(v)} {k}" for k, v in config.items() if k in LAYER_LISTS and isinstance(v, list)]
    return f" ({', '.join(said)})" if said else ""


def read_tensors(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise ModelFileError(f"missing weights file {path}")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as e:
        raise ModelFileError(f"{path} is {damaged_safetensors(path, e)}") from None


def check_state_dict(net: nn.Module, state: dict[str, torch.Tensor], source: Path) -> None:
    """Compare names, shapes and data types before load_state_dict, to say exactly which tensors do not fit; weights
    that are plainly the other kind of model's are said to be so. A GAN's weights beside a VAE's card were "38
    missing: encoder.0.bias, … 23 unexpected: latent_mean, …", which left the user to tell whose they were."""
    if not (problems := misfits(net, state)):
        return
    # a network of no registered architecture (a GAN's discriminator) has its misfits listed
    kind = next((k for cls, _, k in ARCHITECTURES.values() if type(net) is cls), "")
    if kind and (other := other_kind(kind, state)):
        raise ModelFileError(f"{source} does not match its card's architecture: its weights are a {other.upper()}'s, "
                             f"not a {kind.upper()}'s ({architecture_of(net)}, as its card says): the weights and "
                             f"{CARD_NAME} must come from one model")
    raise ModelFileError(f"{source} does not match its card's architecture: " + "; ".join(problems))


def other_kind(kind: str, state: dict[str, torch.Tensor]) -> str:
    """The other kind ("gan" for a "vae") whose networks' top-level parts the state's names hold, where no network
    of kind's does; "" otherwise (a damaged file, another VAE's weights, another program's)."""
    parts = {name.split(".")[0] for name in state}
    kinds = {k for name, k in _parts_of_kinds() if name <= parts}
    return kinds.pop() if len(kinds) == 1 and kind not in kinds else ""


@lru_cache(maxsize=1)
def _parts_of_kinds() -> tuple[tuple[frozenset[str], str], ...]:
    """Each registered network's top-level parts ("encoder", "mapping", "latent_mean") and its kind, from a network
    of its default config built on the meta device (no memory taken)."""
    with torch.device("meta"):
        return tuple((frozenset(k.split(".")[0] for k in cls(cfg_cls()).state_dict()), kind)
                     for cls, cfg_cls, kind in ARCHITECTURES.values())


def load_model(folder: Path) -> tuple[nn.Module, dict]:
    """Build the network its card describes and load its weights; eval mode, CPU.

    The network is first built on the meta device, no bigger than the file's tensors allow, and checked against the
    file's shapes, so a card asking for a giant network fails at once instead of allocating it."""
    folder = Path(folder)
    card = read_card(folder)
    state = read_tensors(folder / WEIGHTS_NAME)
    try:
        net = build_network(card, "meta", tensors=len(state))
    except ModelFileError as e:
        raise ModelFileError(f"{folder / CARD_NAME}: {e}") from None
    check_state_dict(net, state, folder / WEIGHTS_NAME)
    check_finite(state, str(folder / WEIGHTS_NAME), "the training that wrote it diverged")
    # strict loading overwrites every parameter and persistent buffer; anything else needs a real build
    fully_loaded = {k for k, _ in [*net.named_parameters(), *net.named_buffers()]} <= set(state)
    net = net.to_empty(device="cpu") if fully_loaded else build_network(card)
    net.load_state_dict(state, strict=True)
    return net.eval(), card
