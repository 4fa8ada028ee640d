"""The main window on the real engine and tiny models: drop, edit, undo, export, generate, paste."""
from __future__ import annotations

import json
import shutil

import numpy as np
import torch
from PIL import Image
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QDockWidget

from conftest import TINY_GAN, TINY_VAE, drag_drop, file_mime, make_model_folder
from genimg_gui.edit import edited_latent
from genimg_gui.models.directions import pca, save_directions
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.engine.runtime import Runtime
from genimg_gui.seed_draws import OWN, SKIP_MIXTURES
from genimg_gui.session import load_session, save_session
from genimg_gui.ui.canvas import CompareMode
from genimg_gui.catalog import SHORT_METRIC, bundled_models
from genimg_gui.ui.model_panel import ModelPanel, human_count
from genimg_gui.ui.qimage import from_qimage, to_qimage

TIMEOUT = 30_000  # ms; the first VAE load estimates directions (seconds on a busy CPU)


def drop(window, paths) -> None:
    """A real drag-enter + drop of file URLs onto the window."""
    assert drag_drop(window, file_mime(paths)) is not None


def vae_items(window) -> list:
    return [i for i in window.document.items.values() if i.kind == "vae"]


def drop_and_wait(qtbot, window, paths, expected_total: int) -> None:
    drop(window, paths)
    qtbot.waitUntil(lambda: len(vae_items(window)) == expected_total, timeout=TIMEOUT)


def the_sample(window):
    """The window's one item, its first GAN sample, made current by a click on its thumbnail."""
    [item] = window.document.items.values()
    window.filmstrip.setCurrentRow(0)
    return item


def load_other(qtbot, doc, folder) -> Runtime:
    """Load another model folder in the window; returns a Runtime on it, made after the window cached its
    directions, to draw what the window should show."""
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(folder))
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    return reference


def shown(window) -> np.ndarray:
    return from_qimage(window.canvas.edited)


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


def test_slider_edit_undo_redo(qtbot, window, image_files, reference):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    doc, sliders = window.document, window.sliders
    item = doc.current
    assert len(sliders.sliders) == 16 and sliders.isEnabled()
    # the app's directions are the ones a fresh load of the folder reads back from the cache
    ref_dirs = reference.models["vae"].directions
    assert np.array_equal(doc.directions("vae").basis, ref_dirs.basis)
    before = item.image.copy()
    assert np.array_equal(before, reference.decode("vae", item.history.current.base))

    def expect(values) -> np.ndarray:
        return reference.decode("vae", edited_latent(item.history.current.with_values(values), ref_dirs))

    sliders.sliders[0].setValue(150)  # 1.5 sigma: one committed edit (not a drag)
    first = expect((1.5,) + (0.0,) * 15)
    assert not np.array_equal(first, before)
    qtbot.waitUntil(lambda: np.array_equal(item.image, first) and np.array_equal(shown(window), first),
                    timeout=TIMEOUT)
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()

    qtbot.keyClick(sliders.sliders[2], Qt.Key.Key_PageUp)  # a key step: a second edit, once the keys rest
    second_values = (1.5, 0.0, 0.5) + (0.0,) * 13
    qtbot.waitUntil(lambda: len(item.history) == 3, timeout=TIMEOUT)
    assert item.history.current.values == second_values and len(item.history) == 3
    second = expect(second_values)
    qtbot.waitUntil(lambda: np.array_equal(shown(window), second), timeout=TIMEOUT)

    window.undo_action.trigger()
    assert sliders.values() == (1.5,) + (0.0,) * 15
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    window.undo_action.trigger()
    assert sliders.values() == (0.0,) * 16 and not window.undo_action.isEnabled()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), before), timeout=TIMEOUT)
    assert np.array_equal(item.image, before)  # the original pixels exactly

    window.redo_action.trigger()
    assert sliders.values()[0] == 1.5
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    assert window.redo_action.isEnabled()


def test_keyboard_undo(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    item = window.document.current
    before = item.image.copy()
    window.sliders.sliders[1].setValue(-200)
    qtbot.waitUntil(lambda: not np.array_equal(item.image, before), timeout=TIMEOUT)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.sliders.values() == (0.0,) * 16
    qtbot.waitUntil(lambda: np.array_equal(shown(window), before), timeout=TIMEOUT)


def test_keyboard_redo_is_ctrl_shift_z_or_ctrl_y(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    history = window.document.current.history
    window.sliders.sliders[1].setValue(-200)
    window.sliders.sliders[2].setValue(100)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    ctrl = Qt.KeyboardModifier.ControlModifier
    for _ in range(2):
        qtbot.keyClick(window.canvas, Qt.Key.Key_Z, ctrl)
    assert history.current_id == 0
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert history.current_id == 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, ctrl)
    assert history.current_id == 2 and window.sliders.values()[1:3] == (-2.0, 1.0)


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


def test_export_to_an_unwritable_place_shows_an_error(qtbot, window, image_files, tmp_path):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    missing = tmp_path / "no such folder"
    window.exports.export_png(str(missing / "x.png"))  # was "…: no such file or directory"
    assert window.last_error == f"Could not write {missing / 'x.png'}: the folder {missing} does not exist"
    window.exports.export_latent(str(missing / "x.npz"))
    assert window.last_error == f"Could not write {missing / 'x.npz'}: the folder {missing} does not exist"
    (tmp_path / "taken.png").mkdir()
    window.exports.export_png(str(tmp_path / "taken.png"))  # in words, not "[Errno 21] Is a directory: '…'"
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


def test_gan_seed_and_send_to_vae(qtbot, window, reference):
    doc, panel = window.document, window.gan_panel
    [gan_item] = doc.items.values()
    assert panel.isEnabled() and gan_item.kind == "gan"
    window.filmstrip.setCurrentRow(0)
    assert doc.current is gan_item
    seed, psi, gan_class, draw = panel.values()
    assert gan_class is None and draw == OWN  # no classes, and no discriminator to refine with: the seed's own z
    assert np.array_equal(gan_item.image, reference.decode("gan", reference.map_seed(seed, psi)))
    panel.seed.setValue(seed + 1)
    expected = reference.decode("gan", reference.map_seed(seed + 1, psi))
    assert not np.array_equal(expected, gan_item.image)
    qtbot.waitUntil(lambda: np.array_equal(gan_item.image, expected), timeout=TIMEOUT)
    assert gan_item.seed == seed + 1 and len(doc.items) == 1 and gan_item.history.can_undo()
    assert np.array_equal(shown(window), expected)
    panel.send_button.click()
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1, timeout=TIMEOUT)
    sent = vae_items(window)[0]
    assert sent.name == f"seed {seed + 1} (to VAE)" and np.array_equal(sent.original, expected)
    assert doc.current is sent and window.filmstrip.count() == 2


def test_send_to_vae_is_greyed_out_for_a_vae_picture_saying_why_and_back_for_a_gan_sample(qtbot, window,
                                                                                           image_files):
    doc, button = window.document, window.gan_panel.send_button
    sample = the_sample(window)
    assert button.isEnabled()
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [picture] = vae_items(window)
    assert doc.current is picture
    # a VAE picture sent again came back as its own blurred copy, "image 0.png (2) (to VAE)"
    assert not button.isEnabled()
    assert button.toolTip() == button.statusTip() == "For GAN samples and inversions: this picture is already the VAE's"
    doc.send_to_vae()  # nor by any other way in
    qtbot.wait(300)
    assert len(doc.items) == 2
    window.filmstrip.setCurrentRow(list(doc.items).index(sample.id))
    assert button.isEnabled() and "Encode this GAN picture" in button.toolTip()
    doc.close_item(sample.id)
    doc.close_item(picture.id)
    assert not button.isEnabled() and button.toolTip().endswith("none is open")


def test_a_seed_typed_past_the_range_is_named_in_the_status_bar(qtbot, window):
    panel = window.gan_panel
    window.tabs.setCurrentWidget(panel)
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "99999999999")
    assert panel.seed.text() == "999999999"
    assert window.status.currentMessage() == "9999999999 is too large for a seed: seeds go from 0 to 2147483647"


def test_a_vae_picture_shows_no_seed_and_random_seed_then_makes_a_new_sample_leaving_it(qtbot, window,
                                                                                         image_files):
    doc, panel = window.document, window.gan_panel
    window.tabs.setCurrentWidget(panel)
    sample = the_sample(window)
    assert panel.seed.text() == str(sample.seed) == "0"  # the first sample's seed 0 shows as 0
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [picture] = vae_items(window)
    assert doc.current is picture and panel.seed.text() == "—" and picture.name in panel.no_seed_note.text()
    image, latent = picture.image, picture.history.current.base
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        panel.random_button.click()
    new = doc.current
    assert new.kind == "gan" and new is not sample and panel.seed.text() == str(new.seed)
    assert picture.image is image and picture.history.current.base is latent and len(picture.history) == 1
    while doc.current is not None:
        window.close_action.trigger()
    assert panel.seed.text() == "—" and "Nothing is open" in panel.no_seed_note.text()


def test_choosing_skip_mixtures_draws_the_seeds_steady_sample_and_undo_brings_its_own_back(
        qtbot, window, reference):
    panel = window.gan_panel
    gan_item = the_sample(window)
    seed, psi, _, draw = panel.values()
    steady = reference.decode("gan", reference.map_seed(seed, psi, None, SKIP_MIXTURES))
    own = reference.decode("gan", reference.map_seed(seed, psi))
    assert draw == gan_item.draw == OWN and np.array_equal(gan_item.image, own)  # no discriminator to refine with
    assert not np.array_equal(own, steady)  # the tiny GAN's seed 0 is not its own steadiest draw
    panel.draw_button(SKIP_MIXTURES).click()
    assert panel.values()[3] == SKIP_MIXTURES
    qtbot.waitUntil(lambda: np.array_equal(gan_item.image, steady), timeout=TIMEOUT)
    assert gan_item.draw == SKIP_MIXTURES
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), own), timeout=TIMEOUT)


def test_undo_of_a_new_seed_brings_back_its_seed_psi_draw_name_and_original_and_redo_the_new_ones(
        qtbot, window, reference, tmp_path):
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    seed, psi, _, _ = panel.values()
    first = reference.decode("gan", reference.map_seed(seed, psi))
    panel.seed.setValue(seed + 5)
    qtbot.waitUntil(lambda: item.seed == seed + 5, timeout=TIMEOUT)
    panel.psi.setValue(50)
    qtbot.waitUntil(lambda: item.psi == 0.5, timeout=TIMEOUT)
    later = reference.decode("gan", reference.map_seed(seed + 5, 0.5, None, SKIP_MIXTURES))
    panel.draw_button(SKIP_MIXTURES).click()
    qtbot.waitUntil(lambda: np.array_equal(item.image, later), timeout=TIMEOUT)
    window.sliders.sliders[0].setValue(window.sliders.sliders[0].maximum())  # an edit on the later sample
    qtbot.waitUntil(lambda: item.history.current.values[0] != 0, timeout=TIMEOUT)
    history = window.history_panel  # each step says what it changed
    assert [history.item_for(n).text(0) for n in range(len(item.history))] == [
        f"Generated by tiny-gan, seed {seed}", f"seed {seed + 5}", "ψ 0.50", "draw: Skip mixtures",
        f"{window.sliders.labels()[0]} +3.00σ"]
    window.undo_action.trigger()  # the edit: the later sample, as it was drawn, stays
    qtbot.waitUntil(lambda: np.array_equal(shown(window), later), timeout=TIMEOUT)
    assert panel.values() == (seed + 5, 0.5, None, SKIP_MIXTURES)
    while item.history.can_undo():  # back through the draw, ψ and seed changes to the first sample
        window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    assert panel.values() == (seed, psi, None, OWN) and (item.seed, item.draw) == (seed, OWN)
    assert window.filmstrip.item(0).text() == f"seed {seed}"
    assert np.array_equal(from_qimage(window.canvas.original), first)  # compare shows the first sample's own
    while item.history.can_redo():
        window.redo_action.trigger()
    qtbot.waitUntil(lambda: not np.array_equal(shown(window), later) and item.shown_seq >= item.requested_seq,
                    timeout=TIMEOUT)
    assert panel.values() == (seed + 5, 0.5, None, SKIP_MIXTURES) and item.history.current.values[0] != 0
    assert window.filmstrip.item(0).text() == f"seed {seed + 5}"
    assert np.array_equal(from_qimage(window.canvas.original), later)
    # a saved and restored session keeps each node's sample: undo on the restored copy brings back the first
    doc.restore(load_session(save_session(doc.to_session(), tmp_path / "session.safetensors")))
    restored = doc.current
    assert restored is not item and panel.values() == (seed + 5, 0.5, None, SKIP_MIXTURES)
    while restored.history.can_undo():
        window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    assert panel.values() == (seed, psi, None, OWN) and restored.name == f"seed {seed}"
    assert np.array_equal(from_qimage(window.canvas.original), first)


def test_a_vae_whose_latents_do_not_vary_has_no_sliders_and_says_why(qtbot, window, image_files, model_dir,
                                                                      tmp_path):
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "alike-vae")
    # the directions of a VAE trained on 12 copies of one picture: one latent 12 times (512 = 2×16×16)
    save_directions(folder, pca(torch.full((12, 512), 0.3), 16))
    load_other(qtbot, window.document, folder)
    drop_and_wait(qtbot, window, image_files[:1], 1)
    title = window.slider_title.text()
    assert window.sliders.labels() == () and "nan" not in title
    assert title == ("Directions of the VAE “tiny-vae”: none: its latents do not vary, so there is nothing to "
                     "move along (were its pictures all alike?)")


def test_model_panel_shows_the_card(window, model_dir):
    details = window.model_panel.details
    info = window.document.models["gan"]  # the details are those of the model loaded last
    assert details["Active VAE"].text() == "tiny-vae" and details["Active GAN"].text() == "tiny-gan"
    assert details["Parameters"].text() == human_count(info.parameters)
    assert details["Licence"].text() == "CC0" and details["Training data"].text() == "random init (test)"
    assert details["Latent size"].text() == "16 (16)" and details["Resolution"].text() == "32 px"
    assert window.model_panel.list.count() == 2
    assert all("active" in window.model_panel.list.item(i).text() for i in range(2))
    # selecting a listed model shows its card
    vae_row = next(i for i in range(2) if "VAE" in window.model_panel.list.item(i).text())
    window.model_panel.list.setCurrentRow(vae_row)
    vae = window.document.models["vae"]
    assert details["Kind"].text() == "VAE" and details["Latent size"].text() == "512 (2×16×16)"
    assert details["Kind"].toolTip() == "Architecture: ConvVAE"
    assert details["Parameters"].text() == human_count(vae.parameters)
    assert details["Load time"].text().endswith("on cpu")


def test_the_card_of_a_latent_gan_says_in_plain_words_which_vae_it_draws_in(qtbot):
    """The card read "GAN (LatentGenerator)" and, under Source, "latent space: of the VAE weights/emoji-vae
    (--latent-of)": a class name and a command-line option. The class name and the folder are in tooltips now."""
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_entries(bundled_models())
    panel.show()
    row = next(i for i in range(panel.list.count()) if panel.list.item(i).text().startswith("emoji-gan "))
    rect = panel.list.visualItemRect(panel.list.item(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    kind, source = panel.details["Kind"], panel.details["Source"]
    assert kind.text() == "GAN, drawing in the latent space of the VAE emoji-vae"
    assert kind.toolTip().splitlines() == ["Architecture: LatentGenerator",
                                           "The VAE's folder when it was trained: weights/emoji-vae"]
    assert source.text() == "genimg model folder"
    shown = [label.text() for label in panel.details.values()]
    assert not any("--" in text or "LatentGenerator" in text for text in shown)


def test_a_model_new_to_the_list_keeps_its_card_on_show_and_the_card_names_its_model(qtbot, window, model_dir,
                                                                                      tmp_path):
    panel = window.model_panel
    panel.list.setCurrentRow(0)
    shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")  # as a finished Train… run is loaded
    card = json.loads((tmp_path / "my-vae" / "card.json").read_text())
    card["training"]["data"] = "my own photos"
    (tmp_path / "my-vae" / "card.json").write_text(json.dumps(card))
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        window.document.load_model(str(tmp_path / "my-vae"))
    assert panel.list.count() == 3  # listed now...
    assert panel.details["Training data"].text() == "my own photos"  # ...and its card stays on show
    info = window.document.models["vae"]
    assert panel.details["Model"].text() == f"{info.name} (active)"
    assert panel.list.currentItem().data(Qt.ItemDataRole.UserRole) == info.path  # the selection follows it


def test_two_models_of_one_name_are_told_apart_and_the_selection_follows_the_loaded_one(qtbot, window, model_dir,
                                                                                       tmp_path):
    panel = window.model_panel
    gan_row = next(i for i in range(panel.list.count()) if "GAN" in panel.list.item(i).text())
    panel.list.setCurrentRow(gan_row)  # as the tester had it: the GAN's row highlighted
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "copies" / "tiny-vae")  # a copy, opened
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        window.model_opener.open_models([str(copy)])
    rows = [panel.list.item(i) for i in range(panel.list.count())]
    twins = [row for row in rows if row.text().startswith("tiny-vae ")]
    assert len(twins) == 2 and twins[0].text() != twins[1].text()
    assert any(row.text().endswith("in …/copies/tiny-vae") for row in twins)
    assert all(row.toolTip() == row.data(Qt.ItemDataRole.UserRole) for row in rows)  # each row's path
    assert panel.list.currentItem().data(Qt.ItemDataRole.UserRole) == str(copy.resolve())  # the one on show
    assert panel.details["Model"].text() == "tiny-vae (active)"


def test_a_long_model_card_scrolls_instead_of_widening_the_dock(qtbot, window):
    panel, dock = window.model_panel, window.findChild(QDockWidget, "edit_dock")
    window.tabs.setCurrentWidget(panel)
    qtbot.wait(50)
    width = dock.width()
    how = "measured against held-out images, " * 40
    card = {"kind": "gan", "training": {"data": "a folder of photos " * 60},
            "metrics": {"held_out_precision_k3_recall_k3_at_last_evaluation": [0.56, 0.46], "psnr_db": 30.1,
                        "how": how}}
    panel.cards[panel.list.item(0).data(Qt.ItemDataRole.UserRole)] = card
    panel.list.setCurrentRow(1)
    panel.list.setCurrentRow(0)
    qtbot.wait(50)
    metrics = panel.details["Metrics"]
    assert "held out precision k3 recall k3 at last evaluation: 0.56 / 0.46" in metrics.text()
    assert "PSNR dB: 30.1" in metrics.text() and how not in metrics.text()  # prose waits in the tooltip
    assert metrics.toolTip() == f"how: {how}" and len(how) > SHORT_METRIC
    assert dock.width() == width


def test_compare_modes_change_the_canvas(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    for index, mode in enumerate(CompareMode):
        window.compare.setCurrentIndex(index)
        assert window.canvas.mode == mode
        assert len(window.canvas.panes()) == (2 if mode == CompareMode.SIDE_BY_SIDE else 1)
        assert not window.canvas.grab().isNull()  # paints without raising


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


def test_switching_gan_remaps_every_gan_item(qtbot, window, image_files, tmp_path):
    doc = window.document
    for seed in (11, 12):
        doc.generate(seed, 0.7, None, SKIP_MIXTURES if seed == 11 else OWN, new_item=True)
        qtbot.waitUntil(lambda: any(i.seed == seed for i in doc.items.values()), timeout=TIMEOUT)
    gan_items = [i for i in doc.items.values() if i.kind == "gan"]
    assert len(gan_items) == 3
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    reference = Runtime("cpu")
    reference.load(str(other), lambda *_: None)
    # A job right behind the load keeps the worker busy while the window asks for the re-maps.
    said: list[str] = []
    doc.message.connect(said.append)
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(other))
        busy = doc.open_files([str(image_files[i % 3]) for i in range(300)])
    doc.cancel(busy)
    assert any("Drawing your samples again with the new GAN (3)" in m for m in said)  # not "Re-encoding …"

    def stale() -> list[str]:
        return [i.name for i in gan_items if not np.array_equal(
            i.image, reference.decode("gan", reference.map_seed(i.seed, i.psi, None, i.draw)))]
    # every item re-mapped, not only one: no re-map supersedes another in the queue
    qtbot.waitUntil(lambda: not stale(), timeout=TIMEOUT)
    assert [i.draw for i in gan_items] == [OWN, SKIP_MIXTURES, OWN]  # each item's own, in the re-map too


def test_a_new_gan_carries_each_items_history_over_and_undo_reaches_earlier_seeds_as_it_draws_them(
        qtbot, window, tmp_path):
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    seed, psi, _, _ = panel.values()
    panel.seed.setValue(seed + 3)
    qtbot.waitUntil(lambda: item.seed == seed + 3, timeout=TIMEOUT)
    window.sliders.sliders[1].setValue(120)  # +1.2 σ on the second sample
    qtbot.waitUntil(lambda: item.history.current.values[1] == 1.2, timeout=TIMEOUT)
    steps = len(item.history)
    torch.manual_seed(5)
    reference = load_other(qtbot, doc, make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    first, second = (reference.map_seed(s, psi) for s in (seed, seed + 3))
    # the new GAN's seed, its PC2 at 0: the old GAN's PC2 is not its own (test_switch_values.py)
    qtbot.waitUntil(lambda: np.array_equal(item.image, reference.decode("gan", second)), timeout=TIMEOUT)
    assert len(item.history) == steps and np.array_equal(item.history.current.base, second)  # no step of its own
    assert item.history.current.values[1] == 0.0 and window.sliders.sliders[1].value() == 0
    window.undo_action.trigger()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), reference.decode("gan", first)), timeout=TIMEOUT)
    assert panel.values()[0] == seed and np.array_equal(item.history.current.base, first)
    assert np.array_equal(from_qimage(window.canvas.original), reference.decode("gan", first))


def test_a_new_vae_carries_each_items_history_over(qtbot, window, image_files, tmp_path):
    drop_and_wait(qtbot, window, image_files[1:2], 1)
    doc, sliders = window.document, window.sliders
    [closed] = vae_items(window)
    doc.close_item()  # closed under the old VAE, reopened under the new one
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    sliders.sliders[0].setValue(150)
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.5, timeout=TIMEOUT)
    sliders.sliders[2].setValue(-100)
    qtbot.waitUntil(lambda: item.history.current.values[2] == -1.0, timeout=TIMEOUT)
    torch.manual_seed(7)
    reference = load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    _, latent, _ = reference.encode(np.asarray(Image.open(image_files[0]).convert("RGB")), "crop")
    # the new encoding, its PC edits at 0: the old VAE's PCs are not its own (test_switch_values.py)
    qtbot.waitUntil(lambda: np.array_equal(item.image, reference.decode("vae", latent)), timeout=TIMEOUT)
    assert len(item.history) == 3 and item.history.can_undo() and not any(item.history.current.values)
    window.undo_action.trigger()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), reference.decode("vae", latent)), timeout=TIMEOUT)
    assert doc.reopen_closed() is closed
    _, again, _ = reference.encode(closed.original, "crop")
    qtbot.waitUntil(lambda: np.array_equal(closed.image, reference.decode("vae", again)), timeout=TIMEOUT)


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


def test_the_sliders_wait_for_an_image(qtbot, engine, model_dir, image_files):
    from genimg_gui.ui.main_window import MainWindow

    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        window.document.load_model(str(model_dir / "tiny-vae"))
    assert len(window.sliders.sliders) == 16 and not window.sliders.isEnabled()  # a VAE and nothing to edit
    drop_and_wait(qtbot, window, image_files[:1], 1)
    assert window.sliders.isEnabled()
    window.close()


def test_a_sample_on_its_way_to_a_closed_item_is_dropped_not_made_a_new_item(qtbot, window):
    doc = window.document
    [gan] = doc.items.values()
    seed = gan.seed
    mapped = []
    window.document.engine.result.connect(lambda r: mapped.append(r.seq) if type(r).__name__ == "Mapped" else None)
    asked = doc.generate(seed + 1, gan.psi)  # for the current sample, which is closed at once
    doc.close_item()
    fresh = doc.generate(99, 0.5, new_item=True)
    qtbot.waitUntil(lambda: fresh in mapped, timeout=TIMEOUT)
    assert asked in mapped and [i.seed for i in doc.items.values()] == [99]
    doc.reopen_closed()
    assert gan.seed == seed and len(gan.history) == 1  # nothing was recorded on it while closed


def test_closing_every_image_leaves_no_session_to_restore(qtbot, window, image_files):
    from genimg_gui.session import session_file

    drop_and_wait(qtbot, window, image_files[:1], 1)
    window.autosaver.save_now()
    assert session_file().is_file()
    while window.document.current is not None:
        window.close_action.trigger()
    window.autosaver.save_now()
    assert not session_file().exists()
    # a session restored at the start and closed before its first autosave is gone too
    drop_and_wait(qtbot, window, image_files[:1], 1)
    window.autosaver.save_now()
    window.close_action.trigger()
    window.autosaver.saves, window.autosaver.had_items = 0, False  # as a fresh start finds it
    assert window.autosaver.restore() == 1 and window.document.current is not None
    window.close_action.trigger()
    window.autosaver.save_now()
    assert not session_file().exists()


def test_close_shuts_the_engine_down_and_a_second_shutdown_is_harmless(window, engine):
    window.close()
    assert engine.thread.isFinished()
    engine.shutdown()
    assert engine.thread.isFinished()


def test_a_psi_drag_shows_live_samples_and_records_one_undo_step(qtbot, window, reference):
    panel = window.gan_panel
    item = the_sample(window)
    before = len(list(item.history.nodes()))
    start = reference.decode("gan", reference.map_seed(item.seed, item.psi))
    panel.psi.setSliderDown(True)
    for raw in (60, 45, 30):
        panel.psi.setValue(raw)
        live = reference.decode("gan", reference.map_seed(item.seed, raw / 100))
        qtbot.waitUntil(lambda: np.array_equal(shown(window), live), timeout=TIMEOUT)  # each tick shown as it comes
    assert len(list(item.history.nodes())) == before and not window.undo_action.isEnabled()
    panel.psi.setSliderDown(False)  # the release: one step, at the ψ let go
    qtbot.waitUntil(lambda: len(list(item.history.nodes())) == before + 1, timeout=TIMEOUT)
    assert item.psi == 0.3 and np.array_equal(item.image, live)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), start), timeout=TIMEOUT)
    assert not window.undo_action.isEnabled()


def test_a_psi_drag_over_an_image_adds_one_gan_item_when_let_go(qtbot, window, image_files):
    doc, panel = window.document, window.gan_panel
    doc.open_files([str(image_files[0])])
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1 and doc.current.kind == "vae", timeout=TIMEOUT)
    panel.psi.setSliderDown(True)
    for raw in (60, 45, 30):
        panel.psi.setValue(raw)
    qtbot.wait(300)  # time enough for a mid-drag sample to arrive, were any asked for
    assert len(doc.items) == 2 and doc.current.kind == "vae"  # nothing drawn over the image mid-drag
    panel.psi.setSliderDown(False)
    qtbot.waitUntil(lambda: len(doc.items) == 3, timeout=TIMEOUT)
    assert doc.current.kind == "gan" and doc.current.psi == 0.3


def test_fit_new_images_is_in_the_file_menu_in_step_with_the_toolbar(window):
    file = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    fit = next(a.menu() for a in file.actions() if a.menu() is not None and a.text() == "Fit new &images")
    crop, letterbox = fit.actions()
    assert crop.text() == "&crop" and crop.isChecked() and window.fit_mode.currentText() == "crop"
    letterbox.trigger()
    assert window.fit_mode.currentText() == "letterbox" and not crop.isChecked()
    window.fit_mode.setCurrentIndex(0)  # the toolbar's box: the menu follows
    assert crop.isChecked() and not letterbox.isChecked()


def tab_stops(qtbot, window, count: int) -> list:
    """Where focus goes on each of count presses of Tab, from the canvas."""
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    stops = []
    for _ in range(count):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        stops.append(window.focusWidget())
    return stops


def test_tab_follows_the_reading_order_one_stop_a_slider(qtbot, window, qtlog):
    from genimg_gui.ui.tab_order import set_reading_order

    set_reading_order(window)  # as at every start and slider rebuild: a combo box's popup list is a window of its own
    assert not [r.message for r in qtlog.records if "setTabOrder" in r.message]  # 24 warnings at each start
    sliders, tools = window.sliders, window.mask_tool
    side = [window.tabs.tabBar(), sliders.previews_box, *sliders.sliders, sliders.reset_all_button,
            sliders.randomise_button]
    stops = tab_stops(qtbot, window, len(side) + 12)
    assert stops[:len(side) + 1] == [window.filmstrip, *side]  # the sliders, and not their ↺ buttons
    status = stops[len(side) + 1:stops.index(window.compare)]
    assert status and all(window.status.isAncestorOf(w) for w in status)  # the status bar last
    after = stops.index(window.compare)
    assert stops[after:after + 5] == [window.compare, window.fit_mode, tools.radius, window.canvas, window.filmstrip]
