"""Each autosave wrote every open picture's pixels again (9 MiB for a 2048 × 1536 photo, every few seconds), though a
picture as opened never changes: now each picture is a file of its own beside the session, named by its content,
written once and named by later saves, removed once no session names it. And Keep for next time, at a quit, wrote the
session on the GUI thread, the window frozen for the whole write: now the autosave's writer writes it, the window
drawn meanwhile and saying so, and the quit waits for it."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal

from genimg_gui import session as sess
from genimg_gui import session_pixels

from conftest import UI_TIMEOUT, quit_questions_kept
from test_masked_edits import open_images, settle


def pictures(saver) -> dict[str, tuple[int, int]]:
    """The picture files beside the autosaved session: name -> (inode, mtime in ns), which a rewrite changes."""
    folder = session_pixels.pictures_folder(saver.path)
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()} if folder.is_dir() else {}


def saved(saver) -> None:
    saver.save_now()
    saver.wait()


def same_pixels(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return (a is None and b is None) or (a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes())


def as_now(items) -> list[tuple]:
    """Each item's name and pictures (as opened, as fitted, as drawn), as they are now."""
    return [(i.name, i.source, i.original, i.image) for i in items]


def assert_restores(path, pictured: list[tuple]) -> None:
    """The session at path brings back the pictures of as_now bit for bit."""
    back = sess.load_session(path).items
    assert [b.name for b in back] == [name for name, *_ in pictured]
    for (_, source, original, image), restored in zip(pictured, back):
        assert source is not None and same_pixels(restored.source, source)
        assert same_pixels(restored.original, original) and same_pixels(restored.image, image)


def files_of(item) -> set[str]:
    """The names of the files that hold an item's pictures: as opened and as fitted (PNGs), as drawn."""
    return {session_pixels.file_name(item.source, True), session_pixels.file_name(item.original, True),
            session_pixels.file_name(item.image, False)}


def edited(qtbot, window, item) -> None:
    """A slider moved on item: a new decode; its picture as opened and its fit are unchanged."""
    window.document.make_current(item)
    window.sliders.sliders[0].setValue(150)
    qtbot.waitUntil(lambda: len(item.history) == 2, timeout=UI_TIMEOUT)
    settle(qtbot, item)


def closed(window, item) -> None:
    window.document.make_current(item)
    window.close_action.trigger()  # File → Close image


@pytest.fixture()
def two_pictures(qtbot, window, image_files):
    """Two pictures open in the window, decoded; only save_now autosaves."""
    window.autosaver.idle_ms = window.autosaver.max_wait_ms = 3_600_000
    items = open_images(qtbot, window, image_files[:2])
    for item in items:
        settle(qtbot, item)
    return items


def test_a_picture_is_written_once_named_by_later_saves_and_removed_once_closed(qtbot, window, two_pictures):
    saver = window.autosaver
    first, second = two_pictures
    saved(saver)
    before = pictures(saver)
    assert before.keys() == files_of(first) | files_of(second)
    saved(saver)  # nothing changed: nothing written again
    assert pictures(saver) == before
    assert_restores(saver.path, as_now(two_pictures))

    edited(qtbot, window, first)
    saved(saver)
    after = pictures(saver)
    # only the first's new decode is written, and its last one removed: every other file is the very file it was
    assert len(after.keys() - before.keys()) == 1 and len(before.keys() - after.keys()) == 1
    assert all(after[name] == before[name] for name in after.keys() & before.keys())
    assert_restores(saver.path, as_now(two_pictures))

    closed(window, second)
    saved(saver)
    kept = pictures(saver)
    assert kept.keys() == files_of(first) and all(kept[name] == after[name] for name in kept)  # the second's gone
    assert_restores(saver.path, as_now([first]))


def test_a_save_cut_off_at_any_step_leaves_a_session_that_restores(qtbot, window, two_pictures, monkeypatch):
    saver = window.autosaver
    first, second = two_pictures
    saved(saver)
    last = as_now(two_pictures)
    edited(qtbot, window, first)  # a new decode to write
    closed(window, second)

    def killed(*_args, **_kwargs):
        raise OSError("killed")
    # killed after the new picture file, before the session file: the last session, all its pictures there
    with monkeypatch.context() as kill, qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT):
        kill.setattr(sess, "save_file", killed)
        saver.save_now()
        saver.wait()
    assert session_pixels.file_name(first.image, False) in pictures(saver)
    assert_restores(saver.path, last)

    # killed after the session file, before the files it no longer names are removed: the new session restores
    with monkeypatch.context() as kill, qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT):
        kill.setattr(sess, "remove_unnamed", killed)
        saver.save_now()
        saver.wait()
    assert_restores(saver.path, as_now([first]))
    saved(saver)  # the next save removes what the cut-off ones left
    assert pictures(saver).keys() == files_of(first)


class WatchedWrites(QObject):
    """session.save_file, recording the thread of each write; one off the GUI thread waits until the GUI thread has
    run an event (its event loop goes on: the window is drawn) and recorded what the status bar says then."""

    poked = Signal()  # emitted on the writer's thread: queued to the GUI thread, run only while its loop runs

    def __init__(self, monkeypatch, window) -> None:
        super().__init__()
        self.window = window
        self.threads: list[threading.Thread] = []
        self.said: list[str] = []
        self.drawn = threading.Event()
        self.poked.connect(self._on_gui_thread)
        write = sess.save_file

        def watched(arrays, path, metadata=None):
            self.threads.append(threading.current_thread())
            if threading.current_thread() is not threading.main_thread():
                self.poked.emit()
                assert self.drawn.wait(UI_TIMEOUT / 1000), "the GUI thread did not run its events during the write"
            write(arrays, path, metadata=metadata)
        monkeypatch.setattr(sess, "save_file", watched)

    def _on_gui_thread(self) -> None:
        self.said.append(self.window.status.currentMessage())
        self.drawn.set()


def test_keep_for_next_time_is_written_off_the_gui_thread_while_the_window_says_so(qtbot, window, two_pictures,
                                                                                    monkeypatch):
    first, _ = two_pictures
    edited(qtbot, window, first)
    values = first.history.current.values
    asked = quit_questions_kept(monkeypatch)
    writes = WatchedWrites(monkeypatch, window)
    assert window.close()
    assert len(asked) == 1 and not window.isVisible()
    assert writes.threads and threading.main_thread() not in writes.threads
    assert writes.said == ["Keeping your work for next time…"]  # drawn while it was written, saying so
    kept = sess.load_session(window.autosaver.path)  # written whole before the quit went on
    assert kept.kept and kept.items[0].history.current.values == values
    assert_restores(window.autosaver.path, as_now(two_pictures))
