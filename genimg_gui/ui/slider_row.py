"""One direction's row in the Sliders tab, laid out as photo editors lay out theirs (Krita, Lightroom's Develop
panel): its name on the left of a first line, its value and ↺ on the right; its slider across the whole row under
them; its preview strip, when shown, across the row under the slider, each preview under the slider position it
shows. The row was [name | slider | value | ↺] on one line: the slider got ~115 px (coarse to drag), its strip
drew each preview ~16 px wide, and a 14 pt font left the names a few letters each."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QSlider, QStyle, QStyleOptionSlider,
                               QToolButton, QVBoxLayout, QWidget)

from .qimage import to_qimage
from .slider_parts import DirectionName

PREVIEW_SIDE = 48  # px: the most a preview is drawn, the size the engine renders them at (preview_controller)
PREVIEW_GAP = 4  # px at least between two previews: touching, they read as one picture
STALE_OPACITY = 0.35  # a strip of the image shown before, kept in its place until the new one's arrives
LINE_SPACING = 6  # px between the name, the value and ↺ on the first line


def handle_centres(slider: QSlider) -> tuple[float, float]:
    """Where the middle of the slider's handle is at its minimum and at its maximum, in px across the slider, as its
    style draws it (the handle's own width is left at either end)."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    centres = []
    for value in (slider.minimum(), slider.maximum()):
        option.sliderPosition = option.sliderValue = value
        handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                               QStyle.SubControl.SC_SliderHandle, slider)
        centres.append(handle.x() + handle.width() / 2)
    return centres[0], centres[1]


class PreviewStrip(QWidget):
    """The direction's previews side by side (the slider's range, evenly spaced), each centred under the position of
    its slider's handle that it shows, as large as that leaves room for (at most PREVIEW_SIDE), square, a gap
    between two."""

    def __init__(self, slider: QSlider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = slider  # whose handle positions the previews sit under
        self.images: list[QImage] = []
        self.stale = False  # its previews are another image's: drawn faint until this one's come
        self.setFixedHeight(PREVIEW_SIDE + PREVIEW_GAP)  # the gap below: the next row's name is not the previews'
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # as wide as the row, no wider
        self.setVisible(False)

    def set_images(self, images: np.ndarray | None) -> None:
        self.images = [] if images is None else [to_qimage(a) for a in images]
        self.stale = False
        self.setVisible(bool(self.images))
        self.update()

    def set_stale(self) -> None:
        """Another image is on show: the previews stay, faint, so the rows keep their place until its strips
        arrive (cleared, every row moved up by a strip's height, then back down a few seconds later)."""
        self.stale = True
        self.update()

    def places(self) -> list[QRectF]:
        """Where each preview is drawn: centred under its handle position, in the strip's own px."""
        n = len(self.images)
        if not n:
            return []
        left, right = handle_centres(self.slider)
        shift = self.mapFromGlobal(self.slider.mapToGlobal(QPoint(0, 0))).x()  # the slider's x in the strip
        pitch = (right - left) / (n - 1) if n > 1 else float(self.width())
        centres = [shift + left + i * pitch for i in range(n)] if n > 1 else [self.width() / 2]
        side = max(1.0, min(float(PREVIEW_SIDE), pitch - PREVIEW_GAP, 2 * centres[0], 2 * (self.width() - centres[-1])))
        return [QRectF(centre - side / 2, 0, side, side) for centre in centres]

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if not self.images:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setOpacity(STALE_OPACITY if self.stale else 1.0)
        for place, image in zip(self.places(), self.images):
            p.drawImage(place, image)


class DirectionRow(QWidget):
    """name, value and reset on a first line, the slider under them across the row, the strip under it. The slider
    is inset by what makes its handle's end positions lie PREVIEW_SIDE / 2 in from the row's edges, where the outer
    previews' centres are: a strip as wide as the row then has each preview under its position, at full size."""

    def __init__(self, name: DirectionName, slider: QSlider, value: QLabel, reset: QToolButton,
                 strip: PreviewStrip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(LINE_SPACING)
        top.addWidget(name, 1)  # the name gets what the value and ↺ leave of the row
        top.addWidget(value)
        top.addWidget(reset)
        track = QHBoxLayout()
        inset = max(0, math.ceil(PREVIEW_SIDE / 2 - handle_centres(slider)[0]))  # the handle's middle at its min
        track.setContentsMargins(inset, 0, inset, 0)
        track.addWidget(slider)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addLayout(track)
        layout.addWidget(strip)


def bring_into_view(scroll: QScrollArea, row: QWidget, margin: int) -> None:
    """Scroll the list so that row (a DirectionRow in scroll's widget) is in view, with margin px round it, or as
    much of it as fits from its top: its name line and its slider. Qt's QScrollArea brought only the slider into
    view, the name above it cut in half, and only as the focus went from one slider to the next: tabbing in from
    outside the list left the slider out of view, and the arrow keys moved one the user could not see."""
    bar, height = scroll.verticalScrollBar(), scroll.viewport().height()
    top, bottom = row.y() - margin, row.y() + row.height() + margin
    bar.setValue(min(max(bar.value(), bottom - height), top))
