"""What the window says of a picture opened: how long it took, and what the fit cut away, or enlarged, where that is
worth a word (imaging.crop_note and small_pictures.small_note, which the command line says too)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import requests as rq
from ..imaging import crop_note
from ..small_pictures import small_note
from ..wording import duration

if TYPE_CHECKING:
    from .document import Document
    from .item import Item
    from .status import StatusBar

KEEP_ALL = "set Fit new images to letterbox and open it again"  # the toolbar's box and File → Fit new images


def encoded_message(r: rq.Encoded, name: str) -> str:
    """The status bar's and message log's word on a picture opened: "Encoded cat.png in 40 ms" (or the worker's note
    in its place: a photo scaled down to GENIMG_MAX_SIDE), then, in the same message, a tiny picture's enlargement
    ("…: it is only 1×1 px, enlarged to 64×64: …") and the part a square crop cut away ("…: its centre square was
    kept (8 % of the picture); to keep it all, …"): the Original pane shows only the square, and a second message
    would hide the first. name: the picture's in the filmstrip ("cat.png (2)")."""
    said = r.note or f"Encoded {name} in {duration(r.seconds)}"  # a large photo: "in 31 s", not 31044 ms
    width, height = source_size(r)
    parts = [small_note(width, height, r.original.shape[1::-1])]  # a 1×1 picture enlarged to the model's size
    if r.latent.ndim == 1:  # not a spatial VAE's (C, h, w) latent, where the photo keeps its aspect, uncropped
        parts.append(crop_note(width, height, r.fit, KEEP_ALL))  # last: asks_to_act reads the message's end
    more = "; ".join(part for part in parts if part)
    return f"{said}: {more}" if more else said


def source_size(r: rq.Encoded) -> tuple[int, int]:
    """The (width, height) of the picture as read, before it was fitted (Item.source_size)."""
    height, width = (r.source if r.source is not None else r.original).shape[:2]
    return width, height


def restored_note(item: Item) -> str:
    """The crop note of a picture a session brought back, from the size and fit it kept ("panorama.jpg: its centre
    square was kept (20 % of the picture); to keep it all, …", encoded_message's words less the encode's time,
    which was the last run's); "" for one whose fit cut nothing noticeable away, or whose size it did not keep."""
    if item.kind != "vae" or item.source_size is None or item.history.nodes()[0].state.base.ndim != 1:
        return ""  # (a spatial VAE's latent keeps the photo's aspect: nothing was cropped)
    cropped = crop_note(*item.source_size, item.fit, KEEP_ALL)
    return f"{item.name}: {cropped}" if cropped else ""


def asks_to_act(text: str) -> bool:
    """Whether a message asks the user to do something (a crop's "…; to keep it all, set Fit new images to
    letterbox and open it again"): the status bar keeps it (StatusBar.show_message's stays, StayingNote). Said as the
    start-up ended, after the models' "Loaded …", it had gone before the user looked."""
    return text.endswith(KEEP_ALL)


class StayingNote:
    """The document's messages on the status bar, one that asks to act (asks_to_act) kept there while the picture it
    speaks of is shown: it is said as that picture becomes the current one (document_results), goes when another
    picture does (a switch, a close, a file opened), and comes back each time that picture is shown again (it ended
    for good at the first switch, and a user who came back to the cropped picture no longer saw why it was cropped).
    A VAE loaded ends them all (each spoke of the last VAE's fit; a GAN loaded beside it changes nothing of a
    picture's crop). Messages and errors meanwhile show for their time and give the bar back to it. A picture a
    session brought back has its note again (restored_note): after a restart the bar said nothing of its crop; the
    session's own VAE, loading after the restore (Restore clicked before the start-up's models came), is the one
    it was fitted in, and leaves it (it ended the note at once, as the bar said "Restored … from the autosaved
    session")."""

    def __init__(self, document: Document, status: StatusBar) -> None:
        self.document, self.status = document, status
        self.notes: dict[int, str] = {}  # item id -> its note (a closed item reopened keeps its id, and its note)
        self.showing: Item | None = document.current
        # item id -> the VAE (identity) a session restored its picture in, not loaded yet: its arrival is no new fit
        self.awaited: dict[int, str] = {}
        document.message.connect(self.said)
        document.current_changed.connect(self.shown)
        document.restored.connect(self.restored)
        document.model_loaded.connect(lambda info: self.vae_loaded(info.identity) if info.kind == "vae" else None)

    def said(self, text: str) -> None:
        if (stays := asks_to_act(text)) and self.document.current is not None:
            self.notes[self.document.current.id] = text
        self.status.show_message(text, stays=stays)

    def shown(self, item: Item | None) -> None:
        """Another picture shown: its note, if it has one, else none. The same one again (an undo, a redraw) leaves
        the bar as it is: a message said meanwhile keeps its time."""
        if item is self.showing:
            return
        self.showing = item
        if item is not None and (note := self.notes.get(item.id)):
            self.status.show_message(note, logged=False, stays=True)  # the log has it from the first time
        else:
            self.status.let_go()

    def restored(self, items: list[Item]) -> None:
        """Items a session brought back, before the one to show is: each with its note, if it has one. One shown as
        it was added (the first, into an empty window) is shown again then, now with its note."""
        loaded = self.document.models.get("vae")
        for item in items:
            if note := restored_note(item):
                self.notes[item.id] = note
                if item.directions_of is not None and (loaded is None or loaded.identity != item.directions_of):
                    self.awaited[item.id] = item.directions_of
        if any(item is self.showing for item in items):
            self.showing = None

    def vae_loaded(self, identity: str) -> None:
        """A VAE loaded fits the pictures anew: their notes end, but those of the pictures a session restored in
        it, which waited for it."""
        awaited, self.awaited = self.awaited, {}
        self.notes = {item_id: note for item_id, note in self.notes.items() if awaited.get(item_id) == identity}
        if self.showing is None or self.showing.id not in self.notes:
            self.status.let_go()
