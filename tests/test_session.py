"""Nothing lost: the session autosaves, survives a kill, comes back; broken saves never win."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pytest

from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import EditState, edited_latent
from genimg_gui.history import History, carried_over
from genimg_gui.engine.engine import Engine
from genimg_gui.seed_draws import OWN, REFINE, SKIP_MIXTURES, Drawn
from genimg_gui.ui.item import Item
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions

from conftest import quit_questions_kept

TIMEOUT = 30_000


def branching_history() -> History:
    base = np.arange(8, dtype=np.float32)
    mask = np.zeros((4, 4), np.float32)
    mask[1:3, 1:3] = 0.5
    h = History(EditState(base, (0.0, 0.0)))
    h.push(h.current.with_values((1.0, 0.0)))
    h.push(h.current.with_mask(mask))
    h.undo()
    h.undo()
    h.push(h.current.with_values((0.0, -2.0)))  # a second branch from the root
    return h


def test_session_round_trip_keeps_branches_masks_and_ids(tmp_path):
    h = branching_history()
    image = np.full((4, 4, 3), 7, np.uint8)
    w1, w3 = np.zeros(3, np.float32), np.ones(3, np.float32)
    drawn = {0: Drawn(1, 1.0, 2, REFINE, None, "seed 1", w1, image + 2),
             4: Drawn(3, 0.7, None, OWN, REFINE, "seed 3", w3, image)}
    kept_name = {2: "mine +1.00σ (deleted)"}  # a step whose direction was deleted keeps the name it had
    saved = sess.Session([sess.SessionItem("vae", "a b ü.png", image, image + 1, h, None, None, step_names=kept_name),
                          sess.SessionItem("gan", "seed 3", image, image, History(EditState(w3, ())), 3, 0.7,
                                           None, OWN, REFINE, drawn)],
                         current=1, models={"vae": "/m/vae", "gan": "/m/gan"})
    path = sess.save_session(saved, tmp_path / "s.safetensors")
    back = sess.load_session(path)
    assert back.current == 1 and back.models == saved.models
    a, b = back.items
    assert (a.name, a.kind, b.seed, b.psi, a.draw, b.draw) == ("a b ü.png", "vae", 3, 0.7, OWN, OWN)
    assert (a.asked_draw, b.asked_draw) == (None, REFINE)  # drawn as its own z by a GAN that could not refine
    assert a.drawn == {} and sorted(b.drawn) == [0, 4]
    assert a.step_names == kept_name and b.step_names == {}
    assert (b.drawn[4].seed, b.drawn[4].psi, b.drawn[4].draw, b.drawn[4].asked_draw, b.drawn[4].name) == (
        3, 0.7, OWN, REFINE, "seed 3")
    assert b.drawn[0].gan_class == 2 and np.array_equal(b.drawn[0].latent, w1)
    # the shown sample's image is the item's own; the others' are left out, to be drawn again
    assert b.drawn[0].original is None and np.array_equal(b.drawn[4].original, image)
    assert np.array_equal(a.image, image + 1)
    assert a.history.current_id == h.current_id == 3
    assert [(n.id, n.parent) for n in a.history.nodes()] == [(n.id, n.parent) for n in h.nodes()]
    for x, y in zip(a.history.nodes(), h.nodes()):
        assert x.state.same_as(y.state)
    assert a.history.goto(2).mask is not None and a.history.can_undo()


def test_a_history_with_equal_states_in_two_nodes_comes_back_with_the_same_ids(tmp_path):
    """A GAN without classes draws a seed's class-cat and class-dog samples alike: after a model switch a child
    can equal its parent, and the saved tree must still come back node for node."""
    a, b, same = (np.full(3, v, np.float32) for v in (1.0, 2.0, 7.0))
    h = History(EditState(a, (0.0,)))
    h.push(EditState(b, (0.0,)))
    h.push(h.current.with_values((1.0,)))
    carried = carried_over(h, {0: (a, same), 1: (b, same)})
    assert carried.nodes()[1].state.same_as(carried.nodes()[0].state)
    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("gan", "seed 1", image, image, carried, 1, 0.7)
    back = sess.load_session(sess.save_session(sess.Session([item]), tmp_path / "s.safetensors")).items[0].history
    assert [(n.id, n.parent) for n in back.nodes()] == [(0, None), (1, 0), (2, 1)] and back.current_id == 2
    assert back.current.values == (1.0,) and back.undo().same_as(carried.nodes()[1].state)
    carried.undo()  # saved after an undo: redo still goes forward once restored
    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("gan", "seed 1", image, image, carried, 1, 0.7)
    back = sess.load_session(sess.save_session(sess.Session([item]), tmp_path / "s.safetensors")).items[0].history
    assert back.current_id == 1 and back.can_redo() and back.redo() is back.nodes()[2].state


def _rewritten(path, change) -> None:
    """The session file at path with its JSON changed by change(doc), as another version of genimg might write it."""
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file
    with safe_open(str(path), "np") as f:
        doc = json.loads(f.metadata()["session"])
    change(doc)
    save_file(load_file(str(path)), str(path), metadata={"session": json.dumps(doc)})


def test_sessions_saved_with_the_two_old_draw_flags_load_as_the_same_draws(tmp_path):
    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("gan", "seed 1", image, image, History(EditState(np.ones(3), ())), 1, 0.7)
    sess.save_session(sess.Session([item] * 4), path)
    flags = [{}, {"skip_mixtures": True}, {"refine": True, "skip_mixtures": False}, {"skip_mixtures": False}]

    def old(doc):
        for it, f in zip(doc["items"], flags):
            del it["draw"], it["asked_draw"]
            it.update(f)
    _rewritten(path, old)
    assert [i.draw for i in sess.load_session(path).items] == [OWN, SKIP_MIXTURES, REFINE, OWN]
    assert {i.asked_draw for i in sess.load_session(path).items} == {None}
    _rewritten(path, lambda doc: doc["items"][0].update(draw="dream"))
    with pytest.raises(sess.SessionError, match="unknown way to draw a seed: 'dream'"):
        sess.load_session(path)
    _rewritten(path, lambda doc: doc["items"][0].update(draw=OWN, asked_draw="dream"))
    with pytest.raises(sess.SessionError, match="unknown way to draw a seed: 'dream'"):
        sess.load_session(path)


def test_the_values_kept_for_other_models_come_back_and_old_sessions_have_none(tmp_path):
    """Item.values_by_model was left out of sessions: after a restart, switching back to a model reset its edits."""
    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    kept = {"sha256 of gan A": {0: (0.0, 0.0), 1: (1.5, -0.25)}, "sha256 of gan B": {1: (0.8,)}}
    item = sess.SessionItem("gan", "seed 1", image, image, branching_history(), 1, 0.7, values_by_model=kept)
    sess.save_session(sess.Session([item], models={"gan": "/m/gan B"}, identities={"gan": "sha256 of gan B"}), path)
    assert sess.load_session(path).items[0].values_by_model == kept
    assert sess.load_session(path).identities == {"gan": "sha256 of gan B"}  # the model the values count
    _rewritten(path, lambda doc: doc["items"][0].pop("values_by_model"))  # as sessions were saved before
    assert sess.load_session(path).items[0].values_by_model == {}
    _rewritten(path, lambda doc: doc.pop("identities"))
    assert sess.load_session(path).identities == {}



def test_an_inverted_items_gan_comes_back_and_old_sessions_have_none(tmp_path):
    """Item.inverted_in, left out of sessions, was lost on a restart: a kept inversion went unnamed by the next quit
    question, and a switch back to its own GAN said to invert it again."""
    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("gan", "gray.png (inverted)", image, image, branching_history(), inverted_in="sha256 A")
    sess.save_session(sess.Session([item]), path)
    assert sess.load_session(path).items[0].inverted_in == "sha256 A"
    _rewritten(path, lambda doc: doc["items"][0].pop("inverted_in"))  # as sessions were saved before
    assert sess.load_session(path).items[0].inverted_in is None


def test_a_failed_save_leaves_the_previous_session_intact(tmp_path, monkeypatch):
    path = tmp_path / "s.safetensors"
    one = sess.Session([sess.SessionItem("vae", "one", np.zeros((2, 2, 3), np.uint8), np.zeros((2, 2, 3), np.uint8),
                                         History(EditState(np.zeros(2, np.float32), ())))])
    sess.save_session(one, path)

    def dies(arrays, filename, metadata=None):
        with open(filename, "wb") as f:
            f.write(b"half a file")
        raise OSError("disk full")
    monkeypatch.setattr(sess, "save_file", dies)
    one.items[0].name = "two"
    with pytest.raises(OSError):
        sess.save_session(one, path)
    assert sess.load_session(path).items[0].name == "one"
    assert [p.name for p in tmp_path.iterdir()] == ["s.safetensors"]  # no temp file left behind


def test_a_corrupt_session_is_reported_and_the_app_starts_fresh(qtbot, engine, model_dir):
    path = sess.session_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage")
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    w.questions.ask_restore = lambda names: True
    assert w.questions.offer_restore() == 0
    assert "cannot be read (its header is garbled); starting fresh" in w.last_error
    assert "Error" not in w.last_error  # it was "(SafetensorError: Error while deserializing header: …)"
    assert w.document.items == {}


def test_a_damaged_session_says_what_is_wrong_without_exception_names(tmp_path):
    """The window said "cannot be read (SafetensorError: Error while deserializing header: invalid header length)"
    for a session cut short, "(JSONDecodeError: Expecting value: …)", "(KeyError: 'items')"."""
    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    sess.save_session(sess.Session([sess.SessionItem("vae", "one", image, image, branching_history())]), path)
    whole = path.read_bytes()
    damaged = {"cut short": (whole[: len(whole) // 2], "it is cut short: its end is missing"),
               "empty": (b"", "it is empty: 0 bytes"), "text": (b"notes\n" * 20, "it holds text")}
    for name, (data, said) in damaged.items():
        path.write_bytes(data)
        with pytest.raises(sess.SessionError) as e:
            sess.load_session(path)
        assert str(e.value) == f"the autosaved session {path} cannot be read ({said})", name
    path.write_bytes(whole)
    _rewritten(path, lambda doc: doc.pop("items"))
    with pytest.raises(sess.SessionError) as e:
        sess.load_session(path)
    assert str(e.value).endswith("cannot be read (its data is garbled)")
    assert not re.search(r"[A-Z]\w*Error\b|'items'", str(e.value)), e.value


CRASHING_RUN = textwrap.dedent("""
    import os, signal, sys
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
    w.autosaver.timer.timeout.connect(lambda: saved_then_die())
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
        assert w.questions.offer_restore() == 1
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
    assert w.questions.offer_restore() == 0 and not sess.session_file().exists() and w.document.items == {}


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
    assert w.questions.offer_restore() == 1
    qtbot.waitUntil(lambda: w.autosaver.saves > 0, timeout=TIMEOUT)
    assert {i.name for i in sess.load_session(left).items} == {"left by a crash", image_files[0].name}


def test_declining_the_restore_saves_this_runs_work_from_then_on(qtbot, engine, model_dir, image_files):
    left = _left_by_a_crash(model_dir, image_files[1])
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: len(w.document.items) == 1, timeout=TIMEOUT)
    w.questions.ask_restore = lambda names: False
    assert w.questions.offer_restore() == 0
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
    assert w.questions.offer_restore() == restored
    [(text, warning, buttons)] = shown
    assert "autosaved the image you had open, with its history: “left by a crash”" in text and "for good" in warning
    assert sorted(buttons) == ["Discard", "Restore"]
    assert left.exists() == bool(restored)


def _left_by_a_crash(model_dir, image_file):
    """An autosaved session of one image, "left by a crash", encoded by the tiny VAE; its path."""
    from PIL import Image

    from genimg_gui.engine.runtime import Runtime

    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-vae"), lambda *_: None)
    original, latent, _ = rt.encode(np.asarray(Image.open(image_file).convert("RGB")), "crop")
    history = History(EditState(latent, (0.0,) * len(rt.model("vae").directions)))
    return sess.save_session(sess.Session([sess.SessionItem("vae", "left by a crash", original, original, history)]))


def _window_with_the_vae(qtbot, engine, model_dir) -> MainWindow:
    """A window started after that crash (its autosave quick), the tiny VAE loaded, no question asked yet."""
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    w.autosaver.timer.setInterval(10)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    return w


def test_restored_states_get_history_thumbnails_drawn_with_their_masks(qtbot, window, reference, image_files):
    from PIL import Image

    from genimg_gui.engine.worker import _thumbnail

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
    assert window.questions.offer_restore() == 1
    item = window.document.current
    assert item.name == "restored.png"
    window.tabs.setCurrentWidget(window.history_panel)
    qtbot.waitUntil(lambda: 2 in item.thumbs and 1 in item.thumbs, timeout=TIMEOUT)
    edited = edited_latent(h.current, directions)
    masked = _thumbnail(reference.render_thumbnail("vae", edited, mask, base, 0, 48), 48)
    whole = _thumbnail(reference.render_thumbnail("vae", edited, None, None, 0, 48), 48)
    assert np.array_equal(item.thumbs[2], masked) and not np.array_equal(masked, whole)


def test_a_second_window_leaves_the_first_ones_autosave_alone_and_says_so(qtbot, engine, model_dir, image_files):
    first = _window_with_the_vae(qtbot, engine, model_dir)
    with qtbot.waitSignal(first.document.item_added, timeout=TIMEOUT):
        first.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: first.autosaver.saves > 0, timeout=TIMEOUT)
    second = _window_with_the_vae(qtbot, Engine("cpu"), model_dir)  # its own engine, as another process has
    assert second.questions.offer_restore() == 0  # the first window's autosave is its work, not a crash's
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
    assert third.autosaver.owner and third.questions.offer_restore() == 0
    second.close()
    third.close()


def test_a_session_gone_before_the_question_does_not_stop_the_autosave(qtbot, engine, model_dir, image_files):
    left = _left_by_a_crash(model_dir, image_files[1])
    w = _window_with_the_vae(qtbot, engine, model_dir)
    assert w.autosaver.held
    left.unlink()  # e.g. another genimg quitting cleanly removed it
    w.questions.ask_restore = lambda names: pytest.fail("nothing to offer")
    assert w.questions.offer_restore() == 0
    w.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: w.autosaver.saves > 0, timeout=TIMEOUT)


def test_a_restored_session_with_samples_drops_the_sample_made_while_the_question_was_up(qtbot, window, model_dir):
    doc = window.document
    [auto] = doc.items.values()  # the sample the GAN made as it loaded
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    doc.close_item(auto.id)
    saved = doc.to_session()
    window.close()  # a clean quit removes the autosave: this stands in for one a crash left
    sess.save_session(saved)
    entries = [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")]
    again = MainWindow(Engine("cpu"), entries)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.document.item_added, timeout=TIMEOUT):  # its own start-up sample
        again.document.load_model(str(model_dir / "tiny-gan"))
    again.questions.ask_restore = lambda names: True
    assert again.questions.offer_restore() == 1
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
    assert again.questions.offer_restore() == 1
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


ORIGINAL_ASK_QUIT = SessionQuestions.ask_quit  # conftest answers "discard" for the other tests


def _window_with_one_edit(qtbot, engine, model_dir, image):
    """A window with the VAE, no session to restore, and image opened and edited once (a slider moved)."""
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    assert w.questions.offer_restore() == 0
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
    reopened = again.questions.offer_restore()
    if press == "Discard":
        assert reopened == 0 and not again.document.items
        again.close()
        return
    # once the model is there: reopened at once, its steps were named "direction 1" and "Loaded …" hid the message
    assert reopened == 1 and not again.document.items
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


def test_quitting_before_a_kept_session_is_back_keeps_it(qtbot, engine, model_dir, image_files):
    """A kept session waits for the start-up's models; a quit meanwhile (nothing open, nothing asked) deleted it."""
    left = _left_by_a_crash(model_dir, image_files[0])
    kept = sess.load_session(left)
    sess.save_session(sess.Session(kept.items, kept.current, kept.models, kept=True), left)
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.document.load_model(str(model_dir / "tiny-vae"))  # still on its way
    assert w.questions.offer_restore() == 1 and not w.document.items
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
    assert again.questions.offer_restore() == len(kept.items)
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
    assert f"“yyyyyyyyyyyyyyyyyyyy…yyyyyyyyyyyyyyy.png”, “{sample.name}”" in text
    assert width < width_of_40 + 20  # "…" is a little wider than a "y"


def test_the_exported_step_comes_back_and_old_sessions_have_none(tmp_path):
    """Item.exported was left out of sessions: an image exported before a restart was asked about on the next quit."""
    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("vae", "a.png", image, image, branching_history(), exported=1)
    sess.save_session(sess.Session([item]), path)
    assert sess.load_session(path).items[0].exported == 1
    _rewritten(path, lambda doc: doc["items"][0].update(exported=99))  # no such step: taken as never exported
    assert sess.load_session(path).items[0].exported is None
    _rewritten(path, lambda doc: doc["items"][0].pop("exported"))  # as sessions were saved before
    assert sess.load_session(path).items[0].exported is None


def test_an_image_exported_before_a_restart_is_not_asked_about_after_it(qtbot, engine, model_dir, image_files,
                                                                         tmp_path, monkeypatch):
    """The quit question rightly left an exported image out; kept for next time and reopened, the next quit named it
    among the unexported. And Keep for next time said it reopened the unexported images, when it reopens all."""
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.show()
    assert w.questions.offer_restore() == 0
    for path in image_files:
        with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
            w.open_paths([str(path)])
    exported, edited, unedited = w.document.items.values()
    for item in (exported, edited):
        w.document.select(item.id)
        w.sliders.sliders[0].setValue(150)
    w.document.select(exported.id)
    w.exports.export_png(str(tmp_path / "exported.png"))
    shown = quit_questions_kept(monkeypatch)
    assert w.close()
    [(text, says)] = shown
    assert text == f"The edited image “{edited.name}” has not been exported."
    assert says.startswith("Keep for next time reopens your 3 open images as they are, histories included")
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)  # the teardown's close

    again = _window_with_the_vae(qtbot, Engine("cpu"), model_dir)
    assert again.questions.offer_restore() == 3
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


def test_the_gesture_that_made_a_step_comes_back_and_old_sessions_have_none(tmp_path):
    """Item.made_by ("Reset all") names steps whose values name them badly; a restart must not lose it."""
    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("vae", "cat.png", image, image, branching_history(), made_by={1: "Reset all"})
    sess.save_session(sess.Session([item]), path)
    assert sess.load_session(path).items[0].made_by == {1: "Reset all"}
    _rewritten(path, lambda doc: doc["items"][0].pop("made_by"))  # as sessions were saved before
    assert sess.load_session(path).items[0].made_by == {}


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
    assert [item.name for item in sess.load_session(saver.path).items] == [sample.name]


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
