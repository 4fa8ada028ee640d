"""The parts of the slider panel that show rather than edit: a slider's preview strip, the typicality meter, and
what a row's widgets say of themselves (tooltips, and names for a screen reader)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QAbstractButton, QLabel, QProgressBar, QSlider, QVBoxLayout, QWidget

from ..typicality import OFF_DISTRIBUTION, SLIDER_SPAN, TYPICAL_BELOW, UNUSUAL_BELOW, band
from . import accessible
from .qimage import to_qimage

STRIP_HEIGHT = 30
# (colour, word) of each typicality.band: green, amber, red; its bounds are measured (typicality.py)
TYPICALITY = (("#3c9d4e", "typical"), ("#d19a1e", "unusual"),
              ("#c8423b", OFF_DISTRIBUTION))
TYPICALITY_HELP = ("How far the edited latent lies from what the model saw in training, in standard deviations "
                   "(σ): along the principal component where it lies furthest out (named once that is unusual), or "
                   "over all directions when that is further.\n"
                   f"Below {TYPICAL_BELOW:g}σ is typical; a PC slider moved ±{SLIDER_SPAN:g}σ "
                   f"from the average along it reads about 3σ, unusual; from {UNUSUAL_BELOW:g}σ the decoder is "
                   "guessing and images often break.\nReset or lower the strongest sliders to come back.")


def direction_tip(row: int, label: str, sigma: float, explained: float) -> str:
    """What a direction is and what its σ means, in words: its tooltip read only "PC1 (21.4%): σ = 8.857". A
    principal component (explained > 0: the rows come first, in order) is named by its place, any other direction
    (an attribute's, or one of the user's) as one that parts two groups of examples."""
    name = label.split(" (")[0].strip()  # "PC1" of "PC1 (21.4%)"
    if explained > 0:
        after = "" if row == 0 else " after PC1" if row == 1 else f" after PC1–PC{row}"
        return (f"{name}: the direction along which this model's latents vary most{after} ({100 * explained:.1f} % "
                f"of their variance);\nthe slider moves in σ, their spread along it (σ = {sigma:.3f})")
    return (f"{label}: a direction that parts two groups of example pictures;\nthe slider moves in σ, the examples' "
            f"spread within their groups along it (σ = {sigma:.3f})")


def explain_row(label: str, tip: str, menu_hint: str, name: QLabel, slider: QSlider, value: QLabel,
                reset: QAbstractButton) -> None:
    """A direction's row: tooltips on each part (only its name had one), and named by its direction to a screen
    reader, its slider (unnamed, it said "slider") and its ↺ ("Reset PC1 (7.4%)", not "↺"). tip: the direction's
    own tooltip (its σ); menu_hint: what right-clicking its name offers."""
    name.setToolTip(f"{tip}\n({menu_hint})")
    slider.setToolTip(f"{tip}\nDrag it, or use the arrow, Page, Home and End keys")
    value.setToolTip(f"{label}: how far the picture is moved along it, in σ (standard deviations along it)")
    reset.setToolTip(f"Reset {label} (or Delete, Backspace or 0 on its slider)")  # sliders.RESET_KEYS
    accessible.name(slider, label)
    accessible.name(reset, f"Reset {label}")


class PreviewStrip(QWidget):
    """Thumbnails side by side, spread so each sits under its slider position."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[QImage] = []
        self.setFixedHeight(STRIP_HEIGHT)
        self.setVisible(False)

    def set_images(self, images: np.ndarray | None) -> None:
        self.images = [] if images is None else [to_qimage(a) for a in images]
        self.setVisible(bool(self.images))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        n = len(self.images)
        if not n:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        side = min(float(STRIP_HEIGHT), self.width() / n)
        step = (self.width() - side) / max(1, n - 1)
        for i, image in enumerate(self.images):
            p.drawImage(QRectF(i * step, (self.height() - side) / 2, side, side), image)


class TypicalityMeter(QWidget):
    """"Typicality: 3.4σ on PC2 (unusual)" and a thin bar, green / amber / red. The direction is named
    only outside green: in a typical latent the furthest of ~20 directions is ~2σ out on any of them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)  # the red message is long; never widen the panel for it
        # two lines whatever it says: a reading wrapping onto a second line moved every slider row below it
        self.label.setFixedHeight(2 * self.label.fontMetrics().lineSpacing() + 2)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.bar = QProgressBar()
        self.bar.setRange(0, 50)  # tenths of sigma, 0..5
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.setToolTip(accessible.wrapped_tip(TYPICALITY_HELP))
        self.distance: float | None = None
        self.set_distance(None)

    def set_distance(self, distance: float | None, direction: str | None = None) -> None:
        """distance: the reading in sigma (None: nothing to measure); direction: the label of the
        direction that sets it, None when the overall distance does."""
        self.distance = distance
        if distance is None:
            self.label.setText("Typicality: –")
            self.label.setStyleSheet("color: gray;")
            self.bar.setValue(0)
            return
        level = band(distance)
        colour, word = TYPICALITY[level]
        where = f" on {direction}" if direction and level else ""
        self.label.setText(f"Typicality: {distance:.1f}σ{where} ({word})")
        weight = "bold" if level == 2 else "normal"
        self.label.setStyleSheet(f"color: {colour}; font-weight: {weight};")
        self.bar.setValue(min(50, round(distance * 10)))
        self.bar.setStyleSheet(f"QProgressBar {{ border: none; background: #00000022; }} "
                               f"QProgressBar::chunk {{ background: {colour}; }}")
