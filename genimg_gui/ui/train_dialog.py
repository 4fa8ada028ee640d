"""Train… : run `genimg train` on a folder in a child process, with progress, log and Cancel.

A child process (not the worker thread) so a long training run never delays
live decoding, and so Cancel can interrupt it the way Ctrl+C does: the
training loop saves a checkpoint and the model before it exits.
"""
from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QProcess, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout)

from ..catalog import ModelEntry, latent_spaces

PROGRESS = re.compile(r"step (\d+)/(\d+) \| .*ETA ([\d.]+) min")
RESOLUTION_ROLE = Qt.ItemDataRole.UserRole + 1  # a latent-space choice's VAE resolution, as text


def default_output(data: str, kind: str) -> str:
    return str(Path.home() / "genimg-models" / f"{kind}-{Path(data).name or 'images'}")


def train_arguments(kind: str, data: str, out: str, minutes: float, resolution: int,
                    latent_of: str = "") -> list[str]:
    args = ["-m", "genimg_gui.cli", "train", kind, data, "-o", out, "--minutes", f"{minutes:g}",
            "--resolution", str(resolution), "--resume"]
    return args + ["--latent-of", latent_of] if kind == "gan" and latent_of else args


class TrainDialog(QDialog):
    model_trained = Signal(str)  # the new model folder

    def __init__(self, parent=None, models: Sequence[ModelEntry] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train a model on your images")
        self.setMinimumWidth(560)
        self.kind = QComboBox()
        self.kind.addItems(["vae", "gan"])
        self.data = QLineEdit()
        self.data.setPlaceholderText("a folder of images (searched recursively)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.out = QLineEdit()
        self.minutes = QDoubleSpinBox()
        self.minutes.setRange(0.1, 24 * 60)
        self.minutes.setValue(30)
        self.minutes.setSuffix(" min")
        self.resolution = QComboBox()
        self.resolution.addItems(["64", "128", "32"])
        self.space = self._space_choices(models)
        self.progress = QProgressBar()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.start_button = QPushButton("Start")
        self.stop_button = QPushButton("Stop and save")
        self.stop_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.data.textChanged.connect(self._suggest_output)
        self.kind.currentTextChanged.connect(self._suggest_output)
        self.kind.currentTextChanged.connect(self._match_space)
        self.space.currentIndexChanged.connect(self._match_space)
        row = QHBoxLayout()
        row.addWidget(self.data, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Model", self.kind)
        form.addRow("Images", row)
        form.addRow("Save to", self.out)
        form.addRow("Time budget", self.minutes)
        form.addRow("GAN draws in", self.space)
        form.addRow("Resolution", self.resolution)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.log, 1)
        layout.addLayout(buttons)
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.process.readyReadStandardOutput.connect(self._read_output)
        self.process.finished.connect(self._finished)
        self._match_space()

    @staticmethod
    def _space_choices(models: Sequence[ModelEntry]) -> QComboBox:
        """Where a GAN draws: a VAE's latent space (the default when there is one: it learns in CPU
        time, as the bundled GAN did) or pixels (slow to learn without a GPU)."""
        box = QComboBox()
        for entry in latent_spaces(list(models)):
            box.addItem(f"latent space of {entry.name} ({entry.card['resolution']} px)", entry.path)
            box.setItemData(box.count() - 1, str(entry.card["resolution"]), RESOLUTION_ROLE)
        box.addItem("pixels (slow to learn without a GPU)", "")
        box.setToolTip("A GAN learns far faster in a VAE's latent space, but draws only as well as that VAE "
                       "reconstructs your images: train a VAE on them first, open it, then train the GAN in it.")
        return box

    def _match_space(self, *_args) -> None:
        """A GAN in a VAE's latent space has the VAE's resolution; the choice is for GANs only."""
        is_gan = self.kind.currentText() == "gan"
        self.space.setEnabled(is_gan)
        vae_resolution = self.space.currentData(RESOLUTION_ROLE) if is_gan else None
        if vae_resolution:
            if self.resolution.findText(vae_resolution) < 0:
                self.resolution.addItem(vae_resolution)
            self.resolution.setCurrentText(vae_resolution)
        self.resolution.setEnabled(not vae_resolution)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of training images")
        if folder:
            self.data.setText(folder)

    def _suggest_output(self, *_args) -> None:
        if self.data.text():
            self.out.setText(default_output(self.data.text(), self.kind.currentText()))

    def start(self) -> None:
        if not Path(self.data.text()).is_dir():
            self.log.appendPlainText(f"⚠ {self.data.text() or 'no folder'} is not a folder of images")
            return
        args = train_arguments(self.kind.currentText(), self.data.text(), self.out.text(),
                               self.minutes.value(), int(self.resolution.currentText()), self.space.currentData())
        self.log.appendPlainText("$ genimg " + " ".join(args[2:]))
        self.process.start(sys.executable, args)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)

    def stop(self) -> None:
        """Interrupt like Ctrl+C: the run saves its checkpoint and model, then exits."""
        pid = self.process.processId()
        if pid:
            self.log.appendPlainText("stopping: saving a checkpoint and the model…")
            os.kill(pid, signal.SIGINT)

    def _read_output(self) -> None:
        text = bytes(self.process.readAllStandardOutput()).decode(errors="replace")
        for line in text.splitlines():
            self.log.appendPlainText(line)
            if m := PROGRESS.search(line):
                self.progress.setRange(0, int(m.group(2)))
                self.progress.setValue(int(m.group(1)))
                self.progress.setFormat(f"step %v/%m — ETA {m.group(3)} min")

    def _finished(self, code: int, _status) -> None:
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if code == 0 and (Path(self.out.text()) / "card.json").is_file():
            self.log.appendPlainText(f"✓ model written to {self.out.text()}; loading it")
            self.model_trained.emit(self.out.text())
        else:
            self.log.appendPlainText(f"⚠ training exited with code {code}")

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.stop()
            self.process.waitForFinished(30_000)
        super().closeEvent(event)
