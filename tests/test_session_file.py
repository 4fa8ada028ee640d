"""Nothing lost, the session file: what it holds comes back as it was saved, files of older versions load,
and a failed save or a damaged file never wins."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import EditState
from genimg_gui.history import History, carried_over
from genimg_gui.seed_draws import OWN, REFINE, SKIP_MIXTURES, Drawn
from genimg_gui.ui.main_window import MainWindow

from session_helpers import _rewritten, branching_history, offered


def test_session_round_trip_keeps_branches_masks_and_ids(tmp_path):
    h = branching_history()
    image = np.full((4, 4, 3), 7, np.uint8)
    w1, w3 = np.zeros(3, np.float32), np.ones(3, np.float32)
    drawn = {0: Drawn(1, 1.0, 2, REFINE, None, "seed 1", w1, image + 2),
             4: Drawn(3, 0.7, None, OWN, REFINE, "seed 3", w3, image, drawn_class="owl")}
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
    # the class seed 3 drew for Any, which its Export latent records
    assert (b.drawn[0].drawn_class, b.drawn[4].drawn_class) == (None, "owl")
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
    for dream in ({"draw": "dream"}, {"draw": OWN, "asked_draw": "dream"}):  # that item alone is not brought back
        _rewritten(path, lambda doc: doc["items"][0].update(dream))
        loaded = sess.load_session(path)
        assert len(loaded.items) == 3 and len(loaded.unreadable) == 1
        assert "unknown way to draw a seed: 'dream'" in loaded.unreadable[0][1]


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


def test_the_gesture_that_made_a_step_comes_back_and_old_sessions_have_none(tmp_path):
    """Item.made_by ("Reset all") names steps whose values name them badly; a restart must not lose it."""
    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("vae", "cat.png", image, image, branching_history(), made_by={1: "Reset all"})
    sess.save_session(sess.Session([item]), path)
    assert sess.load_session(path).items[0].made_by == {1: "Reset all"}
    _rewritten(path, lambda doc: doc["items"][0].pop("made_by"))  # as sessions were saved before
    assert sess.load_session(path).items[0].made_by == {}


def test_the_latents_files_gave_an_item_come_back_stored_once_and_old_sessions_have_none(tmp_path):
    """Item.latent_by_model was left out of sessions: after a restart, a switch back to the VAE a latent file was
    made in encoded its picture again, another latent. The first step's latent is not stored a second time."""
    from safetensors.numpy import load_file

    path = tmp_path / "s.safetensors"
    image = np.zeros((2, 2, 3), np.uint8)
    h = branching_history()
    other = np.full(8, 3.0, np.float32)
    kept = {"sha256 of vae A": h.nodes()[0].state.base, "sha256 of vae B": other}
    sess.save_session(sess.Session([sess.SessionItem("vae", "a.npz", image, image, h, latent_by_model=kept)]), path)
    back = sess.load_session(path).items[0]
    assert back.latent_by_model.keys() == kept.keys()
    assert all(np.array_equal(back.latent_by_model[k], v) for k, v in kept.items())
    assert back.latent_by_model["sha256 of vae A"] is back.history.nodes()[0].state.base
    assert len(load_file(str(path))) == 3  # the base, the mask and vae B's latent (the image in a file of its own)
    _rewritten(path, lambda doc: doc["items"][0].pop("latent_by_model"))  # as sessions were saved before
    assert sess.load_session(path).items[0].latent_by_model == {}



def test_the_pixels_as_opened_come_back_compressed_and_old_sessions_have_none(tmp_path):
    """Item.source was left out of sessions: after a restart a switch to another VAE encoded the last VAE's fit of
    the picture (test_session_source). Kept as a PNG, lossless, smaller than the pixels, in a file of its own; pixels
    that are the item's original (a picture at the VAE's own size) are not stored twice."""
    path, bare = tmp_path / "s.safetensors", tmp_path / "bare.safetensors"
    y, x = np.mgrid[0:300, 0:500]
    photo = np.stack([x * 255 / 499, y * 255 / 299, np.full_like(x, 90.0)], -1).astype(np.uint8)
    fit = np.ascontiguousarray(photo[:, 100:400:10][::10])
    items = [sess.SessionItem("vae", "photo.jpg", fit, fit, branching_history(), source=photo),
             sess.SessionItem("vae", "small.png", fit, fit, branching_history(), source=fit),
             sess.SessionItem("vae", "seed 3", fit, fit, branching_history())]
    sess.save_session(sess.Session(items), path)
    photo_back, small_back, none_back = (item.source for item in sess.load_session(path).items)
    assert np.array_equal(photo_back, photo) and np.array_equal(small_back, fit) and none_back is None
    sess.save_session(sess.Session([replace(item, source=None) for item in items]), bare)
    pictures = {p.name: p.stat().st_size for p in (tmp_path / "s.pictures").iterdir()}
    # the photo, and the fit (its original, source and image alike): one PNG each
    assert len(pictures) == 2 and sorted(pictures.values())[-1] < photo.nbytes / 4
    assert {p.name for p in (tmp_path / "bare.pictures").iterdir()} < pictures.keys()
    _rewritten(path, lambda doc: [item.pop("source", None) for item in doc["items"]])  # as sessions were saved before
    assert [item.source for item in sess.load_session(path).items] == [None, None, None]

def test_a_failed_save_leaves_the_previous_session_intact(tmp_path, monkeypatch):
    path = tmp_path / "s.safetensors"
    one = sess.Session([sess.SessionItem("vae", "one", np.zeros((2, 2, 3), np.uint8), np.zeros((2, 2, 3), np.uint8),
                                         History(EditState(np.zeros(2, np.float32), ())))])
    sess.save_session(one, path)
    pictures = sorted(p.name for p in (tmp_path / "s.pictures").iterdir())  # as it was and as drawn

    def dies(arrays, filename, metadata=None):
        with open(filename, "wb") as f:
            f.write(b"half a file")
        raise OSError("disk full")
    monkeypatch.setattr(sess, "save_file", dies)
    one.items[0].name = "two"
    with pytest.raises(OSError):
        sess.save_session(one, path)
    assert sess.load_session(path).items[0].name == "one"
    # no temp file left behind; the pictures kept for the session they are in
    assert sorted(p.name for p in tmp_path.rglob("*")) == [*pictures, "s.pictures", "s.safetensors"]


def test_a_corrupt_session_is_reported_and_the_app_starts_fresh(qtbot, engine, model_dir):
    path = sess.session_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage")
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    w.questions.ask_restore = lambda names: True
    assert offered(qtbot, w) == 0
    # a sentence as the Log shows it, capitalised: it read "the autosaved session … cannot be read …"; moved aside,
    # never deleted unread
    said = f"The autosaved session {path} cannot be read (its header is garbled): it is kept as "
    assert w.last_error.startswith(said)
    assert w.last_error.endswith(", not deleted; starting fresh")
    assert [e.text for e in w.status.log.entries if e.error] == [w.last_error]  # the Log's line
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
        assert str(e.value) == f"The autosaved session {path} cannot be read ({said})", name
    path.write_bytes(whole)
    _rewritten(path, lambda doc: doc.pop("items"))
    with pytest.raises(sess.SessionError) as e:
        sess.load_session(path)
    assert str(e.value).endswith("cannot be read (its data is garbled)")
    assert not re.search(r"[A-Z]\w*Error\b|'items'", str(e.value)), e.value


# what an item holds only while this run of the app is open (ids, worker bookkeeping, thumbnails), or that a session
# keeps elsewhere: directions_of as the session's model identities, exported_node as SessionItem.exported
RUN_ONLY = {"id", "shown_seq", "requested", "requested_seq", "thumbs", "stale_below", "running_w", "directions_of",
            "exported_node"}


def test_every_field_of_an_item_is_kept_by_a_session_or_held_for_this_run_only():
    """Item.meta was a dict nothing wrote or read, and that a session would have dropped: a field must be saved
    (SessionItem) or named as this run's alone, so one added to hold what the user made is not lost on a restart."""
    from dataclasses import fields
    from genimg_gui.ui.item import Item
    saved = {f.name for f in fields(sess.SessionItem)}
    assert {f.name for f in fields(Item)} - saved - RUN_ONLY == set()
    assert RUN_ONLY.isdisjoint(saved)
