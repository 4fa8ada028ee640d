"""The end of a training run: its model folder written all or nothing, and the final line told.

The model's files (weights, card, directions, discriminator, sample grid, figures) are written into a folder of
their own inside the run's folder (MODEL_WRITING) and moved into place once all are written. Out of memory in its
writing (a VAE's directions' PCA over its training images) left a folder of weights and a card but no directions,
or after a --resume the earlier model's directions beside the new card; now the earlier model stays whole, and the
run's checkpoint, written before, lets --resume write the model again (network_memory.ran_out_at says so).
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import torch

from ..earlier_run import CARD_FILE, MODEL_WRITING, WRITTEN_FILES
from ..fileio import StdoutFailed, why_not_written
from ..imaging import save_png

if TYPE_CHECKING:
    from .loop import Recipe


def write_model_folder(out: Path, recipe: Recipe, card: dict, train: torch.Tensor, held_out: torch.Tensor,
                       figures: dict[str, float], unmeasured: str, curve: dict) -> dict:
    """The model folder in out, written whole or not at all (see the module's docstring), with its metrics.json
    (the model's metrics and the run's curve); the model's metrics."""
    writing = out / MODEL_WRITING
    shutil.rmtree(writing, ignore_errors=True)  # left by a run killed as it wrote
    writing.mkdir()
    try:
        metrics = write_model(writing, recipe, card, train, held_out, figures, unmeasured)
        (writing / "metrics.json").write_text(json.dumps({**metrics, **curve}, indent=2))
        _move_into(writing, out)
    finally:
        shutil.rmtree(writing, ignore_errors=True)
    return metrics


def _move_into(writing: Path, out: Path) -> None:
    """Every file written in place of the earlier model's; the earlier card first, the new card last, so that the
    folder is no model while the files move, and an earlier model's file this one has not goes too."""
    (out / CARD_FILE).unlink(missing_ok=True)
    written = {p.name for p in writing.iterdir()}
    for name in [n for n in WRITTEN_FILES if n not in written and n != CARD_FILE]:
        if name.endswith((".safetensors", ".json", ".png")):  # the model's, not the run's checkpoints
            (out / name).unlink(missing_ok=True)
    for name in sorted(written, key=lambda n: n == CARD_FILE):
        os.replace(writing / name, out / name)


def write_model(out: Path, recipe: Recipe, card: dict, train: torch.Tensor, held_out: torch.Tensor,
                figures: dict[str, float], unmeasured: str, checkpoint: Callable[[], None] = lambda: None) -> dict:
    """The model folder and its sample grid (after checkpoint(), for a rehearsal that times them together); the
    model's metrics."""
    checkpoint()
    metrics = recipe.export(out, card, train, held_out, figures, unmeasured)
    save_png(recipe.samples(), out / "samples.png")
    return metrics


def tell(result: Callable[[str], None], line: str, out: Path) -> Exception | None:
    """Print the final line; None, or why it could not be (its reader gone, `| head -1`; a full disk), which the
    run raises once it has finished what it does after the line (a full stdout was a raw "[Errno 28]")."""
    try:
        result(line)
    except BrokenPipeError as e:
        return e
    except OSError as e:
        return StdoutFailed(why_not_written(e), out)
    return None
