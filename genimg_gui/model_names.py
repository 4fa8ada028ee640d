"""What a model is called: a model folder by its card's name (model_name), a model from elsewhere by the one rule its
converted model's card is named by (models/foreign.py) and the window names the file or folder by while it loads,
before the card exists (ui/slow_draw, ui/loading_note, the latent-scale question). Paths and cards only, no torch: the
window's layer may not import it."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from .catalog import DIFFUSERS_WEIGHTS, folder_weights, read_entry

HUB_SNAPSHOTS = "snapshots"  # huggingface_hub's download cache: models--<owner>--<name>/snapshots/<commit>/…
HUB_REPOSITORY_PREFIX = "models--"


def _is_snapshot(folder: Path) -> bool:
    return folder.parent.name == HUB_SNAPSHOTS and folder.parent.parent.name.startswith(HUB_REPOSITORY_PREFIX)


def repository_name(folder: Path) -> str:
    """A folder's name; a Hugging Face download cache's snapshot (models--stabilityai--sd-vae-ft-mse/snapshots/<commit>)
    its repository's (sd-vae-ft-mse), where the commit's 40 hex digits name nothing the user knows. A repository's
    name never holds "--" (huggingface_hub refuses it), so the last part is the name, with or without an owner."""
    return folder.parent.parent.name.split("--")[-1] if _is_snapshot(folder) else folder.name


def file_stem(path: Path, folder_name: Callable[[Path], str] = lambda folder: folder.name) -> str:
    """A file's name without suffix; a diffusers folder's for its weights file, which every such folder names alike,
    a pipeline's vae/ named after the pipeline ("sd15-vae": every pipeline's is "vae"). folder_name: what a folder is
    called; the cache folders' names keep the folder's own, so that the conversions made before are found."""
    if path.name not in DIFFUSERS_WEIGHTS:
        return path.stem
    folder = path.parent
    return f"{folder_name(folder.parent)}-vae" if folder.name == "vae" and folder.parent.name else folder_name(folder)


def display_name(path: Path) -> str:
    """The model's name as the user knows it: taesd_encoder.pth -> taesd (the pair is one model); a diffusers folder in
    a Hugging Face cache by its repository (sd-vae-ft-mse, stable-diffusion-xl-base-1.0-vae for a pipeline's vae/)."""
    stem = file_stem(Path(path), repository_name)
    for half in ("_encoder", "_decoder"):
        if stem.endswith(half):
            return stem[: -len(half)]
    return stem


def opened_name(path: str | Path) -> str:
    """A model file or folder as the window names it before it has loaded: in a Hugging Face download cache by the
    name it will load as (display_name: "Loading <commit>…" and "diffusion_pytorch_model.safetensors" named nothing
    the user knows), anything else by its own name, as the user gave it."""
    path = Path(path)
    if not any(_is_snapshot(folder) for folder in (path, *path.parents)):
        return path.name
    weights = folder_weights(path) if path.is_dir() else path
    return display_name(weights) if weights is not None else repository_name(path)


def model_name(path: str | Path) -> str:
    """A model as the window names it to the user: a model folder by its card's name, as the Models tab lists it and
    "Loaded …" says it, else by opened_name (a Hugging Face download's by the name it will load as). One answer for
    every note: the loading note named a folder not listed yet by the folder ("Loading run3…") while the waiting
    note beside it named it by its card ("my-vae will load when …")."""
    entry = read_entry(Path(path)) if Path(path).is_dir() else None
    return entry.name if entry is not None else opened_name(path)


def _in_pipeline(folder: Path) -> bool:
    """A diffusers model folder that is a pipeline's sub-folder: named so (vae/, vae_1_0/), or beside the pipeline's
    model_index.json, or right inside a Hugging Face cache's snapshot (a pipeline's repository)."""
    return (re.fullmatch(r"vae([-_.].*)?", folder.name, re.IGNORECASE) is not None
            or (folder.parent / "model_index.json").is_file() or _is_snapshot(folder.parent))


def family_names(path: str | Path) -> tuple[str, ...]:
    """The names that may tell which family a model belongs to (an SD VAE's weights cannot say SD 1/2 from SDXL): a
    lone file's own name (the folder it was saved in names no model); a diffusers folder's weights file, named alike in
    every such folder, by the model's name (display_name) and by its folder's, and, for a pipeline's sub-folder, by the
    pipeline's (vae_1_0/ of stable-diffusion-xl-base-1.0 is not named after it). Any other folder above is the user's
    own storage: sdxl/sd-vae-ft-mse/ is an SD 1.x VAE kept beside SDXL things, and was guessed SDXL."""
    path = Path(path)
    if path.name not in DIFFUSERS_WEIGHTS:
        return (path.name,)
    names = display_name(path), repository_name(path.parent)
    return (*names, repository_name(path.parent.parent)) if _in_pipeline(path.parent) else names
