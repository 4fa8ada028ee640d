"""A dialog, question or menu the window opens is deleted once answered: each Edit → New direction from examples…
left its dialog behind, a child of the window, with a palette watch filtering every event the window gets and the
dialog's notes chosen again at each light/dark switch; each question and right-click menu stayed as well, and each
Morph dialog, closed but alive with its timer and connections."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox

from conftest import UI_TIMEOUT
from genimg_gui.ui import ink
from genimg_gui.ui.directions_dialog import DirectionsDialog
from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.save_dialog import replace_asked
from test_directions_ui import menu_action
from test_morph_ui import action, export, open_images

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


def test_the_morph_dialog_goes_once_closed_and_the_next_one_works(qtbot, window, image_files, tmp_path):
    """Opened, set, exported, closed (Close, Escape, or Ctrl+M again over an open one): one dialog at most stays, and
    the one opened after works, from the settings the last one was left at."""
    open_images(qtbot, window, image_files[:2])
    morph = action(window, "&Morph / interpolate…")
    for opening in range(OPENINGS):
        morph.trigger()
        dialog = window.morph.dialog
        dialog.frames.setValue(3 + opening)
        assert export(qtbot, window, dialog, tmp_path / f"m{opening}.gif").startswith(f"Wrote {tmp_path}")
        if opening == 0:
            qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        elif opening == 1:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            morph.trigger()  # Ctrl+M over the open dialog: a fresh one in its place
            qtbot.waitUntil(lambda: left(window, MorphDialog) == 1)
            assert window.morph.dialog is not dialog
            window.morph.dialog.close()
        qtbot.waitUntil(lambda: left(window, MorphDialog) == 0)
    morph.trigger()
    dialog = window.morph.dialog
    assert window.findChildren(MorphDialog) == [dialog] and dialog.isVisible()
    assert dialog.frames.value() == 2 + OPENINGS  # as the last one was left
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: f"({2 + OPENINGS} frames" in text):
        dialog.export_to(str(tmp_path / "again.gif"))
    assert dialog.written.text().startswith("Wrote ")
    with qtbot.waitSignal(dialog.frame_requested, check_params_cb=lambda index: index == 1):
        qtbot.keyClick(dialog.timeline, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: dialog.preview.toolTip() == "Frame 2", timeout=UI_TIMEOUT)  # decoded and shown
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: left(window, MorphDialog) == 0)
