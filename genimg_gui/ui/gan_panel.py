"""GAN controls: seed, random seed, class (of a conditional GAN), truncation psi, how a seed is drawn (its own z,
skipping mixtures, or refined by the GAN's discriminator), and sending the sample to the VAE."""
from __future__ import annotations

import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSlider,
                               QSpinBox, QVBoxLayout, QWidget)

from ..catalog import DEFAULT_PSI, SKIP_MIXTURES

MAX_SEED = 2**31 - 1
ANY_CLASS = "Any (the seed's own)"


class GanPanel(QWidget):
    generate_requested = Signal(int, float, object, bool, bool)  # seed, psi, class index or None, skip, refine
    new_sample_requested = Signal(int, float, object, bool, bool)
    send_to_vae_requested = Signal()
    invert_requested = Signal(int, float)     # steps, editability 0..1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        self.seed.setObjectName("seed")
        self.random_button = QPushButton("Random seed")
        self.gan_class = QComboBox()
        self.gan_class.setObjectName("gan_class")
        self.gan_class.setToolTip("A GAN trained with labels draws the class you pick; "
                                  "“Any” lets the seed pick one, as often as the training data holds it")
        self.psi = QSlider(Qt.Orientation.Horizontal)
        self.psi.setRange(0, 150)
        self.psi_label = QLabel()
        self.skip_mixtures = QCheckBox("Skip mixtures")
        self.skip_mixtures.setObjectName("skip_mixtures")
        self.skip_mixtures.setToolTip("Draw the seed's first sample that is not a blend of two things the GAN "
                                      "learnt (a smudge between two faces): cleaner, but nearer the images it "
                                      "trained on. Off: the seed's own z, as StyleGAN tools number seeds")
        self.refine = QCheckBox("Refine")
        self.refine.setObjectName("refine")
        self.refine.setToolTip("Move the seed's z a few steps towards what the GAN's own discriminator calls "
                               "real: the seed mostly keeps its face and loses most smears, a little nearer the "
                               "images it trained on. Under a second a seed on a CPU")
        self.set_values(0, DEFAULT_PSI, None, SKIP_MIXTURES)  # the controls from the one default
        self.new_button = QPushButton("New sample")
        self.send_button = QPushButton("Send to VAE editor")
        self.seed.valueChanged.connect(self._emit)
        self.gan_class.currentIndexChanged.connect(self._emit)
        self.psi.valueChanged.connect(self._on_psi)
        # two ways to draw a seed, one at a time: ticking one unticks the other before the request goes out
        self.skip_mixtures.toggled.connect(lambda on: self._exclusive(on, self.refine))
        self.refine.toggled.connect(lambda on: self._exclusive(on, self.skip_mixtures))
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
        form.addRow("Class", self.gan_class)
        form.addRow("Truncation", psi_row)
        draw_row = QHBoxLayout()
        draw_row.addWidget(self.skip_mixtures)
        draw_row.addWidget(self.refine)
        draw_row.addStretch(1)
        form.addRow("", draw_row)
        self.form = form
        self.set_classes(())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.new_button)
        layout.addWidget(self.send_button)
        layout.addWidget(self._inversion_box())
        layout.addStretch(1)
        self.setEnabled(False)

    def _inversion_box(self) -> QGroupBox:
        box = QGroupBox("Invert an image into the GAN")
        self.steps = QSpinBox()
        self.steps.setRange(10, 2000)
        self.steps.setValue(200)
        self.steps.setSingleStep(50)
        self.editability = QSlider(Qt.Orientation.Horizontal)
        self.editability.setRange(0, 100)
        self.editability.setValue(50)
        self.editability.setToolTip("Left: redraw the image as closely as possible. Right: keep w where the "
                                    "model's samples live, so the sliders behave (a looser likeness).")
        self.invert_button = QPushButton("Invert current image")
        self.invert_button.setToolTip("Find the w whose drawing matches the current image; runs in the "
                                      "background with previews (Cancel in the status bar)")
        self.invert_button.clicked.connect(
            lambda: self.invert_requested.emit(self.steps.value(), self.editability.value() / 100))
        trade = QHBoxLayout()
        trade.addWidget(QLabel("Fidelity"))
        trade.addWidget(self.editability, 1)
        trade.addWidget(QLabel("Editability"))
        form = QFormLayout(box)
        form.addRow("Steps", self.steps)
        form.addRow(trade)
        form.addRow(self.invert_button)
        return box

    def values(self) -> tuple[int, float, int | None, bool, bool]:
        """(seed, psi, class index or None for the seed's own, skip mixtures, refine)."""
        index = self.gan_class.currentIndex()
        return (self.seed.value(), self.psi.value() / 100, index - 1 if index > 0 else None,
                self.skip_mixtures.isChecked() and self.skip_mixtures.isEnabled(),
                self.refine.isChecked() and self.refine.isEnabled())

    def set_values(self, seed: int, psi: float, gan_class: int | None = None,
                   skip_mixtures: bool = SKIP_MIXTURES, refine: bool = False) -> None:
        widgets = (self.seed, self.psi, self.gan_class, self.skip_mixtures, self.refine)
        for w in widgets:
            w.blockSignals(True)
        self.seed.setValue(seed)
        self.psi.setValue(round(psi * 100))
        self.psi_label.setText(f"ψ {psi:.2f}")
        self.gan_class.setCurrentIndex(0 if gan_class is None else gan_class + 1)
        self.skip_mixtures.setChecked(skip_mixtures)
        self.refine.setChecked(refine)
        for w in widgets:
            w.blockSignals(False)

    def set_classes(self, names: tuple[str, ...]) -> None:
        """The classes of the loaded GAN; the Class row shows only for a conditional one."""
        self.gan_class.blockSignals(True)
        self.gan_class.clear()
        self.gan_class.addItems([ANY_CLASS, *names])
        self.gan_class.blockSignals(False)
        self.form.setRowVisible(self.gan_class, bool(names))

    def set_mixtures_available(self, available: bool) -> None:
        """Off for a GAN converted from elsewhere: a StyleGAN2 at 1024 px would take seconds per seed."""
        self.skip_mixtures.setEnabled(available)

    def set_refine_available(self, available: bool) -> None:
        """Off for a GAN whose folder holds no discriminator (a converted StyleGAN2, a bare generator)."""
        self.refine.setEnabled(available)

    def random_seed(self) -> None:
        self.seed.setValue(random.randrange(MAX_SEED))

    def _on_psi(self, raw: int) -> None:
        self.psi_label.setText(f"ψ {raw / 100:.2f}")
        self._emit()

    def _exclusive(self, on: bool, other: QCheckBox) -> None:
        if on and other.isChecked():
            other.blockSignals(True)
            other.setChecked(False)
            other.blockSignals(False)
        self._emit()

    def _emit(self, *_args) -> None:
        self.generate_requested.emit(*self.values())
