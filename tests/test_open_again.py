"""A file open already is shown, not opened again: a drop, File → Open recent, or the command line of a start whose
kept session holds it ("Open with" from a file manager names the photo at every start) added "big.jpg (2)", and the
kept session grew at each start. A file changed on disk since is another picture, and opens beside it."""
from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import EditState
from genimg_gui.engine.engine import Engine
from genimg_gui.history import History
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import KEEP, SessionQuestions
from genimg_gui.ui.status_ink import NOTE_THEN_ERRORS
from genimg_gui.wording import quoted_list
from session_helpers import _rewritten, offered
from test_image_words import TEXT, TRUNCATED, make_files
from ui_helpers import drop, drop_and_wait, vae_items

TIMEOUT = 30_000


def last_message(window) -> str:
    return window.status.log.entries[-1].text


def changed_on_disk(path: Path) -> None:
    """Other pixels written over path (32 × 24: not square, which either fit would keep whole alike), its
    modification time moved on (a file system's clock may be coarse)."""
    Image.fromarray(np.full((24, 32, 3), 200, np.uint8)).save(path)
    later = os.stat(path).st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))


def opened(qtbot, window, paths: list[Path], total: int) -> None:
    """paths dropped, and open: total VAE pictures, no job left (a job ends a moment after its last picture)."""
    drop_and_wait(qtbot, window, paths, total)
    qtbot.waitUntil(lambda: not window.document.jobs, timeout=TIMEOUT)


def test_a_file_open_already_is_shown_and_said_until_it_changes_on_disk(qtbot, window, image_files, monkeypatch):
    doc, strip = window.document, window.filmstrip
    [sample] = doc.items.values()
    first, second = (p.name for p in image_files[:2])
    opened(qtbot, window, image_files[:1], 1)
    [picture] = vae_items(window)
    strip.setCurrentRow(0)
    assert doc.current is sample
    drop(window, image_files[:1])  # dropped again: shown at once, nothing encoded
    assert doc.current is picture and strip.currentRow() == 1 and not doc.jobs and len(doc.items) == 2
    assert last_message(window) == f"{first} is open already: shown"
    strip.setCurrentRow(0)
    monkeypatch.chdir(image_files[0].parent)
    window.open_paths([first])  # named as `genimg-gui "image 0.png"` names it (File → Open recent: the same path)
    assert doc.current is picture and not doc.jobs and len(doc.items) == 2
    opened(qtbot, window, image_files[:2], 2)  # one open, one new: the new one opens, and takes the canvas
    # said once the new one is open, the last word: said at once, its "Encoded …" replaced it at once
    assert last_message(window) == f"{first} is open already: not opened again"
    assert [i.name for i in vae_items(window)] == [first, second] and doc.current.name == second
    strip.setCurrentRow(1)
    drop(window, image_files[:2])
    assert doc.current is vae_items(window)[1] and not doc.jobs
    assert last_message(window) == f"2 images are open already (“{first}” and “{second}”): “{second}” shown"
    changed_on_disk(image_files[0])  # another picture now: opened beside the first, told apart by its name
    opened(qtbot, window, image_files[:1], 3)
    window.fit_mode.setCurrentText("letterbox")  # the same file fitted the other way: another picture too (32 × 24)
    opened(qtbot, window, image_files[:1], 4)
    assert [i.name for i in vae_items(window)] == [first, second, f"{first} (2)", f"{first} (3)"]
    drop(window, image_files[:1])  # and each of those is open already in its turn
    assert not doc.jobs and last_message(window) == f"{first} is open already (as “{first} (3)”): shown"
    window.fit_mode.setCurrentText("crop")
    drop(window, image_files[:1])
    assert not doc.jobs and doc.current.name == f"{first} (2)" and len(doc.items) == 5


def noise(path: Path, width: int, height: int) -> Path:
    """A real PNG of width × height random pixels."""
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8)).save(path)
    return path


def test_a_square_photo_opened_again_with_the_other_fit_is_the_picture_open(qtbot, window, tmp_path):
    """Crop and letterbox keep all of a square alike, the same pixels: a square photo opened with crop, then again
    once Fit new images was letterbox, added "noise.png (2)" with a history of its own (with crop the same file
    said "noise.png is open already: shown"). A photo not square fitted the other way is another picture still."""
    doc = window.document
    square, wide = noise(tmp_path / "noise.png", 400, 400), noise(tmp_path / "wide.png", 60, 40)
    opened(qtbot, window, [square, wide], 2)
    picture = vae_items(window)[0]
    for fit in ("letterbox", "crop", "letterbox"):
        window.fit_mode.setCurrentText(fit)
        window.filmstrip.setCurrentRow(0)
        drop(window, [square])
        assert doc.current is picture and not doc.jobs and len(vae_items(window)) == 2
        assert last_message(window) == "noise.png is open already: shown"
    opened(qtbot, window, [wide], 3)  # letterboxed, not cropped: other pixels
    assert [i.name for i in vae_items(window)] == ["noise.png", "wide.png", "wide.png (2)"]


def test_a_file_named_twice_in_one_drop_opens_once_and_a_reopened_copy_gets_a_name_of_its_own(qtbot, window,
                                                                                             image_files):
    doc, strip = window.document, window.filmstrip
    opened(qtbot, window, image_files[:1], 1)
    first = doc.current
    window.close_action.trigger()
    opened(qtbot, window, image_files[:1] * 2, 1)  # opened again, named twice in one drop: once
    assert len(doc.items) == 2
    window.reopen_action.trigger()  # and the closed copy brought back: an item of its own, with its history
    name = image_files[0].name
    assert [i.name for i in vae_items(window)] == [f"{name} (2)", name]
    assert [strip.item(r).text() for r in range(1, strip.count())] == [f"{name} (2)", name]
    assert doc.current is first


def test_a_file_of_the_same_bytes_at_another_path_is_the_picture_open_and_said_once(qtbot, window, image_files,
                                                                                     tmp_path):
    """A copy in another folder opened as "image 0.png (2)", and a drop of it with the original said "image 0.png
    is open already" beside it: the filmstrip and the messages disagreed."""
    doc, log = window.document, window.status.log
    original, name = image_files[0], image_files[0].name
    copy = tmp_path / "elsewhere" / name
    copy.parent.mkdir()
    shutil.copyfile(original, copy)  # another path, another modification time, the same bytes
    opened(qtbot, window, [original], 1)
    [picture] = vae_items(window)
    same = f"the same picture as {os.path.realpath(original)}"
    both = f"{name} and a copy of it are open already ({os.path.realpath(copy)}): shown"  # each file named
    for asked, said in [([copy], f"{name} is open already ({same}): shown"),
                        ([original, copy], both),
                        ([copy, original], both)]:
        window.filmstrip.setCurrentRow(0)
        drop(window, asked)
        assert doc.current is picture and not doc.jobs and vae_items(window) == [picture]
        assert last_message(window) == said
    linked = tmp_path / "linked.png"
    os.link(original, linked)  # one file reached by a second path, under another name
    drop(window, [linked])
    assert not doc.jobs and last_message(window) == f"linked.png is open already ({same}): shown"
    before = len(log.entries)
    shutil.copyfile(image_files[1], copy)  # not the same bytes any more: another picture, named as it is shown
    opened(qtbot, window, [copy], 2)
    said = [e.text for e in list(log.entries)[before:]]
    assert [i.name for i in vae_items(window)] == [name, f"{name} (2)"]
    assert len(said) == 1 and said[0].startswith(f"Encoded {name} (2) in "), said
    assert "open already" not in said[0]


def test_several_copies_of_a_picture_open_in_one_drop_are_each_named(qtbot, window, image_files, tmp_path):
    """Three copies of an open photo dropped at once (from a/, b/ and c/) said "image 0.png is open already (the
    same picture as …)": one of the three named, the others gone without a word."""
    doc = window.document
    original, name = image_files[0], image_files[0].name
    copies = []
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
        copies.append(Path(shutil.copyfile(original, tmp_path / folder / name)))
    opened(qtbot, window, [original], 1)
    [picture] = vae_items(window)
    paths = [os.path.realpath(c) for c in copies]
    each = f"{paths[0]}, {paths[1]} and {paths[2]}"
    same = f"the same picture as {os.path.realpath(original)}"
    window.filmstrip.setCurrentRow(0)
    drop(window, copies)
    assert doc.current is picture and not doc.jobs and vae_items(window) == [picture]
    assert last_message(window) == f"3 copies of {name} are open already ({each}; {same}): shown"
    drop(window, [copies[0], original, copies[1]])  # its own file among them: the others are its copies
    assert last_message(window) == f"{name} and 2 copies of it are open already ({paths[0]} and {paths[1]}): shown"
    opened(qtbot, window, [image_files[1], *copies], 2)  # another file opens meanwhile
    assert last_message(window) == (
        f"3 copies of {name} are open already ({each}; {same}): not opened again")
    drop(window, [image_files[1], *copies])  # two pictures open already, one of them asked for thrice
    assert not doc.jobs and doc.current is picture and last_message(window) == (
        f"2 images are open already (“{image_files[1].name}” and 3 copies of “{name}” ({each}; {same})): "
        f"“{name}” shown")


def test_a_copy_dropped_with_its_original_before_either_is_open_opens_once(qtbot, window, image_files, tmp_path):
    copy = tmp_path / "copy.png"
    shutil.copyfile(image_files[0], copy)
    drop(window, [image_files[0], copy])  # both encoded: the second comes back the picture the first made
    qtbot.waitUntil(lambda: not window.document.jobs and "open already" in last_message(window), timeout=TIMEOUT)
    assert [i.name for i in vae_items(window)] == [image_files[0].name]
    same = f"the same picture as {os.path.realpath(image_files[0])}"
    assert last_message(window) == f"copy.png is open already ({same}): shown"


def kept_work(qtbot, engine, model_dir, image: Path) -> sess.Session:
    """A run's work (image opened and edited) kept on quitting: what the next start finds."""
    first = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.document.model_loaded, timeout=TIMEOUT):
        first.document.load_model(str(model_dir / "tiny-vae"))
    with qtbot.waitSignal(first.document.item_added, timeout=TIMEOUT):
        first.open_paths([str(image)])
    first.sliders.sliders[0].setValue(150)
    kept = replace(first.document.to_session(), kept=True)
    first.close()  # (conftest answers Discard: the autosave goes) ...
    sess.save_session(kept)  # ... and the kept one is written, as Keep for next time writes it
    return kept


def started_with(qtbot, model_dir, files: list[str], restore: bool = True, fit: str = "crop") -> MainWindow:
    """A window started as genimg-gui starts (app.main): the model loading, the files named on the command line,
    then the last run's session offered back (a crash's restored when asked); fit: Fit new images as last left."""
    w = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    w.fit_mode.setCurrentText(fit)
    w.document.load_model(str(model_dir / "tiny-vae"))
    w.open_paths(files, after_loads=True)
    w.show()
    w.questions.ask_restore = lambda names: restore
    offered(qtbot, w)
    return w


def settled(w: MainWindow, count: int) -> bool:
    doc = w.document
    return len(doc.items) == count and not doc.jobs and not doc.waiting_files and not w.autosaver.held


@pytest.mark.parametrize("kept", [True, False])
def test_a_start_that_names_a_file_its_session_holds_shows_it_and_adds_none(kept, qtbot, engine, model_dir,
                                                                            image_files, monkeypatch):
    """Each start with `genimg-gui photo.jpg` added a "photo.jpg (2)" to the kept session (a crash's restored too)."""
    image, name = image_files[0], image_files[0].name
    session = kept_work(qtbot, engine, model_dir, image)
    edited = session.items[0].history.current.values
    if not kept:  # left by a crash: the start asks, and the answer is Restore
        sess.save_session(replace(session, kept=False))
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: KEEP)  # each quit keeps
    for start in range(2):  # and again after keeping that: the session stays one image
        w = started_with(qtbot, model_dir, [str(image)])
        qtbot.waitUntil(lambda: settled(w, 1) and last_message(w).endswith("open already: shown"), timeout=TIMEOUT)
        [item] = w.document.items.values()
        assert item.name == name and w.document.current is item and item.history.current.values == edited
        assert last_message(w) == f"{name} is open already: shown"
        assert w.close()
        assert len(sess.load_session().items) == 1


@pytest.mark.parametrize("size_kept", [True, False])
def test_a_start_with_the_other_fit_that_names_a_square_photo_its_session_holds_adds_none(size_kept, qtbot, engine,
                                                                                          model_dir, tmp_path):
    """Kept on quitting while Fit new images was letterbox, `genimg-gui face.png` (512 × 512, opened with crop)
    added "face.png (2)" beside the kept one at the next start. A session saved before it kept the picture's size
    knows it as the file is read again."""
    face = noise(tmp_path / "face.png", 512, 512)
    kept_work(qtbot, engine, model_dir, face)
    if not size_kept:
        _rewritten(sess.session_file(), lambda doc: doc["items"][0].pop("source_size", None))
    w = started_with(qtbot, model_dir, [str(face)], fit="letterbox")
    qtbot.waitUntil(lambda: settled(w, 1) and last_message(w).endswith("open already: shown"), timeout=TIMEOUT)
    assert [i.name for i in w.document.items.values()] == ["face.png"]
    assert last_message(w) == "face.png is open already: shown"
    w.close()


def test_a_start_that_names_a_file_changed_since_it_was_kept_opens_it_beside_the_kept_one(qtbot, engine,
                                                                                          model_dir, image_files):
    image, name = image_files[0], image_files[0].name
    kept_work(qtbot, engine, model_dir, image)
    changed_on_disk(image)  # edited in another program meanwhile: another picture
    w = started_with(qtbot, model_dir, [str(image)])
    qtbot.waitUntil(lambda: settled(w, 2), timeout=TIMEOUT)
    assert [i.name for i in w.document.items.values()] == [name, f"{name} (2)"]
    w.close()


def test_the_file_an_image_came_from_comes_back_with_the_session_and_old_sessions_have_none(tmp_path):
    from genimg_gui.file_stamp import stamp_of

    path = tmp_path / "s.safetensors"
    photo = tmp_path / "photo.png"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(photo)
    image = np.zeros((2, 2, 3), np.uint8)
    history = History(EditState(np.zeros(2, np.float32), ()))
    item = sess.SessionItem("vae", "photo.png", image, image, history, file=stamp_of(photo), fit="letterbox",
                            source_size=(3000, 600))
    sess.save_session(sess.Session([item]), path)
    back = sess.load_session(path).items[0]
    assert back.file == stamp_of(photo) and back.fit == "letterbox" and back.source_size == (3000, 600)
    _rewritten(path, lambda doc: [doc["items"][0].pop(key) for key in ("file", "fit", "source_size")])  # as before
    back = sess.load_session(path).items[0]
    assert back.file is None and back.fit == "crop" and back.source_size is None


def test_a_drop_of_pictures_open_already_and_bad_files_says_both_on_one_line(qtbot, window, image_files, tmp_path):
    """A drop of 6 files, 4 open already and 2 bad, showed "4 images are open already (…): not opened again" for a
    second, then "⚠ 2 files were not opened: …" alone: said as the drop came, the first was replaced by the error that
    came as the files had been read, and was left in the message log alone. It is said as they have been now, after
    that error, which the bar shows it before: one line for the whole drop."""
    bad = make_files(tmp_path / "bad")
    opened(qtbot, window, image_files, 3)
    drop(window, [*image_files, bad["truncated"], bad["text"]])
    qtbot.waitUntil(lambda: not window.document.jobs, timeout=TIMEOUT)
    names = quoted_list([path.name for path in image_files])
    already = f"3 images are open already ({names}): not opened again"
    unopened = f"2 files were not opened: {TRUNCATED}; {TEXT}"
    assert window.status.currentMessage() == f"{already}{NOTE_THEN_ERRORS}⚠ {unopened}"
    entries = window.status.log.entries
    assert [entries[-2].text, entries[-1].text] == [unopened, already]
    assert [entry.text for entry in entries].count(already) == 1  # said once, as the drop's files have been read
    assert len(vae_items(window)) == 3
