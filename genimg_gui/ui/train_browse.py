"""The Train… dialog's pickers, its two Browse… buttons and GAN classes' "labels file…": where each starts and what a
pick changes. Images starts at the folder its field holds, else where images were last opened from
(Settings.open_folder, shared with File → Open images…); Save to at the folder its field (or, empty, its placeholder)
holds or would make, else among the trained models; a labels file in the images folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from .settings import Settings
from .train_memory import browse_start
from .train_run import models_folder
from .train_save_to import suggested_folder


def browse_images(dialog) -> None:
    """Pick the folder of training images; remembered for File → Open images… when the dialog has the settings."""
    remembered = dialog._memory if dialog._memory is not None else Settings()
    folder = QFileDialog.getExistingDirectory(dialog, "Folder of training images",
                                              browse_start(dialog.data.text(), remembered.open_folder("images")))
    if folder:
        dialog.data.setText(folder)
        if dialog._memory is not None:
            dialog._memory.opened_from("images", folder)


def browse_save_to(dialog) -> None:
    """Pick the folder the model is saved in. An empty field starts at the folder its placeholder says Start saves
    to (suggested_folder), as a field holding it does: in it where a run made it, else the nearest folder above it
    that is there. It started among the models, outside a vae-pets the placeholder named. Not with that name
    typed in the dialog: a folder picker refuses a name that is not a folder yet ("Directory not found")."""
    models = models_folder()
    field = dialog.out.text().strip() or suggested_folder(dialog.data.text(), dialog.kind.value())
    folder = QFileDialog.getExistingDirectory(dialog, "Folder to save the model in",
                                              browse_start(field, str(models if models.is_dir() else Path.home())))
    if folder:
        dialog.out.setText(folder)


def choose_classes(dialog, index: int) -> None:
    """The GAN classes box's "labels file…" entry asks for the file, which becomes a choice of its own."""
    if dialog.classes.itemData(index) is None:
        path, _ = QFileDialog.getOpenFileName(dialog, "Labels file", dialog.data.text(), "CSV files (*.csv)")
        if path:
            dialog.set_labels_file(path)
        else:
            dialog.classes.setCurrentIndex(0)
    dialog.match_classes()
