"""Models from elsewhere: Stable Diffusion VAEs, TAESD and StyleGAN2 pickles.

`identify` says what a file is without running anything from it (safetensors headers,
weights-only torch loads, the restricted unpickler, magic bytes). `convert` builds the
project's own network for it and caches the result as an ordinary genimg model folder
(safetensors + card) under the cache root, so the next open is fast and every later load is
the usual safe one.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# a diffusers folder is told apart where the window tells model folders from folders of pictures (no torch)
from ..catalog import DIFFUSERS_CONFIG, DIFFUSERS_WEIGHTS, config_scale, folder_weights
# a text or empty file named as the note said before any load names it (not_a_model.no_weights_note)
from ..file_damage import CUT_SHORT_SAID, EMPTY_FILE_SAID, holds_pickle, holds_text, text_file_said
# named as the window names the file while it loads (no torch there)
from ..model_names import display_name, file_stem
from ..wording import SD_SCALES, counted, not_opened
from .errors import ModelFileError
from .own_weights import companion_file, folder_file, own_network, without_card
from .sd_vae import SDXL_SCALE, guess_scaling_factor
from .state_files import TORCH_SUFFIXES, damaged_safetensors, error_reason, load_plain, safetensors_names
from .weights import CARD_NAME, WEIGHTS_NAME, save_model

MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
         b"RIFF": "a RIFF file (WebP image or audio)", b"%PDF": "a PDF document", b"PK\x03\x04": "a zip archive",
         b"BM": "a BMP image", b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image"}


@dataclass(frozen=True)
class Identified:
    kind: str          # "genimg", "sd-vae", "taesd", "stylegan", "unsupported", or CARDLESS
    description: str   # what the file looks like, for the user ("a Stable Diffusion VAE ...")
    needs_scale: bool = False  # an SD VAE: the user must say SD 1/2 or SDXL


class NeedsScale(ModelFileError):
    """An SD VAE was opened without a latent scale; the file cannot tell, so the user must choose."""

    def __init__(self, path: Path, description: str) -> None:
        self.path, self.description = Path(path), description
        self.guess = guess_scale_label(path)
        choices = " or ".join(f"{label} ({value})" for label, value in SD_SCALES.items())
        # a diffusers folder's weights file is named alike in every folder: the model's name, as the window's question
        name = display_name(self.path) if self.path.name in DIFFUSERS_WEIGHTS else self.path.name
        super().__init__(f"{name} is {description}; its latent scale must be chosen: {choices}")


# genimg's own weights without their card.json, another file of a model's folder, or a file of the user's own
# directions (own_weights): refused as an unsupported file is, but its description says what to do, where the list
# of what genimg opens would read as if the file were foreign
CARDLESS = "genimg-weights"


def unsupported(path: Path, found: Identified) -> ModelFileError:
    """What the file is and why genimg refuses it (the description says both), then what genimg opens; for genimg's
    own weights without their card, the description says what to do, and that list is left out."""
    name = Path(path).name
    return ModelFileError(f"{name} is {found.description}." if found.kind == CARDLESS
                          else not_opened(name, found.description))


# --- identification ------------------------------------------------------------------------------

def _torch_keys(path: Path) -> list[str]:
    """Tensor names of a torch.save file, read weights-only (memory-mapped when it is a zip)."""
    import torch
    raw = load_plain(str(path), mmap=zipfile.is_zipfile(path))
    if isinstance(raw, dict) and isinstance(raw.get("state_dict"), dict):
        raw = raw["state_dict"]
    if not isinstance(raw, dict):
        raise ModelFileError(f"it holds a {type(raw).__name__}, not a dict of named tensors")
    return [str(k) for k, v in raw.items() if isinstance(v, torch.Tensor)]


def _classify_keys(keys: list[str], safetensors: Path | None = None) -> Identified:
    """What tensor names say a file is; safetensors: the file they are from, when it is one (genimg's own
    weights are written as one)."""
    text = " ".join(keys)
    if "decoder.up_blocks." in text or "decoder.up." in text:
        if "quant_conv." not in text:
            return Identified("unsupported", "an autoencoder without quant_conv (an SD3 or Flux VAE; "
                                             "their tiny versions TAESD3 and TAEF1 work)")
        layout = "diffusers" if "decoder.up_blocks." in text else "LDM"
        full = "model.diffusion_model." in text or "first_stage_model." in text
        extra = ", taken from a full Stable Diffusion checkpoint" if full else ""
        return Identified("sd-vae", f"a Stable Diffusion VAE ({layout} layout{extra})", needs_scale=True)
    if "encoder.layers." in text or "decoder.layers." in text:
        return Identified("taesd", "a TAESD tiny autoencoder (diffusers AutoencoderTiny layout)")
    if keys and all(k.split(".")[0].isdigit() for k in keys):
        return Identified("taesd", "a TAESD tiny autoencoder (one file of its encoder/decoder pair; the other "
                                   "is read from beside it)")
    if "model.diffusion_model." in text:
        return Identified("unsupported", "a Stable Diffusion UNet without its VAE")
    if any(k.startswith(("text_model.", "cond_stage_model.", "conditioner.")) for k in keys):
        return Identified("unsupported", "a text encoder")
    if safetensors and (what := own_network(keys)):  # a model folder's weights copied out alone: no card.json
        return Identified(CARDLESS, without_card(what, safetensors.name))
    if safetensors and (said := companion_file(keys, safetensors)):  # its directions or discriminator
        return Identified(CARDLESS, said)
    if not keys:
        return Identified("unsupported", "a file that holds no named tensors")
    sample = ", ".join(keys[:3]) + (", …" if len(keys) > 3 else "")
    count = counted(len(keys), "tensor")
    return Identified("unsupported", f"a weights file with {count} ({sample}) of an architecture genimg does not "
                                     "know")


def _identify_pickle(path: Path) -> Identified:
    """A network pickle, read by the restricted unpickler: nothing in it can run."""
    from .safe_pickle import PersistentStub, UnsafePickleError, plain, read_network_pickle
    from .stylegan2_files import STYLEGAN2_CLASSES, STYLEGAN3_CLASS
    try:
        data = read_network_pickle(path, tensor_data=False)  # what it holds, not its weights: none read
    except UnsafePickleError as e:
        return Identified("unsupported", f"a pickle that would call {e.global_name}, which no network pickle needs: "
                                         "nothing was read from it, as unpickling it could run code")
    except ModelFileError as e:  # its message names the file, which the one that quotes it names already
        if holds_text(path):  # a README saved as .pkl is a text file, as notes.pt is
            return Identified("unsupported", text_file_said(path))
        return Identified("unsupported", f"a pickle genimg cannot read: {str(e).replace(str(path), 'it')}")
    if "G_ema" not in data:
        found = ", ".join(sorted(map(str, data))[:6]) or "nothing"
        return Identified("unsupported", f"a pickle without a G_ema network (it holds: {found})")
    net = data["G_ema"]
    if not isinstance(net, PersistentStub):  # e.g. a state dict saved under that name: no class to build it by
        return Identified("unsupported", f"a pickle whose G_ema is {_what_object(net)}, not a StyleGAN network")
    kwargs = plain(net.state.get("_init_kwargs") or {})
    res = kwargs.get("img_resolution", "?") if isinstance(kwargs, dict) else "?"
    if net.class_name == STYLEGAN3_CLASS:
        return Identified("unsupported", f"a StyleGAN3 network pickle ({res}×{res}), which genimg does not "
                                         "draw yet")
    if net.class_name not in STYLEGAN2_CLASSES:
        return Identified("unsupported", f"a network pickle whose G_ema is a {net.class_name}, not a "
                                         "StyleGAN2 generator")
    c_dim = kwargs.get("c_dim", 0) if isinstance(kwargs, dict) else 0
    classes = f", conditional on {counted(c_dim, 'class', 'classes')}" if isinstance(c_dim, int) and c_dim > 0 else ""
    return Identified("stylegan", f"a StyleGAN2 network pickle ({res}×{res} generator{classes})")


def _what_object(value: object) -> str:
    """'a dict of 2 tensors', 'a list': what a pickle holds where a network should be."""
    import torch
    if isinstance(value, dict) and value and all(isinstance(v, torch.Tensor) for v in value.values()):
        return f"a dict of {counted(len(value), 'tensor')}"
    return f"a {type(value).__name__}"


def _identify_weights(path: Path, head: bytes) -> Identified:
    """A safetensors or torch file: what its tensor names say it is."""
    try:
        if len(head) > 8 and head[8:9] == b"{" or path.suffix == ".safetensors":
            return _classify_keys(safetensors_names(path), path)
        return _classify_keys(_torch_keys(path))
    except Exception as e:  # noqa: BLE001 - corrupt headers and refused pickles fail in many ways; nothing ran
        reason = error_reason(e, path)
        if path.suffix == ".safetensors" and holds_text(path):  # not a damaged safetensors file: never one at all
            return Identified("unsupported", text_file_said(path))
        if path.suffix == ".safetensors":
            return Identified("unsupported", damaged_safetensors(path, e))
        pickled = holds_pickle(path)  # protocol 0's text too
        if pickled or zipfile.is_zipfile(path):  # maybe a StyleGAN pickle saved as .pt
            found = _identify_pickle(path)
            if found.kind == "stylegan":
                return found
        if holds_text(path):
            return Identified("unsupported", text_file_said(path))
        if not pickled and not zipfile.is_zipfile(path):  # torch.save writes a zip or (before 1.6) a pickle
            return Identified("unsupported", "no checkpoint at all: its bytes are neither a torch zip nor a pickle")
        return Identified("unsupported", f"a file that cannot be read as plain tensors ({reason}); genimg never "
                                         "runs code from a model file")


def identify(path: Path) -> Identified:
    """What a user's file or folder is, and whether genimg can open it. Runs nothing from the file."""
    path = Path(path)
    if path.is_dir():
        if (path / CARD_NAME).is_file():
            return Identified("genimg", "a genimg model folder")
        if (weights := folder_weights(path)) is not None:
            return identify(weights)
        return Identified("unsupported", f"a folder without {CARD_NAME} or a diffusers {DIFFUSERS_WEIGHTS[0]}")
    if not path.is_file():
        raise ModelFileError(f"{path} does not exist")
    if path.name in (CARD_NAME, WEIGHTS_NAME) and (path.parent / CARD_NAME).is_file():
        return Identified("genimg", "a genimg model folder")
    if said := folder_file(path):  # its figures or sample grid, picked in the folder for the model
        return Identified(CARDLESS, said)
    with path.open("rb") as f:
        head = f.read(16)
    if not head:
        return Identified("unsupported", EMPTY_FILE_SAID)
    if path.suffix == ".pkl":
        return _identify_pickle(path)
    if head[8:9] == b"{":  # a safetensors header, whatever the suffix
        return _identify_weights(path, head)
    what = next((what for magic, what in MAGIC.items() if head.startswith(magic)), None)
    torch_zip = what == "a zip archive" and _has_data_pkl(path)
    if what == "a zip archive" and path.suffix in TORCH_SUFFIXES and not zipfile.is_zipfile(path):
        # a zip lists its files at its end: without it this is a torch file cut short, not some other archive
        return Identified("unsupported", f"a damaged torch file ({CUT_SHORT_SAID})")
    if what is not None and not torch_zip:  # e.g. a photo renamed to .safetensors
        return Identified("unsupported", what)
    if path.suffix in (".safetensors", *TORCH_SUFFIXES) or torch_zip or holds_pickle(path):
        return _identify_weights(path, head)
    if holds_text(path):
        return Identified("unsupported", text_file_said(path))
    return Identified("unsupported", f"a {path.suffix or 'suffix-less'} file genimg does not recognise")


def _has_data_pkl(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith("data.pkl") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def guess_scale_label(path: Path) -> str:
    """The file cannot say whether it is SD 1/2 or SDXL; its name, or a diffusers folder's, often does."""
    return "SDXL" if guess_scaling_factor(path) == SDXL_SCALE else "SD 1.x / 2.x"


# --- conversion ----------------------------------------------------------------------------------

def _fingerprint(path: Path, scaling_factor: float | None) -> str:
    """A cheap identity for the cache: size, mtime, the first MiB, the chosen scale."""
    st = path.stat()
    h = hashlib.sha1(f"{st.st_size}:{st.st_mtime_ns}:{scaling_factor}".encode())
    with path.open("rb") as f:
        h.update(f.read(1 << 20))
    return h.hexdigest()[:12]


def cache_folder(path: Path, cache_root: Path, scaling_factor: float | None = None) -> Path:
    """Where the conversion of `path` (with this scale) lives: one folder per file version and scale."""
    return Path(cache_root) / f"{file_stem(path)}-{_fingerprint(path, scaling_factor)}"


def _cached(path: Path, cache_root: Path, scaling_factor: float | None, chosen: bool) -> Path | None:
    """The conversion of this file version at this scale; without a scale, the one chosen last at whatever scale was
    chosen then (the question is asked once per file, not at every open). chosen: the user chose this scale now."""
    for scale in dict.fromkeys((scaling_factor, None)):
        if (folder := cache_folder(path, cache_root, scale) / CARD_NAME).is_file():
            if scale is not None and chosen:
                _chosen_now(folder.parent, path)
            return folder.parent
    if scaling_factor is not None:
        return None
    return max(_conversions(path, cache_root), key=_card_time, default=None)


def _conversions(path: Path, cache_root: Path) -> list[Path]:
    """The cache folders that hold a conversion of this very file version, at any scale."""
    if not Path(cache_root).is_dir():
        return []
    return [folder for folder in Path(cache_root).iterdir()
            if folder.name.startswith(f"{file_stem(path)}-") and _converted_from(path, folder)]


def _card_time(folder: Path) -> int:
    return (folder / CARD_NAME).stat().st_mtime_ns


def _chosen_now(folder: Path, path: Path) -> None:
    """A conversion chosen again at its scale (the Models tab's Latent scale…, --latent-scale) becomes the one a plain
    open of its file loads: the last chosen is told by its card's time, which a conversion made earlier kept. Later
    than every other conversion's, not just now: a card written within the clock's last tick has the same time."""
    newest = max((_card_time(other) for other in _conversions(path, folder.parent) if other != folder), default=0)
    now = max(time.time_ns(), newest + 1)
    try:
        os.utime(folder / CARD_NAME, ns=(now, now))
    except OSError:  # a read-only cache: the newest conversion stays the one opened without a scale
        pass


def _not_chosen(folder: Path, path: Path) -> None:
    """A conversion made at a scale the user did not choose (a latent file's, to decode it at the scale that made it)
    is dated before the file's other conversions, so a plain open keeps the scale the user chose last."""
    others = [_card_time(other) for other in _conversions(path, folder.parent) if other != folder]
    if others:
        try:
            os.utime(folder / CARD_NAME, ns=(min(others) - 1, min(others) - 1))
        except OSError:  # a read-only cache: it cannot have been written either
            pass


def _converted_from(path: Path, folder: Path) -> bool:
    """Whether the cache folder holds a conversion of this very file version (at the scale its card records)."""
    try:
        source = json.loads((folder / CARD_NAME).read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        return False
    scale = source.get("scaling_factor") if isinstance(source, dict) else None
    return isinstance(scale, (int, float)) and folder == cache_folder(path, folder.parent, float(scale))


def _build(path: Path, found: Identified, scaling_factor: float | None):
    if found.kind == "sd-vae":
        from .sd_vae_files import load_sd_vae
        return load_sd_vae(path, scaling_factor)
    if found.kind == "taesd":
        from .taesd import load_taesd
        return load_taesd(path)
    if found.kind == "stylegan":
        from .stylegan2_files import load_stylegan_pickle
        return load_stylegan_pickle(path)
    raise unsupported(path, found)


def convert(path: Path, cache_root: Path, scaling_factor: float | None = None,
            progress: Callable[[float, str], None] = lambda fraction, text: None, chosen: bool = True) -> Path:
    """A genimg model folder for `path`: the folder itself, or the cached conversion of the file
    (made now if missing; `progress` hears of it). Raises NeedsScale for an SD VAE without a scale,
    ModelFileError for anything genimg cannot open (saying what the file looks like and what is supported).
    chosen: the user chose scaling_factor (the scale question, --latent-scale), so a plain open of the file loads it
    from now on; False where a latent file's recorded scale was followed to decode it."""
    path = Path(path)
    if path.is_dir() and (weights := folder_weights(path)) is not None:
        path = weights  # a diffusers folder is its weights file, named after the folder; a TAESD pair's its encoder
    if path.is_file() and (folder := _cached(path, cache_root, scaling_factor, chosen)) is not None:
        return folder  # a cache hit needs no identification: the fingerprint knows the file
    found = identify(path)
    if found.kind == "genimg":
        return path if path.is_dir() else path.parent
    if found.kind in ("unsupported", CARDLESS):
        raise unsupported(path, found)
    from_config = found.needs_scale and scaling_factor is None and (scaling_factor := config_scale(path)) is not None
    if found.needs_scale and scaling_factor is None:
        raise NeedsScale(path, found.description)
    scale = float(scaling_factor) if found.needs_scale else None
    progress(0.0, f"converting {path.name}: {found.description}")
    net = _build(path, found, scale)
    # absolute as the user gave it, links kept: messages name it (a Hugging Face cache's snapshots/…/vae/ file is a
    # link to blobs/<sha256>, which the user never chose); identity checks resolve it themselves
    source = {"file": path.name, "path": os.path.abspath(path), "type": found.description}
    if scale is not None:
        label = next((k for k, v in SD_SCALES.items() if v == scale), "custom")
        source.update(scaling_factor=scale, scale_label=label)
        if from_config:  # not the user's choice: said so wherever the scale is shown
            source["scale_from"] = DIFFUSERS_CONFIG
    card = {"name": display_name(path), "source": source,
            "training": {"data": "unknown (converted from the user's file)", "licence": "see the file's origin"},
            "metrics": {}}
    folder = save_model(cache_folder(path, cache_root, scale), net, card)
    if scale is not None:  # dated as chosen last, or (a latent file's scale) before the file's other conversions
        (_chosen_now if chosen else _not_chosen)(folder, path)
    return folder
