"""Qt's own file dialog, which Qt shows where the desktop offers none of its own (no GNOME or KDE platform theme, a
bare X server), at a size and with columns its entries fit: at its default 630 × 410 px with columns of fixed
widths, sizes and types were cut ("25....KiB", "PN...ge"), long names lost their middles and the places on its left
their ends ("dlgdir6_ho"). Its icons and types are read from files' names alone (NameOnlyIcons). And the open dialog
for pictures (ask_open_files), which keeps the names typed in its box."""
from __future__ import annotations

import os
import re
from functools import cache

from PySide6.QtCore import QDir, QEvent, QFileInfo, QMimeDatabase, QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QDialog, QFileDialog, QFileIconProvider, QHeaderView, QLineEdit, QListView, QSplitter,
                               QTreeView, QWidget)

WIDTH_CHARS = 150   # the dialog's width at least, in average characters (about 900 px), within the screen
HEIGHT_LINES = 40   # its height at least, in lines of text
SCREEN_SHARE = 0.9  # of the screen's free room at most


class NameOnlyIcons(QFileIconProvider):
    """A file's icon and type from its name, never its contents. Qt's own provider reads the start of a file whose
    name says nothing (QMimeDatabase.mimeTypeForFile), on the GUI thread as the dialog lists a folder: as root,
    /proc typed in the name box read /proc/kmsg, which waits for the kernel's next message, and the window froze for
    good. Qt has no option for it (QAbstractFileIconProvider's only one is about folder icons)."""

    def __init__(self) -> None:
        super().__init__()
        self._types = QMimeDatabase()

    def icon(self, what: QFileInfo | QFileIconProvider.IconType) -> QIcon:  # both of Qt's icon() overloads
        if not isinstance(what, QFileInfo) or what.isDir():  # a folder's icon reads no file
            return super().icon(what)
        named = self._types.mimeTypeForFile(what, QMimeDatabase.MatchMode.MatchExtension)
        return QIcon.fromTheme(named.iconName(), super().icon(QFileIconProvider.IconType.File))

    def type(self, info: QFileInfo) -> str:
        if not info.isFile():
            return super().type(info)
        named = self._types.mimeTypeForFile(info, QMimeDatabase.MatchMode.MatchExtension)
        return named.comment() or named.name()


@cache
def name_only_icons() -> NameOnlyIcons:
    """The one provider of the process: a dialog's model keeps the provider it is given without owning it, so it
    must outlive every dialog (the window's FileDialogSizer is deleted before a dialog the window still holds)."""
    return NameOnlyIcons()


class FileDialogSizer(QObject):
    """Installed on the application: every file dialog of the app (the static QFileDialog.get… functions' too) is
    sized by fit_file_dialog as it shows, and given icons that read no file (NameOnlyIcons). The event filter is
    the one place that sees those, which Qt makes and deletes inside the static functions."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog):
            fit_file_dialog(watched)
            if watched.iconProvider() is not name_only_icons():
                watched.setIconProvider(name_only_icons())
        return False


def fit_file_dialog(dialog: QFileDialog) -> None:
    """Qt's own dialog at least WIDTH_CHARS × HEIGHT_LINES (a smaller one the user left is enlarged), the detail
    view's size, type and date columns as wide as what they show and its name column taking the rest. A platform's
    own dialog has no such view and is left as it is."""
    view = dialog.findChild(QTreeView, "treeView")
    if view is None:
        return
    header = view.header()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, header.count()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    metrics, room = dialog.fontMetrics(), dialog.screen().availableGeometry()
    width = min(metrics.averageCharWidth() * WIDTH_CHARS, int(room.width() * SCREEN_SHARE))
    height = min(metrics.lineSpacing() * HEIGHT_LINES, int(room.height() * SCREEN_SHARE))
    dialog.resize(max(dialog.width(), width), max(dialog.height(), height))
    _fit_places(dialog)


def _fit_places(dialog: QFileDialog) -> None:
    """The places on the dialog's left (Computer, the home folder…) as wide as their names, at most a third."""
    splitter, places = dialog.findChild(QSplitter, "splitter"), dialog.findChild(QListView, "sidebar")
    if splitter is None or places is None or splitter.count() != 2:
        return
    left, right = splitter.sizes()
    wanted = min(places.sizeHintForColumn(0) + 2 * places.frameWidth() + places.spacing() + 8,
                 (left + right) // 3)  # + 8: room for the scroll bar's edge, so the last letter is not cut
    if wanted > left:
        splitter.setSizes([wanted, left + right - wanted])


def ask_open_files(parent: QWidget, title: str, folder: str, filters: str) -> list[str]:
    """An open dialog for existing files, starting in folder: the files chosen (chosen_files), [] when cancelled.
    One for File → Open images… and New direction's Add images…, whose static QFileDialog.getOpenFileNames dropped
    the names typed that were not there, unsaid."""
    dialog = QFileDialog(parent, title, folder, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    try:
        return chosen_files(dialog) if dialog.exec() == QDialog.DialogCode.Accepted else []
    finally:
        dialog.deleteLater()  # a child of its parent: each open would leave one behind


def chosen_files(dialog: QFileDialog) -> list[str]:
    """The files an accepted open dialog was given, with those typed in the file name box of Qt's own dialog that it
    left out: it returns the files selected in its list, where its name filter hides all but images, so notes.txt
    typed beside two pictures never reached the app, which could not say it was not opened. (A platform's own dialog
    has no such box here: what it returns is taken as it is.)"""
    chosen = dialog.selectedFiles()
    box = dialog.findChild(QLineEdit, "fileNameEdit")
    text = box.text().strip() if box is not None else ""
    typed = re.findall(r'"([^"]+)"', text) or ([text] if text else [])  # "a.png" "notes.txt", as Qt writes several
    folder = dialog.directory()
    named = [QDir.cleanPath(folder.absoluteFilePath(os.path.expanduser(name))) for name in typed]
    have = {QDir.cleanPath(path) for path in chosen}
    return chosen + [path for path in dict.fromkeys(named) if path not in have]  # one not there is said so too
