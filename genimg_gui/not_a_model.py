"""Why a path given as a model is none, said before any load is asked for, in one wording for the window and the
CLI: a training checkpoint, a checkpoint or other file that is not in a model's folder, a folder of TAESD files that
pair up otherwise than one to one, a latent file, an edit recipe, a model file that holds text or nothing. Each note
names the file by its name (the CLI puts the path as typed in its place: cli_names.named_as_typed), its folder as
typed (but a bare name's: folder_said), and ends with the next step where the user is: "app" (the window) or "cli".
No Qt, no torch (the window asks it on its own thread)."""
from __future__ import annotations

import os
import shlex
from pathlib import Path

from .catalog import TRAINING_CHECKPOINTS, is_model_file, taesd_note
from .earlier_run import BEST_FILE, CARD_FILE, CHECKPOINT_FILE, LOCK_FILE, MODEL_FILE, holder_said, lock_holder
from .export import holds_latent
from .file_damage import not_weights_said
from .paths import command_path, shown_path
from .recipe import recipe_at
from .wording import in_sigmas, not_opened

# the next step for a latent file or a recipe given as a model ({} its path, quoted for a shell)
LATENT_GOES = {"app": "open it with File → Open images… or drop it on the canvas",
               "cli": "`genimg decode {path} -o {folder}` decodes it beside itself"}
RECIPE_GOES = {"app": "File → Apply recipe to current image… (or a drop on the canvas) applies it",
               "cli": "`genimg {how} -o OUT --recipe {path}` applies it"}
# the next step for a run's checkpoint: training it further ({} its folder; in the window as Train…'s Save to takes it,
# and its Start asks "Continue it" of a folder that holds a run)
RESUME_GOES = {"app": "Train… (Save to: {folder}, then Start, then Continue it)",
               "cli": "`genimg train … -o {folder} --resume`"}
# why a run's folder may hold a best.pt: the window names the Train… dialog's own row and tick box (its words had
# named --keep-best, a flag the window shows nowhere)
BEST_KEPT_BY = {"app": "Train…'s Model kept, the best held-out evaluation, keeps one where an evaluation before the "
                       "run's last step scored best",
                "cli": "a run trained with --keep-best keeps one where a held-out evaluation before its last step "
                       "scored best"}
RECIPE_STEPS_SAID = 3  # a recipe's steps recipe_file_note names; the rest are "…"
# a latent file given where a command takes pictures: what it takes, and what to do instead ({decode}: the `genimg
# decode` that draws its picture, {gui}: the window's command that opens it, each with its path quoted for a shell);
# edit's and encode's words had said only "is not an image in a format genimg reads", and a latent file's own edit
# is the window's, which moves its latent, not an encoding of its picture
PICTURES_TAKEN = {"interpolate": "a morph takes images (VAE) or --seeds (GAN); decode it to an image first with "
                                 "{decode}",
                  "edit": "edit takes images; decode it to an image first with {decode} and edit the PNG it writes, "
                          "or {gui} opens it to edit its latent itself",
                  "encode": "encode takes images, and this one is encoded already: {decode} draws its picture, and "
                            "{gui} opens it to edit"}


def no_model_note(path: str | Path, where: str) -> str:
    """Why path, opened as a model, is none ("" for any other path), as the CLI's load_into and the window's every
    way of naming a model (--vae, --gan, the command line, Open model…, a drop on the Models tab) say it. The worker
    had called a latent file "a zip archive", a recipe "a text file", and `genimg-gui run/best.pt` of a run that
    kept no best.pt "a training checkpoint"."""
    path = Path(path)
    return (training_checkpoint_note(path, where) or training_now_note(path) or unfinished_run_note(path, where)
            or missing_file_note(path, where) or taesd_note(path) or latent_file_note(path, where)
            or recipe_file_note(path, where) or no_weights_note(path))


def folder_said(path: Path) -> str:
    """The folder of path as a note names it: as typed, but a bare file name's (typed in its own folder) by its whole
    path, the home folder as ~ (paths.shown_path): `cd run && genimg-gui --vae checkpoint.pt` said "open its folder
    . (or its card.json)", which told no one which folder that was."""
    return shown_path(os.path.abspath(path.parent)) if path.parent == Path(".") else str(path.parent)


def folder_in_command(path: Path) -> str:
    """The folder of path in a command a note gives, shell-quoted (`-o my run --resume` trained into "my"): as typed,
    but a bare file name's whole (paths.command_path), since the words may be pasted in a terminal in any folder."""
    return command_path(path.parent) if path.parent == Path(".") else shlex.quote(str(path.parent))


def resume_said(path: Path, where: str) -> str:
    """How to train further the run whose checkpoint path is, where the user is: the CLI's command, or in the window
    Train…'s own words (it was given the command, "…" and backticks included), its folder whole for Save to."""
    folder = shown_path(os.path.abspath(path.parent)) if where == "app" else folder_in_command(path)
    return RESUME_GOES[where].format(folder=folder)


def training_checkpoint_note(path: Path, where: str = "cli") -> str:
    """What to do instead, when path is a `genimg train` checkpoint (by its name, beside the card of the model the
    run wrote); "" for any other path, one not there included (missing_file_note). The worker would only call it a
    weights file of an unknown architecture."""
    if path.name not in TRAINING_CHECKPOINTS or not path.is_file() or not (path.parent / CARD_FILE).is_file():
        return ""
    made_by = " of `genimg train`" if where == "cli" else ""
    return (f"{path.name} is a training checkpoint{made_by}, not a model: open its folder "
            f"{folder_said(path)} (or its card.json) for the model the run wrote, or go on training with "
            f"{resume_said(path, where)}")


def training_now_note(path: Path) -> str:
    """What a folder that a `genimg train` run holds (its lock, train/out_lock.py) and that has no model yet is, the
    process named where the lock names it; "" for any other path. The loader said "v10 is not a genimg model folder:
    it has no card.json" of a run's folder in its first minutes, as of any stray folder."""
    lock = path / LOCK_FILE
    if not path.is_dir() or not lock.is_file() or os.path.lexists(path / CARD_FILE):
        return ""
    who = f"a genimg train run{holder_said(lock_holder(lock))}"
    name = path.name or shown_path(os.path.abspath(path))  # "." typed: by its whole path
    return (f"{name} is being written by {who}, and there is no model in it yet (no {CARD_FILE}): open it once the run "
            f"has written its model (if no run is writing it, remove {shown_path(lock)})")


def unfinished_run_note(path: Path, where: str = "cli") -> str:
    """What a folder holding a training run's checkpoint but no model yet is (a run stopped before it wrote one, or
    a checkpoint copied alone), and how to finish it, where the user is; "" for any other path. The loader said only
    "is not a genimg model folder: it has no card.json". A folder with weights but no card is the loader's to name."""
    if not path.is_dir() or not (path / CHECKPOINT_FILE).is_file() or any(
            os.path.lexists(path / name) for name in (CARD_FILE, MODEL_FILE)):
        return ""
    name = path.name or shown_path(os.path.abspath(path))  # "." typed: by its whole path
    return (f"{name} holds an unfinished training run (its {CHECKPOINT_FILE}, no model yet), not a model: finish it "
            f"with {resume_said(path / CHECKPOINT_FILE, where)}, which writes the model")


def missing_file_note(path: Path, where: str = "cli") -> str:
    """That path does not exist, with what its folder holds, where that folder is a model's (a run's: its best.pt
    asked for where the run kept none); "" where path is there, or its folder is no model's (the loader then says
    only that it does not exist). Why a run's folder may hold a best.pt is said where the user is (BEST_KEPT_BY)."""
    folder, said = path.parent, folder_said(path)
    if os.path.lexists(path) or not (folder / CARD_FILE).is_file():
        return ""
    opened = "(or its card.json) for its model"
    if path.name not in TRAINING_CHECKPOINTS:
        return f"{path.name} does not exist: {said} is a model's folder; open it {opened}"
    why = f" ({BEST_KEPT_BY[where]})" if path.name == BEST_FILE else ""
    resume = (f", or go on training from its {CHECKPOINT_FILE} with {resume_said(path, where)}"
              if (folder / CHECKPOINT_FILE).is_file() else "")
    return (f"{path.name} does not exist: the model's folder {said} holds no {path.name}{why}; "
            f"open it {opened}{resume}")


def no_weights_note(path: Path) -> str:
    """Why a model file (by its suffix) that is text or empty is none, in the words the worker's reading of it says
    (models.foreign.identify; both say it with file_damage.not_weights_said and wording.not_opened), with what
    genimg opens; "" for any other path. Said before any load, as the worker read it only after the loads before
    it: `genimg-gui vae/ photo.png notes.safetensors` said the photo waited for notes.safetensors to load, and
    refused it only seconds later. Not a file in a model's folder (beside its card.json): the loader says what that
    one is, a model.safetensors cut to nothing as the folder's damage."""
    if not is_model_file(path) or not path.is_file() or (path.parent / CARD_FILE).is_file():
        return ""
    what = not_weights_said(path)  # None: anything else, or unreadable (the loader says why)
    return "" if what is None else not_opened(path.name, what)


def latent_file_note(path: Path, where: str) -> str:
    """Why a latent file given as a model is none, and what reads it; "" for any other path (a latent file was
    called a zip archive "which is not supported")."""
    # an .npz of something else: the loader's own message says what it opens
    if path.suffix.lower() != ".npz" or not holds_latent(path):  # by its headers: never read on the GUI thread
        return ""
    goes = LATENT_GOES[where].format(path=shlex.quote(str(path)), folder=shlex.quote(str(path.parent)))
    return f"{path.name} is a latent file (from genimg encode, generate, edit or the app), not a model: {goes}"


def recipe_file_note(path: Path, where: str) -> str:
    """What an edit recipe given as a model holds, and what applies it; "" for any other path (it was called "a
    text file", with the model files genimg opens)."""
    # other JSON, or a recipe too damaged to read: the model loader's own message says what it opens
    if (recipe := recipe_at(path)) is None:
        return ""
    steps = [f"{s.label} {in_sigmas(s.value, 2, signed=True)}" for s in recipe.steps[:RECIPE_STEPS_SAID]]
    steps += ["…"] if len(recipe.steps) > RECIPE_STEPS_SAID else []
    held = ", ".join(steps) or "no direction moved"
    masked = ", under a mask" if recipe.mask is not None else ""
    made = f" made with {recipe.model_name}" if recipe.model_name else ""
    how = "edit IMAGE" if recipe.model_kind == "vae" else "generate"
    goes = RECIPE_GOES[where].format(how=how, path=shlex.quote(str(path)))
    return f"{path.name} is an edit recipe{made} ({held}{masked}), not a model: {goes}"


def latent_as_picture_note(path: Path, command: str) -> str:
    """Why a latent file given to a command as a picture (PICTURES_TAKEN: `genimg interpolate`'s keyframes, `genimg
    edit`'s and `genimg encode`'s images) is refused, with the `genimg decode` that draws its picture; "" for any
    other path (an .npz of something else: the image reader says what it is)."""
    if path.suffix.lower() != ".npz" or not holds_latent(path):
        return ""
    quoted = shlex.quote(str(path))
    instead = PICTURES_TAKEN[command].format(decode=f"`genimg decode {quoted} -o DIR`", gui=f"`genimg-gui {quoted}`")
    return f"{path.name} is a latent file, not an image: {instead}"
