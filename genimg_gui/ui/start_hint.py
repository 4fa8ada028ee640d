"""A line over the canvas while the window shows only the sample its GAN drew as it loaded: a first launch opened on
"seed 0" with nothing saying how to open a picture of one's own (the empty canvas's "Drop images here…" shows only
with no image open), nor that the bundled models draw 64×64 emoji, so that a photo comes back as one. That is said of
the VAE in use: the bundled one's emoji, another's size (a user's own models were called "64×64 emoji models" too).
It goes for good once the user opens or edits something."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel

from .canvas import Canvas
from .document_session import kept_items, untouched_start_sample
from .loading_note import waiting_text

if TYPE_CHECKING:
    from ..engine.requests import ModelInfo
    from .document import Document

HINT_MARGIN = 8  # px between the line's band and the canvas's edges
BUNDLED_VAE = "The bundled models are 64×64 emoji models, so a photo comes back as a small emoji-like picture."


def start_hint_text(keys: dict[str, str], vae: ModelInfo | None = None, bundled: bool = False) -> str:
    """What the line says; keys: the menus' keys by item (about.menu_keys), for File → Open images…'s and Paste's;
    vae: the VAE in use (None: none loaded), bundled: whether it is a bundled model."""
    opening = (f"To edit a photo of your own, open it: File → Open images… ({keys['Open images']}), paste "
               f"({keys['Paste image']}) or drop it here.")
    becomes = what_a_photo_becomes(vae, bundled)
    return f"{opening} {becomes}" if becomes else opening


def what_a_photo_becomes(vae: ModelInfo | None, bundled: bool) -> str:
    """What the VAE in use makes of a photo: the bundled one's emoji, another fixed-size VAE's size; "" for one that
    keeps a photo's size (an SD VAE), or none loaded."""
    if vae is None or vae.spatial:
        return ""
    if bundled:
        return BUNDLED_VAE
    side = vae.card.get("resolution")
    if not side:
        return ""
    return f"{vae.name} is a {side}×{side} model, so a photo comes back as a small {side}×{side} picture."


class StartHint(QObject):
    """The hint's label on the canvas, shown while every open image is a start-up sample left as it came and the
    current one is such a sample."""

    def __init__(self, document: Document, canvas: Canvas, keys: dict[str, str],
                 bundled: Callable[[ModelInfo], bool] = lambda _info: False) -> None:
        """bundled: whether a loaded model is one of the bundled models (their folder, or their weights elsewhere)."""
        super().__init__(canvas)
        self.document, self.canvas, self.keys, self.bundled = document, canvas, keys, bundled
        self.done = False  # the user opened or edited something: the hint does not come back
        self.label = QLabel(canvas)
        self.label.setObjectName("start_hint")
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # drags still pan and paint below
        self.label.setStyleSheet("background: rgba(0, 0, 0, 150); color: #dddddd; padding: 4px;")
        self.label.hide()
        canvas.installEventFilter(self)
        for signal in (document.item_added, document.item_removed, document.current_changed,
                       document.history_changed, document.image_changed, document.model_loaded,
                       document.loading_changed):
            signal.connect(self.update)
        self.update()

    def shown(self) -> bool:
        return self.label.isVisibleTo(self.canvas)

    def update(self, *_) -> None:
        """Called on every picture shown (each slider decode too): once done, nothing more to look at."""
        if self.done:
            return
        doc = self.document
        self.done = bool(kept_items(doc))  # an image opened, or the sample edited or exported
        current = doc.current
        vae = doc.models.get("vae")
        # a file on its way (named on the command line, waiting for its VAE's scale or load) is said, not offered
        self.label.setText(waiting_text(doc) or start_hint_text(self.keys, vae, vae is not None and self.bundled(vae)))
        self.label.setVisible(not self.done and current is not None and untouched_start_sample(doc, current))
        self._place()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        """Across the canvas's foot, where the panes' captions (at their top) are not."""
        width = max(1, self.canvas.width() - 2 * HINT_MARGIN)
        height = self.label.heightForWidth(width)
        self.label.setGeometry(HINT_MARGIN, self.canvas.height() - HINT_MARGIN - height, width, height)
