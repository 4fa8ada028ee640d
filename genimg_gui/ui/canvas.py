"""The canvas: original and edited image side by side, split-compare, or edited only.

Fit-to-window by default; the wheel zooms about the cursor, dragging pans,
double-click fits again; + / - zoom and the arrow keys pan too (canvas_zoom.py).
Each pane has a caption over it that names it (canvas_captions.py).
Side by side, each picture stays in its own half and both zoom and pan as one,
so a zoomed detail is compared with the same detail.
In split mode, dragging near the divider moves it.
In brush mode a left drag on either pane paints a mask instead (the canvas
only reports the stroke; the document owns the mask), and panning moves to the
middle button or Space+drag.
"""
from __future__ import annotations

import math
from enum import Enum

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from .canvas_captions import LABEL_ABOVE, OPENED_LABELS, CanvasCaptions
from .canvas_zoom import KEYS_TIP, ZOOM_STEP, view_key, zoom_about
from .focus_frame import focus_colour, paint_focus_frame
from .mask_overlay import MaskOverlay

EMPTY_TEXT = "Drop images here, paste (Ctrl+V) or File → Open images… (Ctrl+O)"


class CompareMode(str, Enum):
    SIDE_BY_SIDE = "Side by side"
    SPLIT = "Split"
    EDITED = "Edited only"


class Canvas(CanvasCaptions, QWidget):
    zoom_changed = Signal(float)
    stroke = Signal(float, float)   # brush centre, image coordinates normalised 0..1
    stroke_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(KEYS_TIP)  # where no elided caption is under the mouse
        self.setAccessibleName("Canvas: original and edited picture")
        self.original: QImage | None = None
        self.edited: QImage | None = None
        self.mode = CompareMode.SIDE_BY_SIDE
        self.split = 0.5      # divider position in split mode, 0..1 of the image width
        self.zoom = 1.0       # relative to fit
        self.offset = QPointF(0, 0)
        self._drag: tuple[str, QPointF] | None = None
        self.placeholder = EMPTY_TEXT  # shown while there is no image (set_placeholder)
        self.labels: tuple[str | None, str | None] = (None, None)
        self.default_labels: tuple[str, str] = OPENED_LABELS
        self.brush_mode = False
        self.brush_radius = 8.0   # image pixels
        self.erase = False
        self.mask_overlay: MaskOverlay | None = None  # the current step's mask, a stroke in progress included
        self.compared_masks: dict[str, MaskOverlay | None] | None = None  # during A/B: each pane's step's own
        self.mask_visible = False  # tinted while the brush is on (MaskController), else only a faint outline
        self._cursor: QPointF | None = None
        self._space = False
        self._last_stroke: tuple[float, float] | None = None
        self._stroke_pane = "edited"  # the pane a brush stroke started on: its points are read off that one

    def set_images(self, original: QImage | None, edited: QImage | None) -> None:
        self.original, self.edited = original, edited
        self.update()

    def set_placeholder(self, text: str) -> None:
        """What the empty canvas says (files waiting for a model to load: loading_note.py)."""
        if text != self.placeholder:
            self.placeholder = text
            self.update()

    def set_mode(self, mode: CompareMode) -> None:
        self.mode = CompareMode(mode)
        self.update()

    # --- mask painting ----------------------------------------------------
    def set_brush_mode(self, on: bool) -> None:
        self.end_stroke()  # a stroke cut short still ends (one undo step)
        self.brush_mode = bool(on)
        self._drag = None
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        self.update()

    def end_stroke(self) -> None:
        """End a brush stroke under way as its release does (stroke_finished), and the press paints no more: its
        later moves and release went on painting whatever picture was on show by then (after an undo, another
        picture made current)."""
        if self._drag is not None and self._drag[0] == "paint":
            self._drag = None
            self.stroke_finished.emit()

    def set_brush_radius(self, radius: float) -> None:
        self.brush_radius = max(0.5, float(radius))
        self.update()

    def set_erase(self, on: bool) -> None:
        self.erase = bool(on)
        self.update()

    def set_mask_overlay(self, mask: np.ndarray | None) -> None:
        """The current step's float (H, W) mask in [0, 1], tinted over each pane (either can be painted)."""
        self.mask_overlay = None if mask is None else MaskOverlay(mask)
        self.update()

    def mask_painted(self, mask: np.ndarray, box: tuple[int, int, int, int]) -> None:
        """A stroke's mask has changed only within box (y0, y1, x0, x1): its overlay follows there, or is made anew
        where another mask shows (a step's, put there meanwhile)."""
        overlay = self.mask_overlay
        if overlay is None or overlay.source is not mask:
            self.set_mask_overlay(mask)
            return
        overlay.repaint_box(mask, box)
        self.update()

    def set_compared_masks(self, masks: tuple[np.ndarray | None, np.ndarray | None] | None) -> None:
        """During Compare A/B, the masks of the steps the panes show (A's, B's; None for a step without one), each
        drawn on its own pane: the current step's mask went on both, over a step B without any. None ends it."""
        self.compared_masks = None if masks is None else {
            pane: None if mask is None else MaskOverlay(mask) for pane, mask in zip(("original", "edited"), masks)}
        self.update()

    def overlay_for(self, pane: str) -> MaskOverlay | None:
        """The mask drawn over a pane. A stroke in progress shows on both, even during A/B: it paints the current
        step, which its previews then bring to both panes."""
        painting = self._drag is not None and self._drag[0] == "paint"
        if self.compared_masks is None or painting:
            return self.mask_overlay
        return self.compared_masks.get(pane)

    def show_mask(self, on: bool) -> None:
        self.mask_visible = bool(on)
        self.update()

    def edited_rect(self) -> QRectF | None:
        return self.pane_rect("edited")

    def pane_rect(self, name: str) -> QRectF | None:
        return next((rect for pane, rect in self.panes() if pane == name), None)

    def pane_at(self, pos: QPointF) -> str | None:
        """The pane under pos, if any, where it shows (within its slot). Both show the image at one size, so a point
        on the original pane is the same image point as on the edited one: the brush paints on either (strokes on
        the original were lost)."""
        slots = dict(self.slots())
        return next((name for name, rect in self.panes() if rect.contains(pos) and slots[name].contains(pos)), None)

    def _paint_to(self, pos: QPointF) -> None:
        """Emit brush centres from the last one to pos, no further apart than half the radius."""
        rect = self.pane_rect(self._stroke_pane)
        if rect is None or rect.width() <= 0:
            return
        x, y = (pos.x() - rect.left()) / rect.width(), (pos.y() - rect.top()) / rect.height()
        width, height = self.edited.width(), self.edited.height()
        if self._last_stroke is None:
            points = [(x, y)]
        else:  # in image pixels, so that a wide photo is stepped as finely across as down
            lx, ly = self._last_stroke
            n = max(1, math.ceil(math.hypot((x - lx) * width, (y - ly) * height) / max(1.0, self.brush_radius / 2)))
            points = [(lx + (x - lx) * k / n, ly + (y - ly) * k / n) for k in range(1, n + 1)]
        self._last_stroke = (x, y)
        reach_x, reach_y = self.brush_radius / width, self.brush_radius / height  # off the image, still touching it
        for px, py in points:
            if -reach_x <= px <= 1 + reach_x and -reach_y <= py <= 1 + reach_y:
                self.stroke.emit(px, py)

    def fit(self) -> None:
        self.zoom, self.offset = 1.0, QPointF(0, 0)
        self.zoom_changed.emit(self.zoom)
        self.update()

    def slots(self) -> list[tuple[str, QRectF]]:
        """The part of the canvas each image may show in: side by side, a half each (a zoomed picture is cut off
        at the middle, not drawn over the other one); otherwise the whole canvas."""
        if self.edited is None:
            return []
        if not (self.mode == CompareMode.SIDE_BY_SIDE and self.original is not None):
            return [("edited", QRectF(self.rect()))]
        half, gutter = self.width() / 2, 2.0  # a dark line between two zoomed pictures tells where one ends
        return [("original", QRectF(0, 0, half - gutter, self.height())),
                ("edited", QRectF(half + gutter, 0, half - gutter, self.height()))]

    def panes(self) -> list[tuple[str, QRectF]]:
        """Where each image is drawn, in widget coordinates: centred in its slot, moved by the one offset both
        share, so the two panes always show the same part of the image."""
        slots = self.slots()
        gap = 12.0
        # a fitted picture keeps a gap to the canvas's edges and, side by side, one gap between the two; above and
        # below it (centred, zoom and pan about the canvas's middle), room for its caption: one picture fitted to the
        # height (Split, Edited only) had it on a band over its top edge
        fit_w = (self.width() - gap * (len(slots) + 1)) / max(1, len(slots))
        w, h = self._fitted(fit_w, self.height() - 2 * LABEL_ABOVE)
        rects = []
        for i, (name, slot) in enumerate(slots):
            cx = gap * (1 + i) + fit_w * (i + 0.5) if len(slots) == 2 else self.width() / 2
            centre = QPointF(cx, self.height() / 2) + self.offset
            rects.append((name, QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)))
        return rects

    def _fitted(self, slot_w: float, slot_h: float) -> tuple[float, float]:
        """The edited image's size in a slot at this zoom, keeping its aspect (a photo under a
        spatial VAE is not square)."""
        aspect = self.edited.width() / max(1, self.edited.height())
        w = max(1.0, min(slot_w, slot_h * aspect))
        return w * self.zoom, w / aspect * self.zoom

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#2b2b2b"))
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if self.edited is None:
            p.setPen(QColor("#bbbbbb"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
        else:
            self._paint_panes(p)
        if self.hasFocus():  # a Tab stop: the keys below act here, and nothing else showed where the keyboard was
            paint_focus_frame(p, self.rect(), focus_colour(self))

    def _paint_panes(self, p: QPainter) -> None:
        slots = dict(self.slots())
        for name, rect in self.panes():
            p.save()
            p.setClipRect(slots[name])
            if self.mode == CompareMode.SPLIT and self.original is not None:
                self._paint_split(p, rect)
            else:
                p.drawImage(rect, self.original if name == "original" else self.edited)
            self._paint_mask(p, rect, name)  # on the original too: it can be painted there
            self._paint_label(p, rect, self.pane_label(name), slots[name])
            p.restore()
        self._paint_brush(p)

    def pane_label(self, name: str) -> str:
        left, right = (given or default for given, default in zip(self.labels, self.default_labels))
        if self.mode == CompareMode.SPLIT:
            return f"Split: {left.lower()} | edited" if self.labels == (None, None) else f"Split: {left} | {right}"
        return left if name == "original" else right

    def _paint_mask(self, p: QPainter, rect: QRectF, pane: str) -> None:
        overlay = self.overlay_for(pane)
        if overlay is None:
            return
        p.save()
        if self.mode == CompareMode.SPLIT and self.original is not None:  # only over the edited half
            x = rect.left() + rect.width() * self.split
            p.setClipRect(QRectF(x, rect.top(), rect.right() - x, rect.height()), Qt.ClipOperation.IntersectClip)
        overlay.paint(p, rect, faint=not self.mask_visible)  # brush off: the edge alone, so the mask still shows
        p.restore()

    def _paint_brush(self, p: QPainter) -> None:
        pane = None if self._cursor is None else self.pane_at(self._cursor)
        rect = None if pane is None else self.pane_rect(pane)
        if not self.brush_mode or rect is None:
            return
        r = self.brush_radius * rect.width() / max(self.edited.width(), self.edited.height())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for colour, width in (("#000000", 3), ("#ffffff", 1)):  # visible on light and dark pixels
            pen = QPen(QColor(colour), width)
            if self.erase:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawEllipse(self._cursor, r, r)

    def _paint_split(self, p: QPainter, rect: QRectF) -> None:
        x = rect.left() + rect.width() * self.split
        p.save()
        p.setClipRect(QRectF(rect.left(), rect.top(), x - rect.left(), rect.height()))
        p.drawImage(rect, self.original)
        p.setClipRect(QRectF(x, rect.top(), rect.right() - x, rect.height()))
        p.drawImage(rect, self.edited)
        p.restore()
        p.setPen(QPen(QColor("#ffcc00"), 2))
        p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))

    def wheelEvent(self, event) -> None:  # noqa: N802
        zoom_about(self, event.position(), ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self.brush_mode and event.button() == Qt.MouseButton.LeftButton and not self._space:
            pane = self.pane_at(pos)
            if pane is not None:
                self._drag, self._last_stroke, self._stroke_pane = ("paint", pos), None, pane
                self._paint_to(pos)
            return
        if self.brush_mode:  # middle button or Space+drag pans
            self._drag = ("pan", pos)
            return
        panes = self.panes()
        if self.mode == CompareMode.SPLIT and panes:
            rect = panes[0][1]
            if abs(pos.x() - (rect.left() + rect.width() * self.split)) < 8:
                self._drag = ("split", pos)
                return
        self._drag = ("pan", pos)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self.brush_mode:
            self._cursor = pos
            self.update()
        if self._drag is None:
            return
        kind, last = self._drag
        if kind == "paint":
            self._paint_to(pos)
        elif kind == "split" and self.panes():
            rect = self.panes()[0][1]
            self.split = min(1.0, max(0.0, (pos.x() - rect.left()) / rect.width()))
        else:
            self.offset += pos - last
        self._drag = (kind, pos)
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._drag is not None and self._drag[0] == "paint":
            self.stroke_finished.emit()
        self._drag = None

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._cursor = None
        self.update()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            if self.brush_mode:
                self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if not view_key(self, event):
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            if self.brush_mode:
                self.setCursor(Qt.CursorShape.CrossCursor)
            return
        super().keyReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if self.brush_mode and event.button() == Qt.MouseButton.LeftButton:
            self.mousePressEvent(event)  # a quick second dab, not "fit"
            return
        self.fit()
