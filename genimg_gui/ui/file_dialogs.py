"""Qt's own file dialog, which Qt shows where the desktop offers none of its own (no GNOME or KDE platform theme, a
bare X server), at a size and with columns its entries fit: at its default 630 × 410 px with columns of fixed
widths, sizes and types were cut ("25....KiB", "PN...ge"), long names lost their middles and the places on its left
their ends ("dlgdir6_ho")."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFileDialog, QHeaderView, QListView, QSplitter, QTreeView

WIDTH_CHARS = 150   # the dialog's width at least, in average characters (about 900 px), within the screen
HEIGHT_LINES = 40   # its height at least, in lines of text
SCREEN_SHARE = 0.9  # of the screen's free room at most


class FileDialogSizer(QObject):
    """Installed on the application: every file dialog of the app (the static QFileDialog.get… functions' too) is
    sized by fit_file_dialog as it shows. The event filter is the one place that sees those, which Qt makes and
    deletes inside the static functions."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog):
            fit_file_dialog(watched)
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
