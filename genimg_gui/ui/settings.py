"""Settings that outlive a run (QSettings in an INI file under paths.config_dir()):
the last models and device, the window's geometry and docks, recent files, how new images are fitted, where
exports go, where the open dialogs last opened from, and the forms' values (Train…, the inversion's, the Morph
dialog's)."""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from ..export import file_stem, name_tail, picture_name
from ..fileio import NAME_MAX, fitted_name, takes_files
from ..imaging import Fit
from ..paths import config_dir

MAX_RECENT = 10
MAX_KNOWN_MODELS = 30  # model folders remembered for the Models tab


class Settings:
    def __init__(self, path: str | None = None) -> None:
        self.q = QSettings(path or str(config_dir() / "settings.ini"), QSettings.Format.IniFormat)

    def last_model(self, kind: str) -> str | None:
        return self.q.value(f"models/{kind}", None, str) or None

    def set_last_model(self, kind: str, path: str) -> None:
        self.q.setValue(f"models/{kind}", path)

    def known_models(self) -> list[str]:
        """Model folders opened or trained here, newest first: the Models tab lists them at the next start."""
        value = self.q.value("known_models", [], list)
        return [str(v) for v in (value or [])]

    def add_known_model(self, path: str) -> None:
        self.q.setValue("known_models", list(dict.fromkeys([path, *self.known_models()]))[:MAX_KNOWN_MODELS])

    def forget_known_model(self, *paths: str) -> None:
        """A model folder no longer on disk leaves the Models tab's list (ModelList.load_listed), by each path it was
        remembered as: compared as written, since a gone symlink's realpath is no longer the folder's."""
        self.q.setValue("known_models", [p for p in self.known_models() if p not in paths])

    def trained_models(self) -> dict[str, datetime]:
        """Model folders the Train… dialog wrote, and when: the Models tab says "trained" for them, not "opened".
        Kept as "<ISO time> <folder>" lines, a list as known_models is (an entry that does not read is skipped)."""
        trained = {}
        for line in map(str, self.q.value("trained_models", [], list) or []):
            when, _, path = line.partition(" ")
            try:
                trained[path] = datetime.fromisoformat(when)
            except ValueError:
                continue
        return trained

    def add_trained_model(self, path: str, when: datetime) -> None:
        """Remember that Train… wrote path at when; only for folders still among the known models, which are few."""
        known = set(self.known_models())
        trained = {p: w for p, w in self.trained_models().items() if p in known and p != path}
        lines = [f"{w.isoformat(timespec='seconds')} {p}" for p, w in {path: when, **trained}.items()]
        self.q.setValue("trained_models", lines)

    def device(self) -> str | None:
        return self.q.value("device", None, str) or None

    def set_device(self, device: str) -> None:
        self.q.setValue("device", device)

    def preview_strips(self) -> bool:
        return self._flag("preview_strips")

    def set_preview_strips(self, on: bool) -> None:
        self.q.setValue("preview_strips", on)

    def fit(self) -> str:
        """How new images are fitted (the toolbar's and File menu's Fit new images) as last chosen; "crop", the
        first choice, when never chosen or not a fit (a file edited by hand)."""
        fit = self.q.value("fit_new_images", Fit.CROP.value, str)
        return fit if fit in {f.value for f in Fit} else Fit.CROP.value

    def set_fit(self, fit: str) -> None:
        self.q.setValue("fit_new_images", fit)

    def recent_files(self) -> list[str]:
        value = self.q.value("recent_files", [], list)
        return [str(v) for v in (value or [])]

    def add_recent(self, paths: list[str]) -> list[str]:
        recent = list(dict.fromkeys([*paths, *self.recent_files()]))[:MAX_RECENT]
        self.q.setValue("recent_files", recent)
        return recent

    def forget_recent(self, path: str) -> None:
        """A file that could not be opened leaves File → Open recent."""
        self.q.setValue("recent_files", [p for p in self.recent_files() if p != path])

    def clear_recent(self) -> None:
        self.q.setValue("recent_files", [])

    def export_path(self, name: str, suffix: str, numbered: bool = False, siblings: Sequence[str] = (),
                    scale: int = 1, edit: bool = False, picture: str | None = None) -> str:
        """A save dialog's starting path, named as the CLI names its files (export.name_tail): name without its image
        extension (1f600.png's PNG is not 1f600.png.png), "_edited" where edit is a picture's edit (its PNG or latent)
        and name a picture file's ("1f600_edited.png", as `genimg edit` writes it; a sample's "seed0042.png" and a
        derived name's "1f600_inverted.png" are names of their own: export.file_stem), "@4x" for scale 4, then
        suffix; in export_folder(picture). Never the picture the image was opened from, nor another existing file:
        "1f600-2_edited.png", or with numbered, for files that make a series of their own (morphs), "morph 2.gif". A
        name is taken too by a file of one of siblings' suffixes: a series in several formats (morph 2.mp4 beside
        morph 2.gif) is one series. A name too long for the folder's file system has its stem cut ("yyy…_edited.png",
        "yyy…_edited@4x.png")."""
        stem = file_stem(name)  # "1f600_edited.png"; a derived name's: "1f600.png, inverted" -> "1f600_inverted"
        edited = edit and picture_name(name)
        folder = self.export_folder(picture)
        limit, number = _name_limit(folder), 1

        def offered(end: str) -> str:
            tail = (f" {number}" if number > 1 else "") + end if numbered else name_tail(end, number, edited, scale)
            return fitted_name(stem, tail, limit)
        # a file's own name is never offered, wherever its folder: whether that file is there is not always ours to
        # see (a sandboxed app opens files through a portal), and "1f600.png" was offered over the picture itself
        while offered(suffix) == name or _taken(folder, [offered(end) for end in (suffix, *siblings)]):
            number += 1  # nor any other existing file
        return str(folder / offered(suffix))

    def export_folder(self, picture: str | None = None) -> Path:
        """Where a save dialog starts: the folder the user last exported to (in this run or an earlier one), else the
        folder of picture (the file the image exported was opened from), each where a file can be made in it now,
        else where pictures were last opened from, else the Pictures folder (open_folder("images")), else home.
        The last export's folder comes first: it is the one the user chose, and exports of pictures from several
        folders go on into the output folder they picked, never among the originals by surprise. Until then the
        picture's folder is what "export this picture" points at. Recent files are not asked: a model opened last
        (a drop, Open recent) sent the dialog into the models' folder."""
        # one that takes no files now is passed over: a folder gone since, or one an older genimg remembered before
        # anything was written there (/proc), where every save dialog started, at every start, and every save failed
        folders = [self.q.value("export/folder", "", str), os.path.dirname(picture) if picture else ""]
        return Path(next((f for f in folders if f and takes_files(Path(f))), self.open_folder("images")))

    def exported_to(self, path: str) -> None:
        """Remember where the user saved, for the next save dialog."""
        self.q.setValue("export/folder", str(Path(path).parent))

    def open_folder(self, kind: str) -> str:
        """Where an open dialog of kind starts ("images": File → Open images…, New direction from examples' Add
        images… and the Train… dialog's images; "models": Open model… and Open model folder…; "recipes": Apply
        recipe…): the folder it last opened from (for recipes, also where one was last saved), else the Pictures
        folder for images, the last export's folder for recipes (where Save edit recipe… put them), else home.
        (Given none, Qt's own dialog started in the folder the app was launched from, at every start.)"""
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        fallback = {"images": pictures, "recipes": self.q.value("export/folder", "", str)}.get(kind, "")
        for folder in (self.q.value(f"open/{kind}", "", str), fallback):
            if folder and Path(folder).is_dir():
                return folder
        return str(Path.home())

    def opened_from(self, kind: str, folder: str) -> None:
        """Remember folder for the next open dialog of kind (open_folder)."""
        self.q.setValue(f"open/{kind}", folder)

    def train_form(self) -> dict:
        """The Train… dialog's settings as it last started a run (train_memory), {} if none or unreadable."""
        return self._form("train")

    def set_train_form(self, form: dict) -> None:
        self._set_form("train", form)

    def inversion_form(self) -> dict[str, int]:
        """The Generate tab's inversion Steps and fidelity ↔ editability (0..100) as last set: those of them that
        were set and read as whole numbers."""
        form = {}
        for key in ("steps", "editability"):
            try:
                form[key] = int(self.q.value(f"inversion/{key}", "", str))
            except ValueError:  # never set, or not a number
                continue
        return form

    def set_inversion_value(self, key: str, value: int) -> None:
        self.q.setValue(f"inversion/{key}", int(value))

    def morph_form(self) -> dict:
        """The Morph dialog's Frames, Speed, Path, Loop, chosen Scale and last export's format as last set
        (morph_settings.form_of), {} if none or unreadable."""
        return self._form("morph")

    def set_morph_form(self, form: dict) -> None:
        self._set_form("morph", form)

    def _form(self, dialog: str) -> dict:
        """A dialog's remembered fields, kept as one JSON object; {} if none, or not one (a file edited by hand)."""
        try:
            form = json.loads(self.q.value(f"{dialog}/form", "", str) or "{}")
        except ValueError:
            return {}
        return form if isinstance(form, dict) else {}

    def _set_form(self, dialog: str, form: dict) -> None:
        self.q.setValue(f"{dialog}/form", json.dumps(form))

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        """The window's geometry and its docks' state as saved at its close; None for one that is not Qt's bytes (a
        file edited by hand: "state=hello" reads as text, which restoreState refused with a TypeError at every start,
        and no window opened)."""
        values = (self.q.value("window/geometry", None), self.q.value("window/state", None))
        geometry, state = (v if isinstance(v, QByteArray) else None for v in values)
        return geometry, state

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)
        self.q.setValue("window/state", state)

    def panel_width_chosen(self) -> bool:
        """Whether the user dragged the Edit panel's edge (its width then stays, saved with the window's state)."""
        return self._flag("window/panel_width_chosen")

    def set_panel_width_chosen(self, chosen: bool) -> None:
        self.q.setValue("window/panel_width_chosen", chosen)

    def sync(self) -> None:
        self.q.sync()

    def _flag(self, key: str) -> bool:
        """A yes/no setting: true, 1, yes or on (any case) is on, anything else off. Read as bool, QSettings took any
        text but "false" and "0" for on: "no", "off" and "banana" in a file edited by hand turned the setting on."""
        return str(self.q.value(key, "false")).strip().lower() in ("true", "1", "yes", "on")


def _name_limit(folder: Path) -> int:
    """The longest file name, in bytes, that folder's file system takes."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no pathconf on Windows, or a folder that cannot say
        return NAME_MAX


def _taken(folder: Path, names: Sequence[str]) -> bool:
    """Whether folder holds a file of one of names ("morph 2.gif", "morph 2.mp4"…). A name that cannot be
    checked (a folder this process may not look into) is offered: the save dialog asks before replacing a file."""
    try:
        return any((folder / name).exists() for name in names)
    except OSError:
        return False

