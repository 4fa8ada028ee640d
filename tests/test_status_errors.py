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
