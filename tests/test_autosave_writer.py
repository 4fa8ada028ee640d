"""The autosave never holds the window: the GUI thread only takes the session, a thread of the autosave's own packs
and writes it (a 2048 × 1536 photo with 20 strokes froze the window 1.6 s at each autosave, writing 240 MiB), and
the masks are stored as PNGs of their 1/255 steps, coming back bit for bit."""
from __future__ import annotations

import json
import threading

import numpy as np
from safetensors.numpy import save_file

from genimg_gui import session as sess
from genimg_gui.edit import EditState
from genimg_gui.history import History
from genimg_gui.masking import soft_brush
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions

from conftest import UI_TIMEOUT
from test_masked_edits import open_images, settle


def strokes(count: int, size=(192, 256), seed: int = 0) -> list[np.ndarray]:
    """count masks as the canvas's brush leaves them, one stroke more each (soft edges: values between 0 and 1)."""
    rng = np.random.default_rng(seed)
    mask, masks = np.zeros(size, np.float32), []
    for _ in range(count):
        x, y = rng.uniform(0, size[1]), rng.uniform(0, size[0])
        for dab in range(8):
            mask = soft_brush(mask, x + 4 * dab, y + 2 * dab, 12, 0.5, 1.0)
        masks.append(mask)
    return masks


def test_masks_come_back_bit_for_bit_from_a_file_a_fraction_of_their_size(tmp_path):
    base = np.arange(6, dtype=np.float32)
    history = History(EditState(base, (0.0,)))
    for mask in strokes(5):
        history.push(history.current.with_mask(mask, False))
    history.push(history.current.with_mask(1.0 - history.current.mask, True))  # erased: soft values kept too
    odd = np.full((192, 256), 0.3337, np.float32)  # off the 1/255 steps (a state not made by with_mask): kept whole
    history.push(EditState(base, (1.0,), odd))
    image = np.zeros((4, 4, 3), np.uint8)
    path = sess.save_session(sess.Session([sess.SessionItem("vae", "photo", image, image, history)]),
                             tmp_path / "s.safetensors")
    masks = [n.state.mask for n in history.nodes()[1:]]
    assert len({m.tobytes() for m in masks}) == 7 and len(set(np.unique(masks[2]))) > 10  # distinct, soft masks
    # the six stroked masks together take less room than one float32 mask: only the odd one is stored whole
    assert path.stat().st_size < 2 * odd.nbytes
    back = sess.load_session(path).items[0].history
    for saved, restored in zip(history.nodes(), back.nodes()):
        assert restored.state.same_as(saved.state) and restored.state.mask_erased == saved.state.mask_erased
        if saved.state.mask is not None:
            assert restored.state.mask.dtype == np.float32 and not restored.state.mask.flags.writeable
            assert restored.state.mask.tobytes() == saved.state.mask.tobytes()  # bit for bit


def test_a_session_written_before_masks_were_packed_loads_its_float_masks(tmp_path):
    mask = np.zeros((4, 4), np.float32)
    mask[1:3, 1:3] = 0.5
    image = np.zeros((4, 4, 3), np.uint8)
    nodes = [{"parent": None, "values": [0.0], "base": "a0", "mask": None, "mask_erased": False},
             {"parent": 0, "values": [0.0], "base": "a0", "mask": "a2", "mask_erased": False}]
    doc = {"format": "genimg-session", "version": 1, "current": 0, "models": {}, "kept": False,
           "items": [{"kind": "vae", "name": "old", "original": "a1", "image": "a1", "nodes": nodes,
                      "current_node": 1}]}
    path = tmp_path / "old.safetensors"
    save_file({"a0": np.zeros(3, np.float32), "a1": image, "a2": mask}, str(path),
              metadata={"session": json.dumps(doc)})
    [item] = sess.load_session(path).items
    assert np.array_equal(item.history.current.mask, mask) and item.history.nodes()[0].state.mask is None


class HeldWrites:
    """session.save_file, recording the thread of each write; one off the GUI thread waits for release()."""

    def __init__(self, monkeypatch) -> None:
        self.threads: list[threading.Thread] = []
        self.started, self.released = threading.Event(), threading.Event()
        write = sess.save_file

        def save_file_held(arrays, path, metadata=None):
            self.threads.append(threading.current_thread())
            self.started.set()
            if threading.current_thread() is not threading.main_thread():
                assert self.released.wait(30), "never released"
            write(arrays, path, metadata=metadata)
        monkeypatch.setattr(sess, "save_file", save_file_held)

    def release(self) -> None:
        self.released.set()


def masked_photo(qtbot, window, image_files, steps: int):
    """A photo with steps strokes, pushed on its history as the canvas's brush does; only save_now autosaves."""
    window.autosaver.idle_ms = window.autosaver.max_wait_ms = 3_600_000
    [item] = open_images(qtbot, window, [image_files[0]])
    settle(qtbot, item)
    for mask in strokes(steps, seed=1):
        item.history.push(item.history.current.with_mask(mask, False))
    return item


def test_the_autosave_is_written_off_the_gui_thread_the_newest_asked_in_place_of_those_waiting(
        qtbot, window, image_files, monkeypatch):
    doc, saver = window.document, window.autosaver
    item = masked_photo(qtbot, window, image_files, 3)
    writes = HeldWrites(monkeypatch)
    saver.save_now()
    assert writes.started.wait(UI_TIMEOUT / 1000)
    assert writes.threads[0] is not threading.main_thread()  # save_now returned with the file still being written
    for mask in strokes(2, seed=2):  # two more strokes, each saved while the first save is still being written
        item.history.push(item.history.current.with_mask(mask, False))
        saver.save_now()
    assert not saver.path.exists()
    writes.release()
    saver.wait()
    # the save still waiting was replaced by the newest: two writes, not three, both on the autosave's thread
    assert len(writes.threads) == 2 and threading.main_thread() not in writes.threads
    assert saver.saves == 2
    [saved] = sess.load_session(saver.path).items
    assert len(saved.history) == len(item.history) == 6 and saved.history.current.same_as(item.history.current)
    assert doc.to_session().items[0].history is item.history  # the file holds what the window has


def test_keep_for_next_time_lands_after_an_autosave_still_being_written(qtbot, window, image_files, monkeypatch):
    saver = window.autosaver
    masked_photo(qtbot, window, image_files, 2)
    writes = HeldWrites(monkeypatch)
    saver.save_now()
    assert writes.started.wait(UI_TIMEOUT / 1000)
    threading.Timer(0.3, writes.release).start()  # the autosave ends as the quit waits for it
    assert saver.keep()
    saver.wait()
    assert sess.load_session(saver.path).kept  # not written over by the autosave, unmarked


def test_a_quit_that_discards_waits_for_the_autosave_being_written_and_leaves_no_file(qtbot, window, image_files,
                                                                                      monkeypatch):
    saver = window.autosaver
    masked_photo(qtbot, window, image_files, 2)
    writes = HeldWrites(monkeypatch)
    saver.save_now()
    assert writes.started.wait(UI_TIMEOUT / 1000)
    threading.Timer(0.3, writes.release).start()
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)
    assert window.close()
    assert writes.released.is_set() and not saver.path.exists()  # it did not come back once written


def test_an_autosave_that_cannot_be_written_is_said_on_the_status_bar(qtbot, window, image_files):
    saver = window.autosaver
    masked_photo(qtbot, window, image_files, 1)
    saver.path.mkdir()  # a folder in the file's place: the write fails
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: text.startswith("Autosave failed (")):
        saver.save_now()
    saver.path.rmdir()
