"""The main window on the real engine and tiny models, files in and out: drop, paste, export, bad files and
the message log, Cancel, closing and reopening images."""
from __future__ import annotations

import json
import shutil

import numpy as np
from PIL import Image
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication, QImage

from conftest import drag_drop
from genimg_gui import cli
from genimg_gui.edit import edited_latent
from genimg_gui.ui.qimage import from_qimage, to_qimage

from session_helpers import offered
from ui_helpers import TIMEOUT, drop, drop_and_wait, exports_written, shown, vae_items


def test_drop_files_fills_filmstrip_and_canvas(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files, 3)
    doc = window.document
    assert window.filmstrip.count() == 4  # the GAN sample and the three images
    assert [i.name for i in vae_items(window)] == [p.name for p in image_files]
    assert doc.current is vae_items(window)[-1]
    assert np.array_equal(shown(window), doc.current.image)
    assert np.array_equal(from_qimage(window.canvas.original), doc.current.original)
    window.filmstrip.setCurrentRow(1)  # clicking a thumbnail makes it current
    assert doc.current.name == image_files[0].name
    assert np.array_equal(shown(window), doc.current.image)


def test_export_png_and_latent(qtbot, window, image_files, tmp_path):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    doc = window.document
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: doc.current.shown_seq > 0 and doc.current.history.can_undo(), timeout=TIMEOUT)
    latent = doc.current_latent()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), doc.current.image), timeout=TIMEOUT)
    for scale, side in ((1, 32), (4, 128)):
        path = tmp_path / f"x{scale}.png"
        window.exports.export_png(str(path), scale=scale)
        exports_written(qtbot, window)  # the edit's picture, once drawn
        with Image.open(path) as im:
            assert im.size == (side, side) and im.mode == "RGB"
            if scale == 1:
                assert np.array_equal(np.asarray(im), doc.current.image)
    window.exports.export_latent(str(tmp_path / "edit"))  # the suffix is added
    with np.load(tmp_path / "edit.npz") as npz:
        assert set(npz.files) == {"latent", "base", "values", "labels", "model"}
        assert np.array_equal(npz["latent"], latent) and npz["latent"].shape == (512,)
        assert npz["values"][0] == 1.0 and len(npz["labels"]) == 16
        assert json.loads(str(npz["model"]))["name"] == "tiny-vae"


def test_the_windows_exported_latent_records_its_model_as_genimg_encode_does(qtbot, window, image_files, model_dir,
                                                                              tmp_path, monkeypatch):
    """One record (export.model_record) for both: name, absolute path, kind and the weights' SHA-256, the CLI's
    --vae typed relative to where it ran."""
    drop_and_wait(qtbot, window, image_files[:1], 1)
    window.exports.export_latent(str(tmp_path / "window.npz"))
    monkeypatch.chdir(model_dir)
    assert cli.main(["encode", "--vae", "tiny-vae", str(image_files[0]), "-o", str(tmp_path / "cli"),
                     "--device", "cpu"]) == 0
    records = []
    for path in (tmp_path / "window.npz", tmp_path / "cli" / f"{image_files[0].stem}.npz"):
        with np.load(path) as npz:
            records.append(json.loads(str(npz["model"])))
    assert records[0] == records[1]
    assert set(records[0]) == {"name", "path", "kind", "weights_sha256"}
    assert records[0]["path"] == str((model_dir / "tiny-vae").resolve()) and records[0]["weights_sha256"]


def test_export_to_an_unwritable_place_shows_an_error(qtbot, window, image_files, tmp_path):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    missing = tmp_path / "no such folder"
    window.exports.export_png(str(missing / "x.png"))  # was "…: no such file or directory"
    exports_written(qtbot, window)  # written (or not) off the GUI thread
    assert window.last_error == f"Could not write {missing / 'x.png'}: the folder {missing} does not exist"
    window.exports.export_latent(str(missing / "x.npz"))
    assert window.last_error == f"Could not write {missing / 'x.npz'}: the folder {missing} does not exist"
    (tmp_path / "taken.png").mkdir()
    window.exports.export_png(str(tmp_path / "taken.png"))  # in words, not "[Errno 21] Is a directory: '…'"
    exports_written(qtbot, window)
    assert window.last_error == f"Could not write {tmp_path / 'taken.png'}: a folder of that name is in the way"


def test_bad_drop_shows_error_and_app_keeps_working(qtbot, window, image_files, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    drop(window, [bad])
    qtbot.waitUntil(lambda: "notes.png" in window.last_error, timeout=TIMEOUT)
    assert "not an image" in window.last_error and not vae_items(window)
    drop_and_wait(qtbot, window, image_files[:2], 2)
    assert window.filmstrip.count() == 3


def test_a_bad_file_dropped_with_a_good_one_stays_on_show_after_the_good_one_opens(qtbot, window, image_files,
                                                                                  tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)  # a PNG signature and nothing readable after it
    drop_and_wait(qtbot, window, [bad, image_files[0]], 1)
    qtbot.waitUntil(lambda: "broken.png" in window.last_error, timeout=TIMEOUT)
    # the files not opened are told once the drop is done, after the good file's "Encoded": it used to replace them
    assert "Encoded" in window.status.log.text() and "broken.png" in window.statusBar().currentMessage()


def test_an_error_gone_from_the_status_bar_can_still_be_read_in_the_message_log(qtbot, window, image_files,
                                                                                 tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    drop_and_wait(qtbot, window, [bad, image_files[0]], 1)
    qtbot.waitUntil(lambda: "broken.png" in window.last_error, timeout=TIMEOUT)
    button = window.status.log_button
    assert button.text() == "⚠ 1 in log" and button.isVisible()
    window.status.clearMessage()  # as its 15 s ending does
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.show_message_log()
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert any("broken.png" in r and "⚠" in r for r in rows)  # the error, marked
    assert any("Encoded" in r for r in rows)  # and the good file's message
    assert button.text() == "Log"  # looked at: no longer counted
    window.document.error.emit("a later problem")
    assert dialog.list.item(dialog.list.count() - 1).text().endswith("⚠ a later problem")  # follows while open
    assert button.text() == "Log"
    dialog.close()
    window.document.error.emit("a later problem")
    assert button.text() == "⚠ 1 in log" and "(×2)" in window.status.log.text()  # a repeat is one line
    for _ in range(3):  # ...and counted as one
        window.document.error.emit("a later problem")
    assert button.text() == "⚠ 1 in log" and "(×5)" in window.status.log.text()
    dialog.show()
    assert dialog.list.item(dialog.list.count() - 1).text().endswith("⚠ a later problem  (×5)")
    qtbot.mouseClick(dialog.clear, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 0 and not window.status.log.entries and button.text() == "Log"


def test_paste_from_clipboard(qtbot, window):
    image = QImage(20, 10, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    image.setPixelColor(0, 0, Qt.GlobalColor.red)
    QGuiApplication.clipboard().setImage(image)
    window.opener.paste()
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1, timeout=TIMEOUT)
    item = vae_items(window)[0]
    assert item.name == "pasted image" and item.original.shape == (32, 32, 3)
    assert (item.original == 255).mean() > 0.95  # transparency came through as white
    QGuiApplication.clipboard().clear()
    window.opener.paste()
    assert window.last_error == "The clipboard holds no image"


def test_dropped_image_data(qtbot, window):
    mime = QMimeData()
    mime.setImageData(to_qimage(np.full((8, 8, 3), (0, 0, 255), np.uint8)))
    assert drag_drop(window, mime, (5, 5)) is not None
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1, timeout=TIMEOUT)
    assert (vae_items(window)[0].original == (0, 0, 255)).all()


def test_cancel_hides_the_progress_bar(qtbot, window, image_files, tmp_path):
    status, doc = window.status, window.document
    copies = [shutil.copy(image_files[i % 3], tmp_path / f"copy{i}.png") for i in range(300)]  # one file opens once
    seq = doc.open_files([str(p) for p in copies])
    qtbot.waitUntil(lambda: not status.cancel.isHidden(), timeout=TIMEOUT)
    with qtbot.waitSignal(doc.message, timeout=TIMEOUT, check_params_cb=lambda m: m == "Cancelled"):
        status.cancel.click()
    assert len(vae_items(window)) < 300 and seq not in doc.jobs
    # a cancelled job never reports fraction 1.0: the bar and its Cancel button must go all the same
    assert status.bar.isHidden() and status.cancel.isHidden(), "the progress bar outlives the cancelled job"


def test_closing_images_picks_a_neighbour_and_reopen_brings_them_back_with_their_history(
        qtbot, window, image_files, reference):
    drop_and_wait(qtbot, window, image_files[:2], 2)
    doc, strip = window.document, window.filmstrip
    gan, first, second = doc.items.values()
    window.filmstrip.setCurrentRow(1)
    window.sliders.sliders[0].setValue(100)  # an edit to find again after reopening
    qtbot.waitUntil(lambda: first.history.can_undo(), timeout=TIMEOUT)
    window.close_action.trigger()  # File → Close image: the next one becomes current
    assert [strip.item(r).text() for r in range(strip.count())] == [gan.name, second.name]
    assert doc.current is second and list(doc.items.values()) == [gan, second]
    assert np.array_equal(shown(window), second.image)
    strip.context_menu(1).actions()[0].trigger()  # right-click → Close: the last one's neighbour is before it
    assert doc.current is gan and strip.count() == 1 and window.reopen_action.isEnabled()
    window.close_action.trigger()
    assert doc.current is None and strip.count() == 0 and window.canvas.edited is None
    assert not window.close_action.isEnabled() and not window.undo_action.isEnabled()
    assert not window.sliders.isEnabled()  # nothing to edit
    for _ in range(3):
        window.reopen_action.trigger()  # the last closed first, each back at its place
    assert list(doc.items.values()) == [gan, first, second] and doc.current is first
    assert [strip.item(r).text() for r in range(strip.count())] == [gan.name, first.name, second.name]
    assert strip.currentRow() == 1
    assert not window.reopen_action.isEnabled() and first.history.current.values[0] == 1.0
    window.undo_action.trigger()
    assert first.history.current.values[0] == 0.0
    unedited = reference.decode("vae", first.history.current.base)
    qtbot.waitUntil(lambda: np.array_equal(shown(window), unedited), timeout=TIMEOUT)


def test_an_image_closed_before_its_edit_was_drawn_shows_the_edit_when_reopened(qtbot, window, image_files,
                                                                               reference):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    doc = window.document
    item = doc.current
    decoded = []
    doc.engine.result.connect(lambda r: decoded.append(r.seq) if type(r).__name__ == "Decoded" else None)
    window.sliders.sliders[0].setValue(200)  # committed; its decode comes back after the close, and is dropped
    doc.close_item()
    qtbot.waitUntil(lambda: item.requested_seq in decoded, timeout=TIMEOUT)
    assert doc.reopen_closed() is item
    expected = reference.decode("vae", edited_latent(item.history.current, reference.models["vae"].directions))
    qtbot.waitUntil(lambda: np.array_equal(item.image, expected), timeout=TIMEOUT)
    assert np.array_equal(item.thumbs[item.history.current_id], expected)  # its thumbnail is the edit too


def test_closing_every_image_leaves_no_session_to_restore(qtbot, window, image_files):
    from genimg_gui.session import session_file

    drop_and_wait(qtbot, window, image_files[:1], 1)
    window.autosaver.save_now()
    window.autosaver.wait()  # written (or removed) on the autosave's own thread
    assert session_file().is_file()
    while window.document.current is not None:
        window.close_action.trigger()
    window.autosaver.save_now()
    window.autosaver.wait()
    assert not session_file().exists()
    # a session restored at the start and closed before its first autosave is gone too
    drop_and_wait(qtbot, window, image_files[:1], 1)
    window.autosaver.save_now()
    window.autosaver.wait()
    window.close_action.trigger()
    window.autosaver.saves, window.autosaver.had_items = 0, False  # as a fresh start finds it
    window.questions.ask_restore = lambda names: True
    assert offered(qtbot, window) == 1  # read off the GUI thread, as a start reads it
    qtbot.waitUntil(lambda: window.document.current is not None, timeout=TIMEOUT)
    window.close_action.trigger()
    window.autosaver.save_now()
    window.autosaver.wait()
    assert not session_file().exists()


def test_fit_new_images_is_in_the_file_menu_in_step_with_the_toolbar(window):
    file = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    fit = next(a.menu() for a in file.actions() if a.menu() is not None and a.text() == "Fit new &images")
    crop, letterbox = fit.actions()
    assert crop.text() == "&crop" and crop.isChecked() and window.fit_mode.currentText() == "crop"
    letterbox.trigger()
    assert window.fit_mode.currentText() == "letterbox" and not crop.isChecked()
    window.fit_mode.setCurrentIndex(0)  # the toolbar's box: the menu follows
    assert crop.isChecked() and not letterbox.isChecked()
