"""What the window says while models load: a start-up's bundled or remembered models take seconds on a slow machine,
and meanwhile the window said "Load a model to see its directions" and "Drop images here…", with nothing in the
status bar, though the model was on its way and a photo named on the command line waited for it.

Now the status bar's busy note names the model loading ("Loading emoji-vae…"), the Sliders tab says the same where
it asked for a model, and the empty canvas names the files that wait for the loads ("x.jpg opens once emoji-vae has
loaded"), then the files being opened ("Opening x.jpg…")."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ..engine import requests as rq
from ..model_names import model_name
from ..wording import counted, listed
from .canvas import EMPTY_TEXT, Canvas
from .slider_tab import SliderTab
from .status import StatusBar

if TYPE_CHECKING:
    from .document import Document

LOADING_TIP = "Loading in the background: "  # then the models, in the order they load


def files_said(paths: list[str]) -> str:
    """"x.jpg" for one file, "3 images" for several."""
    return Path(paths[0]).name if len(paths) == 1 else counted(len(paths), "image")


def canvas_text(waiting: list[str], loading: list[str], opening: list[str], asking: str = "") -> str:
    """The empty canvas's text: the files waiting for the models loading (asking: the one whose latent scale is
    being asked, among them), else those being opened, else how to open some."""
    if waiting and loading:
        opens = "opens" if len(waiting) == 1 else "open"
        if asking:  # "opens once my-sd-vae.safetensors has loaded" while it waits for the user's answer
            rest = [name for name in loading if name != asking]
            then = f"{listed(['it', *rest])} have" if rest else "it has"
            return f"{files_said(waiting)} {opens} once the latent scale of {asking} is chosen and {then} loaded"
        return f"{files_said(waiting)} {opens} once {listed(loading)} {'has' if len(loading) == 1 else 'have'} loaded"
    if opening:
        return f"Opening {files_said(opening)}…"
    return EMPTY_TEXT


def waiting_files(document: Document) -> list[str]:
    """The files that wait for the models loading (Document.open_files' after_loads)."""
    return [p for paths, _ in document.waiting_files for p in paths]


def asking_said(document: Document) -> str:
    """The SD VAE file whose latent-scale question is open, named as the question names it; "" for none."""
    return model_name(document.asking_scale) if document.asking_scale else ""


def waiting_text(document: Document) -> str:
    """"photo.jpg opens once …" for the files waiting for the models loading, "" with none: the start hint over a
    GAN sample says it in place of its "To edit a photo of your own, open it…", with one on its way."""
    loading = list(dict.fromkeys(model_name(p) for p in document.loading_paths()))
    waiting = waiting_files(document)
    return canvas_text(waiting, loading, [], asking_said(document)) if waiting and loading else ""


class LoadingNote(QObject):
    """Keeps the status bar's loading note, the Sliders tab's empty title and the canvas's empty text in step with
    the document's loads and the files waiting for them, each model named as the rest of the window names it
    (model_name: by its card)."""

    def __init__(self, document: Document, status: StatusBar, slider_tab: SliderTab, canvas: Canvas) -> None:
        super().__init__(document)
        self.document, self.status, self.slider_tab, self.canvas = document, status, slider_tab, canvas
        self.opening: dict[int, tuple[str, ...]] = {}  # EncodeFiles seq -> its files, until the job ends
        document.loading_changed.connect(self.update)
        document.engine.submitted.connect(self._on_submitted)
        document.engine.progress.connect(self._on_progress)
        document.engine.failed.connect(self._on_failed)
        self.update()

    def update(self) -> None:
        loading = list(dict.fromkeys(model_name(p) for p in self.document.loading_paths()))
        self.status.show_busy(f"Loading {loading[0]}…" if loading else "", "loading",
                              LOADING_TIP + ", then ".join(loading))
        self.slider_tab.show_loading(loading[0] if loading else "")
        opening = [p for paths in self.opening.values() for p in paths]
        self.canvas.set_placeholder(canvas_text(waiting_files(self.document), loading, opening,
                                                asking_said(self.document)))

    def _on_submitted(self, request: rq.Request) -> None:
        if isinstance(request, rq.EncodeFiles):
            self.opening[request.seq] = request.paths
            self.update()

    def _on_progress(self, p: rq.Progress) -> None:
        if p.fraction >= 1.0 and self.opening.pop(p.seq, None) is not None:  # done, failed or cancelled
            self.update()

    def _on_failed(self, f: rq.Failed) -> None:
        if f.final and self.opening.pop(f.seq, None) is not None:  # one that ended before its first progress
            self.update()
