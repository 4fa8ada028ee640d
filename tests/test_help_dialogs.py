"""Help → About genimg on a small screen, the keys it lists, the dialogs' buttons on a desktop that gives them icons,
and the Morph item's name wherever it is named. About was Qt's message box, 764 px tall at a 12 pt font, its OK below
a 1280 × 720 screen's edge; it listed "Ctrl+W or Close" (Close: a media key); Close, OK and Cancel carried black
icons, unseen on a dark theme's buttons, on some dialogs only; and Quick start said "Edit → Morph", the dialog
"Morph between images", where the menu has "Morph / interpolate…"."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QLabel, QLineEdit, QMessageBox, QProxyStyle,
                               QStyle, QStyleFactory, QWidget)

from genimg_gui.ui import window_geometry
from genimg_gui.ui.about import README
from genimg_gui.ui.directions_dialog import DirectionsDialog
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.window_geometry import FRAME
from test_start_fallback import started
from widget_helpers import lines_read

NATIVE = QKeySequence.SequenceFormat.NativeText
SMALL_SCREEN = QRect(0, 0, 1280, 690)  # 1280 × 720, less a 30 px task bar
TINY_SCREEN = QRect(0, 0, 853, 480)  # 1280 × 720 at 150 %, as Qt's programs see it
X11_CLOSE_KEYS = [QKeySequence("Ctrl+W"), QKeySequence(Qt.Key.Key_Close)]  # Close image's keys on X11 (xcb)


@pytest.fixture()
def app_font(qapp):
    """Sets the application's font to a size in points, as a desktop's font setting does; put back after."""
    before = qapp.font()

    def set_size(points: int) -> None:
        font = QFont(before)
        font.setPointSize(points)
        qapp.setFont(font)
    yield set_size
    qapp.setFont(before)


@pytest.fixture()
def bare_window(qtbot, engine) -> MainWindow:
    """The main window, no model loaded: its menus are all About and Quick start read."""
    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def in_view(widget: QWidget) -> bool:
    """Wholly visible: not cut by its dialog's edge, nor scrolled out of a scroll area."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def path_whole(dialog: QWidget, path: str) -> bool:
    """Whether the dialog shows path on one line: in a line box, or a label's line that does not wrap."""
    if any(field.text() == path for field in dialog.findChildren(QLineEdit) if field.isVisible()):
        return True
    for label in dialog.findChildren(QLabel):
        for line in label.text().splitlines():
            if path in line and label.isVisible():
                return not label.wordWrap() or label.fontMetrics().horizontalAdvance(line) <= label.width()
    return False


def about_as_shown(qtbot, window: MainWindow) -> dict:
    """Help → About genimg as it opened: its size, its buttons, its lines and whether the README's path is whole, read
    as it shows, and then closed. Qt's message box waited for its answer as it showed (QMessageBox.about): the
    timer reads it from within that wait, and closes it, so that the test goes on either way."""
    seen: dict = {}

    def read() -> None:
        about = next(w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowTitle() == "About genimg")
        buttons = [b for b in about.findChildren(QAbstractButton) if b.isVisible()]
        seen.update(size=about.size() + FRAME, lines=lines_read(about), readme_whole=path_whole(about, str(README)),
                    buttons={b.text().replace("&", ""): (in_view(b), b.icon().isNull()) for b in buttons})
        about.close()
    QTimer.singleShot(0, read)
    item = next(a for a in window.menuBar().actions()[-1].menu().actions() if a.text() == "&About genimg")
    item.trigger()
    qtbot.waitUntil(lambda: "lines" in seen)
    return seen


@pytest.mark.parametrize("points, screen", [(12, SMALL_SCREEN), (14, TINY_SCREEN)])
def test_about_opens_within_a_small_screen_its_close_button_in_view(qtbot, monkeypatch, app_font, engine, points,
                                                                     screen):
    """At 12 pt on a 1280 × 720 screen it was 764 px tall, OK below the screen's edge, and its README path broke
    after "/work/main/"."""
    app_font(points)
    monkeypatch.setattr(window_geometry, "available_geometry", lambda window: screen)
    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    window.show()
    seen = about_as_shown(qtbot, window)
    assert seen["size"].width() <= screen.width() and seen["size"].height() <= screen.height()
    assert len(seen["buttons"]) == 1 and all(shown for shown, _ in seen["buttons"].values()), seen["buttons"]
    assert seen["readme_whole"]
    assert any(line.startswith("Quick start: ") for line in seen["lines"])  # the list's last row, scrolled to


def test_about_lists_the_keys_a_keyboard_has_the_menus_first(qtbot, bare_window):
    """It listed "Close image: Ctrl+W or Close" on X11 and "Quick start: F1 or Help": Close and Help are keys of
    multimedia and old Sun keyboards, which Qt's standard keys name too. Each item's first key is the one its menu
    shows (Redo: Ctrl+Shift+Z, and Ctrl+Y as the README says)."""
    bare_window.close_action.setShortcuts(X11_CLOSE_KEYS)
    lines = about_as_shown(qtbot, bare_window)["lines"]
    assert "Close image: Ctrl+W" in lines
    assert "Quick start: F1" in lines
    assert "Redo: Ctrl+Shift+Z or Ctrl+Y" in lines
    pc_keys = range(Qt.Key.Key_Escape.value, Qt.Key.Key_Menu.value + 1)  # Escape, Tab, … F35, Super, Menu
    for menu in (a.menu() for a in bare_window.menuBar().actions()):
        for action in menu.actions():
            if action.shortcuts():
                line = next(line for line in lines if line.startswith(f"{action.iconText()}: "))
                listed = line.split(": ", 1)[1].split(" or ")
                assert listed[0] == action.shortcut().toString(NATIVE), line  # as the menu shows it
                for keys in listed:
                    last = QKeySequence(keys, NATIVE)[0].key().value
                    assert last < Qt.Key.Key_Escape.value or last in pc_keys, line


class IconsOnDialogButtons(QProxyStyle):
    """A desktop's style that gives dialog buttons their standard icons, as X11's and KDE's do (the test platform's
    gives none)."""

    def styleHint(self, hint, option=None, widget=None, returned=None) -> int:  # noqa: N802 (Qt's name)
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 1
        return super().styleHint(hint, option, widget, returned)


@pytest.fixture()
def desktop_with_button_icons(qapp):
    """Such a desktop's style on the application, as genimg finds it at start-up; the test platform's own after."""
    qapp.setStyle(IconsOnDialogButtons(QStyleFactory.create("Fusion")))
    yield
    qapp.setStyle("Fusion")


def test_dialog_buttons_carry_no_icon_on_a_desktop_that_gives_them_icons(qtbot, monkeypatch, model_dir,
                                                                          desktop_with_button_icons):
    """Train…, Quick start, Message log and About had Close with a black ✕, New direction ✓ and ✗, Morph's Close
    none: on a dark theme the icons were black marks on dark buttons."""
    models = ["--vae", str(model_dir / "tiny-vae"), "--gan", str(model_dir / "tiny-gan")]
    window = started(qtbot, monkeypatch, models, lambda w: len(w.document.items) == 1)  # the GAN's sample
    dialogs: list[QDialog] = [window.train_dialog(), window.help.quick_start(), window.show_message_log(),
                              window.morph.open_dialog(), DirectionsDialog(window, target="For tiny-vae")]
    for dialog in dialogs:
        dialog.show()
        buttons = [b for b in dialog.findChildren(QAbstractButton) if b.isVisible() and b.text()]
        assert buttons, dialog.windowTitle()
        with_icons = [b.text() for b in buttons if not b.icon().isNull()]
        assert with_icons == [], (dialog.windowTitle(), with_icons)
        dialog.close()
    about_buttons = about_as_shown(qtbot, window)["buttons"]
    assert about_buttons and all(no_icon for _, no_icon in about_buttons.values()), about_buttons


def menu_place(window: MainWindow, menu_title: str, item_text: str) -> str:
    """Where a menu item is, as the menus show it: "Edit → Morph / interpolate…"."""
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    item = next(a for a in menu.actions() if a.text() == item_text)
    return f"{menu.title().replace('&', '')} → {item.text().replace('&', '')}"


def test_quick_start_and_the_morph_dialog_name_morph_as_the_menu_does(qtbot, bare_window):
    """Quick start said "Edit → Morph (Ctrl+M)" and the dialog's title was "Morph between images": the Edit menu's
    item is "Morph / interpolate…"."""
    morph_item = next(a for a in bare_window.findChildren(QAction)
                      if a.shortcut() == QKeySequence("Ctrl+M"))
    box: QMessageBox = bare_window.help.quick_start()
    place = menu_place(bare_window, "&Edit", morph_item.text())
    assert place == "Edit → Morph / interpolate…"
    assert f"{place} ({morph_item.shortcut().toString(NATIVE)})" in box.text()
    assert f"{menu_place(bare_window, '&File', '&Open images…')} (" in box.text()
    box.close()
    items = [(i, f"image {i}.png", np.full((32, 32, 3), 60 * i, np.uint8)) for i in range(2)]
    dialog = MorphDialog(items)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == morph_item.iconText()
    assert dialog.play_button.icon().isNull()  # Qt's ▶ was black on a dark theme's button: its words alone
