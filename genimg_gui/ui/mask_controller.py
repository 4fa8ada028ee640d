"""Masked local edits: paint a soft mask on the image (either pane); slider edits then apply inside it
and the unedited image shows through outside. A finished stroke is one undoable step."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from ..mask_copies import MaskCopies
from ..masking import brush_into, rounded_mask
from .accessible import labelled_together
from .canvas import Canvas
from .document import Document
from .document_session import stranded_refusal
from .item import Item
from .number_boxes import NumberBox
from .number_keys import let_window_keys_through


class MaskController(QObject):
    """The mask tools: on the Mask toolbar and, for the keyboard, in a menu (fill_menu) holding the same actions,
    so each key is one shortcut, never an ambiguous pair. A stroke is one of the window's gestures: one still going
    on when the user undoes, or another picture or model arrives, is a step first (finish_gesture)."""
    stroke_started = Signal()  # its step is on its way: Undo takes it back

    def __init__(self, document: Document, canvas: Canvas, toolbar: QToolBar) -> None:
        super().__init__(canvas)
        self.document, self.canvas = document, canvas
        self.mask: np.ndarray | None = None  # the stroke in progress, painted in place
        self.rounded: np.ndarray | None = None  # ...and its values rounded as a step holds them (with_mask)
        self.previews: MaskCopies | None = None  # ...and the copies of those its previews sent
        self.item: Item | None = None  # ...and the item it is painted on, its step's
        self.erased = False  # ...and whether its mask began by erasing (EditState.mask_erased)
        # the stroke's preview, asked once the dabs queued so far are painted: each asked a decode of its own copy of
        # the mask (12 MB on a 2048 px photo), the worker drawing only the last of them (latest wins). Those copies are
        # made whole only when no earlier one is free (MaskCopies)
        self._preview = QTimer(self, singleShot=True, interval=0)
        self._preview.timeout.connect(self._ask_preview)
        self.refused = False  # the press began on a picture no model loaded can draw (stranded_refusal): said once
        self.brush = self._checkable(toolbar, "Mask &brush", "B", "Paint where the edit applies "
                                     "(middle-drag or Space+drag pans)")
        self.erase = self._checkable(toolbar, "&Erase", "E", "Erase from the mask")
        # one tool at a time: both looked pressed at once. Pressing the pressed one again puts the brush down
        self.tools = QActionGroup(self)
        self.tools.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.tools.addAction(self.brush)
        self.tools.addAction(self.erase)
        self.radius = NumberBox()
        self.radius.setRange(1, 512)
        self.radius.setValue(6)
        self.radius.setSuffix(" px")
        self.radius.setToolTip("Brush radius in image pixels ([ and ] make it smaller and larger)")
        let_window_keys_through(self.radius)  # Undo, B, E, [ and ] work while it has the focus
        toolbar.addWidget(labelled_together(" Radius: ", self.radius, "Brush radius"))
        self.clear = QAction("&Clear mask", self)
        self.clear.setToolTip("Remove the mask: edits apply to the whole image again (undoable)")
        toolbar.addAction(self.clear)
        self.brush.toggled.connect(self._on_tool)
        self.erase.toggled.connect(self._on_tool)
        self.radius.valueChanged.connect(lambda r: canvas.set_brush_radius(float(r)))
        self.clear.triggered.connect(self.clear_mask)
        # the radius by key: the spin box was the one way, and Tab reached it only after the whole window
        self.larger = self._radius_step("&Larger brush", "]", 1)
        self.smaller = self._radius_step("&Smaller brush", "[", -1)
        canvas.set_brush_radius(float(self.radius.value()))
        canvas.stroke.connect(self.paint)
        canvas.stroke_finished.connect(self.finish)
        document.current_changed.connect(self._show_mask)
        document.history_changed.connect(self._show_mask)

    def _checkable(self, toolbar: QToolBar, text: str, shortcut: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setShortcut(shortcut)
        action.setToolTip(f"{tip} ({shortcut})")
        toolbar.addAction(action)
        return action

    def _radius_step(self, text: str, shortcut: str, steps: int) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        # by about a tenth of the radius: one pixel a press took a hundred presses from 6 px to a broad brush
        action.triggered.connect(lambda: self._step_radius(steps))
        return action

    def _step_radius(self, steps: int) -> None:
        self.radius.stepBy(steps * max(1, self.radius.value() // 10))
        # stepBy selects the number, as if typed into: highlighted while a slider had the focus, two controls
        # looked focused
        self.radius.lineEdit().deselect()

    def fill_menu(self, menu: QMenu) -> None:
        """The toolbar's actions (their shortcuts shown) and the radius keys, in a menu."""
        menu.addActions([self.brush, self.erase, self.clear])
        menu.addSeparator()
        menu.addActions([self.larger, self.smaller])

    def _on_tool(self, *_) -> None:
        """Either tool brushes (Erase too: alone it once stayed pressed while a drag panned); the mask shows while
        one is on. Read from both actions: one's toggle comes while the group has not yet released the other."""
        erasing = self.erase.isChecked()
        brushing = erasing or self.brush.isChecked()
        self.canvas.set_erase(erasing)
        if brushing != self.canvas.brush_mode:
            self.canvas.set_brush_mode(brushing)
            self.canvas.show_mask(brushing)

    def _item(self) -> Item | None:
        return self.document.current

    def _show_mask(self, *_) -> None:
        item = self._item()
        self.canvas.set_mask_overlay(None if item is None else item.history.current.mask)

    def paint(self, x: float, y: float) -> None:
        """One dab at normalised (x, y); the first dab of a stroke starts from the current item's mask. The dab
        changes the stroke's mask, its rounded copy and the overlay only within its box: on a 2048 px photo,
        remaking all three whole took 75 ms a dab (the brush drew at 10 frames a second)."""
        item = self.item if self.mask is not None else self._item()
        if item is None or self.refused:
            return
        if self.mask is None and (why := stranded_refusal(self.document, item, "Not painted")) is not None:
            self.refused = True  # the loaded model drew each dab's edit of another model's latent, the stroke a step
            self.document.refuse("mask", why)
            return
        if self.mask is None:
            self._start(item)
        h, w = self.mask.shape
        value = 0.0 if self.erase.isChecked() else 1.0
        box = brush_into(self.mask, x * w - 0.5, y * h - 0.5, float(self.radius.value()), 0.5, value)
        if box is None:
            return  # wholly off the picture: nothing changed
        y0, y1, x0, x1 = box
        self.rounded[y0:y1, x0:x1] = rounded_mask(self.mask[y0:y1, x0:x1])
        self.previews.changed(box)
        self.canvas.mask_painted(self.mask, box)
        self._preview.start()

    def _ask_preview(self) -> None:
        if self.item is not None and self.previews is not None:  # the stroke goes on (its step made: decoded)
            # the mask crosses to the worker and stays in item.requested: its own copy, not painted on while held
            shown = self.previews.copy()
            self.document.preview_state(self.item.history.current.with_mask(shown, self.erased, rounded=True))

    def _start(self, item: Item) -> None:
        self.item = item
        h, w = item.image.shape[:2]
        current = item.history.current.mask
        # no mask is the edit everywhere: erasing takes from all of it (from none, one click undid the edit)
        everywhere = float(self.erase.isChecked())
        self.mask = current.copy() if current is not None else np.full((h, w), everywhere, np.float32)
        # what the step will hold, the mask rounded (EditState.with_mask): once a stroke, then only each dab's box
        # (a step's mask is rounded already, unless an older session's saved it as it was)
        self.rounded = rounded_mask(self.mask)
        self.previews = MaskCopies(self.rounded)
        overlay = self.canvas.mask_overlay
        if overlay is not None and current is not None and overlay.source is current:
            overlay.source = self.mask  # the same values: the step's overlay goes on as the stroke's, dab by dab
        else:
            self.canvas.set_mask_overlay(self.mask)
        # how the mask began, for the note on which side of its outline edits apply (SliderTab)
        self.erased = item.history.current.mask_erased if current is not None else self.erase.isChecked()
        self.stroke_started.emit()

    def finish(self) -> None:
        """The stroke's step, on the item it was painted on: the window ends the stroke before another item becomes
        current (finish_gesture), so that item is the current one still."""
        self._preview.stop()  # the step's own decode shows it
        item, rounded, painted = self.item, self.rounded, self.mask is not None
        self.item, self.mask, self.rounded, self.previews, self.refused = None, None, None, None, False
        if item is not None and painted:
            self.document.commit_state(item.history.current.with_mask(rounded, self.erased, rounded=True))

    def finish_gesture(self) -> None:
        """End a stroke under way, its step made now (before an undo, another item made current, a model switch):
        its release came later, and put the stroke on whatever item and step were current by then."""
        self.canvas.end_stroke()

    def step_coming(self) -> bool:
        """A stroke under way has painted: its step is still to come."""
        return self.mask is not None

    def clear_mask(self) -> None:
        """The current step's mask gone, as one step. A gesture under way (this brush's stroke, held down) is a step
        first, and the press paints no more: it went on painting the mask it began from, its release put that back
        with the stroke on it, undoing the Clear unasked, and on a picture with no mask yet the Clear did nothing."""
        self.document.finish_gestures()
        item = self._item()
        if item is not None and item.history.current.mask is not None:
            if (why := stranded_refusal(self.document, item, "Mask not cleared")) is not None:
                self.document.refuse("mask", why)
                return
            self.document.commit_state(item.history.current.with_mask(None))
