"""`genimg decode`: latent files back to PNGs (arguments: cli.py), each by the model given, else by the model the
file records where it can still be found (latent_model.own_model: by its weights, as the window finds it), else by the
bundled model of its kind, with a note saying so: another model of the same latent size decodes a file without an
error, into the wrong picture. No Qt is imported.
"""
from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Callable

from .catalog import bundled_models, read_entry, user_file
from .cli_args import scale_option
from .cli_commands import TilesOnStderr, per_file, say, write_png
from .cli_names import shown_name
from .cli_pictures import latents_given, no_latents_in
from .cli_models import load_model, new_runtime
from .engine.requests import ModelInfo
from .engine.runtime import LatentMismatch, Runtime
from .file_damage import what_file_holds
from .export import LatentFile, file_kind, read_latent
from .latent_model import (made_scale, other_scale, other_weights_at, other_weights_said, own_model as found_model,
                           recorded_name, same_model, sd_file, sd_file_gone)
from .wording import converted_scale


def decode(args: argparse.Namespace) -> int:
    given, given_kind = (args.gan, "gan") if args.gan else (args.vae, "vae") if args.vae else (None, None)
    loaded: dict[tuple[str, Path | None, float | None], tuple[Runtime, ModelInfo]] = {}

    def model(kind: str, folder: Path | None, scale: float | None = args.latent_scale) -> tuple[Runtime, ModelInfo]:
        if (kind, folder, scale) not in loaded:  # each model loaded once (an SD VAE file once per scale)
            # a scale other than the one typed is a latent file's (at_its_scale): not the user's choice of scale
            # for later plain opens of the file
            chosen = scale == args.latent_scale
            loaded[kind, folder, scale] = load_model(kind, folder, args.device, scale, chosen)
        return loaded[kind, folder, scale]

    if given:
        model(given_kind, given)  # refused before any file, as a model that will not load is
    else:
        new_runtime(args.device)  # a device this machine lacks: one usage error, not one per file

    def work(path: Path, stem: str) -> None:
        f = latent_of(path)
        kind = given_kind or f.kind or "vae"
        if f.kind not in (None, kind):
            raise ValueError(other_kind(path, f, kind))
        own = own_model(f, path, kind)
        rt, info = at_its_scale(f, path, own, given, args.latent_scale, model) if kind == "vae" \
            else model(kind, given or own)
        folder = given or own
        try:
            image = rt.render(kind, f.latent, f.mask, f.base, tiles=TilesOnStderr())
        except LatentMismatch as e:
            raise LatentMismatch(f"{tried(e, kind, info.name, given is not None, folder is None)}"
                                 f"{made_by(f, path, kind, info.path, own)}") from None
        if folder is None and recorded_name(f) != info.name:
            say(fallback_note(path, f, kind, info.name))
        elif note := other_model_note(path, f, info, own, given is not None):
            say(note)
        write_png(image, args.out / decoded_name(stem), args.scale)

    return per_file(latents_given(args.latents), work, lambda stem: (decoded_name(stem),), args.out)


def at_its_scale(f: LatentFile, path: Path, own: Path | None, given: Path | None, typed: float | None,
                 model: Callable[..., tuple[Runtime, ModelInfo]]) -> tuple[Runtime, ModelInfo]:
    """The VAE to decode the file with (given, else its own folder, else the bundled one), at the latent scale it was
    made at where an SD VAE file converted at another scale made it (one file, one digest, at each scale another
    picture): --vae FILE without --latent-scale loads FILE at the file's scale; --latent-scale typed as another is
    refused; its own conversion, found, decodes it at its own scale, a --latent-scale typed ignored with a note."""
    made = made_scale(f, own)
    if given is None:
        if own is None or made is None:
            return model("vae", own)
        if typed not in (None, made):
            say(f"genimg: note: --latent-scale {scale_option(typed)} ignored: {shown_name(path)} was made with "
                f"{opened_model(own)[0]} at latent scale {made} ({scale_option(made)}), and is decoded at it (another "
                "scale gives another picture)")
        return model("vae", own, None)  # its conversion's card holds its scale
    rt, info = model("vae", given)
    if not other_scale(f, own, info) or made is None or Path(info.path).resolve() == given.resolve():
        return rt, info  # a genimg folder given holds one scale: other_model_note says it is another
    if typed is None:
        return model("vae", given, made)
    raise ValueError(f"{shown_name(path)} was made at latent scale {made} ({scale_option(made)}), not at "
                     f"{converted_scale(info.card)} as --latent-scale {scale_option(typed)} loads {given.name}, "
                     f"which would give another picture: pass --latent-scale {scale_option(made)}, or leave it out")


def decoded_name(stem: str) -> str:
    return f"{stem}_decoded.png"


def latent_of(path: Path) -> LatentFile:
    """read_latent; an image given instead is pointed to the command that makes its latent, and a folder of none
    (latents_given) said to hold none."""
    if path.is_dir():
        raise ValueError(no_latents_in(path))
    try:
        return read_latent(path)
    except ValueError:
        if what_file_holds(path) == "it holds text":  # notes saved as notes.png: "is an image" went by its name alone
            raise ValueError(f"{path} is not a latent file: it holds text") from None
        if file_kind(path) == "an image":
            raise ValueError(f"{path} is an image, not a latent file: `genimg encode {shlex.quote(str(path))} "
                             "-o DIR` makes its latent (DIR/NAME.npz), which decode reads") from None
        raise


def own_model(f: LatentFile, path: Path, kind: str) -> Path | None:
    """The folder of the model that made the latent file at path, if it can still be found (latent_model.own_model:
    its recorded folder, else a bundled model, that holds its weights); None if none is found."""
    return found_model(f, path, kind, bundled_models())


def other_kind(path: Path, f: LatentFile, given: str) -> str:
    """Why a latent of the other kind is refused, and how to decode it: with the model it records where that is
    found (--vae or --gan left out, decode finds it), else by that model's folder ("decode it with --gan MODEL_DIR"
    sent a file that records its GAN to look for one)."""
    said = f"{path} holds a {f.kind.upper()} latent"
    if not (name := recorded_name(f)):
        return f"{said}; decode it with --{f.kind} MODEL_DIR"
    if own_model(f, path, f.kind):
        return f"{said}, made with {name}: leave out --{given} to decode it with {name}"
    return f"{said}, made with {name}: {pass_own(f, path, f.kind)}, not --{given}"


def pass_own(f: LatentFile, path: Path, kind: str) -> str:
    """How to decode a file with its own model where own_model found none: 'pass --vae with NAME's folder', or with a
    folder that holds its weights where the folder it records holds others now. No bundled folder of its name is
    named (as cli_models.pass_model names one for a recipe): own_model looked among them, so one of its name holds
    other weights, and may be the very model just used."""
    if other_weights_at(f, path, kind):
        return f"pass --{kind} with a folder that holds its weights"
    return f"pass --{kind} with {recorded_name(f)}'s folder"


def other_model_note(path: Path, f: LatentFile, info: ModelInfo, own: Path | None, given: bool) -> str:
    """The note for a file decoded by another model than the one it records (same_model): the model given, or its
    own folder trained again since. Its latent fits (it was decoded), but another model draws another picture; a
    file that records no model is the model given's to decode. "" when there is nothing to say."""
    if not (name := recorded_name(f)) or same_model(f, own, info):
        return ""
    if other_scale(f, own, info):  # its very weights, converted at another scale: "other weights" was untrue
        return other_scale_note(path, f, info, own)
    kind = info.kind
    if name == info.name:  # its own folder trained again, or a model trained apart under its name
        made = f"other weights of {name} than those in {info.path}"
    else:
        made = name
    if own is not None and given and Path(own).resolve() != Path(info.path).resolve():
        how = f" (leave out --{kind} to decode it with its own)"
    elif own is None:
        how = f" ({pass_own(f, path, kind)} to decode it with its own)"
    else:
        how = ""
    used = f"{info.name}, as --{kind} says" if given else info.name
    file = shown_name(path)  # as typed: two files of one name in two folders are told apart
    return f"genimg: note: {file} was made with {made}; decoded with {used}, which gives another picture{how}"


def other_scale_note(path: Path, f: LatentFile, info: ModelInfo, own: Path | None) -> str:
    """The note for a file decoded by a conversion of its SD VAE file at another latent scale than it was made at
    (a conversion folder given to --vae: it holds its one scale), as the scale refused of --vae FILE is said."""
    made, used = made_scale(f, own), converted_scale(info.card)
    opened, gone = sd_file(info), sd_file_gone(info)
    if own is not None:
        how = " (leave out --vae to decode it with its own)"
    elif gone:  # "pass --vae with my-vae's folder": it was a file, and is not where it was
        how = (f"; {gone}: pass --vae with that file where it is now and --latent-scale {scale_option(made)} to "
               "decode it at its own")
    elif opened:  # the file itself opens at the latent's scale
        how = f" (pass --vae {shlex.quote(opened)} --latent-scale {scale_option(made)} to decode it at its own)"
    else:
        how = f" ({pass_own(f, path, 'vae')} to decode it with its own)"
    return (f"genimg: note: {shown_name(path)} was made with {recorded_name(f)} at latent scale {made} "
            f"({scale_option(made)}); decoded with {info.name} at latent scale {used} ({scale_option(used)}), as "
            f"--vae says, which gives another picture{how}")


def fallback_note(path: Path, f: LatentFile, kind: str, used: str) -> str:
    """The note for a file decoded by the bundled model because the one it records was not found, or because it
    records none (a bare np.savez): decode --help promises a note naming the model to pass."""
    name, file = recorded_name(f), shown_name(path)
    if not name:
        return (f"genimg: note: {file} records no model; decoded with {used}, the bundled {kind.upper()}: if "
                f"another {kind.upper()} made it, pass --{kind} with its folder, as another model gives another "
                "picture")
    if there := other_weights_at(f, path, kind):  # its folder trained again in place since: not its model now
        return (f"genimg: note: {file} was made with {name}, and {other_weights_said(f, there)}; decoded with "
                f"{used} instead, which gives another picture (pass --{kind} with a folder that holds its weights "
                "to decode it with its own)")
    where = f" at {f.model_path}" if f.model_path else ""
    return (f"genimg: note: {file} was made with {name}, not found{where}; decoded with {used} instead, which "
            f"gives another picture ({pass_own(f, path, kind)} to decode it with its own)")


def tried(e: LatentMismatch, kind: str, name: str, given: bool, fallback: bool) -> str:
    """The runtime's "latent of size 512 does not fit the VAE (expects 1024)" with the model named, and why it was
    the one tried: the bundled one, where the model the file records was not found, went unnamed."""
    why = f", as --{kind} says" if given else f", the bundled {kind.upper()} tried in its place" if fallback else \
        ", the one it records"
    return str(e).replace(f"does not fit the {kind.upper()} ", f"does not fit {name}{why} ", 1)


def made_by(f: LatentFile, path: Path, kind: str, used: str, own: Path | None) -> str:
    """'; it was made by PATH: pass --vae PATH', for a latent that does not fit the model used and records the one
    that made it (encode, generate, edit and the app record it), which alone can decode it; the model's folder to
    look for, if it is not at that path or holds other weights now (own: a folder that holds them, own_model). When
    that model is the one used, there is nothing to pass: the file itself was damaged or edited."""
    if not f.model_path:
        return ""
    if there := other_weights_at(f, path, kind):
        return (f"; it was made by {recorded_name(f)}, and {other_weights_said(f, there)}: pass --{kind} with a "
                "folder that holds its weights")
    recorded = Path(f.model_path).expanduser()
    if recorded.exists() and recorded.resolve() == Path(used).resolve():
        return (f"; it records this {kind.upper()} ({f.model_path}) as the one that made it: the file was damaged "
                "or edited since")
    # its own model, found (own_model: by its weights) and not the one used: left out, --vae finds it
    leave_out = f", or leave out --{kind} to decode it with {recorded_name(f)}" if own is not None else ""
    if recorded.exists():
        opened, scale = opened_model(recorded)
        return f"; it was made by {opened}: pass --{kind} {shlex.quote(opened)}{scale}{leave_out}"
    if own is not None and Path(own).resolve() == Path(used).resolve():  # a copy of its weights, found and used
        return f"; {used} holds the weights it records as those that made it: the file was damaged or edited since"
    found = f"pass --{kind} {own}{leave_out}" if own is not None else pass_own(f, path, kind)
    return f"; it was made by {recorded_name(f)}, not found at {f.model_path}: {found}"


def opened_model(folder: Path) -> tuple[str, str]:
    """The model file or folder the user opened for a model folder a latent file records, and the --latent-scale that
    opens it so (" --latent-scale sd"; "" where none is needed): for a cached conversion, the SD VAE (or TAESD,
    StyleGAN) file it was converted from, as `edit --recipe` names it (cli_models.pass_model), where that file is
    still there; the cache folder is genimg's own, hidden in its data folder. The scale is the one it was converted at,
    unless its config.json gives it: a file converted at two scales opens at the last one's without it."""
    entry = read_entry(folder)
    opened = user_file(entry.card, str(folder)) if entry is not None else str(folder)
    if opened == str(folder) or not Path(opened).exists():  # no file, or it is gone: its conversion still decodes it
        return str(folder), ""
    source = entry.card["source"]
    if not isinstance(scale := source.get("scaling_factor"), (int, float)) or source.get("scale_from"):
        return opened, ""
    return opened, f" --latent-scale {scale_option(scale)}"

