"""New direction from examples: images that show "from" and images that show "to".

The dialog only gathers a DirectionRequest; the engine encodes the images and
fits the direction (difference of the two means, or a linear classifier's normal).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from ..edit import clashing_label, typed_name
from ..image_files import IMAGE_SUFFIXES
from ..wording import counted, listed
from . import ink
from .file_dialogs import ask_open_files
from .focus_frame import paint_empty_view_focus
from .qimage import image_icon
from .settings import Settings
from .window_geometry import content_size, fit_dialog

METHODS = (("means", "Difference of means"), ("linear", "Linear classifier"))
PATH_ROLE = Qt.ItemDataRole.UserRole
THUMB = 40
FIRST_SIZE = QSize(560, 420)  # px, the least it opens at: room for a few images a side
# words in file names that say how a picture was taken or saved, not what it shows (IMG_0001.jpg)
# "seed": genimg names an exported GAN sample "seed0042.png", which says how it was drawn: "seed → B" named no group
NOT_NAMES = frozenset({"img", "image", "dsc", "dscn", "dscf", "pxl", "photo", "pic", "screenshot", "scan", "copy",
                       "edited", "jpg", "png", "seed"})
NEUTRAL_NAME = "new direction"  # neither side's file names say what it shows
FILTER = "Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ")"


def suggest_name(from_paths: Sequence[str], to_paths: Sequence[str]) -> str:
    """"from → to", each side named by what its examples share: the folder they all came from (frowning/ and
    smiling/; not one both sides share), else the words in every file name of it and not in every one of the
    other's (frown_01.jpg, frown_02.jpg → "frown"), else its folder while the other side is empty, else a neutral
    word, "other" (face_c.jpg and big_photo.jpg share nothing: the first one's name said nothing of the group), and
    "new direction" when neither side has a name of its own; an empty side reads A or B."""
    groups = [[Path(p) for p in from_paths], [Path(p) for p in to_paths]]
    names = [_side_name(groups, side) or ("other" if groups[side] else "AB"[side]) for side in (0, 1)]
    return NEUTRAL_NAME if names == ["other", "other"] else " → ".join(names)


def _side_name(groups: list[list[Path]], side: int) -> str:
    """What one side's examples share and the other's do not ("" when nothing)."""
    group, other = groups[side], groups[1 - side]
    folders = [{p.parent.name for p in g} for g in (group, other)]
    one_folder = next(iter(folders[0])) if len(folders[0]) == 1 else ""
    own_words = [w for w in _common_words(group) if w not in _common_words(other)]
    if one_folder and other and folders[0] != folders[1]:
        return one_folder
    if own_words:
        return " ".join(own_words)
    return one_folder if not other else ""  # the other side still empty: its folder, until that side shows


def _common_words(paths: Sequence[Path]) -> list[str]:
    """The words (letters only, 3 or more; file-name numbering, codes and cameras' prefixes left out) in every
    path's name, in the order of the first."""
    words = [[w.lower() for w in re.split(r"[^A-Za-z]+", p.stem) if len(w) >= 3 and w.lower() not in NOT_NAMES]
             for p in paths]
    return [w for w in dict.fromkeys(words[0]) if all(w in other for other in words[1:])] if words else []


def naming_refusal(labels: Sequence[str], name: str, row: int | None = None, model: str = "this model") -> str:
    """Why name cannot be the name of row (None: a new direction) beside labels, the directions of model, or ""
    when it can."""
    if not name.strip():
        return "a direction needs a name"
    clash = clashing_label(labels, name, row)
    if clash is not None:
        return f"“{clash}” is already a direction of {model}; choose another name"
    return ""


def free_name(labels: Sequence[str], name: str) -> str:
    """name, or the first of "name 2", "name 3"… that naming_refusal takes beside labels (the same examples chosen
    again suggest the same name)."""
    label, n = name, 2
    while naming_refusal(labels, label):
        label, n = f"{name} {n}", n + 1
    return label


@dataclass(frozen=True)
class DirectionRequest:
    name: str
    from_paths: tuple[str, ...]
    to_paths: tuple[str, ...]
    method: str = "means"        # "means" | "linear"
    keep_fixed: bool = False     # project out the named directions (conditional editing)


def _keep_fixed_box(kept: Sequence[str] | None) -> QCheckBox:
    """The "Keep … fixed" box, saying which directions it keeps the new one apart from: every named one (the
    model's attributes and the user's own, not the principal components), listed in its tooltip when told."""
    box = QCheckBox("Keep the named directions fixed (the model's attributes and your own)")
    if kept is not None and not kept:
        box.setToolTip("The model has no named directions yet (attributes, or directions you made) to keep the new "
                       "one apart from")
        return box
    which = "every named direction of the model (its attributes and the directions you made; not the principal " \
            "components)" if kept is None else (
        f"the {counted(len(kept), 'named direction')} (" + ", ".join(f"“{label}”" for label in kept) + ")")
    box.setToolTip(f"Remove from the new direction whatever it shares with {which}, so that moving it changes those "
                   "less; its examples must still differ along what is left")
    return box


def _thumbnail(path: str) -> QIcon:
    image = QImage(path)
    if image.isNull():
        return QIcon()
    return image_icon(image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation))


class ImageList(QListWidget):
    """A list of image files that accepts dropped files."""

    paths_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setIconSize(QSize(THUMB, THUMB))

    @staticmethod
    def _image_paths(event) -> list[str]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [u.toLocalFile() for u in urls
                if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self._image_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = self._image_paths(event)
        if paths:
            event.acceptProposedAction()
            self.paths_dropped.emit(paths)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.count() == 0:  # say what the empty box is for
            p = QPainter(self.viewport())
            p.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, "Drop images here")
            p.end()
        paint_empty_view_focus(self)  # no item to show the focus on

    def paths(self) -> tuple[str, ...]:
        return tuple(self.item(r).data(PATH_ROLE) for r in range(self.count()))

    def add_paths(self, paths) -> None:
        have = set(self.paths())
        for path in map(str, paths):
            if path in have:
                continue
            have.add(path)
            entry = QListWidgetItem(_thumbnail(path), Path(path).name)
            entry.setData(PATH_ROLE, path)
            entry.setToolTip(path)
            self.addItem(entry)

    def remove_selected(self) -> None:
        for entry in self.selectedItems():
            self.takeItem(self.row(entry))


class DirectionsDialog(QDialog):
    """Gathers a DirectionRequest; OK only with at least one image on each side and a name no direction of the
    model has (taken: their labels). model names that model in a refusal; target, a line above the images, says
    which model the direction is made for; kept: the named directions "Keep … fixed" keeps it apart from (None:
    not told)."""

    def __init__(self, parent: QWidget | None = None, taken: Sequence[str] = (), model: str = "this model",
                 target: str = "", kept: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New direction from examples")
        self.taken, self.model = tuple(taken), model
        self.target_note = QLabel(target)
        self.target_note.setWordWrap(True)
        self.target_note.setVisible(bool(target))
        self.name_note = self._name_note()
        self.lists = {"from": ImageList(), "to": ImageList()}
        self.counts: dict[str, QLabel] = {}
        self.add_buttons: dict[str, QPushButton] = {}
        self.remove_buttons: dict[str, QPushButton] = {}
        self.name = QLineEdit()
        self.name.setPlaceholderText("A → B")
        self._name_edited = False  # once the user types a name, stop suggesting one
        self.method = QComboBox()
        for key, text in METHODS:
            self.method.addItem(text, key)
        self.method.setToolTip("Difference of means: average 'to' minus average 'from' (robust with few images).\n"
                               "Linear classifier: the normal of a line separating them (better with many).")
        self.keep_fixed = _keep_fixed_box(kept)
        self.refusal_note = QLabel()  # why the last try with these examples made no direction (restore)
        self.files_note = QLabel()  # the names typed in Add images… that are not there
        self._ink_notes()
        ink.follow_palette(self, self._ink_notes)
        for note in (self.refusal_note, self.files_note):
            note.setWordWrap(True)
            note.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make direction")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name.textEdited.connect(self._on_name_edited)
        self.name.textChanged.connect(self._check_name)  # set by a test or a suggestion too
        sides = QHBoxLayout()
        for which, title in (("from", "From: images without the attribute"),
                             ("to", "To: images with the attribute")):
            sides.addLayout(self._side(which, title))
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Method", self.method)
        form.addRow("", self.keep_fixed)
        bottom = QHBoxLayout()
        bottom.addWidget(self.name_note, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.target_note)
        layout.addLayout(sides, 1)
        layout.addWidget(self.files_note)
        layout.addLayout(form)
        layout.addWidget(self.refusal_note)
        layout.addLayout(bottom)
        # grown for what it holds (a long note over a GAN's sample left the drop areas 70 px tall), within the screen
        fit_dialog(self, content_size(self).expandedTo(FIRST_SIZE))
        self._update()

    def _name_note(self) -> QLabel:
        """Why the name cannot be, while it cannot (its tooltip too, should two lines not hold it), beside the
        Make direction button it keeps greyed out: always there and two lines high, about a button's height, so that
        its words coming and going move nothing. (Under the name it kept an empty band between Name and Method.)"""
        note = QLabel()
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        note.setFixedHeight(2 * note.fontMetrics().lineSpacing())
        return note

    def _ink_notes(self) -> None:
        """Why the name or the direction cannot be, in red as the palette is now."""
        for note in (self.name_note, self.refusal_note, self.files_note):
            note.setStyleSheet(ink.text_sheet(self, ink.RED))

    def _side(self, which: str, title: str) -> QVBoxLayout:
        lst = self.lists[which]
        lst.setToolTip("Drop image files here")
        lst.paths_dropped.connect(lambda paths, w=which: self.add_files(w, paths))
        add = QPushButton("Add images…")
        remove = QPushButton("Remove")
        add.clicked.connect(lambda _=False, w=which: self._browse(w))
        remove.clicked.connect(lambda _=False, w=which: self._remove(w))
        count = self.counts[which] = QLabel()
        self.add_buttons[which], self.remove_buttons[which] = add, remove
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(count)
        column = QVBoxLayout()
        column.addWidget(QLabel(title))
        column.addWidget(lst, 1)
        column.addLayout(buttons)
        return column

    def _ask_files(self, which: str) -> list[str]:
        """The open dialog File → Open images… shows, names typed in its box that are not there included."""
        settings = Settings()  # the folder File → Open images… remembers, both ways
        paths = ask_open_files(self, f"Images for “{which}”", settings.open_folder("images"), FILTER)
        if found := [path for path in paths if os.path.exists(path)]:
            settings.opened_from("images", str(Path(found[0]).parent))
        return paths

    def _browse(self, which: str) -> None:
        """Add images…: the files chosen added; those typed that are not there said under the lists (a relative name
        is read in the dialog's folder, which may not be the one meant)."""
        paths = self._ask_files(which)
        missing = [path for path in paths if not os.path.exists(path)]
        self.add_files(which, [path for path in paths if path not in missing])
        does = "does" if len(missing) == 1 else "do"
        self.files_note.setText(f"Not added: {listed(missing)} {does} not exist" if missing else "")
        self.files_note.setVisible(bool(missing))

    def add_files(self, which: str, paths) -> None:
        self.lists[which].add_paths(paths)
        self._update()

    def _remove(self, which: str) -> None:
        self.lists[which].remove_selected()
        self._update()

    def _on_name_edited(self, text: str) -> None:
        self._name_edited = bool(text.strip())
        self._update()

    def suggested_name(self) -> str:
        """What the examples share, numbered when a direction of the model has that name already."""
        return free_name(self.taken, suggest_name(self.lists["from"].paths(), self.lists["to"].paths()))

    def _update(self) -> None:
        for which, lst in self.lists.items():
            n = lst.count()
            self.counts[which].setText(counted(n, "image"))
        if not self._name_edited:
            self.name.setText(self.suggested_name())
        self._check_name()

    def _check_name(self) -> None:
        """OK with images on each side and a name that can be, else a word on why not."""
        refusal = naming_refusal(self.taken, self.request_name(), model=self.model)
        self.name_note.setText(refusal[:1].upper() + refusal[1:])
        self.name_note.setToolTip(self.name_note.text())
        ok = all(lst.count() for lst in self.lists.values()) and not refusal
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def request_name(self) -> str:
        """The name typed ("->" made "→": typed_name), else the one suggested."""
        return typed_name(self.name.text()) or self.suggested_name()

    def request(self) -> DirectionRequest:
        return DirectionRequest(self.request_name(), self.lists["from"].paths(),
                                self.lists["to"].paths(), self.method.currentData(), self.keep_fixed.isChecked())

    def restore(self, request: DirectionRequest, reason: str) -> None:
        """Open again on a request that made no direction (its examples, name and options), saying why not."""
        for which, paths in (("from", request.from_paths), ("to", request.to_paths)):
            self.lists[which].add_paths(paths)
        self.method.setCurrentIndex(max(0, self.method.findData(request.method)))
        self.keep_fixed.setChecked(request.keep_fixed)
        self._name_edited = request.name != self.suggested_name()
        if self._name_edited:
            self.name.setText(request.name)
        self._update()
        self.refusal_note.setText(f"Last time: {reason}")
        self.refusal_note.setToolTip(reason)
        self.refusal_note.show()
