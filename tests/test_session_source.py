"""A picture kept for next time and switched to another VAE after the restart: encoded again from its pixels as
opened, at its own aspect, as a switch before the restart does. Sessions kept the last VAE's fit alone: a switch read
the picture's file again while it was as it was when opened, and otherwise (a file changed or gone since, a pasted
picture, which has none) encoded that fit, a 32-px square crop of a 5:3 photo, which the TAESD kept square and 32 px;
now they keep the pixels, as a PNG. A session saved before they were kept still reads the file, else encodes the
fit, and says so."""
from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QGuiApplication

import foreign_builders as fb
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.qimage import to_qimage

from session_helpers import TIMEOUT, _rewritten, offered
from test_switch_shapes import photo  # noqa: F401 (a fixture: the 5:3 photo)


def kept_and_restarted(qtbot, window, model_dir, photo, before_restart=lambda: None,
                       open_it=None) -> MainWindow:
    """The photo opened by the 32-px tiny VAE (open_it(window): another way to open a picture) and kept on quitting;
    before_restart() run while genimg is not running; then a window started as genimg starts, the kept picture back
    in it."""
    doc = window.document
    [auto] = doc.items.values()  # the window's own start-up sample, left out of what is kept
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        (open_it or (lambda w: w.open_paths([str(photo)])))(window)
    name = doc.current.name
    assert doc.current.original.shape == (32, 32, 3)  # the tiny VAE's square crop
    doc.close_item(auto.id)
    kept = replace(doc.to_session(), kept=True)
    window.close()
    sess.save_session(kept)
    before_restart()
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    for model in ("tiny-vae", "tiny-gan"):
        again.document.load_model(str(model_dir / model))
    assert offered(qtbot, again) == 1
    # the picture back on screen, the session's models loaded: before, the start-up sample could still be the one
    # on screen, and a load asked then could be taken over by the session's own
    restored = again.document
    qtbot.waitUntil(lambda: getattr(restored.current, "name", "") == name and not restored.jobs, timeout=TIMEOUT)
    return again


def switched_to_a_spatial_vae(qtbot, window, tmp_path):
    """The picture on screen once a TAESD (latents (4, h/8, w/8), pictures at their own size) has encoded it."""
    doc = window.document
    item = doc.current
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])
    qtbot.waitUntil(lambda: item.history.current.base.ndim == 3 and item.shown_seq >= item.requested_seq,
                    timeout=TIMEOUT)
    return item


def test_a_kept_picture_is_encoded_again_from_its_file_after_a_restart(qtbot, window, model_dir, photo, tmp_path):
    """After a restart a switch encoded the 32-px VAE's square crop again: the 5:3 photo stayed a 32-px square."""
    again = kept_and_restarted(qtbot, window, model_dir, photo)
    item = switched_to_a_spatial_vae(qtbot, again, tmp_path)  # the switch reads the file again
    assert item.original.shape == (120, 200, 3) and item.history.current.base.shape == (4, 15, 25)
    assert np.array_equal(item.original, np.asarray(Image.open(photo)))  # the whole photo, as a switch before
    assert again.last_error == ""
    again.close()


def changed_or_gone(photo, since: str):
    """What before_restart does to the photo's file: writes another picture over it, or deletes it."""
    def meanwhile() -> None:
        if since == "deleted":
            photo.unlink()
            return
        Image.fromarray(np.full((90, 300, 3), 200, np.uint8)).save(photo)
        os.utime(photo, ns=(os.stat(photo).st_atime_ns, os.stat(photo).st_mtime_ns + 10**9))
    return meanwhile


@pytest.mark.parametrize("since", ["changed", "deleted"])
def test_a_file_changed_or_gone_since_it_was_opened_leaves_its_pixels_as_opened_to_encode(since, qtbot, window,
                                                                                       model_dir, photo, tmp_path):
    """As a switch before the restart: the whole 5:3 photo as it was opened, not the 32-px square crop the last VAE
    fitted (nor the picture now at that path), and nothing said of a fit."""
    as_opened = np.asarray(Image.open(photo))
    again = kept_and_restarted(qtbot, window, model_dir, photo, changed_or_gone(photo, since))
    said: list[str] = []
    again.document.message.connect(said.append)
    item = switched_to_a_spatial_vae(qtbot, again, tmp_path)
    assert item.original.shape == (120, 200, 3) and item.history.current.base.shape == (4, 15, 25)
    assert np.array_equal(item.original, as_opened)
    assert any("Encoding your pictures again" in text for text in said)
    assert not any("fit" in text for text in said) and again.last_error == ""
    again.close()


def test_a_kept_pasted_picture_is_encoded_again_from_its_pixels_after_a_restart(qtbot, window, model_dir, tmp_path):
    """A pasted picture has no file to read again: after a restart the TAESD silently got the 32-px crop."""
    y, x = np.mgrid[0:120, 0:200]
    pasted = np.stack([x * 255 / 199, y * 255 / 119, np.full_like(x, 90.0)], -1).astype(np.uint8)

    def paste(w) -> None:
        QGuiApplication.clipboard().setImage(to_qimage(pasted))
        w.opener.paste()
    again = kept_and_restarted(qtbot, window, model_dir, None, open_it=paste)
    item = switched_to_a_spatial_vae(qtbot, again, tmp_path)
    assert item.original.shape == (120, 200, 3) and np.array_equal(item.original, pasted)
    again.close()


@pytest.mark.parametrize("since", ["changed", "deleted"])
def test_a_session_saved_before_the_pixels_were_kept_encodes_the_last_fit_and_says_so(since, qtbot, window,
                                                                                      model_dir, photo, tmp_path):
    """Its file is another picture now, or none: the kept picture is not made into it, unsaid."""
    def meanwhile() -> None:
        _rewritten(sess.session_file(), lambda doc: [item.pop("source", None) for item in doc["items"]])
        changed_or_gone(photo, since)()
    again = kept_and_restarted(qtbot, window, model_dir, photo, meanwhile)
    kept_fit = again.document.current.original.copy()
    said: list[str] = []
    again.document.message.connect(said.append)
    item = switched_to_a_spatial_vae(qtbot, again, tmp_path)
    assert item.source is None and item.original.shape == (32, 32, 3)
    assert np.array_equal(item.original, kept_fit)
    assert again.last_error == ""
    # said in the switch's one message (the TAESD would have taken the whole 5:3 photo; it got the 32-px crop)
    what = "gone" if since == "deleted" else "changed since it was opened"
    [switch] = [text for text in said if "Encoding your pictures again" in text]
    assert f"{photo.name} is encoded from its 32×32 fit: its file is {what}" in switch
    again.close()


def test_a_kept_picture_whose_file_is_as_it_was_says_nothing_of_its_fit(qtbot, window, model_dir, photo, tmp_path):
    again = kept_and_restarted(qtbot, window, model_dir, photo)
    said: list[str] = []
    again.document.message.connect(said.append)
    switched_to_a_spatial_vae(qtbot, again, tmp_path)
    assert any("Encoding your pictures again" in text for text in said)
    assert not any("fit" in text for text in said)
    again.close()


def test_several_pictures_encoded_from_their_fit_are_counted_in_one_note():
    from genimg_gui.ui.switch_notes import from_fit_note
    lost = [("a.png", (32, 32), "gone"), ("b, c.png", (32, 32), "changed since it was opened")]
    assert from_fit_note(lost) == ("2 pictures are encoded from their last fit (“a.png” and “b, c.png”): their files "
                                   "are changed or gone")
    assert from_fit_note([]) is None
