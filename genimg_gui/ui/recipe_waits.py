"""Edit recipes opened (a drop, File → Open images…, the command line) wait for what is on its way before they are
applied to the current picture as File → Apply recipe to current image… applies them (RecipeActions.apply).

`genimg-gui photo.jpg x.recipe.json`, or a file manager's "Open with genimg" on a recipe, applied it at once, before
the models, the kept session and the photo had come, and it said to load a model or open an image first. A recipe
now waits, as pictures and latent files do, for the models loading, a session due back, the files opened with it,
and a new GAN sample being drawn (a GAN loading with none open draws one; Document.items_due); then it is applied to
the picture opened with it (a latent file's too), else to the current one (a restored session's, a new sample). With
none open by then, or the picture it came with not opened, it says so and is not applied."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..engine import requests as rq
from ..file_stamp import FileStamp, same_bytes, stamp_of
from ..wording import listed
from .item import Item

if TYPE_CHECKING:
    from .document import Document
    from .latent_files import LatentFiles

AGAIN = "drop {} on the window again (or use File → Apply recipe to current image…)"


@dataclass(frozen=True)
class _Waiting:
    """Recipes of one open, and the pictures and latent files opened with them: the recipes are for one of those."""
    recipes: tuple[str, ...]
    files: tuple[str, ...]
    stamps: tuple[FileStamp, ...]  # the files as they were opened: the item one gives records it (Item.file)


class RecipeWaits:
    """The recipes waiting to be applied, applied (by apply, a path's) once nothing they may be for is on its way.
    Not DrawingWait, which waits for one item's drawing per action (an export, a send to the VAE, an inversion):
    that is why each is a class of its own."""

    def __init__(self, document: Document, latents: LatentFiles, apply: Callable[[str], int]) -> None:
        self.document, self.latents, self.apply = document, latents, apply
        self.waiting: list[_Waiting] = []
        engine = document.engine
        engine.done.connect(self._on_ended)  # after the request's results: its pictures are items by then
        engine.failed.connect(self._on_failed)  # after the document's: it no longer counts the request on its way
        document.loading_changed.connect(self.apply_when_ready)  # a load ended; a session came back, or went

    def add(self, recipes: list[str], files: list[str]) -> None:
        """recipes, to be applied once ready (at once when nothing is on its way); files: the pictures and latent
        files opened with them (they have been sent to be opened already)."""
        stamps = tuple(s for s in map(stamp_of, files) if s is not None)
        self.waiting.append(_Waiting(tuple(recipes), tuple(files), stamps))
        self.apply_when_ready()

    def busy(self) -> bool:
        """Pictures, samples or latent files on their way, or the models and session they wait for, or pictures
        being carried over to a new model: what a recipe is for, or the model it is checked against, may be among
        them."""
        doc = self.document
        return doc.items_due() or self.latents.on_their_way() or doc.carry.pending_any()

    def apply_when_ready(self) -> None:
        if not self.waiting or self.busy():
            return
        waiting, self.waiting = self.waiting, []  # taken first: applying draws, whose ends call this again
        for one in waiting:
            self._apply(one)

    def _apply(self, one: _Waiting) -> None:
        doc = self.document
        it = "it" if len(one.recipes) == 1 else "them"
        not_applied = f"{listed([Path(p).name for p in one.recipes])} {'was' if it == 'it' else 'were'} not applied"
        if one.files:
            target = self._opened_from(one.stamps)
            if target is None:
                doc.error.emit(f"{not_applied}: {listed([Path(p).name for p in one.files])}, opened with {it}, "
                               f"did not open")
                return
            doc.select(target.id)  # the picture it came with, also where another was clicked meanwhile
        elif doc.current is None:
            doc.error.emit(f"{not_applied}: no image is open to apply {it} to; open one, then {AGAIN.format(it)}")
            return
        for path in one.recipes:
            self.apply(path)

    def _opened_from(self, stamps: tuple[FileStamp, ...]) -> Item | None:
        """The open item made from one of the files (the current one if it is), else the last such one; None if
        none is open (not a picture, unreadable, or closed meanwhile)."""
        doc = self.document
        made = [item for item in doc.items.values() if item.file is not None
                and any(item.file == s or same_bytes(item.file, s) for s in stamps)]
        return next((item for item in made if item is doc.current), made[-1] if made else None)

    def _on_failed(self, failed: rq.Failed) -> None:
        if failed.final:  # a file of several that failed is not the job's end
            self.apply_when_ready()

    def _on_ended(self, seq: int) -> None:
        self.apply_when_ready()
