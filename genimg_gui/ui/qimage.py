"""numpy RGB arrays <-> QImage. Images are made on the GUI thread only."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap


def to_qimage(array: np.ndarray) -> QImage:
    """(H, W, 3) uint8 -> an RGB888 QImage that owns a copy of the pixels."""
    a = np.ascontiguousarray(array, dtype=np.uint8)
    h, w, _ = a.shape
    return QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def from_qimage(image: QImage) -> np.ndarray:
    """Any QImage -> (H, W, 3) uint8, alpha composited on white."""
    if image.hasAlphaChannel():
        flat = QImage(image.size(), QImage.Format.Format_ARGB32)
        flat.fill(0xFFFFFFFF)
        p = QPainter(flat)
        p.drawImage(0, 0, image)
        p.end()
        image = flat
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, bpl = rgb.height(), rgb.width(), rgb.bytesPerLine()
    buf = np.frombuffer(rgb.constBits(), np.uint8, count=h * bpl).reshape(h, bpl)
    return buf[:, : 3 * w].reshape(h, w, 3).copy()


def image_icon(image: QImage) -> QIcon:
    """An icon that shows the picture's own colours when selected too: Qt's style otherwise tints a
    selected item's icon with the highlight colour, and a thumbnail is there to show colour."""
    pix = QPixmap.fromImage(image)
    icon = QIcon(pix)
    icon.addPixmap(pix, QIcon.Mode.Selected)
    return icon
