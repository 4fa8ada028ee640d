"""An autosaved session partly damaged brings back what can be read and names what cannot, and is never deleted
unread: one missing picture file lost all 11 images open, then the session was deleted. A data folder that takes no
files is said to be one (not "another genimg window"), and a full disk is said in words."""
from __future__ import annotations

import errno
import json
import resource
import signal

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox
from safetensors import safe_open

from genimg_gui import fileio
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import EditState
from genimg_gui.engine.runtime import Runtime
from genimg_gui.history import History
from genimg_gui.session_pixels import pictures_folder
from genimg_gui.ui.main_window import MainWindow

from conftest import ORIGINAL_ASK_QUIT
from session_helpers import TIMEOUT, _rewritten, _window_with_the_vae, offered, read_only_data_folder
from test_autosave_writer import masked_photo
from test_cli_outputs import full_disk  # noqa: F401 (a fixture)


def left_by_a_crash(model_dir, image_files) -> list[str]:
    """A session of the pictures, each with a step, left by a crash: their names."""
    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-vae"), lambda *_: None)
    from PIL import Image
    items = []
    for path in image_files[:3]:
        original, latent, _ = rt.encode(np.asarray(Image.open(path).convert("RGB")), "crop")
        history = History(EditState(latent, (0.0,) * len(rt.model("vae").directions)))
        history.push(history.current.with_values((0.5,) + (0.0,) * (len(history.current.values) - 1)))
        items.append(sess.SessionItem("vae", path.name, original, original, history))
    sess.save_session(sess.Session(items, current=1))
    return [item.name for item in items]


def picture_of(path, index: int):
    """The picture file of the session's item at index (its original)."""
    with safe_open(str(path), "np") as f:
        doc = json.loads(f.metadata()["session"])
    return pictures_folder(path) / doc["pictures"][doc["items"][index]["original"]]


def bad_parent(doc: dict) -> None:
    doc["items"][0]["nodes"][1]["parent"] = 7  # a history step whose parent is no earlier step


@pytest.mark.parametrize("damage, why", [("picture", "its picture file is missing"),
                                         ("history", "its history is damaged")])
def test_one_damaged_image_of_a_session_loses_only_itself_and_the_session_is_kept_aside(
        damage, why, qtbot, engine, model_dir, image_files):
    names = left_by_a_crash(model_dir, image_files)
    path = sess.session_file()
    if damage == "picture":
        picture_of(path, 0).unlink()
    else:
        _rewritten(path, bad_parent)
    w = _window_with_the_vae(qtbot, engine, model_dir)
    asked = []
    w.questions.ask_restore = lambda offered: asked.append(offered) or True
    assert offered(qtbot, w) == 2
    assert asked == [[names[1], names[2]]]
    [aside] = path.parent.glob("autosave.unreadable-*.safetensors")
    assert w.last_error == (f"1 of 3 images could not be restored: {names[0]} ({why}). The autosaved session: it is "
                            f"kept as {aside}, not deleted")
    qtbot.waitUntil(lambda: [i.name for i in w.document.items.values()] == [names[1], names[2]], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: w.autosaver.saves > 0, timeout=TIMEOUT)  # this run's autosave takes its place
    assert [i.name for i in sess.load_session(path).items] == [names[1], names[2]]
    assert w.document.current.name == names[1]  # the image shown when it was saved
    kept = sess.load_session(aside)  # what was set aside is all there, its pictures too
    assert [i.name for i in kept.items] == [names[1], names[2]] and [n for n, _ in kept.unreadable] == [names[0]]
    w.close()


def test_a_session_cut_short_is_kept_aside_not_deleted(qtbot, engine, model_dir, image_files):
    left_by_a_crash(model_dir, image_files)
    path = sess.session_file()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    w = _window_with_the_vae(qtbot, engine, model_dir)
    w.questions.ask_restore = lambda names: pytest.fail("nothing to offer")
    assert offered(qtbot, w) == 0
    [aside] = path.parent.glob("autosave.unreadable-*.safetensors")
    assert w.last_error == (f"The autosaved session {path} cannot be read (it is cut short: its end is missing): it "
                            f"is kept as {aside}, not deleted; starting fresh")
    w.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: w.autosaver.saves > 0, timeout=TIMEOUT)
    assert aside.read_bytes() == whole[: len(whole) // 2] and len(list(pictures_folder(aside).iterdir())) == 3
    w.close()


def test_at_most_two_sessions_are_kept_aside(tmp_path):
    from genimg_gui.session_aside import set_aside
    path = tmp_path / "autosave.safetensors"
    for n in range(3):
        path.write_bytes(b"cut short %d" % n)
        assert set_aside(path) is not None
    kept = sorted(p.read_bytes() for p in tmp_path.glob("autosave.unreadable-*.safetensors"))
    assert kept == [b"cut short 1", b"cut short 2"]


def test_a_read_only_data_folder_is_said_as_one_and_its_crashed_session_still_offered(
        qtbot, engine, model_dir, image_files, monkeypatch):
    [name, *_] = left_by_a_crash(model_dir, image_files)
    folder = sess.session_file().parent
    read_only_data_folder(monkeypatch)
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    w.questions.ask_restore = lambda names: True
    assert offered(qtbot, w) == 3
    said = w.status.warning.toolTip()
    assert said == (f"Your work is not being autosaved: the data folder {folder} cannot be written (the disk is "
                    "read-only), so export what you want to keep")
    assert "Another genimg window" not in w.status.currentMessage() and "data folder" in w.windowTitle()
    qtbot.waitUntil(lambda: name in [i.name for i in w.document.items.values()], timeout=TIMEOUT)
    # no directions saved: nothing to read, so no folder to make ("were not loaded: [Errno 30] Read-only …")
    assert not [e.text for e in w.status.log.entries if "directions" in e.text]
    asked = []

    def cancelled(box) -> int:
        asked.append(box.informativeText())
        return 0
    monkeypatch.setattr(QMessageBox, "exec", cancelled)
    assert ORIGINAL_ASK_QUIT(w.questions, w.document.unexported(), w.autosaver.owner) is None
    assert asked == ["The data folder cannot be written, so your work cannot be kept: Discard deletes it for good."]
    w.close()


def test_an_autosave_on_a_full_disk_says_so_in_words(qtbot, window, image_files, full_disk):  # noqa: F811
    saver = window.autosaver
    masked_photo(qtbot, window, image_files, 1)
    full_disk(pictures_folder(saver.path), room=10)
    with qtbot.waitSignal(window.document.error, timeout=TIMEOUT) as said:
        saver.save_now()
    assert said.args == ["Autosave failed (the disk is full); your work is still open, export it to keep it"]


def test_keep_for_next_time_on_a_full_disk_says_so_in_words(qtbot, window, image_files, full_disk, capsys):  # noqa
    saver = window.autosaver
    masked_photo(qtbot, window, image_files, 1)
    full_disk(pictures_folder(saver.path), room=10)
    assert not saver.keep()
    assert window.last_error == ("Your work could not be kept (the disk is full): genimg stays open, export it to "
                                 "keep it")
    assert "Traceback" not in capsys.readouterr().err


def test_a_session_file_too_large_for_the_disk_is_an_os_error_not_the_librarys(tmp_path):
    """safetensors' own error ("Error while serializing: I/O error: … (os error 27)") went through as a bug, with a
    traceback on stderr: it is the OSError it carries, which the window puts in words."""
    image = np.zeros((64, 64, 3), np.uint8)
    session = sess.Session([sess.SessionItem("vae", "one", image, image,
                                             History(EditState(np.zeros(50_000, np.float32), ())))])
    path = tmp_path / "s.safetensors"
    sess.write_packed(sess.pack_session(session), path)  # its picture written; the session file is what fails
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    before = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))  # as a disk that has 100 kB left
    try:
        with pytest.raises(OSError) as e:
            sess.write_packed(sess.pack_session(session), path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, before)
    assert e.value.errno == errno.EFBIG and e.value.filename == str(path)
    assert fileio.why_not_written(e.value) == "file too large"
