"""What the status bar says as a latent file opens (ui/latent_files.py): the switch to the model that made it, the
file opened, a file refused because the SD VAE loaded is its weights at another latent scale, and files not opened
because the model that made them is not here or another file of their open decides the model."""
from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import read_entry
from ..export import LatentFile
from ..latent_model import recorded_name, sd_file, sd_file_gone
from ..paths import command_path
from ..wording import converted_scale, latent_scale_said, listed, scale_said

if TYPE_CHECKING:
    from ..engine import requests as rq
    from .latent_files import _Claim, _Load


def switching_message(name: str, model: str, kind: str, info: rq.ModelInfo | None, folder: Path,
                      pictures: bool) -> str:
    """What the status bar says as the model that made a latent file loads for it: where another of its kind is
    loaded, that the VAE or GAN in use is switched, and that the pictures open follow it (as on any switch)."""
    entry = read_entry(folder)
    now = entry.name if entry is not None else model
    if info is None:
        return f"Loading {now}, which made {name}"
    follow = "; the pictures open follow it" if pictures else ""
    if os.path.realpath(info.path) == os.path.realpath(folder):  # written again since it was loaded: the file's now
        return f"Loading {now} again from {folder}, the weights it holds now, which made {name}{follow}"
    was = info.name
    at_was, at_now = latent_scale_said(info.card), latent_scale_said(entry.card) if entry is not None else ""
    if was == now and at_was and at_now and at_was != at_now:  # one SD VAE file's conversions: genimg's own folders
        was, now = f"{was} at {at_was}", f"{now} at {at_now}"
    elif was == now:  # another folder, or other weights, of one name
        was, now = f"{was} ({info.path})", f"{now} ({folder})"
    return f"Switching the {kind.upper()} from {was} to {now}, which made {name}{follow}"


def not_opened_at_scale(path: str, model: str, info: rq.ModelInfo, scale: float) -> str:
    """Why a latent file made with an SD VAE file at one latent scale was not opened where the VAE loaded is that
    file's conversion at another, and its own is not found (another scale draws another picture; "holds other
    weights" was untrue): how to convert the file at its scale again, which the window then switches to, or decode
    it (`decode --vae FILE` opens FILE at the scale the latent records); where the file is gone too, that it is, and
    the same with the path it has now. Files in commands by their whole path: they are pasted in a
    terminal, which may be in any folder."""
    name, latent, made = Path(path).name, command_path(path), scale_said(scale)
    said = (f"{name} was not opened: it was made with {model} at {made}, and the {model} loaded is its weights at "
            f"{latent_scale_said(info.card)}, which give another picture; ")
    if gone := sd_file_gone(info):
        # converted from another path, its conversion is another folder, which the file does not record: opened
        return said + (f"{gone}: convert that file where it is now at {made} (`genimg info NEWPATH --latent-scale "
                       f"{scale}`) and open it (File → Open model…), then open {name} again. `genimg decode {latent} "
                       f"--vae NEWPATH --latent-scale {scale}` decodes it at its scale")
    opened = shlex.quote(sd_file(info) or info.path)
    return said + (f"convert {opened} at {made} again (`genimg info {opened} --latent-scale {scale}`), then open "
                   f"{name} again. `genimg decode {latent} --vae {opened}` decodes it at its scale")


def opened_message(name: str, info: rq.ModelInfo, f: LatentFile, restored: bool) -> str:
    """What the status bar says of a latent file opened: the model that drew it (a converted SD VAE by its latent
    scale too: the switch to the file's own scale, said as the load began, gave way to "Loaded …" within a second,
    and "drawn by my-vae" was true of either scale), and where its edit went."""
    scale = converted_scale(info.card)
    said = f"Opened {name}, drawn by {info.name}" + (f" at {scale_said(scale)}" if scale is not None else "")
    if not recorded_name(f):
        said += " (it records no model: if another made it, its picture is another)"
    if any(f.values) and restored:
        return said + "; its edit is its last step in History"
    if not restored:
        mask = ", without its mask" if f.mask is not None else ""
        return said + f"; its edit is not along these directions, so it opened as one picture{mask}"
    return said


def not_opened(latent: str, model: str, kind: str, path: str, info: rq.ModelInfo | None, held: str,
               loaded: _Load | None) -> str:
    """Why the latent file at `latent` was not opened: the model it was made with is not here (path: where it records
    that model; held: that folder holds other weights now, in latent_model.other_weights_said's words, or ""; loaded:
    the model loaded for it, which did not load, is not its weights, or another took its place), and what to do; the
    decode command names the file by its whole path, as it is pasted in a terminal in any folder."""
    name = Path(latent).name
    if not model:
        return f"{name} was not opened: it records no model, and no {kind.upper()} is loaded; load one first"
    if loaded is not None:
        why = loaded_for_it(model, info, loaded)
    elif held:
        why = f"{model} at {held}, and no model listed holds them"
    elif info is not None and info.name == model:  # another of its name: trained again elsewhere, or apart
        why = (f"the {model} loaded ({info.path}) holds other weights than those it was made with, and "
               + (f"the one that made it was not found at {path}" if path else "no model listed holds its weights"))
    else:
        why = f"{model} is not loaded" + (f" and was not found at {path}" if path else " and is not listed")
    return (f"{name} was not opened: it was made with {model}, and {why}; open that {kind.upper()} (File → Open "
            f"model folder…), then open {name} again. `genimg decode {command_path(latent)} --{kind} MODEL_DIR` "
            "decodes it too")


def loaded_for_it(model: str, info: rq.ModelInfo | None, loaded: _Load) -> str:
    """What became of the model loaded for a latent file that still does not draw it: it holds other weights, another
    was loaded in its place meanwhile (picked as it loaded, or before it began), or it did not load."""
    if info is not None and os.path.realpath(info.path) == loaded.folder:
        return f"{model} at {info.path} holds other weights than those it was made with"
    now = "" if info is None else info.name if info.name != model else f"{info.name} ({info.path})"
    if now and loaded.ended == "loaded":
        return f"{now} was loaded in place of the {model} loaded for it"
    if now and loaded.ended == "superseded":
        return f"{now} was asked for before the {model} it needs began to load, and loaded instead"
    return f"{model} did not load"


def not_switched(names: list[str], model: str, kind: str, claim: _Claim) -> str:
    """Why latent files opened with another were not opened: they need another model of a kind than the one the
    first file of that kind is drawn by, and switching to theirs would take that file's picture with it."""
    files, one = listed(names), len(names) == 1
    first = Path(claim.path).name
    drawn = (f"had {claim.model} loaded for it" if claim.loaded
             else f"is drawn by {claim.model}, the {kind.upper()} loaded")
    return (f"{files} {'was' if one else 'were'} not opened: {'it was' if one else 'they were'} made with {model}, "
            f"and {first}, opened with {'it' if one else 'them'}, {drawn}; one {kind.upper()} draws all the pictures "
            f"open, so open {files if one else 'them'} on {'its' if one else 'their'} own to switch to {model}")
