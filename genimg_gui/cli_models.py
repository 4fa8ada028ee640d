"""Which model a command runs, and the notes on what it can take: the bundled default, loading with the SD VAE
scale question and a checkpoint or latent file given as a model answered, --class by name or index, --draw and
--fit a model has no use for (the other helpers the model commands share: cli_commands.py). No Qt is imported.
"""
from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Callable

from . import seed_draws
from .catalog import BUNDLED_DIR, TRAINABLE, bundled_models, default_model, user_file
from .cli_args import scale_option
from .cli_commands import CLIError, UsageError, note_ignored, say
from .cli_names import named_as_typed, shown_name
from .engine.requests import ModelInfo
from .engine.runtime import Runtime
from .image_files import with_pictures_step
from .models.foreign import NeedsScale
from .models.refine import DISCRIMINATOR_FILE
from .models.weights import ModelFileError
from .not_a_model import no_model_note
from .typed_options import typed
from .wording import close_name, converted_scale, latent_scale_said, names_said, with_word

# The commands that take each kind of model (as cli.build_parser gives them --vae or --gan): a model given as the
# other kind is pointed there ("pass it as --gan" pointed edit and encode to an option they do not have).
MODEL_COMMANDS = {"vae": "genimg encode, edit, decode or interpolate (with images)",
                  "gan": "genimg generate, decode or interpolate --seeds"}


def seed_draw(model: ModelInfo, args: argparse.Namespace) -> None:
    """--draw typed as a way this GAN cannot draw: it draws each seed's own z (Runtime.drawn_as), as --help says
    of a GAN that cannot; the default draw, not typed, falls back so without a note, unless a discriminator that
    would not load (a damaged file) is why: typed or not, refine says so, naming the file (the default had
    silently drawn own z). The GAN is named by the folder given, else the bundled model's name."""
    draw, name = args.draw, str(args.gan or model.name)
    if draw == seed_draws.REFINE and model.no_refine:
        told = "--draw refine ignored" if typed(args, "draw") else "seeds not refined"
        say(f"genimg: note: {told}: {name} cannot refine seeds: {model.no_refine}; each draws its own z")
        return
    note_ignored({f"--draw {draw}": typed(args, "draw") and draw not in model.draws}, why_own_z(model, draw, name))


def why_own_z(model: ModelInfo, draw: str, name: str) -> str:
    """Why the GAN draws each seed's own z, not as --draw asked (it said "NAME cannot draw seeds so", which left
    why, and what to do, to guess): genimg draws a StyleGAN2's seeds no other way; a GAN of genimg's own refines only
    with the discriminator `genimg train gan` saves beside it."""
    if model.card.get("architecture") not in TRAINABLE:
        return f"{name} is a StyleGAN2, whose seeds genimg draws with their own z only"
    if draw == seed_draws.REFINE:
        return (f"{name} has no {DISCRIMINATOR_FILE}, the discriminator that refining a seed needs (`genimg train "
                "gan` saves it beside the GAN); each seed draws its own z")
    return f"{name} cannot draw seeds as {draw}; each draws its own z"


def fit_used(model: ModelInfo, given: bool) -> None:
    """--fit given for a VAE that encodes each photo at its own size (SD, TAESD), with nothing to fit."""
    note_ignored({"--fit": given and model.spatial}, f"{model.name} encodes each photo at its own size")


# --- models ----------------------------------------------------------------

def model_folder(kind: str, folder: Path | None) -> Path:
    """The folder given, else the bundled default of the kind."""
    if folder is not None:
        return folder
    entry = default_model(kind, bundled_models())
    if entry is None:
        raise CLIError(f"no bundled {kind.upper()} in {BUNDLED_DIR}; pass --{kind} MODEL_DIR")
    return Path(entry.path)


def load_model(kind: str, folder: Path | None, device: str, latent_scale: float | None = None,
               chosen: bool = True) -> tuple[Runtime, ModelInfo]:
    """A Runtime holding the model of this kind from folder (default: the bundled one), or from a
    model file of another project (converted and cached as the app does; an SD VAE needs latent_scale, which
    chosen says the user typed: foreign.convert's)."""
    folder = model_folder(kind, folder)
    rt = new_runtime(device)
    said: set[str] = set()

    def progress(_fraction: float, text: str) -> None:  # once per phase, e.g. "computing latent directions"
        if text not in said:
            said.add(text)
            say(f"{text}…" if folder.name in text else f"{folder.name}: {text}…")  # "converting NAME: …" names it

    info = load_into(rt, folder, latent_scale, progress, chosen)
    if info.kind != kind:
        raise UsageError(f"{folder} holds a {info.kind.upper()}, not a {kind.upper()}: use it as --{info.kind} "
                         f"{shlex.quote(str(folder))} with {MODEL_COMMANDS[info.kind]}")
    return rt, info


def new_runtime(device: str) -> Runtime:
    """A Runtime on --device; a device this machine lacks is a usage error, as `genimg train`'s check_machine says."""
    try:
        return Runtime(device)
    except RuntimeError as e:
        raise UsageError(f"--device: {e}") from None


def bundled_path(name: str, kind: str) -> str | None:
    """The folder of the bundled model of this name and kind; None if none is bundled."""
    return next((e.path for e in bundled_models() if e.name == name and e.kind == kind), None)


def pass_model(name: str, kind: str, opened: str = "") -> str:
    """How to use the model a recipe was made for: 'pass --vae PATH' with the file or folder the recipe records as
    opened (an SD VAE's .safetensors file: the folder genimg converted it into is its own, not one the user made),
    where it is still there, else with the bundled model of its name, else 'pass --vae with NAME's folder' (a recipe
    saved before recipes recorded the path records the name alone)."""
    if opened and Path(opened).exists():
        return f"pass --{kind} {shlex.quote(opened)}"
    if found := bundled_path(name, kind):
        return f"pass --{kind} {found}"
    if opened:
        return f"pass --{kind} with {name}'s folder (the recipe was made with {opened}, not there now)"
    return f"pass --{kind} with {name}'s folder"


def class_index(model: ModelInfo, name: str | None) -> int | None:
    """--class NAME (any case) or INDEX -> the class index of a conditional GAN; None when not given."""
    if name is None:
        return None
    if not model.classes:  # --labels is genimg train's: a StyleGAN2 pickle's training had no such option
        why = " (it was trained without --labels)" if model.card.get("architecture") in TRAINABLE else ""
        raise UsageError(f"{model.name} has no classes{why}; drop --class")
    by_name = {c.lower(): i for i, c in enumerate(model.classes)}
    as_index = int(name) if name.isdigit() and int(name) < len(model.classes) else None
    if name.lower() in by_name:
        named = by_name[name.lower()]
        if as_index not in (None, named):  # "1" names one class and indexes another: the name wins, said
            say(f"genimg: note: --class {name}: the class named {model.classes[named]!r} (index {named}), not index "
                f"{as_index} ({model.classes[as_index]!r})")
        return named
    if as_index is not None:
        return as_index
    if (meant := by_word(name, list(model.classes), "--class", "drawing", model.name, "classes")) is not None:
        return model.classes.index(meant)
    close = close_name(name, list(model.classes))  # " (did you mean face-glasses?)", as --edit says of a direction
    raise UsageError(f"{model.name} has no class {name!r}{close}; its classes are: {names_said(model.classes)}; "
                     f"or give an index (0 … {len(model.classes) - 1})")


def by_word(typed: str, labels: list[str], option: str, doing: str, whose: str, noun: str) -> str | None:
    """The one label that has typed as a whole word (wording.with_word), taken with a note, for --class and --edit
    alike: `--class cat` draws cat-face, `--edit skin=2` moves skin tone: lighter → darker (it was refused, "did you
    mean skin tone?"). None when no label has it; a word several share is refused, naming them. (--edit first refuses
    a word of only the side a direction starts from: cli_edit.starts_from_word.)"""
    meant = with_word(typed, labels)
    if len(meant) == 1:
        say(f"genimg: note: {option} {typed}: {doing} {meant[0]}")
        return meant[0]
    if meant:
        raise UsageError(f"{option} {typed!r} matches {len(meant)} {noun} of {whose}: {names_said(meant)}; name one")
    return None


def load_into(rt: Runtime, path: Path, latent_scale: float | None,
              progress: Callable[[float, str], None] = lambda _f, _t: None, chosen: bool = True) -> ModelInfo:
    """rt.load, with the SD VAE scale question turned into the option that answers it, and a path that is no model
    (a training checkpoint, a latent file, a recipe: not_a_model.no_model_note) answered as the app answers it, the
    file named by its path as typed (`--vae enc/p001.npz` was "p001.npz is a latent file …")."""
    if note := no_model_note(path, "cli"):
        raise ModelFileError(named_as_typed(note, str(path)))
    try:
        info = rt.load(str(path), progress, latent_scale, chosen)
    except NeedsScale as e:
        raise UsageError(f"{e}; say which with --latent-scale sd or --latent-scale sdxl") from None
    except ModelFileError as e:  # a picture given as a model: where pictures go instead
        if (said := with_pictures_step(str(e) + hidden_bundled(path), path, "cli")) == str(e):
            raise
        raise ModelFileError(said) from None
    # an SD VAE file converted at this scale records it (foreign.convert); any other model has its own
    note_ignored({"--latent-scale": latent_scale is not None and converted_scale(info.card) != latent_scale},
                 scale_ignored_why(path, info.card))
    if latent_scale is None and path.resolve() != Path(info.path).resolve():  # converted: say which scale it has
        scale_note(path, info.card)
    if info.other_weights:  # its card's figures are another model's (the window's message log says the same)
        say(f"genimg: note: {info.other_weights}")
    if info.estimated_directions:  # its PC1 is not the one it was trained with (the window's log says the same)
        say(f"genimg: note: {info.estimated_directions}")
    return info


def hidden_bundled(path: Path) -> str:
    """"; this folder hides the bundled model NAME: name that one by its path, …" where a bare name typed is both a
    folder here that does not load and a bundled model's name (`genimg info emoji-vae` beside an empty emoji-vae/):
    a path there wins (cli_args.named_model), and its refusal had said only that it has no card.json, while a plain
    `genimg encode` in the same folder uses the bundled emoji-vae, its default. "" for any other path."""
    if str(path) != path.name or not path.is_dir():
        return ""
    bundled = next((e.path for e in bundled_models() if e.name == path.name), None)
    if bundled is None or Path(bundled).resolve() == path.resolve():  # typed inside weights/: it is the bundled one
        return ""
    return f"; this folder hides the bundled model {path}: name that one by its path, {shlex.quote(bundled)}"


def scale_ignored_why(path: Path, card: dict) -> str:
    """Why --latent-scale does not open the model at path at it: a folder genimg converted an SD VAE file into holds
    the one scale it was converted at (named by the user's file: the folder is genimg's own, hidden in its data
    folder; it was called "no Stable Diffusion VAE file"); any other model has its own."""
    if (scale := converted_scale(card)) is None:
        return f"{path.name} is no Stable Diffusion VAE file, whose latent scale it chooses"
    opened = user_file(card, str(path))
    return (f"genimg's conversion of {opened} holds latent scale {scale} ({scale_option(scale)}); pass "
            f"{shlex.quote(opened)} itself with --latent-scale to open it at another")


def scale_note(path: Path, card: dict) -> None:
    """The latent scale an SD VAE file was opened with, when --latent-scale did not give it: read from its
    config.json, or the one given when the file was last converted (the cache keeps it; no question again). It said
    "given when it was first converted" of a file converted at sd first, then again at sdxl, which it opened at."""
    if said := latent_scale_said(card):
        how = "" if card["source"].get("scale_from") else ", as given when it was last converted"
        say(f"genimg: note: {shown_name(path.name)}: {said}{how}; --latent-scale for another")
