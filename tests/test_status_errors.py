"""Errors on the real window's status bar read the same whichever action they come from: alone, with no count of
earlier, unrelated ones."""
from __future__ import annotations

from PIL import Image
from PySide6.QtGui import QAction

from conftest import UI_TIMEOUT
from test_status_bar import clock_moved


def test_open_images_and_open_model_folder_errors_read_alike_seconds_apart(qtbot, window, tmp_path, monkeypatch):
    """One bad file opened with File → Open images… read "⚠ 2 problems: …", counting the error of an Open model
    folder… seconds before; an Open model folder… error, its menu's hover having blanked the bar, had no count."""
    later = clock_moved(monkeypatch)
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    Image.new("RGB", (8, 8)).save(pictures / "good2.jpg")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    monkeypatch.setattr(window.model_opener, "ask_model_folder", lambda: str(pictures))
    monkeypatch.setattr(window.opener, "_ask_paths", lambda: [str(notes)])
    actions = {a.text(): a for a in window.findChildren(QAction)}
    said = []
    for name in ("Open model &folder…", "&Open images…", "Open model &folder…"):
        later[0] += 5  # another action, seconds after the last
        with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as error:
            actions[name].trigger()
        said.append(error.args[0])
        assert window.status.currentMessage() == f"⚠ {error.args[0]}", name
    assert "is not a genimg model folder" in said[0] and said[1].startswith("notes.txt is not an image")
    assert [e.text for e in window.status.log.entries if e.error][-3:] == said  # each in the log


def test_hovering_a_menu_leaves_an_error_on_the_bar_and_a_status_tip_gives_it_back(qtbot, window, monkeypatch):
    """QMainWindow cleared the bar for the empty status tip of each menu entry hovered: an error went from the bar
    as the mouse went into a menu. A tip that says something (a recent file's path) shows in the normal ink while
    hovered, and the error comes back, in red, as it goes; a message whose time ended under the tip does not."""
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication, QStatusBar

    later = clock_moved(monkeypatch)
    bar = window.status
    bar.show_error("notes.txt is not an image")
    red = bar.styleSheet()
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    file_menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(file_menu)
    for action in [a for a in file_menu.actions() if not a.isSeparator()][:3]:
        file_menu.setActiveAction(action)  # as the mouse does: its status tip, "" (ours have none), to the window
        assert bar.currentMessage() == "⚠ notes.txt is not an image", action.text()
    file_menu.hide()
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert bar.currentMessage() == "⚠ notes.txt is not an image" and bar.styleSheet() == red
    QApplication.sendEvent(window, QStatusTipEvent("/photos/cat.png"))
    assert QStatusBar.currentMessage(bar) == "/photos/cat.png" and bar.styleSheet() == ""
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert QStatusBar.currentMessage(bar) == "⚠ notes.txt is not an image" and bar.styleSheet() == red
    later[0] += 20  # the error's time is up
    bar.show_message("Reopened “cat.png”")
    QApplication.sendEvent(window, QStatusTipEvent("/photos/cat.png"))
    assert bar.currentMessage() == "Reopened “cat.png”"  # the bar's message, under the tip
    later[0] += 60  # its time ends while the tip shows
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert bar.currentMessage() == "" and QStatusBar.currentMessage(bar) == ""
    QApplication.sendEvent(window, QStatusTipEvent("/photos/cat.png"))  # over an empty bar
    assert bar.currentMessage() == ""  # not the last message gone
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert QStatusBar.currentMessage(bar) == ""
