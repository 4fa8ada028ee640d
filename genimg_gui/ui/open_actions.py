"""Opening images into the window by hand: File → Open images…, Open recent, Paste image, files, folders or an
image dropped on the window, and the files named on the command line. Paths go through open_paths, which tells models
and edit recipes from pictures, pixels straight to the document."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QActionGroup, QGuiApplication
from PySide6.QtWidgets import QComboBox, QMenu

from ..catalog import model_to_load
from ..image_files import IMAGE_SUFFIXES, images_in, no_images_in, said_unreadable, unreadable_links
from ..recipe import recipe_at
from ..wording import counted, listed
from .already_open import said_together
from .file_dialogs import ask_open_files
from .latent_files import LATENT_SUFFIX, LatentFiles, is_latent_file
from .qimage import from_qimage
from .recipe_waits import RecipeWaits

if TYPE_CHECKING:
    from .main_window import MainWindow

IMAGE_FILTER = "Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ")"
# what Open images… shows first: pictures and the latent files genimg writes, which open as items too (latent_files)
OPEN_FILTER = "Images and latents (" + " ".join(f"*{s}" for s in (*IMAGE_SUFFIXES, LATENT_SUFFIX)) + ")"
RECENT_PX = 560  # an Open recent entry's widest: full paths ran off a 1440-px screen; the tooltip has all of it


class OpenActions:
    """The window's open dialog, recent-files menu, paste and drops."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.latents = LatentFiles(window.document, lambda: window.model_list.entries, window.settings.forget_recent)
        self.recipe_waits = RecipeWaits(window.document, self.latents, lambda path: window.recipes.apply(path))

    def fill_fit_menu(self, menu: QMenu, choice: QComboBox) -> None:
        """The toolbar's "Fit new images" choice as the menu's radio items, in step with it both ways (it was on
        the toolbar only, out of reach of the menus' keys); set as last chosen, and remembered for the next start
        (it was back to crop after a restart)."""
        settings = self.window.settings
        choice.setCurrentText(settings.fit())
        choice.currentTextChanged.connect(settings.set_fit)
        group = QActionGroup(menu)
        for i in range(choice.count()):
            action = group.addAction(f"&{choice.itemText(i)}")  # its first letter its access key: crop, letterbox
            action.setCheckable(True)
            action.setChecked(i == choice.currentIndex())
            action.triggered.connect(lambda _=False, i=i: choice.setCurrentIndex(i))
            menu.addAction(action)
        choice.currentIndexChanged.connect(lambda i: group.actions()[i].setChecked(True))

    def open_paths(self, paths: list[str], after_loads: bool = False, named: bool = False) -> None:
        """Each path for what it is (catalog.model_to_load): a model folder (genimg's, or a diffusers VAE's),
        its card.json and a model file (by suffix: catalog.MODEL_FILE_SUFFIXES) load as models, as Open model…
        and Open model folder… load them; a folder of pictures opens the pictures in it; a latent file (.npz) opens
        as the item it holds (latent_files); an edit recipe is applied to the picture opened with it, else to the
        current one (apply_recipes); anything else opens as a picture (the worker says what is not one).
        Pictures are encoded once the models given with them (or any loading, with after_loads) are loaded (a file
        open already is shown instead: already_open). Relative paths (typed on the command line) are made absolute
        here, so File → Open recent still finds them from another folder. However a picture or latent file is
        opened, File → Open images… starts beside the last next: after `genimg-gui ~/photos/a.jpg` it started where
        the dialog was last used.
        named: the paths were named on the command line, so its models are the user's choice over a kept session's
        (Document.load_model)."""
        window = self.window
        paths = [os.path.abspath(p) for p in paths]
        models, images, latents, recipes = [], [], [], []
        given = []  # the pictures and latent files in the order given
        for path in paths:
            if (model := model_to_load(path)) is not None:
                models.append(str(model))
            elif os.path.isdir(path):
                found = self._pictures_in(path)
                images += found
                given += found
            elif is_latent_file(path):
                latents.append(path)
                given.append(path)
            elif recipe_at(path) is not None:  # as `genimg info` knows one: it was opened as "not an image"
                recipes.append(path)
            else:
                images.append(path)
                given.append(path)
        last = given[-1] if given else None  # Open images… opens both, and starts beside either next
        # first: a latent file found unreadable at once leaves it again; no recipe: reopened, it would edit again
        window.settings.add_recent([p for p in paths if p not in recipes])
        window.model_opener.open_models(models, named)
        with said_together(window.document, given):  # those open already, of either kind: one message
            self.latents.open(latents)  # after the models given with them, which they may need: they wait for loads
            if last is not None and os.path.isdir(os.path.dirname(last)):
                window.settings.opened_from("images", os.path.dirname(last))
            window.document.open_files(images, window.fit_mode.currentText(), after_loads or bool(models))
        self.apply_recipes(recipes, images + latents)

    def apply_recipes(self, recipes: list[str], files: list[str]) -> None:
        """Recipes opened or dropped, each applied to the current picture as File → Apply recipe to current image…
        applies it (RecipeActions.apply: its checks, one History step), once the models loading, a session due back
        and the files opened with them have come (recipe_waits): a recipe named on the command line was applied
        before any of them, and said to open an image first. files: the pictures and latent files opened with them,
        one of which they are applied to."""
        if recipes:
            self.window.settings.opened_from("recipes", os.path.dirname(recipes[-1]))  # Apply recipe… starts there
            self.recipe_waits.add(recipes, files)

    def _pictures_in(self, folder: str) -> list[str]:
        """The pictures in a folder dropped or opened that is no model folder; one with none is said so here (sent
        on as a picture, the worker called every folder "a folder, not an image"). Pictures that are links leading
        nowhere (dangling, or looping) are named with why: they were left out without a word."""
        name = Path(folder).name or folder
        try:
            found = images_in(folder)
            links = [(n, why) for n, why in unreadable_links(folder) if Path(n).suffix.lower() in IMAGE_SUFFIXES]
        except OSError as e:
            self.window.show_error(f"{name} was not opened: {(e.strerror or str(e)).lower()}")
            return []
        if not found:
            self.window.show_error(no_images_in(folder, name, " and no model"))
        if links:
            self.window.show_error(f"{name}: {counted(len(links), 'picture')} not opened, unreadable: "
                                   f"{listed(said_unreadable(links))}")
        return [str(p) for p in found]

    def open_dialog(self) -> None:
        self.open_paths(self._ask_paths())

    def _ask_paths(self) -> list[str]:
        """File → Open images…: the files chosen, [] when cancelled. It starts in the folder the last image was
        opened from, by any way (Settings.open_folder, set by open_paths)."""
        settings = self.window.settings
        return ask_open_files(self.window, "Open images", settings.open_folder("images"),
                              f"{OPEN_FILTER};;{IMAGE_FILTER};;Latents (*{LATENT_SUFFIX});;All files (*)")

    def paste(self) -> None:
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.window.show_error("The clipboard holds no image")
            return
        self.window.document.open_array(from_qimage(image), "pasted image", self.window.fit_mode.currentText())

    def fill_recent_menu(self) -> None:
        menu, settings = self.window.recent_menu, self.window.settings
        menu.clear()
        recent = settings.recent_files()
        menu.setToolTipsVisible(True)
        for path in recent:
            action = self.window.add_action(menu, recent_entry(menu, path), lambda _=False, p=path:
                                            self.open_paths([p]))
            action.setData(path)
            action.setToolTip(path)
            action.setStatusTip(path)
        if not recent:
            menu.addAction("(none)").setEnabled(False)
        else:
            menu.addSeparator()
            self.window.add_action(menu, "Clear recent", settings.clear_recent)

    def forget_unreadable(self, failed) -> None:
        # a file that could not be opened: not one to offer again; one that ran out of memory, or is past the limit on
        # pictures, is undamaged (a raised GENIMG_MAX_PIXELS opens it)
        if failed.path and not failed.out_of_memory and not failed.too_large:
            self.window.settings.forget_recent(failed.path)

    @staticmethod
    def can_open(mime: QMimeData) -> bool:
        return mime.hasUrls() or mime.hasImage()

    def open_dropped(self, mime: QMimeData) -> None:
        paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if paths:
            self.open_paths(paths)
        elif mime.hasImage():
            self.window.document.open_array(from_qimage(mime.imageData()), "dropped image",
                                            self.window.fit_mode.currentText())


def recent_entry(menu, path: str) -> str:
    """path as an Open recent entry: its middle elided to RECENT_PX, the file's name and the folder's start kept, and
    its "&" doubled (a single one is taken for a shortcut's mark and not shown)."""
    short = menu.fontMetrics().elidedText(path, Qt.TextElideMode.ElideMiddle, RECENT_PX)
    return short.replace("&", "&&")
