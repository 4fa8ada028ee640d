"""Binds the history panel to the document: the current item's tree with thumbnails,
going to any state, and A/B compare of two states on the canvas."""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject

from ..edit import EditState, edited_latent
from ..engine import requests as rq
from .canvas import Canvas
from .canvas_captions import GENERATED_LABELS, LATENT_FILE_LABELS, OPENED_LABELS, SENT_INVERSION_LABELS, SENT_LABELS
from .document import Document
from .document_session import sliders_withheld, stranded_refusal
from .item import Item
from .history_panel import HistoryPanel
from .history_words import (NO_CHANGE, describe_all, describe_generated, describe_sample, describe_sent, describe_step,
                            not_in, value_changes)
from .inversion_names import parse
from .latent_files import picture_file
from .model_panel import told_apart
from .qimage import to_qimage
from .slider_parts import RESET_ONE

THUMB_TAG = 999     # PreviewStrip tag offset for history thumbnails (item_id * 1000 + this)
AB_TAG = 1 << 30    # RenderFrames tag of an A/B pair


def _sent_labels(sent_from: str) -> tuple[str, str]:
    """The panes of a picture sent to the VAE: an inversion's left one said "GAN sample". Told by the name it was
    sent from, which sessions keep ("p1.jpg, inverted (stopped at step 40)"); a sample's ("seed 42") is none."""
    return SENT_INVERSION_LABELS if parse(sent_from) is not None else SENT_LABELS


class HistoryController(QObject):
    def __init__(self, document: Document, panel: HistoryPanel, canvas: Canvas,
                 repeated: Callable[[], set[str]] = set) -> None:
        """repeated: the names the Models tab tells apart by their folders (more than one listed model has them),
        told apart here as it does."""
        super().__init__(panel)
        self.document, self.panel, self.canvas, self.repeated = document, panel, canvas, repeated
        self.comparing: tuple[int, int] | None = None
        self._captions: tuple[str, str] = ("A", "B")  # the compared steps' names, for the panes
        self._masks: tuple[np.ndarray | None, np.ndarray | None] = (None, None)  # ...and their masks, a pane each
        self._ab_seq = 0
        # (item id, its current step, a, b): a comparison asked of a picture whose latents were not the loaded model's
        # (a VAE switch left it behind): made once they are (Document.carried_first)
        self._after_carry: tuple[int, int, int, int] | None = None
        self._missing: list[int] = []  # node ids of the thumbnail strip asked for last
        self._strip_seq = 0  # its seq: the answer to an older one is not the thumbnails of those nodes
        self._shown: Item | None = None  # the item whose tree the panel shows
        document.current_changed.connect(self.refresh)
        document.history_changed.connect(self.refresh)
        # steps are named by the directions' labels as they are now: a rename shows at once, not at the next edit
        document.directions_changed.connect(self.refresh)
        document.model_loaded.connect(self._rename_steps)
        document.image_changed.connect(self._on_image)
        document.current_changed.connect(self._name_panes)
        document.previewed.connect(self._on_previewed)
        document.frames_ready.connect(self._on_frames)
        document.retried.connect(self._on_retried)
        panel.node_activated.connect(document.goto)
        panel.compare_requested.connect(self.compare)
        panel.compare_cleared.connect(self.stop_comparing)
        # an undo, a jump or another image ends a comparison: its panes would show the new state under A/B captions
        document.history_changed.connect(self._on_moved)
        document.current_changed.connect(self._on_moved)
        document.history_changed.connect(self._compare_carried)  # after: the carried history is no move

    def refresh(self, *_) -> None:
        if self._show_steps():
            self._request_missing_thumbs(self.document.current)

    def _rename_steps(self, info: rq.ModelInfo) -> None:
        """Steps are named by the loaded model (its labels, its name in "(not in other-vae)"): a session restored
        before its model arrived showed numbered directions "(not in this model)" until the next edit. Thumbnails
        wait for the items carried over to it (a new VAE encodes its pictures again)."""
        if self.document.current is not None and self.document.current.kind == info.kind:
            self._show_steps()

    def _show_steps(self) -> bool:
        """The current item's tree in the panel, named as now; False when no item is open."""
        item, shown = self.document.current, self._shown
        self._shown = item
        if item is None:
            self.panel.set_nodes([], 0)
            return False
        names = self._step_names(item)
        nodes = [(n.id, n.parent, names[n.id], item.thumbs.get(n.id)) for n in item.history.nodes()]
        self.panel.set_nodes(nodes, item.history.current_id, keep_partner=item is shown)  # ids are per item
        self._detail_gestures(item, names)
        return True

    def _detail_gestures(self, item: Item, names: dict[int, str]) -> None:
        """A step named by its gesture ("Reset all") lists every value it set in its row's tooltip (a reset of one
        direction names it already)."""
        labels, states = self._labels(item), {n.id: n.state for n in item.history.nodes()}
        for node in item.history.nodes():
            row = self.panel.item_for(node.id)
            if item.made_by.get(node.id) not in (None, RESET_ONE) and row is not None:
                # one made in another model lists what it set there, as its name is marked: "no change" told nothing
                elsewhere = self._only_elsewhere(item, node, states)
                detail = ", ".join(elsewhere) or describe_all(states.get(node.parent), node.state, labels)
                row.setToolTip(0, row.toolTip(0).replace(names[node.id], f"{names[node.id]}: {detail}", 1))

    def _step_names(self, item: Item) -> dict[int, str]:
        """Each state's name, as the tree shows it and the A/B panes are captioned."""
        labels = self._labels(item)
        states = {n.id: n.state for n in item.history.nodes()}
        return {n.id: self._describe(item, n, states, labels) for n in item.history.nodes()}

    def step_name(self, item: Item, node_id: int) -> str:
        """One state's name as the tree shows it (Edit → Undo and Redo name their step by it)."""
        return self._step_names(item)[node_id]

    def _labels(self, item: Item) -> tuple[str, ...]:
        d = self.document.directions(item.kind)
        return d.labels if d is not None else ()

    def _name_panes(self, item: Item | None) -> None:
        """The compare view's captions when no A/B is shown: a sample the GAN drew, or one sent to the VAE, was
        never an "Original"; nor was a latent file opened (an export opened again): its left pane is its model's
        drawing of the file's latent, no photo (an inversion's own is), a GAN's read as a sample's."""
        from_latent = item is not None and item.file is not None and picture_file(item) is None
        drawn = item is not None and (item.generated or from_latent and item.kind == "gan")
        self.canvas.set_default_labels(GENERATED_LABELS if drawn else LATENT_FILE_LABELS if from_latent else
                                       _sent_labels(item.sent_from) if item and item.sent_from is not None
                                       else OPENED_LABELS)

    def _on_image(self, item: Item) -> None:
        if item is self.document.current and item.history.current_id in item.thumbs:
            self.panel.set_thumbnail(item.history.current_id, item.thumbs[item.history.current_id])

    def _describe(self, item: Item, node, states: dict[int, EditState], labels: tuple[str, ...]) -> str:
        """A node's label: the sample it drew (a GAN step that mapped a seed), else what it edited."""
        made_by = item.made_by.get(node.id)
        if made_by not in (None, RESET_ONE):  # Reset all, Randomise, a recipe: what the user did, not a list of values
            return made_by + (not_in(self._loaded_name(item.kind)) if self._only_elsewhere(item, node, states) else "")
        if node.id in item.step_names:  # it moved a direction since deleted: named as it was
            return item.step_names[node.id]
        gan = self.document.models.get("gan")
        if node.parent is None and item.generated:
            return describe_generated(item.drawn[node.id], gan.name if gan else None)
        if node.parent is None and item.sent_from is not None:
            return describe_sent(item.sent_from)
        if node.parent is None or node.id not in item.drawn:
            text = describe_step(states.get(node.parent), node.state, labels, made_by == RESET_ONE)
            return (self._described_elsewhere(item, node) or text) if text == "Edit" else text
        before = item.sample_node(node.parent)
        classes = gan.classes if gan else ()
        return describe_sample(item.drawn.get(before), item.drawn[node.id], classes, self._loaded_name("gan"))

    def _described_elsewhere(self, item: Item, node) -> str | None:
        """A step that changes nothing in this model moved a direction it lacks: named by the values it kept for the
        model it was made in (Item.values_by_model), and said to be not in this one. It read a bare "Edit"."""
        if not (changes := self._changes_elsewhere(item, node)):
            return None
        return ", ".join(changes[:2]) + (" …" if len(changes) > 2 else "") + not_in(self._loaded_name(item.kind))

    def _only_elsewhere(self, item: Item, node, states: dict[int, EditState]) -> list[str]:
        """What a step that changes nothing in this model (no value, mask or latent) changed in the model it was made
        in: a recipe or Randomise made there is marked as a slider step is. [] for a step that changes something."""
        before = states.get(node.parent)
        unchanged = before is not None and describe_all(before, node.state, ()) == NO_CHANGE
        return self._changes_elsewhere(item, node) if unchanged else []

    def _loaded_name(self, kind: str) -> str:
        """The model of a kind loaded now, which a step made in another is marked as not in: by its name, with its
        folder where another listed model has that name ("(not in taesd)" under a step made in another taesd read
        as the one it was made in)."""
        now = self.document.models.get(kind)
        if now is None:
            return "this GAN" if kind == "gan" else "this VAE"
        return told_apart(now.name, now.path, self.repeated())

    def _changes_elsewhere(self, item: Item, node) -> list[str]:
        """Every value a step changed in the model it was made in, kept there (Item.values_by_model); [] for one made
        in no other model, or that changed no value there either."""
        for identity, kept in item.values_by_model.items():
            if node.id not in kept:
                continue
            before = node.state.with_values(kept.get(node.parent, ()))
            # labels a session saved before they were kept lacks: the rows are numbered
            labels = self.document.direction_labels.get(identity, ())
            reset = item.made_by.get(node.id) == RESET_ONE  # a drag back to 0 is a move there, as in its model
            # the model by its weights (values_by_model's keys): a copy of this one in another folder has none
            if changes := value_changes(before, node.state.with_values(kept[node.id]), labels, reset):
                return changes
        return []

    def _request_missing_thumbs(self, item: Item) -> None:
        """States never shown (e.g. restored from a session) get thumbnails at low priority; not while the item's
        latents are still the last model's (carry.pending: a switch's encoding of it on its way, or cancelled), which
        the new one drew as other pictures: they come as its latents are carried over (history_changed)."""
        missing = [n for n in item.history.nodes() if n.id not in item.thumbs]
        directions = self.document.directions(item.kind)
        if not missing or directions is None or self.document.carry.pending(item.id) \
                or sliders_withheld(self.document, item):  # its own model on its way or failed: another drew them
            return
        self._missing = [n.id for n in missing]
        latents = np.stack([edited_latent(n.state, directions) for n in missing])
        self._strip_seq = self.document.engine.submit(rq.PreviewStrip(
            item.kind, latents, item.id * 1000 + THUMB_TAG, size=48, **rq.frame_masks([n.state for n in missing])))

    def _on_previewed(self, r) -> None:
        item = self.document.current
        # a strip asked before the last is not theirs: of other steps, or of the directions of the model loaded then
        # (a restored item's own model, come after the last one, clears what it drew: CarryOver._stay)
        if item is None or r.tag != item.id * 1000 + THUMB_TAG or r.seq != self._strip_seq \
                or self.document.carry.pending(item.id):  # asked before a switch, drawn by the new model
            return
        self._strip_seq = 0
        for node_id, image in zip(self._missing, r.images):
            item.thumbs.setdefault(node_id, image)
            self.panel.set_thumbnail(node_id, image)

    def compare(self, a: int, b: int) -> None:
        """Render states a and b at full size and show them side by side on the canvas. A picture a VAE switch left
        behind is encoded with the new VAE first, and compared as it comes (_compare_carried): the new VAE drew the
        last one's latents, other pictures, as the two steps."""
        item = self.document.current
        directions = self.document.directions(item.kind) if item else None
        self._after_carry = None
        if item is None or directions is None:
            return
        if (why := stranded_refusal(self.document, item, "Not compared")) is not None:
            self.document.refuse("compare", why)
            self.panel.stop_comparing()  # the panes back to the picture as kept
            return
        if (note := self.document.carried_first(item)) is not None:
            self._after_carry = (item.id, item.history.current_id, a, b)
            self.document.message.emit(f"{note}; the A/B comparison shows then")
            return
        self.comparing = (a, b)
        names = self._step_names(item)
        self._captions = (f"A: {names[a]}", f"B: {names[b]}")
        states = {n.id: n.state for n in item.history.nodes()}
        pair = [states[a], states[b]]
        self._masks = (pair[0].mask, pair[1].mask)
        latents = np.stack([edited_latent(state, directions) for state in pair])
        self._ab_seq = self.document.engine.submit(rq.RenderFrames(item.kind, latents, tag=AB_TAG,
                                                                   **rq.frame_masks(pair)))

    def _on_retried(self, seq: int, new: int) -> None:
        """Retry on CPU sent the A/B render (or the thumbnail strip) that ran out of GPU memory again: its frames are
        the pair's (its thumbnails the steps')."""
        if seq == self._ab_seq:
            self._ab_seq = new
        if seq == self._strip_seq:
            self._strip_seq = new

    def _on_frames(self, r) -> None:
        if r.seq != self._ab_seq or self.comparing is None:
            return
        self.canvas.set_labels(*self._captions)
        self.canvas.set_compared_masks(self._masks)
        self.canvas.set_images(to_qimage(r.images[0]), to_qimage(r.images[1]))

    def _on_moved(self, *_) -> None:
        """Another step or image, or the picture a comparison waits for (_after_carry) left behind again (its
        encoding cancelled or failed), ends it; that picture's encoding coming (its history carried over, its
        picture drawn again) does not: it is compared then (_compare_carried)."""
        waits, item, carry = self._after_carry, self.document.current, self.document.carry
        if waits is None or item is None or (item.id, item.history.current_id) != waits[:2] \
                or item.id in carry.left_behind:
            self.end_comparison()

    def _compare_carried(self) -> None:
        if self._after_carry is not None and not self.document.carry.pending(self._after_carry[0]):
            self.compare(*self._after_carry[2:])

    def end_comparison(self, *_) -> None:
        """Said in the status bar: the panes went back to the original and the edit with no word, as if the click on
        another step had been lost. Kept, the comparison would show two old states while the step clicked, which
        the user asked to see, stayed out of sight."""
        if self.comparing is not None or self._after_carry is not None:
            self.panel.stop_comparing()  # which comes back as stop_comparing
            self.document.message.emit("A/B comparison ended")

    def stop_comparing(self) -> None:
        self.comparing, self._after_carry = None, None
        self.canvas.set_labels(None, None)
        self.canvas.set_compared_masks(None)
        item = self.document.current
        if item is not None:
            self.canvas.set_images(to_qimage(item.original), to_qimage(item.image))
