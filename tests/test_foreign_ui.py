"""Bring your own model, in the real window: an SD VAE file opened from File → Open model… (the scale
question answered), a photo edited at its own size with sliders and a mask, a StyleGAN2 pickle dropped
on the model panel generating, and unsupported files answered with a message while the app goes on."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

import foreign_builders as fb
from conftest import UI_TIMEOUT, drag_drop, file_mime
from genimg_gui.edit import EditState, edited_latent
from genimg_gui.engine.runtime import Runtime
from genimg_gui.masking import blend
from genimg_gui.morph import keyframe_layers, morph_layers
from genimg_gui.recipe import Recipe
from genimg_gui.seed_draws import OWN, REFINE, SKIP_MIXTURES
from genimg_gui.ui.gan_panel import ANY_CLASS


def drop(target, paths) -> None:
    """A real drag-enter + drop of file URLs onto a widget."""
    assert drag_drop(target, file_mime(paths), (20, 20)) is not None


def menu_action(window, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == text)


def settle(qtbot, item) -> None:
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)


@pytest.fixture()
def photo(tmp_path):
    """A 200x120 PNG with structure (gradients and a disc)."""
    y, x = np.mgrid[0:120, 0:200]
    disc = ((x - 70) ** 2 + (y - 60) ** 2 < 35**2)[..., None]
    image = np.where(disc, [230, 40, 40], np.stack([x * 255 / 199, y * 255 / 119, np.full_like(x, 90.0)], -1))
    path = tmp_path / "holiday.png"
    Image.fromarray(image.astype(np.uint8)).save(path)
    return path


def paint_stroke(window) -> None:
    """A horizontal brush stroke across the left part of the edited image."""
    window.mask_tool.brush.setChecked(True)
    rect = window.canvas.edited_rect()
    y = int(rect.top() + rect.height() * 0.5)
    points = [QPoint(int(rect.left() + rect.width() * f), y) for f in (0.2, 0.45)]
    QTest.mousePress(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    QTest.mouseMove(window.canvas, points[1])
    QTest.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[1])


def test_an_sd_vae_file_opens_and_edits_a_photo_at_its_own_size(qtbot, window, tmp_path, photo, monkeypatch):
    doc, opener = window.document, window.model_opener
    vae_file = fb.sd_vae_file(tmp_path / "my-vae.safetensors")
    asked = []
    monkeypatch.setattr(opener, "ask_model_path", lambda: str(vae_file))
    monkeypatch.setattr(opener, "ask_scale", lambda r: asked.append(r) or dict(r.choices)["SD 1.x / 2.x"])
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT, check_params_cb=lambda info: info.spatial):
        menu_action(window, "Open &model…").trigger()
    assert [(r.path, r.default) for r in asked] == [(str(vae_file), "SD 1.x / 2.x")]
    assert "Stable Diffusion VAE" in asked[0].description and not doc.jobs
    info = doc.models["vae"]
    assert info.card["source"]["file"] == "my-vae.safetensors" and info.latent_size == 4
    panel = window.model_panel
    assert any("my-vae" in panel.list.item(i).text() for i in range(panel.list.count()))
    assert "my-vae.safetensors" in panel.details["Source"].text() and "0.18215" in panel.details["Source"].text()

    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        drop(window, [photo])
    item = doc.current
    assert item.name == "holiday.png" and item.image.shape == item.original.shape == (120, 200, 3)
    assert item.history.current.base.shape == (4, 60, 100)  # the tiny VAE halves each side
    assert len(window.sliders.sliders) == 4  # one per latent channel direction
    reference = Runtime("cpu")
    reference.load(info.path, lambda *_: None)  # the cached conversion, as the window's worker holds it
    original, latent, recon = reference.encode(np.asarray(Image.open(photo)), "crop")
    # bit for bit: the worker runs on as many torch threads as this thread (conftest.new_threads_count_as_this_one)
    assert np.array_equal(item.original, original) and np.array_equal(item.history.current.base, latent)
    assert np.array_equal(item.image, recon)

    window.sliders.sliders[0].setValue(250)  # +2.5 sigma along the first channel direction
    settle(qtbot, item)
    edited = reference.decode("vae", edited_latent(EditState(latent, window.sliders.values()), info.directions))
    assert np.array_equal(item.image, edited) and np.abs(edited.astype(int) - recon).mean() > 1

    paint_stroke(window)
    mask = item.history.current.mask
    assert mask is not None and mask.shape == (120, 200)
    settle(qtbot, item)
    outside, inside = mask == 0, mask == 1
    assert outside.mean() > 0.5 and inside.any()
    assert np.array_equal(item.image[outside], recon[outside])  # unedited where not painted
    assert np.array_equal(item.image[inside], edited[inside])
    assert window.last_error == ""


def test_a_photo_larger_than_the_limit_is_scaled_down_with_a_message(qtbot, window, tmp_path, photo, monkeypatch):
    monkeypatch.setattr(window.model_opener, "ask_scale", lambda r: 0.13025)
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])  # a TAESD: no question, spatial too
    window.document.engine.worker.runtime.max_side = 104
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        drop(window, [photo])
    item = window.document.current
    assert item.image.shape == (64, 104, 3) and item.history.current.base.shape == (4, 8, 13)
    assert "edited at 104×64" in window.status.currentMessage()


def test_a_stylegan2_pickle_dropped_on_the_model_panel_generates(qtbot, window, tmp_path):
    doc = window.document
    marker = tmp_path / "CODE_RAN"
    pkl = fb.stylegan_pickle(tmp_path / "ffhq-tiny.pkl", marker)
    gan_item = next(i for i in doc.items.values() if i.kind == "gan")
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT,
                          check_params_cb=lambda info: info.card["architecture"] == "StyleGAN2Generator"):
        drop(window.model_panel, [pkl])
    qtbot.waitUntil(lambda: gan_item.image.shape == (16, 16, 3), timeout=UI_TIMEOUT)  # re-drawn by the new GAN
    reference = Runtime("cpu")
    reference.load(doc.models["gan"].path, lambda *_: None)
    w = reference.map_seed(gan_item.seed, gan_item.psi)
    assert np.array_equal(gan_item.history.current.base, w)
    assert np.array_equal(gan_item.image, reference.decode("gan", w))

    # a StyleGAN2 of up to 1024 px would take seconds to skip a seed's mixtures, and a pickle's discriminator is
    # never read: both options are off, and a request for either (an item re-mapped from a genimg GAN) draws
    # the seed's own z
    panel = window.gan_panel
    assert [b.isEnabled() for b in panel.draw_buttons.buttons()] == [True, False, False] and panel.values()[3] == OWN
    for draw in (SKIP_MIXTURES, REFINE):
        with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
            panel.new_sample_requested.emit(7, 0.8, None, draw)
        sample = doc.current
        assert sample.kind == "gan" and sample.seed == 7 and sample.draw == OWN  # the item says how it was drawn
        assert np.array_equal(sample.image, reference.decode("gan", reference.map_seed(7, 0.8)))
    assert not marker.exists() and window.last_error == ""


def test_a_conditional_stylegan2_pickle_draws_the_class_picked_in_the_generate_tab(qtbot, window, tmp_path):
    """A StyleGAN2-ADA pickle trained with labels was refused as "conditional generators are not supported"; it
    loads, the Class box offers its classes by their labels' positions, and picking one redraws the sample in it."""
    doc, panel = window.document, window.gan_panel
    marker = tmp_path / "CODE_RAN"
    pkl = fb.conditional_stylegan_pickle(tmp_path / "cond.pkl", marker, c_dim=3)
    gan_item = next(i for i in doc.items.values() if i.kind == "gan")
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT,
                          check_params_cb=lambda info: info.card["architecture"] == "StyleGAN2Generator"):
        drop(window.model_panel, [pkl])
    qtbot.waitUntil(lambda: gan_item.image.shape == (16, 16, 3), timeout=UI_TIMEOUT)
    assert panel.form.isRowVisible(panel.gan_class)
    assert [panel.gan_class.itemText(i) for i in range(panel.gan_class.count())] == [
        ANY_CLASS, "class 0", "class 1", "class 2"]
    reference = Runtime("cpu")
    reference.load(doc.models["gan"].path, lambda *_: None)
    drawn = {}
    for name, index in (("class 2", 2), ("class 0", 0)):
        panel.gan_class.setCurrentText(name)
        qtbot.waitUntil(lambda: gan_item.gan_class == index and gan_item.shown_seq >= gan_item.requested_seq,
                        timeout=UI_TIMEOUT)
        w = reference.map_seed(gan_item.seed, gan_item.psi, index)
        assert np.array_equal(gan_item.history.current.base, w)
        drawn[index] = gan_item.image.copy()
        assert np.array_equal(drawn[index], reference.decode("gan", w))
    assert not np.array_equal(drawn[0], drawn[2])  # the class picked shows
    assert not marker.exists() and window.last_error == ""


def test_unsupported_files_show_what_they_are_and_the_app_goes_on(qtbot, window, tmp_path, photo, monkeypatch):
    doc = window.document
    marker = tmp_path / "CODE_RAN"
    models = dict(doc.models)
    for path, words in ((fb.unet_only_file(tmp_path / "unet.safetensors"), "UNet without its VAE"),
                        (fb.malicious_pickle(tmp_path / "evil.pkl", marker), "builtins.exec")):
        window.last_error = ""
        drop(window, [path])
        qtbot.waitUntil(lambda: bool(window.last_error), timeout=UI_TIMEOUT)
        assert path.name in window.last_error and words in window.last_error, window.last_error
        assert "genimg opens" in window.last_error and "StyleGAN2" in window.last_error
    monkeypatch.setattr(window.model_opener, "ask_scale", lambda r: None)  # the scale question cancelled
    with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT, check_params_cb=lambda m: "not opened" in m):
        drop(window.model_panel, [fb.sd_vae_file(tmp_path / "sdxl-vae.safetensors")])
    assert doc.models == models and not marker.exists() and not doc.jobs
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):  # the bundled-size VAE still encodes
        drop(window, [photo])
    assert doc.current.image.shape == (32, 32, 3)


def test_recipes_and_morphs_work_on_photos_at_their_own_size(qtbot, window, tmp_path, photo):
    """A TAESD edits two photos of other sizes: a masked recipe saved from one applies to the other
    (the mask resized), and the morph between them plays at the first one's size."""
    doc = window.document
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])
    tall = tmp_path / "tall.png"
    Image.open(photo).transpose(Image.Transpose.ROTATE_90).resize((96, 160)).save(tall)
    window.open_paths([str(photo), str(tall)])
    qtbot.waitUntil(lambda: [i.name for i in doc.items.values()][-2:] == ["holiday.png", "tall.png"],
                    timeout=UI_TIMEOUT)
    a, b = list(doc.items.values())[-2:]
    doc.select(a.id)
    window.sliders.sliders[0].setValue(250)
    paint_stroke(window)
    settle(qtbot, a)
    recipe_path = window.recipes.save(str(tmp_path / "warm-left.json"))
    recipe = Recipe.load(recipe_path)
    assert recipe.mask is not None and recipe.latent_size == 4 and [s.value for s in recipe.steps] == [2.5]

    doc.select(b.id)
    assert window.recipes.apply(str(recipe_path)) == 1
    settle(qtbot, b)
    reference = Runtime("cpu")
    reference.load(doc.models["vae"].path, lambda *_: None)
    base = b.history.current.base
    assert base.shape == (4, 20, 12) and np.array_equal(base, reference.encode(b.original, "crop")[1])
    edited = reference.decode("vae", recipe.apply(base))
    expected = blend(edited, reference.decode("vae", base), recipe.mask_at((160, 96)))
    assert np.array_equal(b.image, expected) and not np.array_equal(b.image, edited)  # as genimg edit --recipe
    assert window.last_error == ""

    action = next(x for m in window.findChildren(QMenu) for x in m.actions() if x.text() == "&Morph / interpolate…")
    doc.select(a.id)
    action.trigger()
    dialog = window.morph.dialog
    qtbot.addWidget(dialog)
    assert set(dialog.settings().item_ids) == {a.id, b.id}
    shown = []
    show = dialog.show_frame
    dialog.show_frame = lambda index, image: (shown.append((index, image)), show(index, image))
    dialog.frames.setValue(5)
    dialog.timeline.setValue(2)
    qtbot.waitUntil(lambda: bool(shown) and shown[-1][0] == 2, timeout=UI_TIMEOUT)
    settings = dialog.settings()
    states = [doc.items[i].history.current for i in settings.item_ids]  # both masked: morphed in two layers
    keys = keyframe_layers([edited_latent(s, doc.directions("vae")) for s in states], [s.base for s in states],
                           [s.mask for s in states], doc.items[settings.item_ids[0]].image.shape[:2])
    layers = morph_layers(keys, 5, settings.mode, settings.loop, only=2)
    (mask,), (base,) = layers.frame_masks()
    frame = reference.render("vae", layers.edited[0], mask, base)
    assert frame.shape == doc.items[settings.item_ids[0]].image.shape and np.array_equal(shown[-1][1], frame)
    assert window.last_error == ""


def test_a_training_checkpoint_picked_as_a_model_says_to_open_its_folder_or_resume(qtbot, window, model_dir,
                                                                                   tmp_path, monkeypatch):
    import shutil

    import torch

    from genimg_gui.ui.model_controller import MODEL_FILTER

    run = shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-run")  # a run's folder: its model and checkpoint
    torch.save({"step": 3, "seconds": 1.0, "recipe": {}, "history": [], "best": None}, run / "checkpoint.pt")
    doc, opener = window.document, window.model_opener
    assert "genimg models (card.json)" in MODEL_FILTER.split(";;")
    monkeypatch.setattr(opener, "ask_model_path", lambda: str(run / "checkpoint.pt"))
    with qtbot.waitSignal(doc.error, timeout=UI_TIMEOUT) as said:
        menu_action(window, "Open &model…").trigger()
    assert said.args[0].startswith(f"checkpoint.pt is a training checkpoint, not a model: open its folder {run}")
    assert f"go on training with Train… (Save to: {run}, then Start, then Continue it)" in said.args[0]
    assert "`" not in said.args[0] and "--resume" not in said.args[0]  # the window's words, not a command
    assert not doc.jobs  # nothing sent to the worker
    monkeypatch.setattr(opener, "ask_model_path", lambda: str(run / "card.json"))
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as loaded:
        menu_action(window, "Open &model…").trigger()  # its card opens the folder's model
    assert loaded.args[0].path == str(run.resolve())


def test_a_picture_opened_as_a_model_says_to_open_it_with_open_images(qtbot, window, tmp_path, photo, monkeypatch):
    """Open model… on a JPEG said "good2.jpg is a JPEG image. genimg opens…", Open model folder… on a folder of
    pictures "…is not a genimg model folder: it has no card.json": neither said where pictures are opened."""
    Image.open(photo).save(tmp_path / "good2.jpg")
    opener = window.model_opener
    monkeypatch.setattr(opener, "ask_model_path", lambda: str(tmp_path / "good2.jpg"))
    monkeypatch.setattr(opener, "ask_model_folder", lambda: str(tmp_path))
    step = "Pictures are opened with File → Open images…, not as models."
    for action, first in (("Open &model…", "good2.jpg is a JPEG image. genimg opens"),
                          ("Open model &folder…", f"{tmp_path} is not a genimg model folder: it has no card.json. ")):
        with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as said:
            menu_action(window, action).trigger()
        assert said.args[0].startswith(first) and said.args[0].endswith(step), said.args[0]


def test_a_model_file_linked_into_a_download_cache_opens_by_its_own_name(qtbot, window, tmp_path):
    """A hub cache keeps snapshots/<rev>/taesd_encoder.pth as a link to blobs/<hash>: the name, not the blob's,
    says what the file is and where its decoder is."""
    doc = window.document
    enc, dec = fb.taesd_pair(tmp_path)
    blobs, snapshot = tmp_path / "blobs", tmp_path / "snapshots" / "0123abc"
    blobs.mkdir()
    snapshot.mkdir(parents=True)
    for path, blob in ((enc, "4d678fb2d0e6"), (dec, "9a8b7c6d5e4f")):
        path.rename(blobs / blob)
        (snapshot / path.name).symlink_to(blobs / blob)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as loaded:
        window.open_paths([str(snapshot / "taesd_encoder.pth")])
    assert loaded.args[0].card["architecture"] == "TAESD" and window.last_error == ""


def test_a_diffusers_folder_opens_from_open_model_folder_with_the_scale_of_its_config(qtbot, window, tmp_path,
                                                                                     monkeypatch):
    """File → Open model folder… on sdxl-vae-fp16-fix/ said "… is not a genimg model folder: it has no card.json";
    the file inside asked the scale its config.json records, and was listed as "diffusion_pytorch_model"."""
    doc, opener = window.document, window.model_opener
    folder = tmp_path / "sdxl-vae-fp16-fix"
    folder.mkdir()
    weights = fb.sd_vae_file(folder / "diffusion_pytorch_model.safetensors", "diffusers")
    (folder / "config.json").write_text('{"_class_name": "AutoencoderKL", "scaling_factor": 0.13025}')
    asked = []
    monkeypatch.setattr(opener, "ask_scale", lambda r: asked.append(r))
    for path, opens in ((folder, opener.open_folder_dialog), (weights, opener.open_dialog)):
        monkeypatch.setattr(opener, "ask_model_folder", lambda: str(path))
        monkeypatch.setattr(opener, "ask_model_path", lambda: str(path))
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as loaded:
            opens()
        info = loaded.args[0]
        assert (info.name, info.card["config"]["scaling_factor"]) == ("sdxl-vae-fp16-fix", 0.13025)
        assert asked == [] and window.last_error == ""
    panel = window.model_panel
    assert any("sdxl-vae-fp16-fix" in panel.list.item(i).text() for i in range(panel.list.count()))
    assert "0.13025 (SDXL, from config.json)" in panel.details["Source"].text()


def test_an_sd_vae_file_opened_again_keeps_the_scale_chosen_without_asking(qtbot, window, tmp_path, monkeypatch):
    """The scale question came back each time the same file was opened, though its conversion was cached."""
    doc, opener = window.document, window.model_opener
    vae_file = fb.sd_vae_file(tmp_path / "my-vae.safetensors")
    asked = []
    monkeypatch.setattr(opener, "ask_scale", lambda r: asked.append(r) or dict(r.choices)["SDXL"])
    said = []
    doc.message.connect(said.append)
    for _ in range(2):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            window.open_paths([str(vae_file)])
    assert len(asked) == 1
    loaded = [m for m in said if m.startswith("Loaded my-vae")]
    assert len(loaded) == 2 and all(m.endswith("; latent scale 0.13025 (SDXL)") for m in loaded), loaded


def test_a_folder_of_taesd_files_opens_its_pair_or_says_at_once_which_file_to_open(qtbot, window, tmp_path,
                                                                                  monkeypatch):
    """A folder holding taesd_encoder.pth + taesd_decoder.pth, opened with Open model folder…, was "not a genimg
    model folder: it has no card.json", said only once the encodes queued before it were done."""
    doc, opener = window.document, window.model_opener
    one, several = tmp_path / "taesd", tmp_path / "all-taesd"
    for folder in (one, several):
        folder.mkdir()
        fb.taesd_pair(folder)
    for name in ("taesdxl_encoder.pth", "taesdxl_decoder.pth"):
        (several / name).write_bytes((several / name.replace("xl", "")).read_bytes())
    monkeypatch.setattr(opener, "ask_model_folder", lambda: str(one))
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as loaded:
        menu_action(window, "Open model &folder…").trigger()
    info = loaded.args[0]
    assert (info.name, info.card["architecture"], info.source) == ("taesd", "TAESD", str(one))
    assert window.last_error == ""

    monkeypatch.setattr(opener, "ask_model_folder", lambda: str(several))
    said: list[str] = []
    doc.error.connect(said.append)
    menu_action(window, "Open model &folder…").trigger()
    assert said == [f"{several} holds 2 TAESD models (taesd_encoder.pth and taesdxl_encoder.pth, each with its "
                    "decoder): open one of those files"]  # said at once, with nothing sent to the worker
    assert not doc.jobs



def test_a_drop_of_several_files_genimg_does_not_open_says_what_it_opens_once(qtbot, window, tmp_path, monkeypatch):
    """Four bad files dropped together read "… genimg opens its own model folders, … networks." four times over in
    the status bar; each file's own line in the message log keeps it."""
    from types import SimpleNamespace

    from genimg_gui.ui import status
    monkeypatch.setattr(status, "time", SimpleNamespace(monotonic=lambda: 1000.0))  # one burst, however slow
    files = [fb.unet_only_file(tmp_path / "unet.safetensors"),
             fb.malicious_pickle(tmp_path / "evil.pkl", tmp_path / "RAN")]
    (tmp_path / "notes.pt").write_text("not weights\n")
    (tmp_path / "empty.safetensors").write_bytes(b"")
    files += [tmp_path / "notes.pt", tmp_path / "empty.safetensors"]
    drop(window, files)
    bar = window.status
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("⚠ 4 problems"), timeout=UI_TIMEOUT)
    said = bar.currentMessage()
    assert said.count("genimg opens its own model folders") == 1, said
    assert said.endswith(". genimg opens its own model folders (card.json + model.safetensors), Stable Diffusion "
                         "1.x/2.x/SDXL VAEs, TAESD models and StyleGAN2 / StyleGAN2-ADA .pkl networks.")
    assert all(f.name in said for f in files)
    logged = [e.text for e in bar.log.entries if e.text.startswith(tuple(f.name for f in files))]
    assert len(logged) == 4 and all("genimg opens its own" in text for text in logged)
