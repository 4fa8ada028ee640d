"""Help: Quick start (what to do first, in a few plain lines) and About genimg. A new user had only About, which
lists keys and says what a model file may do, but not where to begin nor what the panes, σ and ψ are."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox

from .about import bar_menus, menu_keys, menu_places, shortcuts
from .about_dialog import AboutDialog
from .window_geometry import available_geometry, bring_up, reading_width


def quick_start_text(keys: dict[str, str], places: dict[str, str]) -> str:
    """Quick start's text, under 150 words; keys and places: the menus' keys and items' places by item
    (about.menu_keys, about.menu_places), never written here."""
    return (f"Open a picture: {places['Open images']} ({keys['Open images']}), paste ({keys['Paste image']}) or "
            "drop it on the window. The left pane is yours; the right one is what the model rebuilds from it.\n\n"
            "Each slider moves the picture along one direction of the model's latent space. σ says how far, in the "
            "spread of the training images along it. When Typicality turns amber or red, the picture may break. "
            "Preview strips show what a slider does before you move it.\n\n"
            f"{keys['Mask brush']} paints a mask: edits then change only inside it. {keys['Undo']} undoes a step; "
            f"the History tab lists them all. {keys['Export PNG']} exports the picture.\n\n"
            "The Generate tab draws new pictures: each seed is another one, and a lower ψ (truncation) makes them "
            f"more typical. {places['Morph / interpolate']} ({keys['Morph / interpolate']}) morphs through "
            "two or more pictures or seeds in turn.")


def widen_to_the_font(box: QMessageBox, screen_width: int) -> None:
    """The box's text as wide as its font asks, within the screen (window_geometry.reading_width)."""
    label = box.findChild(QLabel, "qt_msgbox_label")
    label.setMinimumWidth(reading_width(label, screen_width))


class HelpMenu(QObject):
    """The Help menu's items and the windows they show."""

    def __init__(self, window: QMainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.quick_start_box: QMessageBox | None = None
        self.about_dialog: AboutDialog | None = None
        quick = QAction("&Quick start", window)
        quick.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1 (⌘? on a Mac)
        quick.triggered.connect(self.quick_start)
        about = QAction("&About genimg", window)
        about.triggered.connect(self.about)
        menu.addActions([quick, about])

    def quick_start(self) -> QMessageBox:
        """Quick start's box, not modal (read while trying it), one, raised if open."""
        if self.quick_start_box is None:
            bar = self.window.menuBar()
            box = QMessageBox(QMessageBox.Icon.Information, "Quick start",
                              quick_start_text(menu_keys(bar), menu_places(bar)),
                              QMessageBox.StandardButton.Close, self.window)
            box.setWindowModality(Qt.WindowModality.NonModal)
            widen_to_the_font(box, available_geometry(self.window).width())
            self.quick_start_box = box
        return bring_up(self.quick_start_box)

    def about(self) -> AboutDialog:
        """About's dialog, not modal (its keys read while trying them), as Quick start: one, raised if open."""
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(shortcuts(bar_menus(self.window.menuBar())), self.window)
        return bring_up(self.about_dialog)
