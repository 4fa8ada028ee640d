"""What a training output folder holds of an earlier run. `genimg train` refuses to write over it unless told
to go on from it (--resume) or to replace it (--overwrite), and the app's Train… dialog asks which; so this
reads only files and JSON (no torch: the dialog imports it)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CARD_FILE = "card.json"  # models/weights.py CARD_NAME (not imported: that module needs torch)
CHECKPOINT_FILE = "checkpoint.pt"  # what --resume goes on from (train/loop.py writes it)
BEST_FILE = "best.pt"  # --keep-best: the checkpoint of the best held-out evaluation so far
# what a run writes that another run into the folder would replace; samples and metrics are not worth a question
RUN_FILES = (CARD_FILE, "model.safetensors", CHECKPOINT_FILE)
# the CLI's advice when a run is stopped (train/loop.py); the Train… dialog drops it, as its Start asks instead
RESUME_HINT = " (resume with --resume)"


@dataclass(frozen=True)
class EarlierRun:
    """The files of RUN_FILES a folder holds, and how many steps its card says the run trained."""
    folder: Path
    files: tuple[str, ...]
    steps: int | None

    @property
    def resumable(self) -> bool:
        return CHECKPOINT_FILE in self.files

    def describe(self) -> str:
        """'an earlier run (card.json, checkpoint.pt; 1,200 steps)', for the messages that name it."""
        steps = f"; {count_steps(self.steps)}" if self.steps is not None else ""
        return f"an earlier run ({', '.join(self.files)}{steps})"


def earlier_run(folder: Path) -> EarlierRun | None:
    """The run whose files `folder` holds; None for a missing or empty folder, or one without such files."""
    files = tuple(name for name in RUN_FILES if (folder / name).is_file())
    return EarlierRun(folder, files, card_steps(folder)) if files else None


def count_steps(steps: int) -> str:
    """'1 step', '1,200 steps'."""
    return f"{steps:,} step{'s' * (steps != 1)}"


def saved_card(folder: Path) -> dict | None:
    """The folder's card.json (written at the end of every run, stopped ones too); None if missing or unreadable."""
    try:
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) else None


def card_steps(folder: Path) -> int | None:
    """training.steps of the folder's card; None if unknown."""
    training = (saved_card(folder) or {}).get("training")
    steps = training.get("steps") if isinstance(training, dict) else None
    return steps if isinstance(steps, int) else None
