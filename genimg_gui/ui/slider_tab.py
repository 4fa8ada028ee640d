"""The Sliders tab: a title naming the model whose directions the sliders move, above the sliders themselves,
which are rebuilt only when the direction set on show changes (the window shows the current item's kind)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..model_names import model_name
from ..wording import NO_SPREAD
from .document_session import awaited_model, own_model_failed
from .slider_parts import direction_tip
from .sliders import SliderPanel

NO_MODEL = "Load a model to see its directions"
# the current image's own model (or the one it follows) still loading: the sliders of the model loaded meanwhile
# moved it along that model's directions, and its PC1 is not the image's PC1
WAITING = "Waiting for {model} to load: this image's sliders come with it"
# ...and one that failed to load: the loaded model's sliders showed once it had, and moved the image along its own
# directions, drawn by a model the latent was not made in. Reloading any model of the kind carries it over
FAILED = ("{model} could not be loaded: {why}. This {item} was made in it, so {sliders}, which would move it along "
          "other directions, are held back; its edits are kept, autosaved too. Load {model} in the Models tab (Open "
          "model… where it lies now), or load a {kind} there{loaded} to {again} with that one")


def failed_text(kind: str, folder: str, why: str, loaded: str | None) -> str:
    """The Sliders tab's words for an image whose own model (folder) failed to load (why), loaded: the name of the
    model of its kind loaded instead, if any."""
    return FAILED.format(model=model_name(folder), why=why.rstrip("."), kind=kind.upper(),
                         item="image" if kind == "vae" else "sample",
                         sliders=f"{loaded}'s sliders" if loaded else "other models' sliders",
                         loaded=f", {loaded} too," if loaded else "",
                         again="encode the image again" if kind == "vae" else "draw the sample's seeds again")
# the mask tools by their names on the Mask toolbar (MaskController): once the brush was off, a slider changed only a
# painted strip, and nothing said why. {brush}: the Mask brush's keys, read off its action (mask_note_text)
MASK_NOTE = "Edits apply inside the painted mask — {brush} to paint, Clear mask to edit everywhere"
# ...and a mask made by erasing on a picture with no mask is everywhere but the strip erased: the outline is round
# the strip, and "inside" said the opposite of what a slider then did. Which one, the state keeps (mask_erased): a guess
# from the mask's border called a frame painted round the picture "the erased part"
ERASED_NOTE = "Edits apply outside the erased part — {brush} to paint, Clear mask to edit everywhere"


def mask_note_text(keys: dict[str, str], outside: bool) -> str:
    """The mask note; keys: the menus' keys by item (about.menu_keys), so the brush's key is the one it has now, not
    a "B" written here; outside: the mask began by erasing (EditState.mask_erased)."""
    return (ERASED_NOTE if outside else MASK_NOTE).format(brush=keys["Mask brush"])


if TYPE_CHECKING:
    from ..engine.requests import ModelInfo
    from .document import Document


class SliderTab(QWidget):
    """The title and the SliderPanel of one kind's directions. on_rebuilt runs after new sliders were made: they
    joined Tab's chain after the status bar, and the window puts them back in reading order. keys gives the menus'
    keys by item, for the mask note."""

    def __init__(self, document: Document, on_rebuilt: Callable[[], None],
                 keys: Callable[[], dict[str, str]]) -> None:
        super().__init__()
        self.document = document
        self.on_rebuilt = on_rebuilt
        self.keys = keys  # the menus' keys by item (about.menu_keys), asked as the note shows: the menus come later
        # kind -> rows that came with its model (the rest are the user's): DirectionsController.builtin, shared
        self.builtin: dict[str, int] = {}
        self.source: tuple | None = None  # (kind, …) of the sliders on show: slider_source
        self.sliders = SliderPanel()
        self.sliders.setEnabled(False)  # until there is an image to edit
        self.loading = ""  # the model loading now, named while no sliders show (show_loading)
        self.awaited = ""  # the model the current image waits for (awaited_model), named while it does
        self.failed = ""  # what to say while the current image's own model failed to load (own_model_failed)
        self.title = QLabel(NO_MODEL)
        self.title.setWordWrap(True)
        self.mask_note = QLabel()
        self.mask_note.setWordWrap(True)
        self.mask_note.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.sliders, 1)
        # under the list, above Reset all: shown above it, the note moved Typicality and every slider down by its
        # height, under the user's mouse, as a stroke made the first mask or Clear mask took it away
        panel = self.sliders.layout()
        panel.insertWidget(panel.indexOf(self.sliders.scroll) + 1, self.mask_note)
        document.current_changed.connect(self._show_mask_note)
        document.history_changed.connect(self._show_mask_note)
        document.loading_changed.connect(self._on_loads)

    def shown_kind(self) -> str | None:
        return self.source[0] if self.source else None

    def on_directions(self, kind: str) -> None:
        """A direction was added, renamed or deleted: new sliders, the current item's values on them."""
        if self.shown_kind() == kind:
            added = len(self.document.directions(kind)) > len(self.sliders.sliders)
            self.source = None
            self.show_directions(kind, show=len(self.sliders.sliders) if added else None)  # a new one: its slider
            current = self.document.current
            if current is not None and current.kind == kind:
                self.sliders.set_values(current.history.current.values)

    def show_directions(self, kind: str, show: int | None = None) -> None:
        """The sliders of the kind's model, rebuilt when its direction set changed; show: a row to bring into view.
        None while the current image of that kind waits for its own model (awaited_model), greyed out: Reset all and
        Randomise too, whose menu entries do as the buttons."""
        info = self.document.models.get(kind)
        current = self.document.current
        awaited = awaited_model(self.document, current) if current is not None and current.kind == kind else None
        self.awaited = model_name(awaited) if awaited is not None else ""
        failed = own_model_failed(self.document, current) if current is not None and current.kind == kind else None
        self.failed = "" if failed is None else failed_text(kind, *failed, info.name if info is not None else None)
        if info is None or awaited is not None or failed is not None:
            self.sliders.set_directions(())
            self.sliders.setEnabled(False)
            self.source = None
            self.title.setText(self._empty_title())
            return
        labels = info.directions.labels
        if self.source != slider_source(kind, info):  # rebuild only when the direction set changes
            tips = tuple(direction_tip(row, label, sigma, explained) for row, (label, sigma, explained) in
                         enumerate(zip(labels, info.directions.sigma, info.directions.explained)))
            self.sliders.set_directions(labels, tips, show,
                                        own_from=self.builtin.get(kind, len(labels)))
            self.sliders.setEnabled(bool(labels) and self.document.current is not None)  # nothing to edit yet
            self.source = slider_source(kind, info)
            self.on_rebuilt()
        model = f"the {kind.upper()} “{info.name}”"
        self.title.setText(f"{len(labels)} directions of {model}, in σ units" if labels
                           else f"Directions of {model}: {NO_SPREAD}")

    def _show_mask_note(self, *_) -> None:
        """The note shows while the current step has a mask, saying which side of its outline the edit is on."""
        current = self.document.current
        state = None if current is None else current.history.current
        masked = state is not None and state.mask is not None
        if masked:
            self.mask_note.setText(mask_note_text(self.keys(), state.mask_erased))
        self.mask_note.setVisible(masked)

    def show_loading(self, name: str) -> None:
        """The model loading now ("" when none is): named while no sliders show, where "Load a model…" asked the
        user for what was already on its way."""
        self.loading = name
        if self.source is None:
            self.title.setText(self._empty_title())

    def _on_loads(self) -> None:
        """A load began or ended: one the current image waited for that ended without coming says why, its sliders
        still held back (own_model_failed); the model that comes in its place brings them."""
        current = self.document.current
        if self.awaited and current is not None and awaited_model(self.document, current) is None:
            self.show_directions(current.kind)
            if self.source is not None:
                self.sliders.set_values(current.history.current.values)

    def _empty_title(self) -> str:
        if self.failed:
            return self.failed
        if self.awaited:
            return WAITING.format(model=self.awaited)
        return f"Loading {self.loading}…" if self.loading else NO_MODEL


def slider_source(kind: str, info: ModelInfo) -> tuple:
    """What the sliders on show stand for: the model by its identity, not its folder, so a copy of it in another
    folder keeps them; and its directions' names and spreads as their tooltips write them (a NaN spread equals none)."""
    return kind, info.identity, info.directions.labels, tuple(f"{s:.3f}" for s in info.directions.sigma)
