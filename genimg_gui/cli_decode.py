"""`genimg decode`: latent files back to PNGs (arguments: cli.py), each by the model given, else by the model the
file records where it can still be found, else by the bundled model of its kind, with a note saying so: another
model of the same latent size decodes a file without an error, into the wrong picture. No Qt is imported.
"""
from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from .catalog import bundled_models, recorded_model
from .cli_commands import per_file, say, write_png
from .cli_models import load_model, new_runtime, pass_model
from .engine.requests import ModelInfo
from .engine.runtime import LatentMismatch, Runtime
from .file_damage import what_file_holds
from .imaging import IMAGE_SUFFIXES
from .export import LatentFile, read_latent


def decode(args: argparse.Namespace) -> int:
    given, given_kind = (args.gan, "gan") if args.gan else (args.vae, "vae") if args.vae else (None, None)
    loaded: dict[tuple[str, Path | None], tuple[Runtime, ModelInfo]] = {}

    def model(kind: str, folder: Path | None) -> tuple[Runtime, ModelInfo]:  # each model loaded once
        if (kind, folder) not in loaded:
            loaded[kind, folder] = load_model(kind, folder, args.device, args.latent_scale)
        return loaded[kind, folder]

    if given:
        model(given_kind, given)  # refused before any file, as a model that will not load is
    else:
        new_runtime(args.device)  # a device this machine lacks: one usage error, not one per file

    def work(path: Path, stem: str) -> None:
        f = latent_of(path)
        kind = given_kind or f.kind or "vae"
        if f.kind not in (None, kind):
            raise ValueError(f"{path.name} holds a {f.kind.upper()} latent; decode it with --{f.kind} MODEL_DIR")
        folder = given or own_model(f, path, kind)
        rt, info = model(kind, folder)
        try:
            image = rt.render(kind, f.latent, f.mask, f.base)
        except LatentMismatch as e:
            raise LatentMismatch(f"{e}{made_by(f, kind, info.path)}") from None
        if folder is None and recorded_name(f) != info.name:
            say(fallback_note(path, f, kind, info.name))
        write_png(image, args.out / decoded_name(stem), args.scale)

    return per_file(args.latents, work, decoded_name)


def decoded_name(stem: str) -> str:
    return f"{stem}_decoded.png"


def latent_of(path: Path) -> LatentFile:
    """read_latent; an image given instead is pointed to the command that makes its latent."""
    try:
        return read_latent(path)
    except ValueError:
        if what_file_holds(path) == "it holds text":  # notes saved as notes.png: "is an image" went by its name alone
            raise ValueError(f"{path.name} is not a latent file: it holds text") from None
        if path.suffix.lower() in IMAGE_SUFFIXES:
            raise ValueError(f"{path.name} is an image, not a latent file: `genimg encode {shlex.quote(str(path))} "
                             "-o DIR` makes its latent (DIR/NAME.npz), which decode reads") from None
        raise


def own_model(f: LatentFile, path: Path, kind: str) -> Path | None:
    """The folder of the model that made the latent file at path, if it can still be found (catalog.recorded_model:
    its recorded path, else the bundled model of its weights or name); None if none is found."""
    return recorded_model(kind, f.model_name, f.model_path, path, bundled_models(), f.identity)


def recorded_name(f: LatentFile) -> str:
    """The name of the model the file records (its folder's name if it records a path only); "" if none."""
    return f.model_name or (Path(f.model_path).name if f.model_path else "")


def fallback_note(path: Path, f: LatentFile, kind: str, used: str) -> str:
    """The note for a file decoded by the bundled model because the one it records was not found, or because it
    records none (a bare np.savez): decode --help promises a note naming the model to pass."""
    name = recorded_name(f)
    if not name:
        return (f"genimg: note: {path.name} records no model; decoded with {used}, the bundled {kind.upper()}: if "
                f"another {kind.upper()} made it, pass --{kind} with its folder, as another model gives another "
                "picture")
    where = f" at {f.model_path}" if f.model_path else ""
    return (f"genimg: note: {path.name} was made with {name}, not found{where}; decoded with {used} instead, which "
            f"gives another picture ({pass_model(name, kind)} to decode it with its own)")


def made_by(f: LatentFile, kind: str, used: str) -> str:
    """'; it was made by PATH: pass --vae PATH', for a latent that does not fit the model used and records the one
    that made it (encode, generate, edit and the app record it), which alone can decode it; the model's folder to
    look for, if it is not at that path. When that model is the one used, there is nothing to pass: the file itself
    was damaged or edited."""
    if not f.model_path:
        return ""
    recorded = Path(f.model_path).expanduser()
    if recorded.exists() and recorded.resolve() == Path(used).resolve():
        return (f"; it records this {kind.upper()} ({f.model_path}) as the one that made it: the file was damaged "
                "or edited since")
    if recorded.exists():
        return f"; it was made by {f.model_path}: pass --{kind} {f.model_path}"
    name = recorded_name(f)
    return f"; it was made by {name}, not found at {f.model_path}: {pass_model(name, kind)}"
