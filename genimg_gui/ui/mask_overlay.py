"""How a mask shows on the canvas: a light tint where the edit applies, and a line along the mask's edge; with the
brush off, a faint dashed line along the edge alone.

Why both, and the tint light: erasing on a picture with no mask makes a mask everywhere but where the eraser
went (no mask is the edit everywhere). At full strength that tinted the whole of both panes pink for one small
stroke, which looked as if the stroke had gone wrong, and the strip the user erased was only the one place left
untinted. A light tint still says where the edit applies, and the edge line marks what the stroke changed: the
erased strip is outlined on a faintly tinted picture, a painted one on a plain picture. The tint keeps one
meaning (edit here) whether the mask was painted or erased, so it never flips as a stroke grows.

Why the faint line with the brush off: once the brush was put down nothing showed that a mask was there, and a slider
then changed only a strip of the picture, for no reason on screen. The line says where the edit applies without
covering the picture the user is now judging.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF, QTransform

from ..mask_contours import contours
from ..masking import resize_mask, resize_mask_cells

TINT_RGBA = (235, 40, 40, 60)   # where the edit applies, at full strength: light enough to see the picture through
EDGE_COLOURS = (("#ffffff", 4), ("#d01818", 2))  # a red line on a white one: seen on dark and light pixels
# the brush off: thinner and see-through, the red dashed over the white, so it reads as a marker, not a drawn line
FAINT_EDGE = ((QColor(255, 255, 255, 110), 2.5, Qt.PenStyle.SolidLine),
              (QColor(208, 24, 24, 200), 1.2, Qt.PenStyle.DashLine))
EDGE_GRID = 256   # the edge is traced on a grid at least this fine: a 32 px mask's own pixels drew a staircase
EDGE_MAX = 1024   # ...and no finer: a large photo's mask is traced again at every frame of a stroke
EDGE_PAD = 4      # grid cells past the border, where the line drawn round a mask reaching it stays out of sight


class MaskOverlay:
    """One mask, ready to draw over a pane: its tint as an image and its edge as a path in image pixels. A brush
    stroke changes it a dab at a time (repaint_box), and its edge is traced when drawn: on a 2048 px photo, making it
    anew for each dab (resizing, tinting and tracing the whole mask) took 70 ms a dab, the brush lagging behind."""

    def __init__(self, mask: np.ndarray) -> None:
        self.source = mask  # the array it shows: a stroke's own is changed in place, its overlay with it
        m = np.clip(np.asarray(mask, np.float32), 0.0, 1.0)
        self.height, self.width = m.shape
        self.grid = np.array(edge_grid(m), np.float32)  # its own, changed in place by repaint_box
        # a large photo's tint at the grid's size: no finer than a pane shows
        self.tint_of_grid = self.grid.shape[0] < m.shape[0]
        self.tint = tint_image(self.grid if self.tint_of_grid else m)
        self._edge: QPainterPath | None = None
        self.traces = 0  # how often its edge was traced (once per frame drawn while a stroke goes on)

    @property
    def edge(self) -> QPainterPath:
        if self._edge is None:
            self._edge = edge_path(self.grid, (self.height, self.width))
            self.traces += 1
        return self._edge

    def repaint_box(self, mask: np.ndarray, box: tuple[int, int, int, int]) -> None:
        """mask (its size the same) has changed only within box (y0, y1, x0, x1): the grid and tint there follow it,
        and the edge is traced again when next drawn (at most once a frame, however many dabs came in between)."""
        cells, values = resize_mask_cells(mask, self.grid.shape, box)
        gy0, gy1, gx0, gx1 = cells
        self.grid[gy0:gy1, gx0:gx1] = values
        if self.tint_of_grid:
            _retint(self.tint, self.grid, cells)
        else:
            _retint(self.tint, mask, box)
        self._edge = None

    def paint(self, p: QPainter, rect: QRectF, faint: bool = False) -> None:
        """Over a picture drawn in rect; the caller clips it (to the pane's slot, or split's edited half). faint:
        the edge alone, dashed and see-through (the brush is off)."""
        p.save()
        p.setClipRect(rect, Qt.ClipOperation.IntersectClip)  # the edge traced past the border stays unseen
        if not faint:
            p.drawImage(rect, self.tint)
        to_rect = QTransform().translate(rect.left(), rect.top()).scale(rect.width() / self.width,
                                                                        rect.height() / self.height)
        path = to_rect.map(self.edge)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(Qt.BrushStyle.NoBrush)
        pens = FAINT_EDGE if faint else [(QColor(c), w, Qt.PenStyle.SolidLine) for c, w in EDGE_COLOURS]
        for colour, width, style in pens:
            p.setPen(QPen(colour, width, style))
            p.drawPath(path)
        p.restore()


def tint_image(mask: np.ndarray) -> QImage:
    """The mask as a red tint, its alpha following the mask's softness."""
    rgba = np.empty(mask.shape + (4,), np.uint8)
    rgba[..., :3] = TINT_RGBA[:3]
    rgba[..., 3] = (mask * TINT_RGBA[3] + 0.5).astype(np.uint8)
    h, w = mask.shape
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


def _retint(tint: QImage, mask: np.ndarray, box: tuple[int, int, int, int]) -> None:
    """tint_image's alpha again within box, mask the array the tint was made of."""
    y0, y1, x0, x1 = box
    rgba = np.frombuffer(tint.bits(), np.uint8).reshape(tint.height(), tint.bytesPerLine() // 4, 4)
    rgba[y0:y1, x0:x1, 3] = (np.clip(mask[y0:y1, x0:x1], 0.0, 1.0) * TINT_RGBA[3] + 0.5).astype(np.uint8)


def edge_grid(mask: np.ndarray) -> np.ndarray:
    """The mask resized for tracing its edge: at least EDGE_GRID and at most EDGE_MAX pixels on its longer side."""
    h, w = mask.shape
    longest = max(h, w)
    factor = EDGE_GRID / longest if longest < EDGE_GRID else min(1.0, EDGE_MAX / longest)
    return resize_mask(mask, (max(1, round(h * factor)), max(1, round(w * factor))))  # itself at factor 1


def edge_path(grid: np.ndarray, size: tuple[int, int]) -> QPainterPath:
    """The outline of where the mask (resized to grid) is at least half on, in the pixels of the mask's own size
    (H, W), placed between the grid's pixels (mask_contours). The picture's own border is no edge: the grid is padded
    past it with its border values, so a mask reaching the border is outlined only inside, and a mask everywhere (no
    stroke yet) has no edge in sight; a ring of nothing past that closes every line, out of sight too."""
    padded = np.pad(grid, EDGE_PAD + 1, mode="edge")
    padded[[0, -1], :] = padded[:, [0, -1]] = 0.0
    path = QPainterPath()
    for line in contours(padded, 0.5):
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in line.tolist()]))
        path.closeSubpath()
    h, w = size
    sx, sy = grid.shape[1] / w, grid.shape[0] / h
    # a grid pixel's value is at its centre: half a pixel in from its corner, past the padding
    return QTransform().scale(1 / sx, 1 / sy).translate(0.5 - EDGE_PAD - 1, 0.5 - EDGE_PAD - 1).map(path)
