"""A latent file opened again while the item it gave is open is shown, not opened as "x (2)", as a picture is
(already_open): also at a start that restores a kept session holding it and is given it on the command line (a
file manager's "Open with"), which grew a copy each start. A latent file that cannot be opened leaves File → Open
recent, as a damaged picture does; it stayed there. Its Compare panes are named for what they show: no "Original"."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np

from conftest import UI_TIMEOUT
from genimg_gui import catalog, cli
from genimg_gui import session as sess
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.canvas import CompareMode
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.settings import Settings

from session_helpers import offered
from test_masked_edits import open_images
from test_open_latents import edited_export, opened
from test_seed_steps import typed_seed
from ui_helpers import drop


def named_x(doc) -> list[str]:
    return sorted(i.name for i in doc.items.values() if i.name.startswith("x"))


def test_a_latent_file_opened_again_is_shown_not_copied(qtbot, window, image_files, tmp_path):
    doc = window.document
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "x.npz")
    item = opened(qtbot, window, tmp_path / "x.npz")
    doc.select(next(i for i in doc.items if i != item.id))
    window.open_paths([str(tmp_path / "x.npz")])
    assert not window.opener.latents.drawing and named_x(doc) == ["x"]
    assert doc.current is item and window.status.log.text().rstrip().endswith("x.npz is open already (as “x”): shown")
    shutil.copy(tmp_path / "x.npz", tmp_path / "copy.npz")  # the same bytes at another path: the same picture
    window.open_paths([str(tmp_path / "copy.npz")])
    assert not window.opener.latents.drawing and named_x(doc) == ["x"]
    assert "copy.npz is open already (the same picture as “x”, opened from" in window.status.log.text()


def test_a_gan_sample_file_opened_twice_at_once_opens_once(qtbot, window, model_dir, tmp_path):
    """Both asked for before the first came: the second is the first's, shown when it comes."""
    doc = window.document
    assert cli.main(["generate", "--gan", str(model_dir / "tiny-gan"), "--seeds", "42", "--save-latents",
                     "-o", str(tmp_path), "--device", "cpu"]) == 0
    shutil.copy(tmp_path / "seed0042.npz", tmp_path / "again.npz")
    new = opened(qtbot, window, tmp_path / "seed0042.npz",
                 lambda: window.open_paths([str(tmp_path / "seed0042.npz"), str(tmp_path / "again.npz")]))
    qtbot.waitUntil(lambda: not window.opener.latents.drawing, timeout=UI_TIMEOUT)
    assert [i.name for i in doc.items.values()].count("seed 42") == 1 and not new.latent_by_model
    assert "again.npz is open already (the same picture as “seed 42”, opened from" in window.status.log.text()


def test_a_sample_file_open_already_is_named_by_its_file_beside_its_thumbnails_name(qtbot, window, model_dir,
                                                                                     tmp_path):
    """seed0003.npz opened again after its sample was stepped to seed 9 said "seed 9 is open already: shown", and a
    drop of it with s5.npz "2 images are open already (“seed 5”, “seed 9”)": neither named a file opened."""
    doc = window.document
    assert cli.main(["generate", "--gan", str(model_dir / "tiny-gan"), "--seeds", "3,5", "--save-latents",
                     "-o", str(tmp_path), "--device", "cpu"]) == 0
    (tmp_path / "seed0005.npz").rename(tmp_path / "s5.npz")
    s5, seed3 = tmp_path / "s5.npz", tmp_path / "seed0003.npz"
    five = opened(qtbot, window, s5)
    window.open_paths([str(s5)])
    assert doc.current is five and window.status.log.entries[-1].text == "s5.npz is open already (as “seed 5”): shown"
    three = opened(qtbot, window, seed3)
    typed_seed(qtbot, window, three, 9)  # the sample the file gave, stepped to another seed
    assert three.name == "seed 9"
    doc.select(five.id)
    window.open_paths([str(seed3)])  # as `genimg-gui seed0003.npz` or File → Open recent
    assert doc.current is three and not window.opener.latents.drawing
    assert window.status.log.entries[-1].text == "seed0003.npz is open already (now “seed 9”): shown"
    drop(window, [s5, seed3])
    assert window.status.log.entries[-1].text == (
        "2 images are open already (“s5.npz” as “seed 5” and “seed0003.npz” now “seed 9”): “seed 9” shown")
    assert doc.current is three and len(doc.items) == 3


def test_a_drop_of_a_picture_and_a_latent_file_both_open_is_said_in_one_message(qtbot, window, model_dir,
                                                                                  image_files, tmp_path):
    """The status bar said "image 0.png is open already: shown", and "seed 5 is open already: shown" was in the log
    alone: two messages for one drop, where two pictures (or two latent files) are counted in one."""
    doc, log = window.document, window.status.log
    assert cli.main(["generate", "--gan", str(model_dir / "tiny-gan"), "--seeds", "5", "--save-latents",
                     "-o", str(tmp_path), "--device", "cpu"]) == 0
    latent = tmp_path / "seed0005.npz"
    [picture] = open_images(qtbot, window, image_files[:1])
    sample = opened(qtbot, window, latent)
    for dropped, shown in (([image_files[0], latent], sample), ([latent, image_files[0]], picture)):
        doc.select(next(iter(doc.items)))  # the GAN's first sample
        before = len(log.entries)
        drop(window, dropped)
        assert not window.opener.latents.drawing and not doc.jobs and len(doc.items) == 3
        names = [f"“{image_files[0].name}”", "“seed0005.npz” as “seed 5”"][::1 if shown is sample else -1]
        assert [e.text for e in list(log.entries)[before:]] == [
            f"2 images are open already ({' and '.join(names)}): “{shown.name}” shown"]  # the last dropped shown
        assert doc.current is shown and window.status.currentMessage() == log.entries[-1].text


def test_a_kept_session_holding_a_latent_file_given_at_start_keeps_one_copy(qtbot, window, model_dir, image_files,
                                                                           tmp_path):
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "x.npz")
    opened(qtbot, window, tmp_path / "x.npz")
    kept = replace(window.document.to_session(), kept=True)
    window.close()
    sess.save_session(kept)
    for _ in range(2):  # two starts: it grew by one each time
        again = MainWindow(Engine("cpu"), [catalog.read_entry(model_dir / "tiny-vae")])
        qtbot.addWidget(again)
        doc = again.document
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(model_dir / "tiny-vae"))
        again.open_paths([str(tmp_path / "x.npz")], named=True)  # `genimg-gui x.npz`, as a file manager's Open with
        assert offered(qtbot, again) == 2
        latents = again.opener.latents
        qtbot.waitUntil(lambda: "x" in {i.name for i in doc.items.values()} and not doc.jobs
                        and not latents.waiting and not latents.drawing, timeout=UI_TIMEOUT)
        assert named_x(doc) == ["x"]
        assert "x.npz is open already (as “x”): shown" in again.status.log.text()
        kept = replace(doc.to_session(), kept=True)
        again.close()
        sess.save_session(kept)


def recent() -> list[str]:
    return Settings().recent_files()


def test_latent_files_that_cannot_be_opened_leave_open_recent(qtbot, window, tmp_path):
    doc = window.document
    (tmp_path / "cut.npz").write_bytes(b"PK\x03\x04" + b"\0" * 20)
    window.open_paths([str(tmp_path / "cut.npz")])
    qtbot.waitUntil(lambda: "cut.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert str(tmp_path / "cut.npz") not in recent()
    # a latent that does not fit the weights it records: damaged
    record = json.dumps({"name": "tiny-vae", "kind": "vae", "weights_sha256": doc.models["vae"].identity})
    np.savez(tmp_path / "short.npz", latent=np.zeros(7, np.float32), model=np.asarray(record))
    window.open_paths([str(tmp_path / "short.npz")])
    qtbot.waitUntil(lambda: "short.npz" in window.last_error, timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: str(tmp_path / "short.npz") not in recent(), timeout=UI_TIMEOUT)
    # one that records no model may be another VAE's, which draws it; one whose model is not here opens with it
    np.savez(tmp_path / "bare.npz", latent=np.zeros(7, np.float32))
    np.savez(tmp_path / "lost.npz", latent=np.zeros(512, np.float32),
             model=np.asarray(json.dumps({"name": "gone-vae", "path": str(tmp_path / "gone"), "kind": "vae"})))
    for name in ("bare.npz", "lost.npz"):
        window.open_paths([str(tmp_path / name)])
        qtbot.waitUntil(lambda: name in window.last_error, timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: not window.opener.latents.drawing, timeout=UI_TIMEOUT)
    assert {str(tmp_path / "bare.npz"), str(tmp_path / "lost.npz")} <= set(recent())


def test_a_vae_latent_file_opened_again_names_its_left_pane_as_decoded_not_original(qtbot, window, image_files,
                                                                                   tmp_path):
    """x.npz (a picture's PC1 moved, exported, closed) opened again read "Original" over its left pane, which is the
    VAE's drawing of the file's unedited latent (its History's "Opened"), no photo; the photo's item still reads so."""
    doc, canvas = window.document, window.canvas
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    source, = open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "x.npz")
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Original", "Edited (decoded)")
    window.close_action.trigger()  # File → Close image
    assert source.id not in doc.items
    item = opened(qtbot, window, tmp_path / "x.npz")
    assert doc.current is item and item.kind == "vae"
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Opened (decoded)", "Edited (decoded)")
    photo, = open_images(qtbot, window, image_files[1:2])
    assert doc.current is photo
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Original", "Edited (decoded)")
    doc.select(item.id)
    assert canvas.pane_label("original") == "Opened (decoded)"
