"""Keyboard use the mouse hid: Enter in dialogs, shortcuts in number boxes, rows and sliders without a click."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from genimg_gui.ui.keyframe_list import ID_ROLE
from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.quit_after_run import SavingNote
from genimg_gui.ui.train_dialog import TrainDialog


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def solid(value: int) -> np.ndarray:
    return np.full((8, 8, 3), value, np.uint8)


# --- Enter in dialogs ----------------------------------------------------
def keyframe_order(dialog: MorphDialog) -> list[int]:
    return [dialog.keyframes.item(r).data(ID_ROLE) for r in range(dialog.keyframes.count())]


def test_enter_in_the_morph_dialog_never_moves_a_keyframe(qtbot):
    dialog = shown(qtbot, MorphDialog([(10, "a.png", solid(10)), (11, "b.png", solid(100)),
                                       (12, "c.png", solid(200))]))
    dialog.keyframes.setCurrentRow(2)
    dialog.frames.setFocus()
    dialog.frames.lineEdit().selectAll()
    qtbot.keyClicks(dialog.frames, "30")
    qtbot.keyClick(dialog.frames, Qt.Key.Key_Return)
    assert dialog.frames.value() == 30  # Enter confirmed the number
    qtbot.keyClick(dialog.keyframes, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.keyframes, Qt.Key.Key_Enter)
    assert keyframe_order(dialog) == [10, 11, 12]
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)  # the button itself still moves it
    assert keyframe_order(dialog) == [10, 12, 11]


def test_enter_in_a_train_field_opens_no_file_browser(qtbot, monkeypatch):
    browsed = []
    monkeypatch.setattr("genimg_gui.ui.train_dialog.browse_images", browsed.append)
    monkeypatch.setattr("genimg_gui.ui.train_dialog.browse_save_to", browsed.append)
    dialog = shown(qtbot, TrainDialog())
    monkeypatch.setattr(dialog, "start", lambda: browsed.append("start"))
    qtbot.keyClicks(dialog.data, "pictures")
    qtbot.keyClick(dialog.data, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.minutes, Qt.Key.Key_Return)
    assert browsed == []


def test_enter_does_not_quit_without_the_save(qtbot):
    quit_now = []
    parent = shown(qtbot, QWidget())
    note = SavingNote(parent, lambda: quit_now.append(True))
    note.show()
    qtbot.waitExposed(note)
    note.offer_quit_now(30)
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert quit_now == []
    note.hide()
