"""The main window's menus on the real engine and tiny models: the compare modes as radio items that follow the
mode, Undo, Redo and Reopen naming what they act on, and a comparison ended by a click on another step said so."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

import genimg_gui
from conftest import UI_TIMEOUT
from genimg_gui.ui.about import menu_places
from genimg_gui.ui.action_texts import redo_text, reopen_text, undo_text
from genimg_gui.ui.canvas import CompareMode
from editing_helpers import click_step, history_tab, open_image, settle
from widget_helpers import lines_read


def menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def compare_items(window) -> dict[str, object]:
    """View → the compare modes' actions by their text (less its access key's "&")."""
    modes = {m.value for m in CompareMode}
    return {a.text().replace("&", ""): a for a in menu(window, "&View").actions() if a.text().replace("&", "") in modes}


def checked(window) -> list[str]:
    return [text for text, action in compare_items(window).items() if action.isChecked()]


def test_the_compare_modes_are_radio_items_whose_check_follows_the_mode_however_it_changes(qtbot, window,
                                                                                          image_files):
    items = compare_items(window)
    assert list(items) == [m.value for m in CompareMode] and all(a.isCheckable() for a in items.values())
    assert checked(window) == [CompareMode.SIDE_BY_SIDE.value]  # the mode at start is shown checked
    items[CompareMode.SPLIT.value].trigger()  # the menu
    assert window.canvas.mode == CompareMode.SPLIT and checked(window) == [CompareMode.SPLIT.value]
    items[CompareMode.SPLIT.value].trigger()  # choosing the checked one again leaves it checked: one is always on
    assert checked(window) == [CompareMode.SPLIT.value]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # the shortcut
    assert window.canvas.mode == CompareMode.EDITED and checked(window) == [CompareMode.EDITED.value]
    window.compare.setFocus()
    qtbot.keyClick(window.compare, Qt.Key.Key_Up)  # the toolbar's box by keyboard
    assert window.canvas.mode == CompareMode.SPLIT and checked(window) == [CompareMode.SPLIT.value]

    item = open_image(qtbot, window, image_files[0])  # Compare A/B leaves "Edited only" for side by side...
    window.sliders.sliders[0].setValue(100)
    settle(qtbot, window, item)
    window.compare.setCurrentText(CompareMode.EDITED.value)
    panel = history_tab(window)
    click_step(panel, 0, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    assert window.canvas.mode == CompareMode.SIDE_BY_SIDE and checked(window) == [CompareMode.SIDE_BY_SIDE.value]
    panel.stop_button.click()  # ...and its end goes back to it
    assert window.canvas.mode == CompareMode.EDITED and checked(window) == [CompareMode.EDITED.value]

    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    items[CompareMode.SPLIT.value].trigger()  # a mode chosen during the comparison stays at its end
    panel.stop_button.click()
    assert window.canvas.mode == CompareMode.SPLIT and checked(window) == [CompareMode.SPLIT.value]


def test_undo_and_redo_name_the_step_as_the_history_tab_does(qtbot, window, image_files):
    item = open_image(qtbot, window, image_files[0])
    undo, redo = window.undo_action, window.redo_action
    assert (undo.text(), undo.isEnabled(), redo.text(), redo.isEnabled()) == ("&Undo", False, "&Redo", False)
    window.sliders.sliders[0].setValue(100)
    window.sliders.sliders[1].setValue(-50)
    step = history_tab(window).item_for(2).text(0)
    assert step.endswith("-0.50σ")
    assert undo.text() == f"&Undo {step}" and undo.isEnabled() and (redo.text(), redo.isEnabled()) == ("&Redo", False)
    undo.trigger()
    assert redo.text() == f"&Redo {step}" and redo.isEnabled()
    assert undo.text() == f"&Undo {window.history_panel.item_for(1).text(0)}"
    assert undo.iconText() == "Undo" and redo.iconText() == "Redo"  # the toolbar's buttons stay short
    undo.trigger()
    assert (undo.text(), undo.isEnabled()) == ("&Undo", False)
    window.document.goto(2)  # redo goes back along the line last visited
    undo.trigger()
    assert redo.text() == f"&Redo {step}"
    settle(qtbot, window, item)


def test_a_name_with_an_ampersand_shows_it_and_a_long_one_loses_its_middle():
    assert undo_text("Smileys & Emotion +1.00σ") == "&Undo Smileys && Emotion +1.00σ"
    long = undo_text("category: " + "x" * 80 + " +2.00σ")
    assert long.endswith("+2.00σ") and "…" in long and len(long) < 80
    assert redo_text(None) == "&Redo" and reopen_text("R&D.png") == "Reope&n “R&&D.png”"


def test_reopen_names_the_image_it_brings_back(qtbot, window, image_files):
    reopen = window.reopen_action
    assert (reopen.text(), reopen.isEnabled()) == ("Reope&n closed image", False)
    sample = window.document.current
    item = open_image(qtbot, window, image_files[0])
    window.close_action.trigger()
    assert (reopen.text(), reopen.isEnabled()) == (f"Reope&n “{item.name}”", True)
    window.close_action.trigger()  # the last closed comes back first
    assert reopen.text() == f"Reope&n “{sample.name}”"
    reopen.trigger()
    assert reopen.text() == f"Reope&n “{item.name}”"
    reopen.trigger()
    assert (reopen.text(), reopen.isEnabled()) == ("Reope&n closed image", False)


def test_closing_an_image_says_how_to_bring_it_back(qtbot, window, image_files):
    """Ctrl+W on an edited image closed it without a word: the user could not know it could come back."""
    sample = window.document.current
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(100)
    settle(qtbot, window, item)
    window.close_action.trigger()
    assert window.status.currentMessage() == (f"Closed “{item.name}”: File → Reopen (Ctrl+Shift+T) brings it back "
                                              "with its history")
    window.filmstrip.close_requested.emit(sample.id)  # a thumbnail's Close, on an unedited sample
    assert window.status.currentMessage() == f"Closed “{sample.name}”: File → Reopen (Ctrl+Shift+T) brings it back"
    assert not window.document.items


def test_a_click_on_another_step_ends_the_comparison_and_says_so(qtbot, window, image_files):
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(100)
    window.sliders.sliders[1].setValue(100)
    settle(qtbot, window, item)
    panel = history_tab(window)
    click_step(panel, 0, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    panel.stop_button.click()  # stopped by hand: nothing to say
    assert window.status.currentMessage() != "A/B comparison ended"
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    click_step(panel, 1)
    assert item.history.current_id == 1 and window.history.comparing is None
    assert window.canvas.labels == (None, None) and window.status.currentMessage() == "A/B comparison ended"


def test_help_about_gives_the_version_where_the_readme_is_and_the_main_keys(window):
    """About said only "nothing is unpickled", which the README's StyleGAN2 pickles (a restricted unpickler) belied."""
    next(a for a in menu(window, "&Help").actions() if a.text() == "&About genimg").trigger()
    about = window.help.about_dialog
    text = "\n".join(lines_read(about))
    assert f"genimg {metadata.version('genimg')}:" in text and "nothing is unpickled" not in text
    assert "restricted unpickler" in text and "no code from a model file ever runs" in text
    readme = str(Path(genimg_gui.__file__).parent.parent / "README.md")
    assert any(field.text() == readme for field in about.findChildren(QLineEdit))
    assert "Undo: Ctrl+Z" in text and "Morph / interpolate: Ctrl+M" in text
    about.close()


def test_reset_all_and_randomise_name_the_edit_menus_items_as_the_menus_have_them(window):
    """Their tooltips wrote "Edit → Reset all sliders" by hand; Quick start reads the places off the menus
    (about.menu_places): the buttons now do too, and follow an item renamed."""
    sliders = window.sliders
    places = menu_places(window.menuBar())
    assert sliders.reset_all_button.toolTip().endswith(f"({places['Reset all sliders']})")
    assert sliders.randomise_button.toolTip().endswith(f"({places['Randomise sliders']})")
    reset, = [a for a in window.menuBar().actions()[1].menu().actions() if a.iconText() == "Reset all sliders"]
    reset.setText("Re&set every slider")
    reset.setIconText("Reset all sliders")
    sliders.name_menu_places(menu_places(window.menuBar()))
    assert sliders.reset_all_button.toolTip().endswith("(Edit → Reset every slider)")
