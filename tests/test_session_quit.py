"""Nothing lost on quitting: the quit question names the work not exported, Keep for next time keeps it, and
the next start reopens it as it was."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import EditState
from genimg_gui.history import History
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.item import Item
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions

from conftest import quit_questions_kept
from session_helpers import TIMEOUT, _left_by_a_crash, _window_with_the_vae, branching_history, offered
from ui_helpers import exports_written


ORIGINAL_ASK_QUIT = SessionQuestions.ask_quit  # conftest answers "discard" for the other tests


def _window_with_one_edit(qtbot, engine, model_dir, image):
    """A window with the VAE, no session to restore, and image opened and edited once (a slider moved)."""
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    assert offered(qtbot, w) == 0
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([str(image)])
    w.sliders.sliders[0].setValue(150)
    return w


@pytest.mark.parametrize("press", ["Keep for next time", "Discard"])
def test_quitting_with_unexported_edits_keeps_them_for_next_time_or_discards_them(press, qtbot, engine, model_dir,
                                                                                  image_files, monkeypatch):
    """The quit question's one button discarded every image and history without saying so."""
    from PySide6.QtWidgets import QMessageBox

    w = _window_with_one_edit(qtbot, engine, model_dir, image_files[0])
    edited = w.document.current.history.current.values
    shown = []

    def answer(box) -> int:
        shown.append((box.informativeText(), [b.text() for b in box.buttons()], box.defaultButton().text()))
        next(b for b in box.buttons() if b.text() == press).click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(SessionQuestions, "ask_quit", ORIGINAL_ASK_QUIT)
    assert w.close()
    [(says, buttons, default)] = shown
    assert sorted(buttons) == ["Cancel", "Discard", "Keep for next time"] and default == "Keep for next time"
    assert "reopens your open image as it is, history included" in says  # one image: not "them"
    assert "Discard deletes the work not exported, for good" in says
    assert w.autosaver.path.exists() == (press != "Discard")
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)  # the teardown's close

    monkeypatch.setattr(SessionQuestions, "ask_restore", lambda self, names: pytest.fail("kept work was asked about"))
    again = _window_with_the_vae(qtbot, Engine("cpu"), model_dir)  # (closing shut the first's engine down)
    again.document.load_model(str(model_dir / "tiny-vae"))  # as at start-up: a model still on its way
    reopened = offered(qtbot, again)
    if press == "Discard":
        assert reopened == 0 and not again.document.items
        again.close()
        return
    # once the model is there: reopened at once, its steps were named "direction 1" and "Loaded …" hid the message
    assert reopened == 1  # (open already where the model loaded before the session was read: a busy machine)
    qtbot.waitUntil(lambda: bool(again.document.items), timeout=TIMEOUT)
    assert not again.document.jobs and again.document.current.history.current.values == edited
    assert "Reopened 1 image kept when genimg quit" in again.status.currentMessage()
    qtbot.waitUntil(lambda: again.autosaver.saves > 0, timeout=TIMEOUT)
    assert not sess.load_session(again.autosaver.path).kept  # from now on an ordinary autosave: a crash asks
    again.close()


def test_a_window_that_does_not_autosave_offers_no_keep(qtbot, engine, model_dir, image_files, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    first = _window_with_the_vae(qtbot, engine, model_dir)  # holds the autosave
    second = _window_with_the_vae(qtbot, Engine("cpu"), model_dir)
    assert first.autosaver.owner and not second.autosaver.owner
    shown = []

    def answer(box) -> int:
        shown.append(([b.text() for b in box.buttons()], box.informativeText()))
        box.escapeButton().click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    picture = np.zeros((8, 8, 3), np.uint8)
    edited = Item(1, "vae", "a.png", picture, picture, History(EditState(np.zeros((2, 4, 4), np.float32), ())))
    assert ORIGINAL_ASK_QUIT(second.questions, [edited], second.autosaver.owner) is None
    [(buttons, says)] = shown
    assert sorted(buttons) == ["Cancel", "Discard"] and "cannot be kept" in says
    second.close()


def test_quitting_before_a_kept_session_is_back_keeps_it(qtbot, engine, model_dir, image_files, monkeypatch):
    """A kept session waits for the start-up's models; a quit meanwhile (nothing open, nothing asked) deleted it."""
    import threading

    from genimg_gui.engine.runtime import Runtime

    left = _left_by_a_crash(model_dir, image_files[0])
    kept = sess.load_session(left)
    sess.save_session(sess.Session(kept.items, kept.current, kept.models, kept=True), left)
    w = _window_with_the_vae(qtbot, engine, model_dir)
    go, load = threading.Event(), Runtime.load

    def held(self, *args, **kwargs):
        go.wait(TIMEOUT / 1000)
        return load(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "load", held)
    w.document.load_model(str(model_dir / "tiny-vae"))  # still on its way (held: it came first on a busy machine)
    assert offered(qtbot, w) == 1 and not w.document.items
    go.set()  # the quit comes before its arrival is handled: the GUI thread closes first
    assert w.close()
    assert sess.load_session(left).kept


def _keep_and_start_again(qtbot, window, model_dir, image_file, with_sample: bool) -> tuple[MainWindow, list[str]]:
    """window's work (an image, and a sample of its own if with_sample) kept on quitting, and a window started as
    genimg starts: both models loading, then the kept session offered back. (that window, the names kept)"""
    from dataclasses import replace

    doc = window.document
    [auto] = doc.items.values()  # the first window's own start-up sample, closed: not part of what is kept
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        window.open_paths([str(image_file)])
    if with_sample:
        with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
            doc.generate(7, 0.7, new_item=True)
    doc.close_item(auto.id)
    kept = replace(doc.to_session(), kept=True)
    window.close()
    sess.save_session(kept)
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    for name in ("tiny-vae", "tiny-gan"):
        again.document.load_model(str(model_dir / name))
    assert offered(qtbot, again) == len(kept.items)
    return again, [i.name for i in kept.items]


@pytest.mark.parametrize("with_sample", [False, True])
def test_a_kept_session_comes_back_without_the_start_ups_own_sample(with_sample, qtbot, window, model_dir,
                                                                     image_files):
    """Each restart added a "seed 0": the sample the GAN draws as it loads with no sample open came on top of the
    kept images (a session without samples), or arrived after they were back (drawn, but not there yet)."""
    again, kept = _keep_and_start_again(qtbot, window, model_dir, image_files[0], with_sample)
    doc = again.document

    def settled() -> bool:  # reopened, and no sample still on its way
        reopened = any(e.text.startswith("Reopened") for e in again.status.log.entries)
        return reopened and not doc.samples.pending and not doc.jobs
    qtbot.waitUntil(settled, timeout=TIMEOUT)
    assert [i.name for i in doc.items.values()] == kept
    again.close()


def test_a_start_sample_still_on_its_way_when_a_session_comes_back_is_dropped(qtbot, engine, model_dir, image_files):
    first = _window_with_the_vae(qtbot, engine, model_dir)
    with qtbot.waitSignal(first.document.item_added, timeout=TIMEOUT):
        first.open_paths([str(image_files[0])])
    saved = sess.Session(first.document.to_session().items, kept=True)  # kept on quitting: it comes back as it was
    w = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(w)
    doc = w.document
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(model_dir / "tiny-gan"))
    assert doc.samples.pending and not doc.items  # its start-up sample is asked for, not back yet
    doc.restore(saved, drop_start_sample=True)
    qtbot.waitUntil(lambda: not doc.samples.pending, timeout=TIMEOUT)
    assert [i.name for i in doc.items.values()] == [image_files[0].name]
    w.close()


def test_the_quit_question_shortens_a_long_name_in_its_middle(qtbot, window, monkeypatch):
    """A 250-character name stretched the quit dialog to 960 px: a name has no space to wrap at."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def answer(box) -> int:
        shown.append((box.text(), box.sizeHint().width()))
        box.escapeButton().click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    [sample] = window.document.items.values()
    ORIGINAL_ASK_QUIT(window.questions, [replace(sample, name=f"{'y' * 250}.png"), sample], True)
    # a name of 40 characters, whole
    ORIGINAL_ASK_QUIT(window.questions, [replace(sample, name=f"{'y' * 36}.png"), sample], True)
    [(text, width), (_, width_of_40)] = shown
    assert f"“yyyyyyyyyyyyyyyyyyyy…yyyyyyyyyyyyyyy.png” and “{sample.name}”" in text
    assert width < width_of_40 + 20  # "…" is a little wider than a "y"


def test_an_image_exported_before_a_restart_is_not_asked_about_after_it(qtbot, engine, model_dir, image_files,
                                                                         tmp_path, monkeypatch):
    """The quit question rightly left an exported image out; kept for next time and reopened, the next quit named it
    among the unexported. And Keep for next time said it reopened the unexported images, when it reopens all."""
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    assert offered(qtbot, w) == 0
    for path in image_files:
        with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
            w.open_paths([str(path)])
    exported, edited, unedited = w.document.items.values()
    for item in (exported, edited):
        w.document.select(item.id)
        w.sliders.sliders[0].setValue(150)
    w.document.select(exported.id)
    w.exports.export_png(str(tmp_path / "exported.png"))
    exports_written(qtbot, w)  # the edit's picture, once drawn
    shown = quit_questions_kept(monkeypatch)
    assert w.close()
    [(text, says)] = shown
    assert text == f"The edited image “{edited.name}” has not been exported."
    assert says.startswith("Keep for next time reopens your 3 open images as they are, histories included")
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)  # the teardown's close

    again = _window_with_the_vae(qtbot, Engine("cpu"), model_dir)
    assert offered(qtbot, again) == 3
    qtbot.waitUntil(lambda: len(again.document.items) == 3, timeout=TIMEOUT)  # all three, the unedited one too
    assert [i.name for i in again.document.items.values()] == [exported.name, edited.name, unedited.name]
    assert [i.name for i in again.document.unexported()] == [edited.name]
    again.close()


def test_a_long_list_of_names_says_how_many_more():
    from genimg_gui.ui.session_questions import named, unexported_work

    names = [f"{i}.png" for i in range(8)]
    assert named(names).endswith("“4.png” and 3 more")
    picture = np.zeros((2, 2, 3), np.uint8)
    history = branching_history()
    items = [Item(i, "vae", name, picture, picture, history) for i, name in enumerate(names)]
    assert unexported_work(items).endswith("“3.png”, “4.png” and 3 more.")
    assert "more" not in named(names[:5])


def test_quitting_with_every_edit_exported_keeps_the_open_images_unasked(qtbot, engine, model_dir, image_files,
                                                                          monkeypatch):
    """The quit asks only about work not exported; with every edit exported it asked nothing and deleted the open
    images and their histories (an 11-branch history gone at the next start), though the question keeps them by
    default. Now they are kept, as a browser keeps its tabs."""
    w = _window_with_one_edit(qtbot, engine, model_dir, image_files[0])
    w.document.mark_exported(w.document.current)
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda *args: pytest.fail("asked, with nothing unexported"))
    assert w.close()
    kept = sess.load_session(w.autosaver.path)
    assert kept.kept and [item.name for item in kept.items] == [image_files[0].name]
    assert len(kept.items[0].history) == 2
