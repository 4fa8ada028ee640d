"""Quitting while the session the last run left is still being read (off the GUI thread): the quit's waits draw the
window, and the read ending then asked "Restore your work?" in the middle of the quit; Keep for next time wrote this
run's work over the crash's session (Restore: the crash's image gone), or Discard deleted the kept write too."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from genimg_gui import session as sess
from genimg_gui import session_aside
from genimg_gui.ui.session_questions import DISCARD, READING, SessionQuestions

from conftest import ORIGINAL_ASK_QUIT
from session_helpers import TIMEOUT, _left_by_a_crash, _window_with_the_vae
from test_inversion_ui import inverting


def gated_read(monkeypatch) -> threading.Event:
    """The autosaved session is read (by the real load_session) once the returned event is set."""
    gate = threading.Event()
    real = session_aside.load_session

    def load_session(path):
        gate.wait(TIMEOUT / 1000)
        return real(path)
    monkeypatch.setattr(session_aside, "load_session", load_session)
    return gate


def answered(monkeypatch, gate: threading.Event, quit_answer: str, restore_answer: str) -> list[str]:
    """Every question answered from here on: the quit question with quit_answer (the read let go as it is asked),
    "Restore your work?" with restore_answer; returns the questions' titles, in order."""
    asked: list[str] = []

    def answer(box) -> int:
        asked.append(box.windowTitle())
        if box.windowTitle() == "Quit genimg?":
            gate.set()  # the read ends as the quit goes on
        wanted = quit_answer if box.windowTitle() == "Quit genimg?" else restore_answer
        next(b for b in box.buttons() if b.text() == wanted).click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(SessionQuestions, "ask_quit", ORIGINAL_ASK_QUIT)
    return asked


def edited_while_read(qtbot, engine, model_dir, image_files, monkeypatch):
    """A window after a crash, its session being read (held back by the gate), another image opened and edited."""
    left = _left_by_a_crash(model_dir, image_files[0])
    gate = gated_read(monkeypatch)
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    w.questions.offer_restore()
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([str(image_files[1])])
    w.sliders.sliders[0].setValue(150)
    return w, left, gate


def test_keep_while_the_crash_session_is_read_stays_open_then_asks(qtbot, engine, model_dir, image_files,
                                                                  monkeypatch):
    w, left, gate = edited_while_read(qtbot, engine, model_dir, image_files, monkeypatch)
    asked = answered(monkeypatch, gate, "Keep for next time", "Restore")
    with qtbot.waitSignal(w.questions.offered, timeout=TIMEOUT) as offer:
        assert not w.close()  # not written over the session being read
        assert "still being read" in w.last_error and "quit again" in w.last_error
    # asked once the quit was taken back, not in the middle of it; the crash's session as it was meanwhile
    assert asked == ["Quit genimg?", "Restore your work?"] and offer.args == [1]
    qtbot.waitUntil(lambda: len(w.document.items) == 2, timeout=TIMEOUT)
    assert w.close()  # quit again: both kept
    assert sorted(i.name for i in sess.load_session(left).items) == sorted(["left by a crash", image_files[1].name])


def test_discard_while_the_crash_session_is_read_leaves_it_unasked(qtbot, engine, model_dir, image_files,
                                                                  monkeypatch):
    w, left, gate = edited_while_read(qtbot, engine, model_dir, image_files, monkeypatch)
    asked = answered(monkeypatch, gate, "Discard", "Discard")
    assert w.close()
    assert asked == ["Quit genimg?"]  # the crash's session stays for the next start, not asked about mid-quit
    assert [i.name for i in sess.load_session(left).items] == ["left by a crash"]


def test_keep_while_read_then_discard_the_crash_session_keeps_this_runs_work(qtbot, engine, model_dir, image_files,
                                                                             monkeypatch):
    w, left, gate = edited_while_read(qtbot, engine, model_dir, image_files, monkeypatch)
    asked = answered(monkeypatch, gate, "Keep for next time", "Discard")
    # asked mid-quit, Discard deleted the file the quit's kept write had just written: both were gone
    with qtbot.waitSignal(w.questions.offered, timeout=TIMEOUT) as offer:
        assert not w.close()
    assert asked == ["Quit genimg?", "Restore your work?"] and offer.args == [0]
    assert w.close()
    assert [i.name for i in sess.load_session(left).items] == [image_files[1].name]


def test_keep_refused_while_the_crash_session_is_read_leaves_the_inversion_running(qtbot, engine, model_dir,
                                                                                  image_files, monkeypatch):
    """The quit stopped the running inversions before it found Keep for next time refused: the window stayed open,
    the run cut off ("stopped at step 40") without a word of it."""
    _left_by_a_crash(model_dir, image_files[0])
    gate = gated_read(monkeypatch)
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    w.questions.offer_restore()
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-gan"))
    qtbot.waitUntil(lambda: len(w.document.items) == 1, timeout=TIMEOUT)  # its start-up sample, before the photo
    previews = inverting(qtbot, w, image_files[1])
    answered(monkeypatch, threading.Event(), "Keep for next time", "Discard")  # the read not let go by the quit
    assert not w.close()
    assert "still being read" in w.last_error and w.isVisible()
    # why, whole, on the window: on the bar beside the run's progress it was cut to "⚠ The work autosaved last …"
    [box] = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert box.isVisible() and box.windowModality() == Qt.WindowModality.WindowModal and box.parent() is w
    assert box.text() == ("The work autosaved last time is still being read: genimg stays open so as not to write "
                          "over it; quit again in a moment")
    [run] = w.inversion.runs.values()  # still going, as before the quit
    assert run.item.name == f"{image_files[1].name}, inverted"
    previews_then = len(previews)
    qtbot.waitUntil(lambda: len(previews) > previews_then, timeout=TIMEOUT)  # and its previews still come
    with qtbot.waitSignal(w.questions.offered, timeout=TIMEOUT):
        gate.set()
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: DISCARD)


def test_reading_stays_on_the_bar_through_a_models_messages_until_the_read_ends(qtbot, engine, model_dir,
                                                                              image_files, monkeypatch):
    """"Reading the work autosaved last time…" was a message, replaced by the start-up's "Loaded emoji-vae … in
    1.2 s" within a second: a read of ~20 s went on with nothing saying so."""
    _left_by_a_crash(model_dir, image_files[0])
    gate = gated_read(monkeypatch)
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    w.questions.offer_restore()
    try:
        with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
            w.document.load_model(str(model_dir / "tiny-gan"))
        assert w.status.currentMessage().startswith("Loaded ")  # the load's message, on the bar meanwhile
        assert READING in w.status.busy.text() and w.status.busy.isVisible()
    finally:
        answered(monkeypatch, gate, "Discard", "Discard")
        gate.set()
    with qtbot.waitSignal(w.questions.offered, timeout=TIMEOUT):
        pass
    assert READING not in w.status.busy.text()
