"""Nothing lost after a crash: the session autosaves, survives a kill, and the next start offers it back."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pytest

from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import EditState, edited_latent
from genimg_gui.history import History
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow

from session_helpers import TIMEOUT, _left_by_a_crash, _window_with_the_vae, offered


CRASHING_RUN = textwrap.dedent("""
    import os, signal, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from genimg_gui.catalog import read_entry
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow
    model, image = sys.argv[1], sys.argv[2]
    app = QApplication([])
    w = MainWindow(Engine("cpu"), [read_entry(__import__("pathlib").Path(model))])
    w.autosaver.idle_ms = 100
    doc = w.document
    doc.model_loaded.connect(lambda info: w.open_paths([image]))
    def edit(item):
        if item is None or len(item.history) > 1:
            return
        w.sliders.sliders[0].setValue(120)            # one undoable edit
        w.sliders.sliders[1].setValue(-80)            # and another
        doc.undo()                                     # back one step
        w.sliders.sliders[2].setValue(50)             # a new branch
    doc.current_changed.connect(edit)  # the item is current: the sliders act on it
    def saved_then_die():
        if w.autosaver.saves:
            os.kill(os.getpid(), signal.SIGKILL)     # no clean shutdown: a crash
    poll = QTimer()  # the save is written on the autosave's own thread: killed once it is
    poll.timeout.connect(saved_then_die)
    poll.start(20)
    doc.load_model(model)
    app.exec()
""")


def test_after_a_kill_the_next_start_restores_images_and_branching_history(qtbot, engine, model_dir, image_files):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", CRASHING_RUN, str(model_dir / "tiny-vae"), str(image_files[0])],
                         env=env, timeout=120, capture_output=True, text=True)
    assert run.returncode == -9, run.stderr  # it really was killed
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    w.questions.ask_restore = lambda names: True
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        assert offered(qtbot, w) == 1
    assert "Restored 1 image from the autosaved session" in [e.text for e in w.status.log.entries]
    item = w.document.current
    assert item.name == image_files[0].name
    assert len(item.history) == 4 and item.history.current.values[:3] == (1.2, 0.0, 0.5)
    assert item.history.children(1) == [2, 3]  # the undone branch (node 2) is still there
    qtbot.waitUntil(lambda: w.sliders.values()[:3] == (1.2, 0.0, 0.5), timeout=TIMEOUT)
    w.document.undo()
    assert w.document.current.history.current.values[:3] == (1.2, 0.0, 0.0)
    assert w.document.unexported() == [item]
    w.close()
    assert not sess.session_file().exists()  # a clean quit leaves nothing to restore


def test_declining_the_restore_discards_it(qtbot, engine, model_dir):
    image = np.zeros((2, 2, 3), np.uint8)
    sess.save_session(sess.Session([sess.SessionItem("vae", "x", image, image,
                                                     History(EditState(np.zeros(2, np.float32), ())))]))
    w = MainWindow(engine, [])
    qtbot.addWidget(w)
    w.questions.ask_restore = lambda names: False
    assert offered(qtbot, w) == 0 and not sess.session_file().exists() and w.document.items == {}


def test_the_last_runs_session_is_not_written_over_while_the_restore_question_is_up(qtbot, engine, model_dir,
                                                                                     image_files):
    left = _left_by_a_crash(model_dir, image_files[1])
    w = _window_with_the_vae(qtbot, engine, model_dir)

    def answer_later(names: list[str]) -> bool:  # the question is modal: its event loop runs the window's timers
        w.open_paths([str(image_files[0])])
        qtbot.waitUntil(lambda: len(w.document.items) == 1, timeout=TIMEOUT)
        qtbot.wait(300)
        assert [i.name for i in sess.load_session(left).items] == ["left by a crash"]
        return True

    w.questions.ask_restore = answer_later
    assert offered(qtbot, w) == 1
    qtbot.waitUntil(lambda: w.autosaver.saves > 0, timeout=TIMEOUT)
    assert {i.name for i in sess.load_session(left).items} == {"left by a crash", image_files[0].name}


def test_declining_the_restore_saves_this_runs_work_from_then_on(qtbot, engine, model_dir, image_files):
    left = _left_by_a_crash(model_dir, image_files[1])
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: len(w.document.items) == 1, timeout=TIMEOUT)
    w.questions.ask_restore = lambda names: False
    assert offered(qtbot, w) == 0
    qtbot.waitUntil(lambda: w.autosaver.saves > 0, timeout=TIMEOUT)
    assert [i.name for i in sess.load_session(left).items] == [image_files[0].name]


def test_the_autosave_remembers_which_image_was_being_edited(qtbot, engine, model_dir, image_files):
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.open_paths([str(p) for p in image_files[:2]])
    # a save may land between the two images' arrivals: wait for one that holds both
    qtbot.waitUntil(lambda: w.autosaver.saves > 0 and len(sess.load_session(w.autosaver.path).items) == 2,
                    timeout=TIMEOUT)
    first, second = w.document.items.values()
    assert sess.load_session(w.autosaver.path).current == 1  # the last opened is current
    saves = w.autosaver.saves
    w.filmstrip.setCurrentRow(0)  # a click on the first thumbnail: nothing edited
    assert w.document.current is first
    qtbot.waitUntil(lambda: w.autosaver.saves > saves, timeout=TIMEOUT)
    assert sess.load_session(w.autosaver.path).current == 0


@pytest.mark.parametrize("press, restored", [("Restore", 1), ("Discard", 0), (None, 1)], ids=["restore", "discard",
                                                                                              "escape"])
def test_the_restore_question_names_the_images_and_says_what_its_buttons_do(press, restored, qtbot, engine,
                                                                            model_dir, image_files, monkeypatch):
    """Its Yes/No read as "not now", and No deleted the autosaved work: Discard says so, Escape keeps it."""
    from PySide6.QtWidgets import QMessageBox

    left = _left_by_a_crash(model_dir, image_files[1])
    w = _window_with_the_vae(qtbot, engine, model_dir)
    shown = []

    def answer(box) -> int:
        shown.append((box.text(), box.informativeText(), [b.text() for b in box.buttons()]))
        button = next((b for b in box.buttons() if b.text() == press), None) if press else box.escapeButton()
        button.click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert offered(qtbot, w) == restored
    [(text, warning, buttons)] = shown
    assert "autosaved the image you had open, with its history: “left by a crash”" in text and "for good" in warning
    assert sorted(buttons) == ["Discard", "Restore"]
    assert left.exists() == bool(restored)


def test_restored_states_get_history_thumbnails_drawn_with_their_masks(qtbot, window, reference, image_files):
    from PIL import Image

    from genimg_gui.engine.encode_inputs import thumbnail

    original, base, _ = reference.encode(np.asarray(Image.open(image_files[0]).convert("RGB")), "crop")
    directions = window.document.directions("vae")
    mask = np.zeros(original.shape[:2], np.float32)
    mask[:, : mask.shape[1] // 2] = 1  # the edit shows on the left half only
    h = History(EditState(base, (0.0,) * len(directions)))
    h.push(h.current.with_values((2.5,) + (0.0,) * (len(directions) - 1)))
    h.push(h.current.with_mask(mask))
    h.undo()  # the current state is the unmasked edit: the masked one is only in the history
    sess.save_session(sess.Session([sess.SessionItem("vae", "restored.png", original, original, h)]))
    window.questions.ask_restore = lambda names: True
    assert offered(qtbot, window) == 1
    item = window.document.current
    assert item.name == "restored.png"
    window.tabs.setCurrentWidget(window.history_panel)
    qtbot.waitUntil(lambda: 2 in item.thumbs and 1 in item.thumbs, timeout=TIMEOUT)
    edited = edited_latent(h.current, directions)
    masked = thumbnail(reference.render_thumbnail("vae", edited, mask, base, 0, 48), 48)
    whole = thumbnail(reference.render_thumbnail("vae", edited, None, None, 0, 48), 48)
    assert np.array_equal(item.thumbs[2], masked) and not np.array_equal(masked, whole)


def test_a_second_window_leaves_the_first_ones_autosave_alone_and_says_so(qtbot, engine, model_dir, image_files):
    first = _window_with_the_vae(qtbot, engine, model_dir)
    with qtbot.waitSignal(first.document.item_added, timeout=TIMEOUT):
        first.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: first.autosaver.saves > 0, timeout=TIMEOUT)
    second = _window_with_the_vae(qtbot, Engine("cpu"), model_dir)  # its own engine, as another process has
    assert offered(qtbot, second) == 0  # the first window's autosave is its work, not a crash's
    assert "Another genimg window is open" in second.status.currentMessage()
    assert "not autosaved" in second.windowTitle() and first.windowTitle() == "genimg"
    # it stays on the bar while the user works there: the models' "Loaded …" replaced the message within a second
    second.status.show_message("Loaded emoji-vae")
    warning = second.status.warning
    assert warning.isVisibleTo(second) and warning.text() == "⚠ Not autosaved"
    assert "this one's work is not autosaved" in warning.toolTip() and first.status.warning.isHidden()
    with qtbot.waitSignal(second.document.item_added, timeout=TIMEOUT):
        second.open_paths([str(image_files[1])])
    qtbot.wait(300)
    assert second.autosaver.saves == 0
    assert [i.name for i in sess.load_session().items] == [image_files[0].name]
    first.close()  # a clean quit: the next window autosaves
    third = _window_with_the_vae(qtbot, Engine("cpu"), model_dir)  # (closing shut the first's engine down)
    assert third.autosaver.owner and offered(qtbot, third) == 0
    second.close()
    third.close()


def test_a_session_gone_before_the_question_does_not_stop_the_autosave(qtbot, engine, model_dir, image_files):
    left = _left_by_a_crash(model_dir, image_files[1])
    w = _window_with_the_vae(qtbot, engine, model_dir)
    assert w.autosaver.held
    left.unlink()  # e.g. another genimg quitting cleanly removed it
    w.questions.ask_restore = lambda names: pytest.fail("nothing to offer")
    assert offered(qtbot, w) == 0
    w.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: w.autosaver.saves > 0, timeout=TIMEOUT)


def crash_session_of_seed_7(qtbot, window) -> None:
    """The window's start-up sample closed and seed 7 drawn in its place, saved as the session a crash would leave."""
    doc = window.document
    [auto] = doc.items.values()  # the sample the GAN made as it loaded
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    doc.close_item(auto.id)
    saved = doc.to_session()
    window.close()  # a clean quit removes the autosave: this stands in for one a crash left
    sess.save_session(saved)


def test_a_restored_session_with_samples_drops_the_sample_made_while_the_question_was_up(qtbot, window, model_dir):
    crash_session_of_seed_7(qtbot, window)
    entries = [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")]
    again = MainWindow(Engine("cpu"), entries)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.document.item_added, timeout=TIMEOUT):  # its own start-up sample
        again.document.load_model(str(model_dir / "tiny-gan"))
    again.questions.ask_restore = lambda names: True
    assert offered(qtbot, again) == 1
    assert [i.name for i in again.document.items.values()] == ["seed 7"]
    again.close()


@pytest.mark.parametrize("kept", [False, True])
def test_the_start_up_sample_a_restore_replaces_is_not_offered_for_reopen(kept, qtbot, window, model_dir):
    """After a crash's Restore, File → Reopen offered "seed 0", the sample the GAN drew as it loaded, which the
    user never had: reopened, it was a second "seed 0", and Morph's default pair of them did not move. A sample the
    user closes is offered still."""
    doc = window.document
    [auto] = doc.items.values()
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    doc.close_item(auto.id)
    saved = replace(doc.to_session(), kept=kept)
    window.close()  # a clean quit removes the autosave: this stands in for one a crash (or Keep) left
    sess.save_session(saved)
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.document.item_added, timeout=TIMEOUT):  # its own start-up sample, back already
        again.document.load_model(str(model_dir / "tiny-gan"))
    again.questions.ask_restore = lambda names: True
    assert offered(qtbot, again) == 1
    qtbot.waitUntil(lambda: [i.name for i in again.document.items.values()] == ["seed 7"], timeout=TIMEOUT)
    assert not again.document.closed and not again.reopen_action.isEnabled()
    again.close_item()
    assert again.reopen_action.isEnabled() and again.reopen_action.text() == "Reope&n “seed 7”"
    again.close()


def test_a_deleted_directions_step_names_come_back_with_the_session(qtbot, engine, model_dir, image_files):
    w = _window_with_the_vae(qtbot, engine, model_dir)
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([str(image_files[0])])
    item = w.document.current
    w.document.commit(tuple(1.0 if i == 0 else 0.0 for i in range(len(item.history.current.values))))
    item.step_names[item.history.current_id] = "mine +1.00σ (deleted)"  # as deleting its direction names it
    again = _window_with_the_vae(qtbot, engine, model_dir)
    again.document.restore(w.document.to_session())
    restored = again.document.current
    assert again.history._step_names(restored)[restored.history.current_id] == "mine +1.00σ (deleted)"


def test_the_start_up_sample_left_as_it_came_is_not_autosaved(qtbot, window):
    """A crash restore named the last run's start-up "seed 0" first among "your images": a sample the app drew as
    its GAN loaded, which the user never asked for, and which the next start draws again. Once it is a step on, or
    exported, it is the user's."""
    doc, saver = window.document, window.autosaver
    [sample] = doc.items.values()
    assert sample.id in doc.samples.auto_items
    saver.save_now()
    assert not saver.path.exists()
    with qtbot.waitSignal(doc.history_changed, timeout=TIMEOUT):
        doc.generate(5, 0.7)  # another seed: a step of the user's
    qtbot.waitUntil(lambda: len(sample.history) == 2, timeout=TIMEOUT)
    saver.save_now()
    saver.wait()  # written on the autosave's own thread
    assert [item.name for item in sess.load_session(saver.path).items] == [sample.name]
