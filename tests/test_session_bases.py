"""An edit kept only in the bases of a latent shape the picture left (Item.bases_by_shape: a deleted direction's
share, folded into a base of the VAE it was made in) comes back after a restart, whether the session was kept on
quitting or left by a crash: the session keeps those bases, and a session saved before it did reads as before."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import foreign_builders as fb
from conftest import UI_TIMEOUT, quit_questions_kept
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions
from session_helpers import _rewritten, branching_history, offered
from test_directions_ui import BLUE, RED, define, slider_menu, write_group


def settle(qtbot, item, shape: tuple[int, ...]) -> None:
    """Wait until the item's latents have the shape (its VAE's) and its picture in them is shown."""
    qtbot.waitUntil(lambda: item.history.current.base.shape == shape and item.shown_seq >= item.requested_seq,
                    timeout=UI_TIMEOUT)


def smile_folded_in_then_taesd(qtbot, window, tmp_path, monkeypatch, image) -> tuple[np.ndarray, np.ndarray]:
    """image opened in the tiny VAE, moved +2σ along the user's "smile", "smile" deleted (its share moves into the
    step's base), then a TAESD opened (another latent shape). Returns the smiling step's base and picture."""
    doc = window.document
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image)])
    item, builtin = doc.current, len(doc.directions("vae"))
    frowns = write_group(tmp_path / "frown", "frown", RED, 6, 1)
    smiles = write_group(tmp_path / "smile", "smile", BLUE, 6, 2)
    define(qtbot, window, "smile", frowns, smiles)
    assert window.sliders.labels()[builtin] == "smile"
    shape = item.history.current.base.shape
    window.sliders.sliders[builtin].setValue(200)
    settle(qtbot, item, shape)
    slider_menu(window, builtin, "Delete")
    settle(qtbot, item, shape)
    smiling = item.history.current
    assert "smile" not in window.sliders.labels() and not any(smiling.values)
    assert not np.array_equal(smiling.base, item.history.nodes()[0].state.base)  # the edit is in the base alone
    picture = item.image.copy()
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])
    qtbot.waitUntil(lambda: item.history.current.base.shape != shape, timeout=UI_TIMEOUT)
    return smiling.base, picture


@pytest.mark.parametrize("how", ["Keep for next time", "crash"])
def test_a_deleted_directions_share_kept_in_another_latent_shape_comes_back_after_a_restart(
        how, qtbot, window, tmp_path, monkeypatch, model_dir, image_files):
    """Item.bases_by_shape was not saved: back in the tiny VAE after a restart, the picture came back unsmiling."""
    doc = window.document
    smiling, picture = smile_folded_in_then_taesd(qtbot, window, tmp_path, monkeypatch, image_files[0])
    item = doc.current
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    if how == "crash":  # the autosave a crash leaves: the file as the app wrote it, there at the next start
        window.autosaver.save_now()
        window.autosaver.wait()  # written on the autosave's own thread
        left = tmp_path / "left by a crash"  # the session file and its pictures
        shutil.copytree(window.autosaver.path.parent, left, ignore=shutil.ignore_patterns("*.lock"))
        window.close()
        shutil.copytree(left, window.autosaver.path.parent, dirs_exist_ok=True)
    else:
        asked = quit_questions_kept(monkeypatch)
        assert window.close() and asked
        monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)  # the closes after

    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    again.questions.ask_restore = lambda names: how == "crash" or pytest.fail("kept work was asked about")
    assert offered(qtbot, again) == 1  # the session's TAESD loads first
    # the picture back, alone: the session's tiny-gan, which the restore loads in a window that loaded none, arrives
    # after it and draws no sample beside it (it did, and this waited for one item in the gap before that sample)
    doc = again.document
    qtbot.waitUntil(lambda: "gan" in doc.models and not doc.jobs and not doc.samples.pending, timeout=UI_TIMEOUT)
    [back] = doc.items.values()
    with qtbot.waitSignal(again.document.model_loaded, timeout=UI_TIMEOUT):
        again.open_paths([str(model_dir / "tiny-vae")])  # the tiny VAE again, as a drop of its folder
    settle(qtbot, back, smiling.shape)
    np.testing.assert_allclose(back.history.current.base, smiling, atol=1e-5)  # the smile is back
    assert np.abs(back.image.astype(int) - picture).max() <= 1  # and the picture on screen smiles as it did
    again.close()


def test_the_bases_kept_for_other_shapes_are_saved_and_older_sessions_read_without_them(tmp_path):
    image = np.zeros((8, 8, 3), np.uint8)
    history = branching_history()
    vector = np.arange(8, dtype=np.float32)
    kept = {(2, 4, 4): {0: np.zeros((2, 4, 4), np.float32), 1: np.ones((2, 4, 4), np.float32)},
            (8,): {0: vector, 1: vector}}  # one array for two steps: stored once
    item = sess.SessionItem("vae", "a.png", image, image, history, bases_by_shape=kept)
    path = sess.save_session(sess.Session([item]), tmp_path / "s.safetensors")
    back = sess.load_session(path).items[0].bases_by_shape
    assert back.keys() == kept.keys()
    assert all(back[shape].keys() == bases.keys() and all(np.array_equal(back[shape][n], b) for n, b in bases.items())
               for shape, bases in kept.items())
    assert back[(8,)][0] is back[(8,)][1]
    _rewritten(path, lambda doc: doc["items"][0].pop("bases_by_shape"))  # as sessions were saved before
    assert sess.load_session(path).items[0].bases_by_shape == {}
