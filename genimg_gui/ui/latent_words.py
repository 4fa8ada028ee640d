"""What the status bar says as a latent file opens (ui/latent_files.py): the switch to the model that made it, the
file opened, and a file refused because the SD VAE loaded is its weights at another latent scale."""
from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import read_entry
from ..export import LatentFile
from ..latent_model import recorded_name, sd_file, sd_file_gone
from ..paths import command_path
from ..wording import converted_scale, latent_scale_said, scale_said

if TYPE_CHECKING:
    from ..engine import requests as rq


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
