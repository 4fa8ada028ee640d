"""What a training output folder holds of an earlier run. `genimg train` refuses to write over it unless told
to go on from it (--resume) or to replace it (--overwrite), and the app's Train… dialog asks which; so this
reads only files and JSON (no torch: the dialog imports it)."""
from __future__ import annotations

import json
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

from .startup_signals import SAVING_STOP_SIGNALS, stopped_exit_code
from .wording import closest_name, counted

CARD_FILE = "card.json"  # models/weights.py CARD_NAME (not imported: that module needs torch)
MODEL_FILE = "model.safetensors"  # models/weights.py WEIGHTS_NAME, likewise
CHECKPOINT_FILE = "checkpoint.pt"  # what --resume goes on from (train/loop.py writes it)
BEST_FILE = "best.pt"  # --keep-best: the checkpoint of the best held-out evaluation so far
# the folder a run's model is written in before its files move into place (train/run_end.py)
MODEL_WRITING = ".model.tmp"
# held by a live run (train/out_lock.py): not a file of the run, so neither RUN_FILES nor WRITTEN_FILES name it
LOCK_FILE = ".genimg-train.lock"
# what a run writes that another run into the folder would replace; samples and metrics are not worth a question
RUN_FILES = (CARD_FILE, MODEL_FILE, CHECKPOINT_FILE)
# everything a run writes into its folder (loop.py, the recipes' export): --overwrite removes them all at its start,
# as a folder holding the old card beside the new run's checkpoint told of a model that was no longer there
WRITTEN_FILES = (*RUN_FILES, BEST_FILE, "directions.safetensors", "discriminator.safetensors", "metrics.json",
                 "samples.png")
# the --set keys that change a network's shape (the others are rates and weights a resumed run may change)
SHAPE_SETTINGS = ("channels", "latent_channels", "z_dim", "w_dim", "styles")
# the CLI's advice when a run is stopped (train/loop.py); the Train… dialog drops it, as its Start asks instead
RESUME_HINT = " (resume with --resume)"
# the end of a run's last line when a stop came before its first step (train/stopping.py); the Train… dialog
# reads it so (ui/train_run.py)
NOTHING_WRITTEN = "before the first step: nothing written"


@dataclass(frozen=True)
class EarlierRun:
    """The files of RUN_FILES a folder holds, and how many steps its card says the run trained."""
    folder: Path
    files: tuple[str, ...]
    steps: int | None

    @property
    def resumable(self) -> bool:
        return CHECKPOINT_FILE in self.files

    @property
    def has_model(self) -> bool:
        """False for a run killed before it wrote its first model: only its checkpoint is there."""
        return CARD_FILE in self.files or MODEL_FILE in self.files

    def describe(self) -> str:
        """'an earlier run (card.json, checkpoint.pt; 1,200 steps)', for the messages that name it."""
        steps = f"; {counted(self.steps, 'step')}" if self.steps is not None else ""
        return f"an earlier run ({', '.join(self.files)}{steps})"


def lock_holder(lock: Path) -> dict | None:
    """A training lock's {"pid", "host", "started"} (train/out_lock.py writes it; "started" missing from older locks);
    None when unreadable (being written this instant, or damaged)."""
    try:
        holder = json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(holder, dict) and isinstance(holder.get("pid"), int) and isinstance(holder.get("host"), str) \
        and isinstance(holder.get("started"), (str, type(None)))
    return holder if ok else None


def holder_said(holder: dict | None) -> str:
    """" (process 123)", or " (process 123 on HOST)" for another machine's, of a lock_holder; "" for None."""
    if holder is None:
        return ""
    return f" (process {holder['pid']}{'' if holder['host'] == platform.node() else ' on ' + holder['host']})"


def earlier_run(folder: Path) -> EarlierRun | None:
    """The run whose files `folder` holds; None for a missing or empty folder, or one without such files."""
    files = tuple(name for name in RUN_FILES if (folder / name).is_file())
    return EarlierRun(folder, files, card_steps(folder)) if files else None


def resumable_beside(folder: Path) -> Path | None:
    """The folder beside `folder` holding a run --resume can go on from (its checkpoint) whose name is close to
    folder's ('vea2' -> vae2), for a --resume whose folder holds none; None when no such name is close."""
    try:
        names = [p.name for p in folder.parent.iterdir() if p.name != folder.name and (p / CHECKPOINT_FILE).is_file()]
    except OSError:  # the folder above is missing too, or cannot be listed: nothing to point at
        return None
    return folder.parent / name if (name := closest_name(folder.name, names)) else None


def forget_earlier_run(folder: Path) -> None:
    """--overwrite: remove every file of the replaced run (and a half-written checkpoint's temporary file), so
    that a new run killed before it writes its own leaves no card, model or checkpoint of the old one."""
    for name in WRITTEN_FILES:
        (folder / name).unlink(missing_ok=True)
    forget_half_written(folder)


def forget_half_written(folder: Path) -> None:
    """The temporary file of a checkpoint whose writing failed part-way (the checkpoint before it is whole), and the
    model files of a model folder whose writing failed (run_end.write_model_folder: the earlier model is whole)."""
    for name in (CHECKPOINT_FILE, BEST_FILE):
        (folder / f".{name}.tmp").unlink(missing_ok=True)  # checkpoints.save_checkpoint's name while it writes
    shutil.rmtree(folder / MODEL_WRITING, ignore_errors=True)  # a model folder's files, not yet moved into place


def typed_setting(key: str, value: object) -> str:
    """'channels=[8,16]': a setting as `--set` takes it (compact JSON), for command lines and messages."""
    return f"{key}={json.dumps(value, separators=(',', ':'))}"


def saved_then_stopped(code: int) -> bool:
    """Whether a `genimg train` exit code is a stopped run's, its checkpoint and model saved (stopped_exit_code)."""
    return code in {stopped_exit_code(s) for s in SAVING_STOP_SIGNALS}


def saved_card(folder: Path) -> dict | None:
    """The folder's card.json (written at the end of every run, stopped ones too); None if missing or unreadable."""
    try:
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) else None


def card_steps(folder: Path) -> int | None:
    """How many steps the folder's run trained (its card's training.steps, or run_steps where --keep-best wrote an
    earlier step's model); None if unknown."""
    training = (saved_card(folder) or {}).get("training")
    steps = training.get("run_steps", training.get("steps")) if isinstance(training, dict) else None
    return steps if isinstance(steps, int) else None


def card_stopped(folder: Path) -> bool | None:
    """Whether the folder's run was stopped before it finished (its card's training.stopped); None where the card
    does not say (missing, or written before cards recorded it)."""
    training = (saved_card(folder) or {}).get("training")
    stopped = training.get("stopped") if isinstance(training, dict) else None
    return stopped if isinstance(stopped, bool) else None
