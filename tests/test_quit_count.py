"""The quit question counts what Keep for next time keeps, and names as unexported edits only real edits: it
promised "your 2 open images" and the next start reopened 1 (the start-up sample is not kept untouched), it
called a sample only stepped through seeds an "edited sample" not exported, and a picture whose one edit was undone
(Ctrl+Z) an "edited image", its undone step kept for Redo."""
from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from conftest import quit_questions_kept
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions
from session_helpers import offered

TIMEOUT = 30_000  # ms


@pytest.fixture()
def keep_pressed(monkeypatch) -> list[tuple[str, str]]:
    """The real quit question, answered Keep for next time; returns the list its (text, informative text) go to."""
    return quit_questions_kept(monkeypatch)


def open_and_edit(qtbot, window, path):
    """path opened and edited once (a slider moved); returns its item."""
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(path)])
    window.sliders.sliders[0].setValue(150)
    return window.document.current


def step_seeds(qtbot, window, sample, seeds) -> None:
    """The Generate tab's seed box set to each seed in turn, on sample, each drawn before the next."""
    window.filmstrip.setCurrentRow(list(window.document.items).index(sample.id))
    for seed in seeds:
        window.gan_panel.seed.setValue(seed)
        qtbot.waitUntil(lambda: sample.seed == seed and not window.document.samples.pending, timeout=TIMEOUT)


def edit_and_undo(qtbot, window, item) -> None:
    """item shown, a slider moved (one History step), then Ctrl+Z: back as it was, the step kept for Redo."""
    window.filmstrip.setCurrentRow(list(window.document.items).index(item.id))
    window.sliders.sliders[0].setValue(150)
    qtbot.waitUntil(lambda: item.history.current_id != 0, timeout=TIMEOUT)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: item.history.current_id == 0 and item.history.can_redo(), timeout=TIMEOUT)


def answer_discard_from_now_on(monkeypatch) -> None:
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: DISCARD)  # the teardown's close


def quit_keeping(window, monkeypatch, keep_pressed) -> tuple[str, str]:
    """The window quit, its question answered Keep for next time: the question's text and informative text."""
    assert window.close()
    answer_discard_from_now_on(monkeypatch)
    [asked] = keep_pressed
    return asked


def test_keep_for_next_time_counts_the_images_that_come_back(qtbot, window, model_dir, image_files, keep_pressed,
                                                             monkeypatch):
    """genimg-gui photo.jpg, a slider moved, Quit: "reopens your 2 open images", and the next start reopened 1."""
    [start_sample] = window.document.items.values()  # drawn as the GAN loaded, left as it came
    picture = open_and_edit(qtbot, window, image_files[0])
    text, says = quit_keeping(window, monkeypatch, keep_pressed)
    assert text == f"The edited image “{picture.name}” has not been exported."
    assert says.startswith("Keep for next time reopens your open image as it is, history included"), says
    assert [i.name for i in sess.load_session(window.autosaver.path).items] == [picture.name]

    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    for name in ("tiny-vae", "tiny-gan"):  # as genimg starts: the last models loading, then the kept work
        again.document.load_model(str(model_dir / name))
    assert offered(qtbot, again) == 1
    qtbot.waitUntil(lambda: any(e.text.startswith("Reopened") for e in again.status.log.entries), timeout=TIMEOUT)
    assert "Reopened 1 image kept when genimg quit" in [e.text for e in again.status.log.entries]
    again.close()


def test_a_sample_only_stepped_through_seeds_is_no_edit_but_is_kept(qtbot, window, image_files, keep_pressed,
                                                                     monkeypatch):
    """After stepping seeds in the Generate tab, the quit question named "1 edited sample … not exported: seed 45":
    nothing in it was edited, and its seed, model and ψ draw it again. It is kept all the same, and counted."""
    [sample] = window.document.items.values()
    step_seeds(qtbot, window, sample, [44, 45])
    assert len(sample.history) == 3 and window.document.unexported() == []
    picture = open_and_edit(qtbot, window, image_files[0])
    text, says = quit_keeping(window, monkeypatch, keep_pressed)
    assert text == f"The edited image “{picture.name}” has not been exported."
    assert says.startswith("Keep for next time reopens your 2 open images as they are, histories included"), says
    assert [i.name for i in sess.load_session(window.autosaver.path).items] == ["seed 45", picture.name]


def test_a_sample_edited_then_stepped_to_another_seed_is_still_an_edit(qtbot, window, keep_pressed, monkeypatch):
    [sample] = window.document.items.values()
    window.filmstrip.setCurrentRow(0)
    window.sliders.sliders[0].setValue(150)
    step_seeds(qtbot, window, sample, [45])  # the slider's edit goes on with the new seed
    text, says = quit_keeping(window, monkeypatch, keep_pressed)
    assert text == "The edited sample “seed 45” has not been exported."
    assert says.startswith("Keep for next time reopens your open image as it is"), says


def test_quitting_with_only_seeds_stepped_asks_nothing_and_keeps_the_sample(qtbot, window, monkeypatch):
    """Nothing to lose, so nothing asked; kept as a quit with every edit exported keeps the open images."""
    [sample] = window.document.items.values()
    step_seeds(qtbot, window, sample, [45])
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda *args: pytest.fail("asked, with nothing edited"))
    assert window.close()
    kept = sess.load_session(window.autosaver.path)
    assert kept.kept and [i.name for i in kept.items] == ["seed 45"]


def test_quitting_with_only_the_untouched_start_up_sample_asks_and_keeps_nothing(qtbot, window, monkeypatch):
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda *args: pytest.fail("asked, with nothing edited"))
    assert window.close()
    assert not window.autosaver.path.exists()


def test_a_picture_whose_edit_was_undone_is_no_edit(qtbot, window, image_files, monkeypatch):
    """Open a picture, move a slider, Ctrl+Z, Quit: it is as it was opened, so nothing is asked, as for a picture
    never edited (and nothing is kept, as for one)."""
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(image_files[0])])
    picture = window.document.current
    edit_and_undo(qtbot, window, picture)
    assert window.document.unexported() == []
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda *args: pytest.fail("asked, with every edit undone"))
    assert window.close()
    assert not window.autosaver.path.exists()


def test_undone_edits_are_not_named_and_keep_brings_back_what_it_counts(qtbot, window, image_files, keep_pressed,
                                                                         monkeypatch):
    """The start-up sample and a second picture edited and undone, a third picture edited: the question names the
    edited one alone, and counts the images Keep brings back: the two pictures (the sample is left as it came)."""
    [start_sample] = window.document.items.values()
    edit_and_undo(qtbot, window, start_sample)
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(image_files[1])])
    undone = window.document.current
    edit_and_undo(qtbot, window, undone)
    picture = open_and_edit(qtbot, window, image_files[0])
    text, says = quit_keeping(window, monkeypatch, keep_pressed)
    assert text == f"The edited image “{picture.name}” has not been exported."
    assert says.startswith("Keep for next time reopens your 2 open images as they are, histories included"), says
    kept = sess.load_session(window.autosaver.path).items
    assert [i.name for i in kept] == [undone.name, picture.name]
    assert kept[0].history.current_id == 0 and kept[0].history.can_redo()  # the undone step, for Redo
