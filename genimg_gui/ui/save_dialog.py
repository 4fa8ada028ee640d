"""The save dialog of every export and save (PNG, latent, recipe, morph): it offers a name (Settings.export_path),
gives a name typed without the format's suffix that suffix, and asks before that name replaces a file.

Qt's dialog asks "already exists. Replace it?" about the name typed only: `orig` typed while orig.png existed was
asked nothing, and orig.png was written over; so was `mm` over mm.gif, and orig.jpg (asked about) became orig.png
(not asked about). The name written is now the one asked about."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Mapping, Sequence

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..export import with_suffix_kept
from .settings import Settings


def ask_export_path(parent: QWidget, title: str, settings: Settings, name: str, suffix: str, file_filter: str,
                    numbered: bool = False, siblings: Sequence[str] = (), scale: int = 1, edit: bool = False,
                    formats: Mapping[str, str] | None = None,
                    beside: Callable[[str], Sequence[str]] = lambda path: (), picture: str | None = None) -> str:
    """The save dialog, starting at settings.export_path(name, suffix, numbered, siblings, scale, edit, picture)
    (picture: the file the image saved was opened from, if any). The folder chosen is not remembered here: the
    caller remembers it (Settings.exported_to) once its file is written, as a failed write to /proc made every save
    dialog start in /proc, also after a restart.
    formats: the suffix of the file each filter of file_filter writes ({file_filter: suffix} if not given); a name
    that ends in none of them gains the chosen filter's (another filter, "All files (*)", gives suffix if it is one
    of them, else the first). beside(path): the other files the save writes (a recipe's mask). The path to write,
    or "" if cancelled."""
    formats = formats or {file_filter: suffix}
    default = suffix if suffix in formats.values() else next(iter(formats.values()))
    # the dialog opens on suffix's filter: on the first, GIF, it asked for a GIF after an MP4 had been written
    selected = next((text for text, its in formats.items() if its == suffix), "")
    try:
        start = settings.export_path(name, suffix, numbered, siblings, scale, edit, picture)
    except OSError:  # a folder that cannot be looked into: the dialog still opens, without a suggestion
        start = ""
    while True:
        typed, chosen = QFileDialog.getSaveFileName(parent, title, start, file_filter, selected)
        if not typed:
            return ""
        path = with_suffix_kept(typed, tuple(formats.values()), formats.get(chosen, default))
        # No goes back to the dialog, at that name, as Qt's own question does
        if all(replace_asked(parent, title, other, why) for other, why in unasked(path, typed, beside(path))):
            break
        start, selected = path, chosen or selected
    return path


def unasked(path: str, typed: str, beside: Sequence[str]) -> list[tuple[str, str]]:
    """The files to be written over that the dialog did not ask about, each with why it is written: path when the
    name typed was another, and a file beside it (a recipe's NAME.mask.png) when path is new (beside a file
    replaced, it goes with that file)."""
    typed_name, name = Path(typed).name, Path(path).name
    if os.path.lexists(path):  # lexists: a link is replaced too, dangling or not
        return [] if path == typed else [(path, f"“{typed_name}” is saved as {name}, with its format's suffix.")]
    return [(other, f"Saving {name} writes {Path(other).name} beside it.") for other in beside
            if os.path.lexists(other)]


def replace_asked(parent: QWidget, title: str, path: str, why: str) -> bool:
    """Whether the user lets path, which exists, be replaced; why: what writes it."""
    name = Path(path).name
    box = QMessageBox(QMessageBox.Icon.Warning, title, f"{name} already exists. Replace it?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setInformativeText(f"{why} No keeps {name} and goes back to choose another name.")
    box.setDefaultButton(QMessageBox.StandardButton.No)  # as Qt's own question: a stray Return keeps the file
    try:
        box.exec()
        return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
    finally:
        box.deleteLater()  # a child of parent: each question would leave one behind
