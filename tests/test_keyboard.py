"""Keyboard use the mouse hid: Enter in dialogs, shortcuts in number boxes, rows and sliders without a click."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from genimg_gui.ui.keyframe_list import ID_ROLE
from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.quit_after_run import SavingNote
from genimg_gui.ui.sliders import SliderPanel
from genimg_gui.ui.train_dialog import TrainDialog

from conftest import step_ids


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


# --- the window's keys in its number boxes ---------------------------------
TIMEOUT = 30_000
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def focus_in_window(qtbot, window, widget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    widget.setFocus()
    inner = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (widget, inner), timeout=5000)


def test_undo_and_redo_work_while_the_seed_box_has_the_focus(qtbot, window):
    doc, panel = window.document, window.gan_panel
    [item] = doc.items.values()
    window.tabs.setCurrentWidget(panel)
    seed = panel.seed.value()
    panel.seed.setValue(seed + 1)
    qtbot.waitUntil(lambda: item.seed == seed + 1 and item.history.can_undo(), timeout=TIMEOUT)
    focus_in_window(qtbot, window, panel.seed)
    qtbot.keyClick(panel.seed, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: item.seed == seed and panel.seed.value() == seed, timeout=TIMEOUT)
    qtbot.keyClick(panel.seed, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: item.seed == seed + 1, timeout=TIMEOUT)
    qtbot.keyClick(panel.seed, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: item.seed == seed, timeout=TIMEOUT)
    qtbot.keyClick(panel.seed, Qt.Key.Key_Y, CTRL)
    qtbot.waitUntil(lambda: item.seed == seed + 1, timeout=TIMEOUT)


def test_a_number_box_keeps_its_digits_and_lets_the_brush_key_through(qtbot, window):
    panel, brush = window.gan_panel, window.mask_tool.brush
    window.tabs.setCurrentWidget(panel)
    focus_in_window(qtbot, window, panel.seed)
    panel.seed.lineEdit().selectAll()
    qtbot.keyClicks(panel.seed, "42")
    assert panel.seed.lineEdit().text() == "42"
    qtbot.keyClick(panel.seed, "b")
    assert brush.isChecked() and panel.seed.lineEdit().text() == "42"
    radius = window.mask_tool.radius
    focus_in_window(qtbot, window, radius)
    qtbot.keyClick(radius, "b")
    assert not brush.isChecked()  # pressing the key of the tool that is on puts the brush down


# --- Enter on a Models row ---------------------------------------------------
def test_enter_on_a_models_row_loads_it_as_a_double_click_does(qtbot, model_dir):
    from genimg_gui.catalog import read_entry
    from genimg_gui.ui.model_panel import ModelPanel

    panel = shown(qtbot, ModelPanel())
    panel.set_entries([read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    asked: list[str] = []
    panel.load_requested.connect(asked.append)
    panel.list.setFocus()
    panel.list.setCurrentRow(1)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    panel.list.setCurrentRow(0)
    qtbot.keyClick(panel.list, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert asked == [str(model_dir / "tiny-gan"), str(model_dir / "tiny-vae")]
    assert any("Enter to load" in label.text() for label in panel.findChildren(QLabel))


# --- Ctrl+W, then Ctrl+Shift+T -------------------------------------------------
def test_reopening_by_keyboard_says_so_in_the_status_bar_and_the_log(qtbot, window):
    doc = window.document
    [item] = doc.items.values()
    focus_in_window(qtbot, window, window.canvas)
    qtbot.keyClick(window.canvas, Qt.Key.Key_W, CTRL)
    assert not doc.items and window.status.currentMessage().startswith(f"Closed “{item.name}”")
    qtbot.keyClick(window.canvas, Qt.Key.Key_T, CTRL | SHIFT)
    assert [i.name for i in doc.items.values()] == [item.name]
    assert window.status.currentMessage() == f"Reopened “{item.name}”"
    assert window.status.log.entries[-1].text == f"Reopened “{item.name}”"


# --- a direction's menu from anywhere on its row, by mouse or keyboard -------------
def test_the_direction_menu_opens_from_the_slider_by_right_click_menu_key_or_shift_f10(qtbot, monkeypatch):
    panel = shown(qtbot, SliderPanel())
    menus_shown: list[tuple[str, ...]] = []  # each menu's actions, instead of showing it (it waits for a choice)
    monkeypatch.setattr(panel, "show_menu", lambda row, _at: menus_shown.append(
        tuple(a.text() for a in panel.context_menu(row).actions())), raising=False)
    panel.set_directions(("PC1", "mine"), own_from=1)
    slider = panel.sliders[1]
    for widget in (slider, panel._value_labels[1]):  # a right-click's menu request, as Qt sends it
        at = widget.rect().center()  # (QTest's right-click on a widget sends none)
        QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, widget.mapToGlobal(at)))
    assert len(menus_shown) == 2
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Menu)
    qtbot.keyClick(slider, Qt.Key.Key_F10, SHIFT)
    assert menus_shown == [("Rename…", "Delete")] * 4
    qtbot.keyClick(panel.sliders[0], Qt.Key.Key_Menu)
    assert menus_shown[-1] == ("Rename for this session…", "Delete (comes with the model)")
    assert slider.value() == 0  # no key moved it


# --- Compare A/B by keyboard ---------------------------------------------------
def test_a_step_is_picked_for_compare_a_b_by_space_or_its_menu_and_compared_by_keyboard(qtbot, window, monkeypatch):
    """Only Ctrl+click picked the second step: by keyboard Compare A/B stayed greyed out."""
    doc, panel, tree = window.document, window.history_panel, window.history_panel.tree
    [item] = doc.items.values()
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: item.history.can_undo() and item.shown_seq >= item.requested_seq, timeout=TIMEOUT)
    first, current = step_ids(panel)
    window.tabs.setCurrentWidget(panel)
    focus_in_window(qtbot, window, tree)
    qtbot.keyClick(tree, Qt.Key.Key_Up)  # the first step: the arrow keys move the focus only
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert panel.partner_id == first and item.history.current_id == current and panel.compare_button.isEnabled()
    assert tree.currentItem() is panel.item_for(first)  # the focus stays on the step picked
    qtbot.keyClick(tree, Qt.Key.Key_Space, CTRL)  # again unpicks; Ctrl+Space too, as in Qt's views
    assert panel.partner_id is None and not panel.compare_button.isEnabled()

    menus_shown: list[tuple[str, ...]] = []  # the step's menu, chosen from by keyboard instead of shown
    monkeypatch.setattr(panel, "show_menu", lambda node, _at: menus_shown.append(pick_from_menu(panel, node)))
    qtbot.keyClick(tree, Qt.Key.Key_F10, SHIFT)
    assert menus_shown == [("&Go to this step", "&Pick for Compare A/B")] and panel.partner_id == first
    qtbot.keyClick(tree, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.compare_button
    with qtbot.waitSignal(doc.frames_ready, timeout=TIMEOUT):
        qtbot.keyClick(panel.compare_button, Qt.Key.Key_Space)
    assert window.canvas.labels == tuple(f"{ab}: {panel.item_for(i).text(0)}" for ab, i in (("A", first),
                                                                                             ("B", current)))
    assert "Space" in tree.toolTip() and "Space" in panel.compare_button.toolTip()  # how, where it is needed


def pick_from_menu(panel, node_id: int) -> tuple[str, ...]:
    """The step's menu's texts, its pick action triggered."""
    menu = panel.step_menu(node_id)
    pick = next(a for a in menu.actions() if "Pick" in a.text())
    assert pick.isEnabled() and pick.isCheckable() and not pick.isChecked()
    pick.trigger()
    return tuple(a.text() for a in menu.actions())


def test_a_right_click_opens_the_clicked_steps_menu_and_the_current_step_cannot_be_picked(qtbot):
    from genimg_gui.ui.history_panel import HistoryPanel

    panel = shown(qtbot, HistoryPanel())
    panel.set_nodes([(0, None, "Opened", solid(0)), (1, 0, "PC1 +1.00σ", solid(90))], 1)
    asked: list[int] = []
    panel.show_menu = lambda node, _at: asked.append(node)
    viewport = panel.tree.viewport()
    at = panel.tree.visualItemRect(panel.item_for(0)).center()  # a right-click's menu request, as Qt sends it
    QApplication.sendEvent(viewport, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, viewport.mapToGlobal(at)))
    panel.tree.setFocus()
    panel.tree.setCurrentItem(panel.item_for(1))
    qtbot.keyClick(panel.tree, Qt.Key.Key_Menu)
    assert asked == [0, 1]
    pick = next(a for a in panel.step_menu(1).actions() if "Pick" in a.text())
    assert not pick.isEnabled() and "current step" in pick.toolTip()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Space)  # the current step: nothing to compare it with
    assert panel.partner_id is None
