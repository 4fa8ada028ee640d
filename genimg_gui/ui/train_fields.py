"""The Train… dialog's settings fields and buttons, made with their ranges, defaults and the tooltips that say
what each does; the dialog wires them to one another and to the run."""
from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSizePolicy, QWidget)

from .number_boxes import DecimalBox, NumberBox
from .train_run import FOLDERS, LABEL_COLUMN, WINDOW_SAMPLE_EVERY
from .train_save_to import save_to_placeholder

BROWSE = "Browse…"  # the Images and Save to rows' buttons; the no-folder message names the first
# the least time a run is given: 0.1 min was all start and end, the run saying only after it that it had hardly
# trained (the least --minutes its log ever advises, Budget.enough, is 1)
MIN_MINUTES = 1.0
RESOLUTIONS = (32, 64, 128)  # px, the Resolution list's, smallest first
DEFAULT_RESOLUTION = 64


KINDS = ("vae", "gan")  # as `genimg train` takes them (its first argument), and as cards and settings keep them


class KindBox(QComboBox):
    """The Model box: VAE and GAN, as the rest of the app writes them ("vae" and "gan" were shown), each item's data
    the kind the run is given."""
    value_changed = Signal(str)  # the kind chosen, as value() says it

    def __init__(self) -> None:
        super().__init__()
        for kind in KINDS:
            self.addItem(kind.upper(), kind)
        self.currentIndexChanged.connect(lambda _at: self.value_changed.emit(self.value()))

    def value(self) -> str:
        """The kind chosen, as `genimg train` takes it: "vae" or "gan"."""
        return self.currentData()

    def set_value(self, kind: str) -> None:
        """Choose a kind given as value() says it; one that is neither (a damaged setting) leaves the choice."""
        if (at := self.findData(kind)) >= 0:
            self.setCurrentIndex(at)


def minutes_box() -> DecimalBox:
    box = DecimalBox()
    box.setRange(MIN_MINUTES, 24 * 60)
    box.setValue(30)
    box.setSuffix(" min")
    box.setToolTip("How long this run trains. A run that continues an earlier one gets the whole time again, "
                   "counted from its own start")
    return box


TORCH_THREADS = 0  # the CPU threads box's data for torch's own count, as `genimg train` without --threads


def threads_box() -> QComboBox:
    """The run's --threads: torch's own count (the CLI's default, passing none), or 1 up to the machine's cores."""
    box = QComboBox()
    box.addItem("torch's default (one per core)", TORCH_THREADS)
    for threads in range(1, (os.cpu_count() or 1) + 1):
        box.addItem(str(threads), threads)
    box.setToolTip("How many CPU threads the run trains with, on a CPU (--threads). On a machine busy with other "
                   "work, or one of few cores, torch's default can be many times slower than 1 thread: a busy "
                   "2-core machine trained at 2 images/s with 2 threads and 36 with 1. The log's images/s shows "
                   "the speed; try 1 if it is slow. Continue runs with the count shown here.")
    return box


def note_label() -> QLabel:
    """A wrapped note under the form, hidden while it has nothing to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.hide()
    return label


def resolution_box() -> QComboBox:
    box = QComboBox()
    box.addItems([str(side) for side in RESOLUTIONS])
    box.setCurrentText(str(DEFAULT_RESOLUTION))
    return box


def offer_resolution(box: QComboBox, resolution: str) -> None:
    """Add a resolution (a model's or an earlier run's) to the list in its place by size, unless it is there."""
    if box.findText(resolution) >= 0:
        return
    sides = [int(box.itemText(at)) for at in range(box.count())]
    box.insertItem(sum(side < int(resolution) for side in sides), resolution)


def sample_every_box() -> NumberBox:
    box = NumberBox()
    box.setRange(1, 100_000)
    box.setValue(WINDOW_SAMPLE_EVERY)
    box.setToolTip("How many steps the run takes between drawing a sample grid and measuring the held-out images")
    return box


def space_box() -> QComboBox:
    """Where a GAN draws; the dialog fills it from the Models tab's VAEs."""
    box = QComboBox()
    box.setToolTip("A GAN learns far faster in a VAE's latent space, but draws only as well as that VAE "
                   "reconstructs your images: train a VAE on them first, then train the GAN in it.")
    return box


def start_from_box() -> QComboBox:
    """Random weights or a model to fine-tune; the dialog fills it from the Models tab's models."""
    box = QComboBox()
    box.setToolTip("Fine-tune a model you have open on these images instead of starting from random "
                   "weights. The run keeps its kind, resolution and latent space; a GAN with classes "
                   "takes labels with the same classes, or none (its classes merged into one).")
    return box


def mirror_box() -> QCheckBox:
    box = QCheckBox("also learn each image flipped left-right")
    box.setToolTip("Doubles a small folder of things a mirror leaves themselves (faces, animals, "
                   "objects); leave it off for text, clocks and other things with a left and a right")
    return box


def classes_box() -> QComboBox:
    """None, the image folder's sub-folders, or a labels file (its item's data None: the dialog asks for it)."""
    box = QComboBox()
    box.addItem("none: one GAN for all the images", "")
    box.addItem("the sub-folders of the image folder", FOLDERS)
    box.addItem("a labels file (CSV)…", None)
    box.setToolTip("With classes the GAN learns to draw each one, and the Generate tab lets you "
                   "pick which. A CSV needs a 'file' column (paths inside the image folder).")
    return box


def label_column_box() -> QLineEdit:
    box = QLineEdit(LABEL_COLUMN)
    box.setToolTip("The CSV column that holds each image's class")
    return box


def load_button() -> QPushButton:
    # offered, not done: loading re-encodes every open picture, and a short run's model draws them as blobs
    button = QPushButton("Load it")
    button.setToolTip("Make the new model the active one: the open pictures follow it (switching "
                      "back in the Models tab brings them back)")
    button.setEnabled(False)
    return button


def dialog_buttons(*actions: QPushButton) -> QDialogButtonBox:
    """The dialog's own buttons, then Close, which the dialog connects to reject(): mid-run that stops the run
    as Escape does, and the dialog closes once the run has saved."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    for button in actions:
        box.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
    box.button(QDialogButtonBox.StandardButton.Close).setToolTip(
        "Mid-run, Close stops the run as Stop and save does, and the dialog closes once it has saved")
    return box


def follow_the_form(dialog) -> None:
    """The words that follow the form's fields: Save to's placeholder names the folder of the Images and Model box's
    kind, and the samples frame the steps between samples."""
    def match_placeholder(*_args) -> None:
        dialog.out.setPlaceholderText(save_to_placeholder(dialog.data.text(), dialog.kind.value()))

    dialog.kind.value_changed.connect(match_placeholder)
    dialog.data.textChanged.connect(match_placeholder)
    dialog.sample_every.valueChanged.connect(dialog.watch.expect_samples)
    match_placeholder()
    dialog.watch.expect_samples(dialog.sample_every.value())


def no_default_button(dialog: QWidget) -> None:
    """No button of the dialog takes Enter: Qt made its first one, Browse…, the default, so Enter in a field opened
    a file browser; and Start on Enter would begin a run of many minutes. Space still presses the focused button."""
    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)


def beside(*widgets: QWidget) -> QHBoxLayout:
    """A form row of several widgets, the first taking the room."""
    row = QHBoxLayout()
    for at, widget in enumerate(widgets):
        row.addWidget(widget, 1 if at == 0 else 0)
    return row


def settings_form(dialog) -> QWidget:
    """The dialog's fields in a form, at its own height: the dialog's spare room is the log's, which notes coming and
    going above it take from and give back."""
    settings = QWidget()
    settings.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    form = QFormLayout(settings)
    form.setContentsMargins(0, 0, 0, 0)
    form.addRow("Start from", dialog.start_from)
    form.addRow("Model", dialog.kind)
    form.addRow("Images", beside(dialog.data, dialog.browse))
    form.addRow("", dialog.mirror)
    form.addRow("Save to", beside(dialog.out, dialog.out_browse))
    form.addRow("Time for this run", dialog.minutes)
    form.addRow("GAN draws in", dialog.space)
    form.addRow("GAN classes", beside(dialog.classes, QLabel("column"), dialog.label_column))
    form.addRow("Resolution", dialog.resolution)
    form.addRow("Steps between samples", dialog.sample_every)  # "Samples every 1 steps" read wrong
    form.addRow("CPU threads", dialog.threads)
    form.addRow("Model kept", dialog.kept.best)
    return settings
