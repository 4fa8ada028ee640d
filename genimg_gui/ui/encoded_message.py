"""What the window says of a picture opened: how long it took, and what the fit cut away where that is worth a word
(imaging.crop_note, which the command line says too)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import requests as rq
from ..imaging import crop_note

if TYPE_CHECKING:
    from .document import Document
    from .item import Item
    from .status import StatusBar

KEEP_ALL = "set Fit new images to letterbox and open it again"  # the toolbar's box and File → Fit new images


def encoded_message(r: rq.Encoded, name: str) -> str:
    """The status bar's and message log's word on a picture opened: "Encoded cat.png in 40 ms" (or the worker's note
    in its place: a photo scaled down to GENIMG_MAX_SIDE), then, in the same message, the part a square crop cut away
    ("…: its centre square was kept (8 % of the picture); to keep it all, …"): the Original pane shows only the
    square, and a second message would hide the first. name: the picture's in the filmstrip ("cat.png (2)")."""
    said = r.note or f"Encoded {name} in {r.seconds * 1000:.0f} ms"
    if r.latent.ndim != 1:  # a spatial VAE's (C, h, w) latent: the photo kept its aspect, nothing was cropped
        return said
    height, width = (r.source if r.source is not None else r.original).shape[:2]
    cropped = crop_note(width, height, r.fit, KEEP_ALL)
    return f"{said}: {cropped}" if cropped else said


def asks_to_act(text: str) -> bool:
    """Whether a message asks the user to do something (a crop's "…; to keep it all, set Fit new images to
    letterbox and open it again"): the status bar keeps it (StatusBar.show_message's stays, StayingNote). Said as the
    start-up ended, after the models' "Loaded …", it had gone before the user looked."""
    return text.endswith(KEEP_ALL)


class StayingNote:
    """The document's messages on the status bar, one that asks to act (asks_to_act) kept there while the picture it
    speaks of is shown: it is said as that picture becomes the current one (Document._on_encoded), and goes when
    another picture does (a switch, a close, a file opened) or a VAE loads (it spoke of the last VAE's fit; a GAN
    loaded beside it changes nothing of the picture's crop). Messages and errors meanwhile show for their time and
    give the bar back to it."""

    def __init__(self, document: Document, status: StatusBar) -> None:
        self.document, self.status = document, status
        self.about: Item | None = None
        document.message.connect(self.said)
        document.current_changed.connect(self.shown)
        document.model_loaded.connect(lambda info: status.let_go() if info.kind == "vae" else None)

    def said(self, text: str) -> None:
        if stays := asks_to_act(text):
            self.about = self.document.current
        self.status.show_message(text, stays=stays)

    def shown(self, item: Item | None) -> None:
        if item is not self.about:
            self.about = None
            self.status.let_go()
