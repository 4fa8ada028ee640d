"""File → Export PNG writes off the GUI thread: a 2048 × 1536 photo (an SD VAE edits photos at their own size)
upscaled ×4 froze the window for 50 s, and nothing said "Exporting…". The write is held here (an Event in the real
export_png's path) to look at the window while it goes on; no timing is measured."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QTimer

from genimg_gui.imaging import save_png
from genimg_gui.ui import export_actions
from genimg_gui.ui.session_questions import SessionQuestions

from ui_helpers import TIMEOUT, drop_and_wait, exports_written

SIDE = (384, 512)  # (H, W): a photo-shaped picture, quick to write ×4 on a CPU


class HeldWrites:
    """export_png as the window calls it, which records the thread each write runs on and, off the GUI thread,
    waits for release() before writing (on the GUI thread it could only hang the test: it writes at once)."""

    def __init__(self, monkeypatch) -> None:
        self.threads: list[int] = []
        self.started = threading.Event()
        self.released = threading.Event()
        real = export_actions.export_png

        def held(image, path, scale=1):
            self.threads.append(threading.get_ident())
            self.started.set()
            if threading.get_ident() != threading.main_thread().ident:
                self.released.wait(TIMEOUT / 1000)
            return real(image, path, scale)
        monkeypatch.setattr(export_actions, "export_png", held)

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def photo(qtbot, window, image_files):
    """The current item, an edited picture showing a photo-sized drawing of it, as an SD VAE draws one back."""
    drop_and_wait(qtbot, window, image_files[:1], 1)
    item = window.document.current
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: item.history.can_undo() and item.shown_seq >= item.requested_seq, timeout=TIMEOUT)
    rng = np.random.default_rng(0)
    item.image = np.clip(np.cumsum(rng.integers(-3, 4, (*SIDE, 3)), axis=1) + 128, 0, 255).astype(np.uint8)
    return item


def said(window) -> list[str]:
    """The status bar's messages, oldest first (what an edit's drawing says later does not hide them)."""
    return [entry.text for entry in window.status.log.entries]


def expected_png(image: np.ndarray, scale: int, tmp_path) -> np.ndarray:
    save_png(image, tmp_path / "expected.png", scale)
    with Image.open(tmp_path / "expected.png") as im:
        return np.asarray(im)


def test_a_png_export_is_written_off_the_gui_thread_the_bar_saying_so(qtbot, window, photo, tmp_path, monkeypatch):
    held = HeldWrites(monkeypatch)
    picture, exported_step = photo.image.copy(), photo.history.current_id
    path = tmp_path / "photo@4x.png"
    window.exports.export_png(str(path), 4)
    qtbot.waitUntil(held.started.is_set, timeout=TIMEOUT)
    assert held.threads[0] != threading.main_thread().ident  # it ran on the GUI thread, which froze meanwhile
    assert "Exporting photo@4x.png…" in window.status.busy.text() and window.status.busy.isVisible()
    assert not path.exists() and photo in window.document.unexported()  # nothing said exported before it is
    window.sliders.sliders[1].setValue(100)  # an edit while the file is written is not the one exported
    qtbot.waitUntil(lambda: photo.history.current_id != exported_step, timeout=TIMEOUT)
    with qtbot.waitSignal(window.exports.writes.finished, timeout=TIMEOUT):
        held.release()
    exports_written(qtbot, window)
    with Image.open(path) as im:
        assert np.array_equal(np.asarray(im), expected_png(picture, 4, tmp_path))
    assert f"Exported {path} ({SIDE[1] * 4}×{SIDE[0] * 4})" in said(window)
    assert "Exporting" not in window.status.busy.text()
    assert photo.exported_node == exported_step  # the step written, not the one current as it ended
    assert photo in window.document.unexported()  # the later edit is not in the file


def test_two_exports_at_once_and_the_picture_closed_meanwhile_are_both_written(qtbot, window, photo, tmp_path,
                                                                               monkeypatch):
    held = HeldWrites(monkeypatch)
    picture = photo.image.copy()
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    window.exports.export_png(str(first), 4)
    window.exports.export_png(str(second))
    qtbot.waitUntil(held.started.is_set, timeout=TIMEOUT)
    assert "Exporting a.png and b.png…" in window.status.busy.text()
    window.close_item(photo.id)
    held.release()
    exports_written(qtbot, window)
    assert len(set(held.threads) | {threading.main_thread().ident}) == 2  # both on the export thread
    with Image.open(first) as a, Image.open(second) as b:
        assert np.array_equal(np.asarray(a), expected_png(picture, 4, tmp_path))
        assert np.array_equal(np.asarray(b), picture)
    log = said(window)  # each said, in the order asked
    assert log.index(f"Exported {first} ({SIDE[1] * 4}×{SIDE[0] * 4})") < log.index(
        f"Exported {second} ({SIDE[1]}×{SIDE[0]})")
    assert window.document.reopen_closed() is photo and photo not in window.document.unexported()


def test_a_failed_write_says_why_once_it_has_failed(qtbot, window, photo, tmp_path):
    missing = tmp_path / "no such folder"
    window.exports.export_png(str(missing / "x.png"), 4)
    exports_written(qtbot, window)
    assert window.last_error == f"Could not write {missing / 'x.png'}: the folder {missing} does not exist"
    assert photo in window.document.unexported() and "Exporting" not in window.status.busy.text()


def test_a_quit_waits_for_the_export_being_written_then_asks_nothing_about_it(qtbot, window, photo, tmp_path,
                                                                             monkeypatch):
    held = HeldWrites(monkeypatch)
    asked = []
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: asked.append(items) or "discard")
    path = tmp_path / "photo.png"
    picture = photo.image.copy()
    window.exports.export_png(str(path), 4)
    qtbot.waitUntil(held.started.is_set, timeout=TIMEOUT)
    seen = []

    def look_then_release() -> None:  # run by the quit's wait, which keeps the window drawn
        seen.append(window.status.busy.text())
        held.release()
    QTimer.singleShot(50, look_then_release)
    assert window.close()
    assert len(seen) == 1 and "Exporting photo.png…" in seen[0]
    with Image.open(path) as im:  # whole, not cut off by the quit
        assert np.array_equal(np.asarray(im), expected_png(picture, 4, tmp_path))
    assert asked == []  # the export counted before the question: nothing else was unexported
