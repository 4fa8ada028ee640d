"""Export PNG… (and ×4) asked while the edit is still being drawn waits for its picture, then writes it: it wrote
the picture from before the edit (a big SD VAE's decode on a CPU takes seconds) and marked the edit exported, so
quitting never asked about it. Esc cancels the wait; a picture changed, closed or not drawn first is not exported,
and the status bar says why."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.drawing_wait import SEND, WAITING, being_drawn
from genimg_gui.ui.session_questions import SessionQuestions

from ui_helpers import exports_written


@contextmanager
def drawing_held(monkeypatch, fails: bool = False):
    """The worker's drawings wait until the block ends, as a big SD VAE's decode on a CPU keeps the edit off the
    screen for seconds; fails: then the drawing fails."""
    go, fast = threading.Event(), Runtime.render

    def held(self, *args, **kwargs):
        go.wait(UI_TIMEOUT / 1000)
        if fails:
            raise RuntimeError("the decode broke")
        return fast(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", held)
    try:
        yield
    finally:
        go.set()


def edited(qtbot, window):
    """PC1 of the current sample set to +3σ, one step, its picture asked for; the item."""
    item = window.document.current
    qtbot.waitUntil(lambda: not being_drawn(item), timeout=UI_TIMEOUT)
    window.sliders.sliders[0].setValue(300)  # the slider's value set: committed
    qtbot.waitUntil(lambda: item.history.current.values[0] == 3.0, timeout=UI_TIMEOUT)
    return item


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def said(window) -> list[str]:
    return [entry.text for entry in window.status.log.entries]


def test_a_png_asked_while_the_edit_is_drawn_is_the_edit(qtbot, window, tmp_path, monkeypatch):
    doc = window.document
    plain, big, latent = tmp_path / "edit.png", tmp_path / "edit@4x.png", tmp_path / "edit.npz"
    with drawing_held(monkeypatch):
        item = edited(qtbot, window)
        before = item.image.copy()
        assert being_drawn(item)  # "Decoding…"
        window.exports.export_png(str(plain))
        window.exports.export_png(str(big), 4)
        assert not plain.exists() and not big.exists()
        assert WAITING.format("export edit.png, edit@4x.png") in window.status.busy.text()
        assert doc.unexported() == [item]  # nothing written yet: quitting still asks about the edit
        window.exports.export_latent(str(latent))  # the edited latent is there already: written at once
        assert latent.exists() and not plain.exists()
    exports_written(qtbot, window)
    assert np.array_equal(pixels(plain), item.image) and not np.array_equal(item.image, before)
    assert pixels(big).shape[:2] == (item.image.shape[0] * 4, item.image.shape[1] * 4)
    assert said(window)[-2:] == [f"Exported {plain} (32×32)", f"Exported {big} (128×128)"]
    assert "Waiting" not in window.status.busy.text() and doc.unexported() == []


def test_escape_cancels_an_export_waiting_for_its_picture(qtbot, window, tmp_path, monkeypatch):
    doc, plain = window.document, tmp_path / "edit.png"
    with drawing_held(monkeypatch):
        item = edited(qtbot, window)
        window.exports.export_png(str(plain))
        window.activateWindow()
        qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
        assert said(window)[-1] == "Export of edit.png cancelled: nothing was written"
        assert "Waiting" not in window.status.busy.text()
    qtbot.waitUntil(lambda: not being_drawn(item), timeout=UI_TIMEOUT)
    assert not plain.exists() and doc.unexported() == [item]


def test_a_picture_undone_closed_or_not_drawn_first_is_not_exported(qtbot, window, tmp_path, monkeypatch):
    doc, paths = window.document, [tmp_path / f"{n}.png" for n in ("undone", "failed", "closed")]
    with drawing_held(monkeypatch):
        item = edited(qtbot, window)
        window.exports.export_png(str(paths[0]))
        doc.undo()  # the step asked for is no longer the one shown
        assert said(window)[-1] == f"undone.png was not exported: {item.name} changed before its picture was drawn; " \
                                   "export it again"
    qtbot.waitUntil(lambda: not being_drawn(item), timeout=UI_TIMEOUT)
    with drawing_held(monkeypatch, fails=True):
        doc.redo()
        assert being_drawn(item)
        window.exports.export_png(str(paths[1]))
    qtbot.waitUntil(lambda: f"failed.png was not exported: the picture of {item.name} could not be drawn"
                    in said(window), timeout=UI_TIMEOUT)
    with drawing_held(monkeypatch):
        doc.undo()
        window.exports.export_png(str(paths[2]))
        window.close_item(item.id)
        assert f"closed.png was not exported: {item.name} was closed before its picture was drawn" in said(window)
    assert not any(path.exists() for path in paths)
    assert "Waiting" not in window.status.busy.text()


def quit_while_waiting(qtbot, window, monkeypatch, path, answer, also=lambda item: None):
    """Edit the picture, ask Export PNG… to path while its drawing is held, and quit once (answering the quit
    question with answer, the questions asked kept in the list returned); within the held drawing."""
    asked = []
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: asked.append(items) or answer)
    item = edited(qtbot, window)
    also(item)
    window.exports.export_png(str(path))
    assert not window.close()  # the quit waits for the picture
    return item, asked


def test_a_quit_waits_for_an_export_still_waiting_for_its_picture_then_writes_it(qtbot, window, tmp_path,
                                                                                monkeypatch):
    """Quit while Export PNG… waits for the edit's drawing: the export was dropped without a word, the window closed
    and the file never written. Now the quit waits, the bar saying so, writes the file, then asks nothing about it."""
    path = tmp_path / "waitq.png"
    with drawing_held(monkeypatch):
        item, asked = quit_while_waiting(qtbot, window, monkeypatch, path, "discard")
        assert window.isVisible() and WAITING.format("export waitq.png") in window.status.busy.text()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=UI_TIMEOUT)
    assert np.array_equal(pixels(path), item.image)
    assert asked == []  # the export counted before the question: nothing else was unexported


def test_escape_during_the_quit_wait_cancels_the_export_and_the_quit_asks_about_the_edit(qtbot, window, tmp_path,
                                                                                        monkeypatch):
    path = tmp_path / "waitq.png"
    with drawing_held(monkeypatch):
        # the answer None: the user stays; a Send to VAE waiting too: no file, no wait
        item, asked = quit_while_waiting(qtbot, window, monkeypatch, path, None,
                                         lambda item: window.drawing.when_drawn(item, "", lambda: None, SEND))
        window.activateWindow()
        qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: asked == [[item]], timeout=UI_TIMEOUT)  # the quit went on: the edit is not exported
        assert "Export of waitq.png cancelled: nothing was written" in said(window)[-1]
    assert window.isVisible() and not path.exists()  # None: the user stayed


def test_closing_again_during_the_quit_wait_quits_without_the_export(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "waitq.png"
    with drawing_held(monkeypatch):
        item, asked = quit_while_waiting(qtbot, window, monkeypatch, path, "discard")
        assert window.close()  # the second close: the export cancelled, the quit asks about the edit
        assert asked == [[item]] and said(window)[-1] == "Export of waitq.png cancelled: nothing was written"
    assert not window.isVisible() and not path.exists()
