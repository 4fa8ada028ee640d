"""Export PNG… (and ×4) of a picture whose edit is still being drawn waits for the drawing, then writes it.

It wrote the picture on screen, from before the edit (a big SD VAE on a CPU draws for seconds), and marked the edit
exported: the file was not the edit, and quitting never asked about it. Now the status bar says what waits, Esc
cancels it, and it is dropped, with why, if the picture changes, closes or cannot be drawn first. Export latent
writes the step's latent, there already: it never waits."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from ..engine import requests as rq
from .item import Item

if TYPE_CHECKING:
    from .main_window import MainWindow

SOURCE = "export"  # the status bar's busy note of its own (StatusJobs.show_busy)
WAITING = "Waiting for the picture to be drawn to export {}… (Esc cancels)"
WAITING_TIP = "The export writes the picture of the step you exported once it is drawn; Esc cancels the export"


def being_drawn(item: Item) -> bool:
    """A drawing of the item asked last (its edit's) has not been shown yet: the picture on screen is an older one."""
    return item.shown_seq < item.requested_seq


@dataclass(frozen=True)
class _Export:
    item: Item
    node: int  # the step exported: the one current when it was asked
    name: str  # the file's, as the notes say it
    write: Callable[[], None]


class DrawingWait(QObject):
    """The exports waiting for their picture to be drawn, each written (write) once it is shown.
    Not RecipeWaits, though both act once something arrives: each export waits for its own item's drawing, and is
    dropped on its own, with why (closed, changed, not drawn), as it happens; a recipe waits until nothing at all is
    on its way, and only then looks whether what it is for came. Shared, they would share a list and little else."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window, self.document = window, window.document
        self.waiting: list[_Export] = []
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window, self.cancel)
        self.escape.setEnabled(False)  # Esc is the export's only while one waits
        self.document.image_changed.connect(self._check)
        self.document.history_changed.connect(self._check)
        self.document.item_removed.connect(self._check)
        self.document.engine.failed.connect(self._on_failed)  # after the document's: a retry takes over its seq

    def wait(self, item: Item, path: str, write: Callable[[], None]) -> bool:
        """True when the item is being drawn: write() is called once it is shown; False: write now."""
        if not being_drawn(item):
            return False
        self.waiting.append(_Export(item, item.history.current_id, Path(path).name, write))
        self._say()
        return True

    def cancel(self) -> None:
        """Esc: the exports waiting are dropped, none written."""
        names, self.waiting = [export.name for export in self.waiting], []
        self._say()
        self.window.status.show_message(f"Export of {', '.join(names)} cancelled: nothing was written")

    def _check(self, *_) -> None:
        if not self.waiting:
            return
        for export in list(self.waiting):
            item = export.item
            if self.document.items.get(item.id) is not item:
                self._drop(export, f"{item.name} was closed before its picture was drawn")
            elif item.history.current_id != export.node:  # an undo, another edit: not the step asked for
                self._drop(export, f"{item.name} changed before its picture was drawn; export it again")
            elif not being_drawn(item):
                self.waiting.remove(export)
                export.write()
        self._say()

    def _on_failed(self, failed: rq.Failed) -> None:
        if not (failed.final and self.waiting):
            return
        for export in list(self.waiting):
            if failed.seq == export.item.requested_seq:
                self._drop(export, f"the picture of {export.item.name} could not be drawn")
        self._say()

    def _drop(self, export: _Export, why: str) -> None:
        self.waiting.remove(export)
        self.window.show_error(f"{export.name} was not exported: {why}")

    def _say(self) -> None:
        text = WAITING.format(", ".join(export.name for export in self.waiting)) if self.waiting else ""
        self.window.status.show_busy(text, SOURCE, WAITING_TIP)
        self.escape.setEnabled(bool(self.waiting))
