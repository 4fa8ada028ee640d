"""What the window says of a picture opened: how long it took, and what the fit cut away where that is worth a word
(imaging.crop_note, which the command line says too)."""
from __future__ import annotations

from ..engine import requests as rq
from ..imaging import crop_note

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
    letterbox and open it again"): the status bar keeps it until the next message (StatusBar.show_message's stays).
    Said as the start-up ended, after the models' "Loaded …", it had gone before the user looked."""
    return text.endswith(KEEP_ALL)
