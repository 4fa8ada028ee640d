"""A dialog, question or menu the window opens is deleted once answered: each Edit → New direction from examples…
left its dialog behind, a child of the window, with a palette watch filtering every event the window gets and the
dialog's notes chosen again at each light/dark switch; each question and right-click menu stayed as well."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox

from genimg_gui.ui import ink
from genimg_gui.ui.directions_dialog import DirectionsDialog
from genimg_gui.ui.save_dialog import replace_asked
from test_directions_ui import menu_action

OPENINGS = 3


def left(window, kind: type) -> int:
    return len(window.findChildren(kind))


def closing_the_menu_to_come() -> None:
    """The right-click menu about to open closed without a choice, as Escape does (QMenu.exec cannot be replaced:
    PySide calls Qt's own)."""
    QTimer.singleShot(0, lambda: QApplication.activePopupWidget().close())


def test_the_directions_dialog_and_its_palette_watch_go_once_it_is_closed(qtbot, window, monkeypatch):
    watches = left(window, ink._PaletteWatch)  # the window's own: the status bar's, the message log's, the sliders'
    opened = []
    monkeypatch.setattr(DirectionsDialog, "exec", lambda self: opened.append(self) or QDialog.DialogCode.Rejected)
    for _ in range(OPENINGS):
        menu_action(window, "New &direction from examples…").trigger()
    assert len(opened) == OPENINGS
    qtbot.waitUntil(lambda: left(window, DirectionsDialog) == 0)
    assert left(window, ink._PaletteWatch) == watches


def test_questions_and_right_click_menus_go_once_answered(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda box: box.button(QMessageBox.StandardButton.No).click() or 0)
    boxes, menus = left(window, QMessageBox), left(window, QMenu)  # the menu bar's menus stay
    (tmp_path / "a.png").write_bytes(b"old")
    for _ in range(OPENINGS):
        assert not replace_asked(window, "Export PNG", str(tmp_path / "a.png"), "")
        strip = window.filmstrip.viewport()
        at = window.filmstrip.visualItemRect(window.filmstrip.item(0)).center()
        closing_the_menu_to_come()
        QApplication.sendEvent(strip, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, strip.mapToGlobal(at)))
        closing_the_menu_to_come()
        window.sliders.show_menu(0, QPoint(0, 0))
    qtbot.waitUntil(lambda: (left(window, QMessageBox), left(window, QMenu)) == (boxes, menus))
