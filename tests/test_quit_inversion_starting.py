"""Quitting just after Invert current image: the run had no filmstrip item until its starting guess came (during
start-up, behind the read of a large autosave, ~20 s), and the quit question, built from items, asked nothing: the
window closed and the inversion was gone. It is running from the click, and the question names it."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT, quit_questions_cancelled
from genimg_gui.engine import inversion
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions


def held_start(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """The worker held as an inversion looks for its starting guess, until go is set (or UI_TIMEOUT): (inside, go)."""
    inside, go, real = threading.Event(), threading.Event(), inversion.starting_point

    def starting_point(*args, **kwargs):  # on the worker's thread
        inside.set()
        go.wait(UI_TIMEOUT / 1000)
        return real(*args, **kwargs)
    monkeypatch.setattr(inversion, "starting_point", starting_point)
    return inside, go


def test_a_quit_before_the_starting_guess_asks_and_names_the_inversion(qtbot, window, monkeypatch):
    doc = window.document
    inside, go = held_start(monkeypatch)
    sample = doc.current
    window.gan_panel.steps.setValue(20)
    qtbot.mouseClick(window.gan_panel.invert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(inside.is_set, timeout=UI_TIMEOUT)
    assert list(doc.items.values()) == [sample]  # no "seed 0, inverted" yet
    asked = quit_questions_cancelled(monkeypatch)
    try:
        assert not window.close()  # it closed unasked
    finally:
        go.set()
    assert asked == [f"The inversion of “{sample.name}” is still starting: quitting stops it before its starting "
                     "guess, so nothing of it is kept."]
    # Cancel left it running: its item comes, and it ends
    qtbot.waitUntil(lambda: not window.inversion.runs, timeout=60_000)
    assert [i.name for i in doc.items.values()] == [sample.name, f"{sample.name}, inverted"]
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: DISCARD)  # the teardown's close


def test_discard_before_the_starting_guess_stops_the_inversion_as_a_running_one(qtbot, window, monkeypatch):
    doc = window.document
    inside, go = held_start(monkeypatch)
    with qtbot.waitSignal(doc.image_changed, timeout=UI_TIMEOUT):
        window.sliders.sliders[0].setValue(150)  # an edit not exported beside it: Keep and Discard are offered
    window.gan_panel.invert_button.click()
    qtbot.waitUntil(inside.is_set, timeout=UI_TIMEOUT)
    asked: list[tuple[list[str], str]] = []

    def discard(self, items, can_keep):
        asked.append(([i.name for i in items], self._jobs_going(can_keep)))
        return DISCARD
    monkeypatch.setattr(SessionQuestions, "ask_quit", discard)
    try:
        assert window.close()
    finally:
        go.set()
    [(names, notes)] = asked
    assert names == [doc.current.name] and any("is still starting" in note for note in notes)
    assert not window.inversion.runs  # stopped, as the quit stops a running one
