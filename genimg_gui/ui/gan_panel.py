"""GAN controls: seed, random seed, truncation psi, and sending the sample to the VAE."""
from __future__ import annotations

import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox, QVBoxLayout,
                               QWidget)

MAX_SEED = 2**31 - 1


class GanPanel(QWidget):
    generate_requested = Signal(int, float)   # seed, psi
    new_sample_requested = Signal(int, float)
    send_to_vae_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        self.seed.setObjectName("seed")
        self.random_button = QPushButton("Random seed")
        self.psi = QSlider(Qt.Orientation.Horizontal)
        self.psi.setRange(0, 150)
        self.psi.setValue(70)
        self.psi_label = QLabel("ψ 0.70")
        self.new_button = QPushButton("New sample")
        self.send_button = QPushButton("Send to VAE editor")
        self.seed.valueChanged.connect(self._emit)
        self.psi.valueChanged.connect(self._on_psi)
        self.random_button.clicked.connect(self.random_seed)
        self.new_button.clicked.connect(lambda: self.new_sample_requested.emit(*self.values()))
        self.send_button.clicked.connect(self.send_to_vae_requested)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.random_button)
        psi_row = QHBoxLayout()
        psi_row.addWidget(self.psi, 1)
        psi_row.addWidget(self.psi_label)
        form = QFormLayout()
        form.addRow("Seed", seed_row)
        form.addRow("Truncation", psi_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.new_button)
        layout.addWidget(self.send_button)
        layout.addStretch(1)
        self.setEnabled(False)

    def values(self) -> tuple[int, float]:
        return self.seed.value(), self.psi.value() / 100

    def set_values(self, seed: int, psi: float) -> None:
        for w in (self.seed, self.psi):
            w.blockSignals(True)
        self.seed.setValue(seed)
        self.psi.setValue(round(psi * 100))
        self.psi_label.setText(f"ψ {psi:.2f}")
        for w in (self.seed, self.psi):
            w.blockSignals(False)

    def random_seed(self) -> None:
        self.seed.setValue(random.randrange(MAX_SEED))

    def _on_psi(self, raw: int) -> None:
        self.psi_label.setText(f"ψ {raw / 100:.2f}")
        self._emit()

    def _emit(self, *_args) -> None:
        self.generate_requested.emit(*self.values())
