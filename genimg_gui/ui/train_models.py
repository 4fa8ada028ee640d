"""The Train… dialog's lists of models (the Models tab's): the latent spaces a GAN may draw in, and the models
a run may start from."""
from __future__ import annotations

import os
from typing import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from ..catalog import ModelEntry
from ..wording import counted
from .model_panel import repeated_names, told_apart

RESOLUTION_ROLE = Qt.ItemDataRole.UserRole + 1  # a latent-space choice's VAE resolution, as text


def listed_as(entries: Iterable[ModelEntry], path: str) -> str:
    """The path under which `entries` list the model at `path` (another spelling of it may be loaded, or
    recorded on a card); "" if none."""
    same = [e.path for e in entries if path and os.path.realpath(e.path) == os.path.realpath(path)]
    return (same or [""])[0]


def named(entry: ModelEntry, repeated: set[str]) -> str:
    """The model's name, with where it lies when another listed model has that name, as the Models tab says it
    ("emoji-vae in …/copies/emoji-vae": two VAEs of one name were two identical choices)."""
    return told_apart(entry.name, entry.path, repeated)


def fill_space(box: QComboBox, vaes: Iterable[ModelEntry], chosen: str | None) -> None:
    """Where a GAN draws: a VAE's latent space (the default when there is one: it learns in CPU
    time, as the bundled GANs did) or pixels (slow to learn without a GPU)."""
    vaes = list(vaes)
    repeated = repeated_names(vaes)
    box.blockSignals(True)  # the dialog matches the rest to it once the list is whole
    box.clear()
    for entry in vaes:
        box.addItem(f"latent space of {named(entry, repeated)} ({entry.card['resolution']} px)", entry.path)
        box.setItemData(box.count() - 1, str(entry.card["resolution"]), RESOLUTION_ROLE)
    box.addItem("pixels (slow to learn without a GPU)", "")
    box.setCurrentIndex(max(box.findData(chosen), 0) if chosen is not None else 0)
    box.blockSignals(False)


def fill_starts(box: QComboBox, starts: Iterable[ModelEntry], chosen: str | None) -> None:
    """Random weights, or a model to fine-tune, with its kind and steps."""
    starts = list(starts)
    repeated = repeated_names(starts)
    box.blockSignals(True)
    box.clear()
    box.addItem("random weights: a new model", "")
    for entry in starts:
        steps = entry.card.get("training", {}).get("steps")
        trained = f", {counted(steps, 'step')}" if isinstance(steps, int) else ""
        box.addItem(f"{named(entry, repeated)} ({entry.kind.upper()}{trained})", entry.path)
    box.setCurrentIndex(max(box.findData(chosen), 0) if chosen is not None else 0)
    box.blockSignals(False)


def show_choice(box: QComboBox, data: str, text: str, resolution: int | None = None) -> None:
    """Select the choice holding `data`, added as `text` where the list lacks it (a continued run's VAE or
    starting model that the Models tab does not list: the run uses it all the same). resolution: an added
    latent space's, which fixes the run's as fill_space's choices do."""
    if box.findData(data) < 0:
        at = box.count() - 1 if box.itemData(box.count() - 1) == "" else box.count()
        box.insertItem(at, text, data)
        if resolution is not None:
            box.setItemData(at, str(resolution), RESOLUTION_ROLE)
    box.setCurrentIndex(box.findData(data))
