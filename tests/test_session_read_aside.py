"""The session the last run left is read off the GUI thread: read before the event loop began, a kept session of
three photos with their strokes (7 MB) left the new window blank and frozen for 10 s, and a crash's session kept its
"Restore your work?" question back as long."""
from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from genimg_gui import session as sess
from genimg_gui import session_aside
from genimg_gui.ui.session_questions import READING

from session_helpers import TIMEOUT, _left_by_a_crash, _window_with_the_vae


def read_where(monkeypatch) -> list[threading.Thread]:
    """The threads the autosaved session is read on, as it is read (by the real load_session)."""
    threads: list[threading.Thread] = []
    real = session_aside.load_session

    def load_session(path):
        threads.append(threading.current_thread())
        return real(path)
    monkeypatch.setattr(session_aside, "load_session", load_session)
    return threads


def test_a_crashs_session_is_read_while_the_window_paints_then_asked_about(qtbot, engine, model_dir, image_files,
                                                                         monkeypatch):
    _left_by_a_crash(model_dir, image_files[0])
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    read_on = read_where(monkeypatch)
    asked: list[list[str]] = []
    bar_as_asked: list[str] = []
    w.questions.ask_restore = lambda names: (bar_as_asked.append(w.status.busy.text()), asked.append(names),
                                             True)[-1]
    w.questions.offer_restore()  # app.main: after window.show(), before app.exec()
    # back at once, for the event loop to paint the window: nothing asked or restored yet, and the bar says why
    assert not asked and not w.document.items and w.status.busy.text() == READING
    with qtbot.waitSignal(w.questions.offered, timeout=TIMEOUT) as offer:
        pass
    assert offer.args == [1] and asked == [["left by a crash"]]
    assert bar_as_asked == [""]  # the read over: "Reading the work autosaved last time…" stayed under the question
    assert read_on and threading.main_thread() not in read_on
    qtbot.waitUntil(lambda: [i.name for i in w.document.items.values()] == ["left by a crash"], timeout=TIMEOUT)


def test_a_kept_session_is_read_while_the_window_paints_then_reopened(qtbot, engine, model_dir, image_files,
                                                                     monkeypatch):
    left = _left_by_a_crash(model_dir, image_files[0])
    sess.save_session(replace(sess.load_session(left), kept=True), left)
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    read_on = read_where(monkeypatch)
    w.questions.ask_restore = lambda names: pytest.fail("kept work was asked about")
    w.questions.offer_restore()
    assert not w.document.items and w.autosaver.held  # not read yet: nothing back, nothing saved over it
    with qtbot.waitSignal(w.questions.offered, timeout=TIMEOUT) as offer:
        pass
    assert offer.args == [1] and read_on and threading.main_thread() not in read_on
    qtbot.waitUntil(lambda: [i.name for i in w.document.items.values()] == ["left by a crash"], timeout=TIMEOUT)

