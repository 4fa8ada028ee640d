"""One labelled slider per latent direction, in sigma units (-3..+3 by default).

values_changed fires live while dragging; edit_committed fires once per
finished gesture (release, reset, randomise, a key step), which is what undo records.
"""
from __future__ import annotations

import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSlider,
                               QToolButton, QVBoxLayout, QWidget)

STEPS_PER_SIGMA = 100


class SliderPanel(QWidget):
    values_changed = Signal(tuple)
    edit_committed = Signal(tuple)

    def __init__(self, span_sigma: float = 3.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span = span_sigma
        self.sliders: list[QSlider] = []
        self._value_labels: list[QLabel] = []
        self._quiet = False
        self._grid = QGridLayout()
        self._grid.setColumnStretch(1, 1)
        inner = QWidget()
        inner.setLayout(self._grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.reset_all_button = QPushButton("Reset all")
        self.randomise_button = QPushButton("Randomise")
        self.reset_all_button.clicked.connect(self.reset_all)
        self.randomise_button.clicked.connect(self.randomise)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_all_button)
        buttons.addWidget(self.randomise_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(buttons)
        self.setEnabled(False)

    def set_directions(self, labels: tuple[str, ...], tooltips: tuple[str, ...] = ()) -> None:
        """Rebuild the sliders for a new direction set (all at zero)."""
        while self._grid.count():
            self._grid.takeAt(0).widget().deleteLater()
        self.sliders, self._value_labels = [], []
        for row, label in enumerate(labels):
            self._add_row(row, label, tooltips[row] if row < len(tooltips) else label)
        self.setEnabled(bool(labels))

    def _add_row(self, row: int, label: str, tooltip: str) -> None:
        name = QLabel(label)
        name.setToolTip(tooltip)
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(int(-self.span * STEPS_PER_SIGMA), int(self.span * STEPS_PER_SIGMA))
        slider.setSingleStep(10)
        slider.setPageStep(50)
        slider.setObjectName(f"direction_{row}")
        value = QLabel("+0.00σ")
        value.setMinimumWidth(52)
        reset = QToolButton()
        reset.setText("↺")
        reset.setToolTip(f"Reset {label}")
        slider.valueChanged.connect(lambda v, i=row: self._on_value(i, v))
        slider.sliderReleased.connect(self._commit)
        reset.clicked.connect(lambda _=False, s=slider: self._reset_one(s))
        for col, w in enumerate((name, slider, value, reset)):
            self._grid.addWidget(w, row, col)
        self.sliders.append(slider)
        self._value_labels.append(value)

    def values(self) -> tuple[float, ...]:
        return tuple(s.value() / STEPS_PER_SIGMA for s in self.sliders)

    def set_values(self, values: tuple[float, ...]) -> None:
        """Show values without emitting anything (undo, switching images)."""
        self._quiet = True
        try:
            for slider, v in zip(self.sliders, values):
                slider.setValue(round(v * STEPS_PER_SIGMA))
        finally:
            self._quiet = False

    def _on_value(self, index: int, raw: int) -> None:
        self._value_labels[index].setText(f"{raw / STEPS_PER_SIGMA:+.2f}σ")
        if self._quiet:
            return
        self.values_changed.emit(self.values())
        if not self.sliders[index].isSliderDown():  # keys, wheel, clicks on the groove
            self._commit()

    def _commit(self) -> None:
        self.edit_committed.emit(self.values())

    def _reset_one(self, slider: QSlider) -> None:
        slider.setValue(0)

    def _apply(self, values: list[float]) -> None:
        self.set_values(tuple(values))
        self.values_changed.emit(self.values())
        self._commit()

    def reset_all(self) -> None:
        self._apply([0.0] * len(self.sliders))

    def randomise(self, rng: random.Random | None = None) -> None:
        rng = rng or random.Random()
        self._apply([max(-self.span, min(self.span, rng.gauss(0, 1))) for _ in self.sliders])
