"""The Train… dialog's "Model kept" row: keep the model of the best held-out evaluation, where a run has held-out
figures to rank, and a note when the image folder is too small to hold any images out."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QCheckBox, QLabel

from ..holdout import MIN_HELD_OUT, SHARE, held_out_size
from ..data_folder import count_images
from ..wording import counted
from .train_fields import BROWSE
from .train_samples import FIGURES_TO_COME

NO_FOLDER_CHOSEN = "No image folder chosen"  # Images empty: Start is off, and the note says what to do


def not_a_folder(folder: str) -> str:
    """Why Images names no folder ("" when it names one, or nothing yet): a file, or nothing there."""
    if not folder.strip() or Path(folder).is_dir():
        return ""
    return f"{folder} is a file, not a folder" if Path(folder).exists() else f"{folder} does not exist"


def few_images_note(count: int) -> str:
    """What a folder of `count` images, too few to hold any out (held_out_size: the run's own rule), means for a run."""
    if count == 0:
        return "This folder holds no image files (searched recursively): a run would have nothing to learn from."
    # files named as images, not opened (the UI thread must not read a folder's images): a run may skip some
    return (f"Only {counted(count, 'image file')}: a run holds out one image in {SHARE} to measure itself on images it "
            f"never learnt, so with fewer than {SHARE} it holds none out. It logs no held-out figures and keeps its "
            "last step's model.")


class ModelKept:
    """The best evaluation's model or the last step's: a choice only where the run has figures to rank. Two widgets:
    the choice for the dialog's form, the note for the full width under it (a wrapped label in the form was squashed
    when it appeared)."""

    def __init__(self, say_figures: Callable[[str], None] = lambda _line: None) -> None:
        """say_figures is told what the figures line says before a run's figures come (figures_to_come), as that
        changes."""
        self._say_figures = say_figures
        self.best = QCheckBox("the best held-out evaluation, not the last step's")
        # on, where `genimg train` needs --keep-best typed: the dialog's run ends when its time is up, at whatever step,
        # and a GAN's figures rise and fall, so its last step is seldom its best. The box is off where there is nothing
        # to rank; the CLI refuses --keep-best there (a pixel GAN, --holdout 0), so it cannot be the CLI's default
        self.best.setChecked(True)
        self.best.setToolTip("A GAN's figures rise and fall as it trains: keep the model of the evaluation with "
                             "the best figures (a VAE's PSNR; a GAN's precision and recall, which a GAN drawing "
                             "in pixels does not measure). Resuming goes on from the last step either way.")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        self._measured = True  # the model trained has held-out figures (a GAN drawing in pixels has none)
        self._least = 1  # the fewest held-out images its figures need: a latent GAN's precision/recall MIN_HELD_OUT
        self._held = None  # the images the folder's run holds out (None: no folder), at most MIN_HELD_OUT counted
        self.no_images = False  # the folder holds no image files: the note says so, and a run has nothing to learn
        self.no_folder = ""  # why Images is no folder (a file, nothing there): said at once, as an empty folder is
        self.no_choice = True  # Images is empty: said under the form (no ⚠: a fresh dialog has nothing wrong yet)
        self._chosen = True  # the user's choice, put back when the choice opens again (it is unticked while shut)

    def measure_figures(self, measured: bool, least: int = 1) -> None:
        """Whether the model trained is measured, and on at least how many held-out images (a latent GAN's run of
        fewer wrote "held_out_images=9" and no figures while the dialog promised them and kept Model kept on)."""
        self._measured, self._least = measured, least
        self._match()

    def look_at_folder(self, folder: str) -> None:
        """Count the folder's images (a bounded count: a big tree reads as enough) for the note, or say that it is no
        folder (a file or a path to nothing read as fine until Start)."""
        self.no_folder = not_a_folder(folder)
        # emptied after a run, Start stayed on and its refusal replaced that run's log and grid
        self.no_choice = not folder.strip()
        count = count_images(folder, enough=SHARE * MIN_HELD_OUT) if folder.strip() and not self.no_folder else None
        self.no_images = count == 0
        self._held = held_out_size(count) if count is not None else None
        note = (f"⚠ {self.no_folder}: choose a folder of images ({BROWSE})" if self.no_folder
                else f"{NO_FOLDER_CHOSEN}: choose a folder of images ({BROWSE})" if self.no_choice
                else "⚠ " + few_images_note(count) if self._too_few else "")
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._match()

    def _match(self) -> None:
        """Greyed out but ticked read as locked on: while there is nothing to rank it is unticked, and the user's
        choice comes back with a folder or model that has figures."""
        open_ = self._measured and not self._too_few and not self._too_few_to_measure()
        if self.best.isEnabled() and not open_:
            self._chosen = self.best.isChecked()
        elif open_ and not self.best.isEnabled():
            self.best.setChecked(self._chosen)
        self.best.setEnabled(open_)
        if not open_:
            self.best.setChecked(False)
        self._say_figures(self.figures_to_come())

    def figures_to_come(self) -> str:
        """The figures line before a run's: that they come, or why none will; nothing for a folder without image
        files, which the note warns of (a second line said it again)."""
        if self.no_images or self.no_folder:
            return ""
        if self._too_few:
            return "No held-out figures: the folder has too few images to hold any out."
        if self._measured and self._too_few_to_measure():
            # at most: the run's rule (held_out_size) of the images it can use, which only the run knows (files that
            # will not open are skipped, and sub-folder classes leave out the images beside the sub-folders). The
            # dialog gives no --holdout, so the run trains on them too (holdout.spared_by_default)
            return (f"No held-out figures: a GAN's precision and recall need {MIN_HELD_OUT} held-out images, and this "
                    f"folder would give at most {self._held} (one in {SHARE} of the images a run can use), so a run "
                    "trains on them too.")
        return FIGURES_TO_COME if self._measured else "No held-out figures: a GAN drawing in pixels is not measured."

    @property
    def _too_few(self) -> bool:
        """The folder's images are too few to hold any out, so there are none to measure."""
        return self._held == 0

    def _too_few_to_measure(self) -> bool:
        return self._held is not None and 0 < self._held < self._least

    def wanted(self) -> bool:
        """--keep-best for the run: chosen, and with figures to rank."""
        return self.best.isEnabled() and self.best.isChecked()
