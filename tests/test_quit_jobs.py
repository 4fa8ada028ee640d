"""Quitting while a long job runs: an inversion cut off by the quit is kept as a Cancel keeps it (it came back
named and shown as a finished one, its History a lone "Starting guess"), and the quit question says what becomes
of a running inversion or morph export (an export was dropped without a word)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox

from conftest import ORIGINAL_ASK_QUIT, UI_TIMEOUT, quit_questions_kept
from genimg_gui import session as sess
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions
from test_inversion_ui import inverting
from test_morph_ui import open_images, open_morph


def answered(monkeypatch, *buttons: str) -> list[tuple[str, str, set[str], str]]:
    """The real quit question from here on, its nth asking answered with the button named buttons[n]; returns the
    list its (text, informative text, button texts, default button's text) go to."""
    shown: list[tuple[str, str, set[str], str]] = []

    def click(box) -> int:
        names = [b.text() for b in box.buttons()]
        shown.append((box.text(), box.informativeText(), set(names), box.defaultButton().text()))
        box.buttons()[names.index(buttons[len(shown) - 1])].click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", click)
    monkeypatch.setattr(SessionQuestions, "ask_quit", ORIGINAL_ASK_QUIT)
    return shown


def discard_from_now_on(monkeypatch) -> None:
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: DISCARD)  # the teardown's close


def test_an_inversion_cut_off_by_quitting_is_kept_as_a_cancel_keeps_it(qtbot, window, image_files, monkeypatch):
    """Invert with 2000 steps, quit mid-run, Keep for next time: it came back named "….png, inverted" with a lone
    "Starting guess" in its History, though the canvas showed the last preview, nothing saying it was cut off."""
    previews = inverting(qtbot, window, image_files[0])
    source = image_files[0].name
    shown = quit_questions_kept(monkeypatch)
    keep = QMessageBox.exec
    # previews still on their way come while the kept session is written (the window's events go on): the run
    # stopped as the question was answered, and kept the last preview come by then
    monkeypatch.setattr(QMessageBox, "exec",
                        lambda box: (window.document.inverted.disconnect(previews.append), keep(box))[1])
    assert window.close()
    discard_from_now_on(monkeypatch)
    [(text, says)] = shown
    assert text == f"The inversion “{source}, inverted” has not been exported."  # as the filmstrip names it
    assert says.startswith(f"The inversion “{source}, inverted” is still running: quitting stops it, and Keep for next "
                           "time keeps it as it stands."), says
    last = previews[-1]
    assert 0 < last.step < 2000 and not last.final
    [kept] = [i for i in sess.load_session(window.autosaver.path).items if i.inverted_in is not None]
    assert kept.name == f"{source}, inverted (stopped at step {last.step})"  # as Cancel names it
    assert kept.step_names == {0: f"{source}: inversion stopped at step {last.step}"}
    assert len(kept.history) == 1 and np.array_equal(kept.history.current.base, last.latent)


def test_a_quit_answered_cancel_leaves_the_inversion_running(qtbot, window, image_files, monkeypatch):
    inverting(qtbot, window, image_files[0])
    shown = answered(monkeypatch, "Cancel")
    assert not window.close()
    assert len(shown) == 1 and window.inversion.runs  # still going, as before the question
    item = window.document.current
    assert item.name == f"{image_files[0].name}, inverted"
    discard_from_now_on(monkeypatch)


def start_export(qtbot, window, image_files, path, frames: int = 600) -> None:
    """A morph of `frames` frames being exported to path, its rendering begun."""
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(frames)
    dialog.scale.setValue(1)
    rendering: list = []
    window.document.progress.connect(lambda p: rendering.append(p) if p.text.startswith("Rendering") else None)
    dialog.export_to(str(path))
    qtbot.waitUntil(lambda: bool(rendering), timeout=UI_TIMEOUT)


EXPORTING = "A morph export (morph.gif) is being written: quitting cancels it, and no file is written."


def test_quitting_during_a_morph_export_asks_first_though_nothing_else_needs_asking(qtbot, window, image_files,
                                                                                    tmp_path, monkeypatch):
    """Two pictures opened, unedited, a morph exported: Quit dropped the export without a word."""
    start_export(qtbot, window, image_files, tmp_path / "morph.gif")
    assert window.document.unexported() == []
    shown = answered(monkeypatch, "Cancel", "Quit")
    assert not window.close()  # Cancel: the export goes on
    assert window.isVisible() and window.morph.exporting()
    assert shown[0] == (EXPORTING, "", {"Quit", "Cancel"}, "Cancel")  # staying keeps the export: the default
    assert window.close()
    assert len(shown) == 2 and not (tmp_path / "morph.gif").exists()
    discard_from_now_on(monkeypatch)


@pytest.mark.parametrize("answer", ["Keep for next time", "Discard"])
def test_the_quit_question_says_a_morph_export_is_cancelled(answer, qtbot, window, image_files, tmp_path,
                                                            monkeypatch):
    start_export(qtbot, window, image_files, tmp_path / "morph.gif")
    edited = window.document.current
    window.sliders.sliders[0].setValue(150)
    shown = answered(monkeypatch, answer)
    assert window.close()
    discard_from_now_on(monkeypatch)
    [(text, says, _, _)] = shown
    assert text == f"The edited image “{edited.name}” has not been exported."
    assert says.startswith(f"{EXPORTING}\n\n"), says
    assert not (tmp_path / "morph.gif").exists()


def asked_as_written(monkeypatch, window, button: str) -> list[tuple[bool, str, str]]:
    """The real quit question from here on, shown until the morph export's file is written: then whether it is
    still open, and its text and informative text, go to the list returned, and button is clicked if it is open."""
    seen: list[tuple[bool, str, str]] = []
    ask = QMessageBox.exec

    def exec_until_written(box) -> int:
        def written(_frames) -> None:  # after the morph controller's own handler, connected first
            seen.append((box.isVisible(), box.text(), box.informativeText()))
            if box.isVisible():
                [clicked] = [b for b in box.buttons() if b.text() == button]
                clicked.click()
        window.document.frames_ready.connect(written)
        try:
            return ask(box)
        finally:
            window.document.frames_ready.disconnect(written)
    monkeypatch.setattr(QMessageBox, "exec", exec_until_written)
    monkeypatch.setattr(SessionQuestions, "ask_quit", ORIGINAL_ASK_QUIT)
    return seen


def wrote(window, path) -> None:
    """The export's file is whole, and nothing said it was cancelled."""
    with Image.open(path) as gif:
        assert gif.n_frames == 300
    said = [entry.text for entry in window.status.log.entries]
    assert any(text.startswith(f"Wrote {path}") for text in said), said
    assert not any("Cancelled" in text for text in said), said


def test_a_morph_export_written_while_the_quit_question_asks_only_of_it_lets_the_quit_go_on(
        qtbot, window, image_files, tmp_path, monkeypatch):
    """Quit while the frames rendered, the question left open: the Morph dialog said "Wrote …/morph.gif", the
    question still "A morph export (morph.gif) is being written: quitting cancels it, and no file is written"."""
    path = tmp_path / "morph.gif"
    start_export(qtbot, window, image_files, path, frames=300)
    seen = asked_as_written(monkeypatch, window, "Cancel")  # the old question, still open: taken back
    assert window.close()  # nothing left to ask: the quit goes on, as if no export had run
    discard_from_now_on(monkeypatch)
    assert [open_ for open_, _, _ in seen] == [False]
    wrote(window, path)


def test_a_morph_export_written_while_the_quit_question_is_open_is_no_longer_claimed(
        qtbot, window, image_files, tmp_path, monkeypatch):
    path = tmp_path / "morph.gif"
    start_export(qtbot, window, image_files, path, frames=300)
    edited = window.document.current
    window.sliders.sliders[0].setValue(150)
    seen = asked_as_written(monkeypatch, window, "Discard")
    assert window.close()
    discard_from_now_on(monkeypatch)
    [(open_, text, says)] = seen
    assert open_ and text == f"The edited image “{edited.name}” has not been exported."
    assert "morph" not in says and says.startswith("Keep for next time reopens your"), says
    wrote(window, path)


def test_two_morph_exports_are_counted():
    """A retry on the CPU beside another export: two at once read "A morph export (full.gif, other.gif) is"."""
    from genimg_gui.ui.session_questions import exports_going

    assert exports_going(["morph.gif"]) == EXPORTING
    assert exports_going(["full.gif", "other.gif"]) == ("2 morph exports (full.gif and other.gif) are being written: "
                                                      "quitting cancels them, and no file is written.")


def test_a_second_inversion_of_a_picture_is_named_once_as_an_inversion_by_its_filmstrip_name():
    """“The inversion inversion 2 of “cat.png” has not been exported.”: the kind came twice. Then "inversion 2 of
    “cat.png”", which the filmstrip calls “cat.png, inverted 2”."""
    from genimg_gui.edit import EditState
    from genimg_gui.history import History
    from genimg_gui.ui.item import Item
    from genimg_gui.ui.session_questions import inverting_text, unexported_work

    picture = np.zeros((2, 2, 3), np.uint8)
    items = [Item(i, "gan", name, picture, picture, History(EditState(np.zeros(4, np.float32), (0.0,))))
             for i, name in enumerate(["cat.png, inverted 2", "dog.png, inverted"])]
    for item in items:
        item.inverted_in = "gan"
    assert unexported_work(items[:1]) == "The inversion “cat.png, inverted 2” has not been exported."
    assert inverting_text(items[:1], True) == ("The inversion “cat.png, inverted 2” is still running: quitting "
                                               "stops it, and Keep for next time keeps it as it stands.")
    assert inverting_text(items, False) == "2 inversions are still running: quitting stops them."
