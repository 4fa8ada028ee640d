"""The canvas: original and edited image side by side, split-compare, or edited only.

Fit-to-window by default; the wheel zooms about the cursor, dragging pans,
double-click fits again. In split mode, dragging near the divider moves it.
"""
from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget


class CompareMode(str, Enum):
    SIDE_BY_SIDE = "Side by side"
    SPLIT = "Split"
    EDITED = "Edited only"


class Canvas(QWidget):
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.original: QImage | None = None
        self.edited: QImage | None = None
        self.mode = CompareMode.SIDE_BY_SIDE
        self.split = 0.5      # divider position in split mode, 0..1 of the image width
        self.zoom = 1.0       # relative to fit
        self.offset = QPointF(0, 0)
        self._drag: tuple[str, QPointF] | None = None
        self.placeholder = "Drop images here, paste (Ctrl+V) or File → Open (Ctrl+O)"

    def set_images(self, original: QImage | None, edited: QImage | None) -> None:
        self.original, self.edited = original, edited
        self.update()

    def set_mode(self, mode: CompareMode) -> None:
        self.mode = CompareMode(mode)
        self.update()

    def fit(self) -> None:
        self.zoom, self.offset = 1.0, QPointF(0, 0)
        self.zoom_changed.emit(self.zoom)
        self.update()

    def panes(self) -> list[tuple[str, QRectF]]:
        """Where each image is drawn, in widget coordinates."""
        if self.edited is None:
            return []
        two = self.mode == CompareMode.SIDE_BY_SIDE and self.original is not None
        gap = 12.0
        slot_w = (self.width() - gap * (3 if two else 2)) / (2 if two else 1)
        slot_h = self.height() - 2 * gap
        side = max(1.0, min(slot_w, slot_h)) * self.zoom
        rects = []
        names = ["original", "edited"] if two else ["edited"]
        for i, name in enumerate(names):
            cx = gap * (1 + i) + slot_w * (i + 0.5) if two else self.width() / 2
            centre = QPointF(cx, self.height() / 2) + self.offset
            rects.append((name, QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side)))
        return rects

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#2b2b2b"))
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if self.edited is None:
            p.setPen(QColor("#bbbbbb"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        for name, rect in self.panes():
            if self.mode == CompareMode.SPLIT and self.original is not None:
                self._paint_split(p, rect)
            else:
                p.drawImage(rect, self.original if name == "original" else self.edited)
            p.setPen(QColor("#dddddd"))
            label = ("Split: original | edited" if self.mode == CompareMode.SPLIT
                     else "Original" if name == "original" else "Edited (decoded)")
            p.drawText(rect.adjusted(0, -20, 0, 0).topLeft() + QPointF(0, 14), label)

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
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        new_zoom = min(16.0, max(0.1, self.zoom * factor))
        # keep the point under the cursor fixed
        centre = QPointF(self.width() / 2, self.height() / 2) + self.offset
        pos = event.position()
        self.offset += (pos - centre) * (1 - new_zoom / self.zoom)
        self.zoom = new_zoom
        self.zoom_changed.emit(self.zoom)
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        panes = self.panes()
        if self.mode == CompareMode.SPLIT and panes:
            rect = panes[0][1]
            if abs(pos.x() - (rect.left() + rect.width() * self.split)) < 8:
                self._drag = ("split", pos)
                return
        self._drag = ("pan", pos)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._drag is None:
            return
        kind, last = self._drag
        pos = event.position()
        if kind == "split" and self.panes():
            rect = self.panes()[0][1]
            self.split = min(1.0, max(0.0, (pos.x() - rect.left()) / rect.width()))
        else:
            self.offset += pos - last
        self._drag = (kind, pos)
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._drag = None

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        self.fit()
