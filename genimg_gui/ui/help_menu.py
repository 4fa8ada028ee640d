"""Help: Quick start (what to do first, in a few plain lines) and About genimg. A new user had only About, which
lists keys and says what a model file may do, but not where to begin nor what the panes, σ and ψ are."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox

from .about import about_text, bar_menus, menu_keys, shortcuts
from .window_geometry import available_geometry, bring_up

LINE_CHARS = 66  # Quick start's lines, in average characters, an easy measure: Qt's own 500 px at a 9 to 10 pt font
QT_WRAP_WIDTH = 500  # px: a message box wraps its text only past this, so a narrower one showed its lines cut
SCREEN_SHARE = 0.75  # of the screen's width at most


def quick_start_text(keys: dict[str, str]) -> str:
    """Quick start's text, under 150 words; keys: the menus' keys by item (about.menu_keys), never written here."""
    return (f"Open a picture: File → Open images… ({keys['Open images']}), paste ({keys['Paste image']}) or drop it "
            "on the window. The left pane is yours; the right one is what the model rebuilds from it.\n\n"
            "Each slider moves the picture along one direction of the model's latent space. σ says how far, in the "
            "spread of the training images along it. When Typicality turns amber or red, the picture may break. "
            "Preview strips show what a slider does before you move it.\n\n"
            f"{keys['Mask brush']} paints a mask: edits then change only inside it. {keys['Undo']} undoes a step; "
            f"the History tab lists them all. {keys['Export PNG']} exports the picture.\n\n"
            "The Generate tab draws new pictures: each seed is another one, and a lower ψ (truncation) makes them "
            f"more typical. Edit → Morph ({keys['Morph / interpolate']}) blends two pictures.")


def widen_to_the_font(box: QMessageBox, screen_width: int) -> None:
    """The box's text LINE_CHARS wide in its font, within the screen: Qt wraps it at 500 px whatever the font, and
    at a 14 pt font Quick start stood tall and narrow."""
    label = box.findChild(QLabel, "qt_msgbox_label")
    wanted = label.fontMetrics().averageCharWidth() * LINE_CHARS
    label.setMinimumWidth(min(max(wanted, QT_WRAP_WIDTH), int(screen_width * SCREEN_SHARE)))


class HelpMenu(QObject):
    """The Help menu's items and the windows they show."""

    def __init__(self, window: QMainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.quick_start_box: QMessageBox | None = None
        quick = QAction("&Quick start", window)
        quick.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1 (⌘? on a Mac)
        quick.triggered.connect(self.quick_start)
        about = QAction("&About genimg", window)
        about.triggered.connect(self.about)
        menu.addActions([quick, about])

    def quick_start(self) -> QMessageBox:
        """Quick start's box, not modal (read while trying it), one, raised if open."""
        if self.quick_start_box is None:
            box = QMessageBox(QMessageBox.Icon.Information, "Quick start",
                              quick_start_text(menu_keys(self.window.menuBar())),
                              QMessageBox.StandardButton.Close, self.window)
            box.setWindowModality(Qt.WindowModality.NonModal)
            widen_to_the_font(box, available_geometry(self.window).width())
            self.quick_start_box = box
        return bring_up(self.quick_start_box)

    def about(self) -> None:
        QMessageBox.about(self.window, "About genimg", about_text(shortcuts(bar_menus(self.window.menuBar()))))
