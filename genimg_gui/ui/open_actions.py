"""Opening images into the window by hand: File → Open images…, Open recent, Paste image, and files or an image
dropped on the window. Files go through MainWindow.open_paths (which tells models from images), pixels straight to
the document."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from ..imaging import IMAGE_SUFFIXES
from .qimage import from_qimage

if TYPE_CHECKING:
    from .main_window import MainWindow

IMAGE_FILTER = "Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ")"


class OpenActions:
    """The window's open dialog, recent-files menu, paste and drops."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Open images", "", f"{IMAGE_FILTER};;All files (*)")
        self.window.open_paths(paths)

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
        for path in recent:
            self.window.add_action(menu, path, lambda _=False, p=path: self.window.open_paths([p]))
        if not recent:
            menu.addAction("(none)").setEnabled(False)
        else:
            menu.addSeparator()
            self.window.add_action(menu, "Clear recent", settings.clear_recent)

    def forget_unreadable(self, failed) -> None:
        if failed.path:  # a file of several that could not be opened: not one to offer again
            self.window.settings.forget_recent(failed.path)

    @staticmethod
    def can_open(mime: QMimeData) -> bool:
        return mime.hasUrls() or mime.hasImage()

    def open_dropped(self, mime: QMimeData) -> None:
        paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if paths:
            self.window.open_paths(paths)
        elif mime.hasImage():
            self.window.document.open_array(from_qimage(mime.imageData()), "dropped image",
                                            self.window.fit_mode.currentText())
