"""GAN inversion from the window: the current image (or a file) becomes a GAN item whose w
redraws it, refined in the background with live previews, progress and Cancel."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject

from ..engine import requests as rq
from .document import Document
from .item import Item
from .gan_panel import GanPanel


@dataclass
class Run:
    name: str
    item: Item | None = None         # made from the first result (the starting guess)
    last: rq.Inverted | None = None  # the newest preview: kept if the run is cancelled


def picture_to_invert(item: Item) -> np.ndarray:
    """The picture the user sees: a GAN item's drawing, a photo's VAE edit once a slider moved it (the photo was
    inverted, losing the edit), else the photo itself: sharper than the VAE's reconstruction, which is all an
    unedited picture adds to it."""
    edited = any(v != 0 for v in item.history.current.values)
    return item.image if item.kind == "gan" or edited else item.original


class InversionController(QObject):
    def __init__(self, document: Document, panel: GanPanel) -> None:
        super().__init__(panel)
        self.document, self.panel = document, panel
        self.runs: dict[int, Run] = {}
        panel.invert_requested.connect(self.invert_current)
        document.inverted.connect(self._on_inverted)
        document.engine.failed.connect(self._on_failed)
        document.item_removed.connect(self._on_closed)

    def invert_current(self, steps: int, editability: float) -> int | None:
        item = self.document.current
        if item is None:
            self.document.error.emit("Open or drop an image first, then invert it into the GAN")
            return None
        if "gan" not in self.document.models:
            self.document.error.emit("Load a GAN first (Models tab)")
            return None
        return self.invert(picture_to_invert(item), item.name, steps, editability)

    def invert(self, image: np.ndarray, name: str, steps: int, editability: float) -> int:
        seq = self.document.engine.submit(rq.Invert(image, steps=steps, editability=editability))
        self.document.jobs[seq] = f"inverting {name}"
        self.runs[seq] = Run(name)
        return seq

    def _on_inverted(self, r: rq.Inverted) -> None:
        run = self.runs.get(r.seq)
        if run is None:
            return
        if run.item is None:  # the starting guess: a new item to watch improve
            original = r.original if r.original is not None else r.image
            run.item = self.document.add_item("gan", f"{run.name} (inverted)", original, r.image, r.latent)
        elif r.final:
            self.document.rebase(run.item, r.latent, r.image)
            self.runs.pop(r.seq)
            self.document.message.emit(f"Inverted {run.name}: pixel error {r.loss:.4f} after {r.step} steps; "
                                       "the sliders now edit it (undo returns to the starting guess)")
        else:
            run.last = r
            self.document.show_image(run.item, r.image)
            # the step count is the progress bar's, which moves every step, this every preview: two counts disagreed
            self.document.message.emit(f"Inverting {run.name}: pixel error {r.loss:.4f} so far")

    def _on_closed(self, item_id: int) -> None:
        """Its item closed: the run stops, and keeps its best preview (_on_failed) for a reopening."""
        for seq, run in list(self.runs.items()):  # a cancel answered at once pops its run (_on_failed)
            if run.item is not None and run.item.id == item_id:
                self.document.cancel(seq)

    def _on_failed(self, f: rq.Failed) -> None:
        """Cancelled or failed midway: keep the best preview so far as the item's state."""
        run = self.runs.pop(f.seq, None) if f.final else None
        if run is not None and run.item is not None and run.last is not None:
            self.document.rebase(run.item, run.last.latent, run.last.image)
