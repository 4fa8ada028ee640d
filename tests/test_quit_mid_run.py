"""Quitting the app while the Train… dialog's run goes: the run stops and saves as Stop does, the window stays live
meanwhile with a note saying so, and genimg quits once the run has saved (or at once, if the user says, when the
save takes too long)."""
import os
import signal
import threading
from contextlib import contextmanager, suppress

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from genimg_gui.ui import quit_after_run
from genimg_gui.ui.quit_after_run import QUIT_NOW, SAVING, QuitAfterRun
from genimg_gui.ui.session_questions import RUN_GOING, SessionQuestions
from genimg_gui.ui.train_dialog import TrainDialog
from test_train_dialog import fill, shapes, under_way  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import ending_with
from conftest import ORIGINAL_ASK_QUIT, UI_TIMEOUT


def ticking(qtbot) -> tuple[QTimer, list[int]]:
    """A timer and its ticks, which stop while the UI thread waits."""
    ticks: list[int] = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(len(ticks)))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) > 2)
    return timer, ticks


@contextmanager
def run_held(dialog):
    """The Train… run stopped (SIGSTOP) for the block: it can neither save nor end meanwhile, so what the window
    does in the block it does without waiting for the run. A watchdog lets the run go after UI_TIMEOUT, so a window
    that does wait for it cannot hang the suite; the Event yielded says whether the watchdog had to."""
    pid, let_go = dialog.process.processId(), threading.Event()
    watchdog = threading.Timer(UI_TIMEOUT / 1000, lambda: (let_go.set(), os.kill(pid, signal.SIGCONT)))
    os.kill(pid, signal.SIGSTOP)
    watchdog.start()
    try:
        yield let_go
    finally:
        watchdog.cancel()
        if dialog.running():  # not reaped yet: the pid is still the run's
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def quit_mid_run(qtbot, window, data, out):
    dialog = fill(window.train_dialog(), data, out, minutes=30)
    dialog.start()
    qtbot.waitUntil(lambda: under_way(dialog), timeout=120_000)
    return dialog


def test_quitting_mid_run_says_the_run_saves_keeps_the_window_live_and_quits_once_it_has(qtbot, window, shapes,
                                                                                          tmp_path, monkeypatch):
    """The window froze for the whole save (about 13 s) with the quit question still drawn, nothing said, then
    vanished: the UI thread waited for the child process."""
    window.sliders.sliders[0].setValue(150)  # an edit not exported: the quit question is asked
    asked = []

    def discard(box) -> int:
        asked.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == "Discard").click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", discard)
    monkeypatch.setattr(SessionQuestions, "ask_quit", ORIGINAL_ASK_QUIT)
    dialog = quit_mid_run(qtbot, window, shapes, tmp_path / "vae")
    _timer, ticks = ticking(qtbot)
    with run_held(dialog) as let_go:
        assert not window.close()  # not yet: it closes once the run has saved, which it cannot do while held
        assert asked and asked[0].startswith(RUN_GOING)
        note = window._quit_after_run.note
        assert note.isVisible() and note.text.text() == SAVING and not note.quit_button.isVisible()
        assert window.isVisible() and dialog.running()
        assert not window.close()  # a second Quit meanwhile asks nothing more
        assert len(asked) == 1
        seen = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) > seen + 10, timeout=UI_TIMEOUT)  # the event loop goes on meanwhile
        assert not let_go.is_set(), "the window waited for the run: the watchdog had to let it go"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=120_000)
    assert not note.isVisible() and not dialog.running()
    assert "stopped at step" in dialog.watch.log.toPlainText()
    assert (tmp_path / "vae" / "checkpoint.pt").is_file() and (tmp_path / "vae" / "card.json").is_file()


def test_a_save_that_takes_too_long_is_said_and_quit_now_quits(qtbot, window, shapes, tmp_path, monkeypatch):
    monkeypatch.setattr(quit_after_run, "SAVE_WAIT_MS", 1)
    dialog = quit_mid_run(qtbot, window, shapes, tmp_path / "vae")
    assert not window.close()
    note = window._quit_after_run.note
    qtbot.waitUntil(note.quit_button.isVisible)
    assert "has not finished saving" in note.text.text() and note.quit_button.text() == QUIT_NOW
    qtbot.keyClick(note, Qt.Key.Key_Escape)  # Escape does not leave the note with the quit half done
    assert note.isVisible() and window.isVisible()
    qtbot.mouseClick(note.quit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert not dialog.running()


# a run that is still saving when its window goes: told to stop, it says so and goes on
SAVING_FOR_LONG = ("import signal, time\n"
                   "signal.signal(signal.SIGTERM, lambda *_: print('still saving', flush=True))\n"
                   "print('ready', flush=True)\n"
                   "time.sleep(60)\n")


def test_a_window_deleted_while_its_quit_waits_for_a_run_is_not_touched_once_gone(qtbot, shapes, tmp_path):
    """The window deleted while the quit waited for the run's save (a test's teardown): its dialog went, killing
    the run as its process was deleted, and that run's end reached the quit, which read the deleted process:
    "Internal C++ object (PySide6.QtCore.QProcess) already deleted", raised in the next test."""
    window = QWidget()
    dialog = fill(TrainDialog(window), shapes, tmp_path / "vae", minutes=30)
    ending_with(dialog, SAVING_FOR_LONG)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.watch.log.toPlainText().endswith("ready"), timeout=UI_TIMEOUT)
    closed = []
    waits = QuitAfterRun(window, [dialog], None, close=lambda: closed.append(True))
    qtbot.waitUntil(lambda: dialog.watch.log.toPlainText().endswith("still saving"), timeout=UI_TIMEOUT)
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the dialog and its running process go
    assert not shiboken6.isValid(dialog)
    QCoreApplication.processEvents()
    assert closed == [] and not waits.waiting()  # no window left to close, nothing waited for
