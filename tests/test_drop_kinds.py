"""What is dropped on the window is taken for what it is (real drops of file URLs): a diffusers VAE folder, also a
pipeline's vae/ folder, loads as File → Open model folder… loads it (it was opened as a picture: "… is a folder,
not an image"); genimg model folders, their card.json and model files load as models; a folder of pictures opens
the pictures in it, one with none says so; a drop of pictures and models does both."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
from PIL import Image

import foreign_builders as fb
from conftest import TINY_GAN, TINY_VAE, TOOK, UI_TIMEOUT, drag_drop, file_mime, make_model_folder
from genimg_gui.catalog import is_model_folder, model_to_load
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE


def drop(window, paths) -> None:
    """A real drag-enter + drop of file URLs onto the window."""
    assert drag_drop(window, file_mime(paths)) is not None


def diffusers_vae(folder, scale: float = 0.13025):
    """An SD VAE folder as diffusers' save_pretrained writes it: config.json beside diffusion_pytorch_model."""
    folder.mkdir(parents=True)
    fb.sd_vae_file(folder / "diffusion_pytorch_model.safetensors", "diffusers")
    (folder / "config.json").write_text(json.dumps({"_class_name": "AutoencoderKL", "scaling_factor": scale}))
    return folder


def pictures(folder, names, shade: int = 20):
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        Image.fromarray(np.full((24, 20, 3), 40 * i + shade, np.uint8)).save(folder / name)
    return [folder / name for name in names]


def said(document) -> list[str]:
    """The messages and errors the document says from now on, load times left out (they differ run to run)."""
    told: list[str] = []
    document.message.connect(lambda text: told.append(re.sub(rf" in {TOOK}", "", text)))
    document.error.connect(lambda text: told.append(f"error: {text}"))
    return told


def settle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.document.jobs, timeout=UI_TIMEOUT)


def pictures_open(window) -> list[str]:
    return [item.name for item in window.document.items.values() if item.kind == "vae"]


def test_a_diffusers_vae_folder_dropped_loads_as_open_model_folder_loads_it(qtbot, window, tmp_path, monkeypatch):
    doc, opener = window.document, window.model_opener
    monkeypatch.setattr(opener, "ask_scale", lambda request: pytest.fail("asked the scale config.json records"))
    told = said(doc)
    for folder, scale in ((diffusers_vae(tmp_path / "sdxl-vae-fp16-fix"), 0.13025),
                          (diffusers_vae(tmp_path / "sd15" / "vae", 0.18215), 0.18215)):  # a pipeline's vae/
        told.clear()
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as dropped:
            drop(window, [folder])
        settle(qtbot, window)
        info, from_drop = dropped.args[0], told[:]
        assert (info.kind, info.card["architecture"], info.card["config"]["scaling_factor"]) == (
            "vae", "AutoencoderKL", scale)
        assert window.last_error == "" and pictures_open(window) == []
        told.clear()
        monkeypatch.setattr(opener, "ask_model_folder", lambda: str(folder))
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as opened:
            opener.open_folder_dialog()
        settle(qtbot, window)
        assert (opened.args[0].path, opened.args[0].name) == (info.path, info.name)
        assert from_drop == told and told[0].startswith(f"Loaded {info.name} from {folder}"), (from_drop, told)


def test_genimg_model_folders_their_cards_and_model_files_dropped_load_as_models(qtbot, window, tmp_path):
    doc = window.document
    vae = make_model_folder(tmp_path / "my-vae", ConvVAE(TINY_VAE), "my-vae")
    gan = make_model_folder(tmp_path / "my-gan", Generator(TINY_GAN), "my-gan")
    taesd = fb.taesd_diffusers_file(tmp_path / "taesd.safetensors")
    for path, name in ((vae, "my-vae"), (gan / "card.json", "my-gan"), (taesd, "taesd")):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as loaded:
            drop(window, [path])
        settle(qtbot, window)
        assert loaded.args[0].name == name and window.last_error == "", window.last_error
    assert pictures_open(window) == [] and doc.models["gan"].name == "my-gan"


def test_a_folder_of_pictures_dropped_opens_the_pictures_in_it_and_one_with_none_says_so(qtbot, window, tmp_path):
    holiday = pictures(tmp_path / "holiday", ["b.png", "a.jpg"])
    (tmp_path / "holiday" / "notes.txt").write_text("not a picture")
    pictures(tmp_path / "holiday" / "raw", ["c.png"])
    drop(window, [holiday[0].parent])
    qtbot.waitUntil(lambda: len(pictures_open(window)) == 2, timeout=UI_TIMEOUT)
    settle(qtbot, window)
    assert pictures_open(window) == ["a.jpg", "b.png"] and window.last_error == ""
    (tmp_path / "empty").mkdir()
    pictures(tmp_path / "above" / "below", ["d.png"])
    below = " (pictures in its subfolders are not opened)"
    for folder, words in ((tmp_path / "empty", ""), (tmp_path / "above", below)):
        drop(window, [folder])
        assert window.last_error == f"{folder.name} is a folder with no images and no model in it{words}"
    settle(qtbot, window)
    assert pictures_open(window) == ["a.jpg", "b.png"]


def test_pictures_in_a_dropped_folder_that_are_links_leading_nowhere_are_named_with_why(qtbot, window, tmp_path):
    """broken.png -> /nonexistent/pic.png and evil.png -> evil.png in a dropped folder were left out without a word."""
    folder = pictures(tmp_path / "dang", ["la.png"])[0].parent
    (folder / "broken.png").symlink_to(tmp_path / "nonexistent" / "pic.png")
    (folder / "evil.png").symlink_to("evil.png")
    (folder / "gone.txt").symlink_to(tmp_path / "nothing.txt")  # not a picture: unsaid, as other files are
    drop(window, [folder])
    qtbot.waitUntil(lambda: pictures_open(window) == ["la.png"], timeout=UI_TIMEOUT)
    settle(qtbot, window)
    assert window.last_error == ("dang: 2 pictures not opened, unreadable: broken.png (a link to a file that does "
                                 "not exist) and evil.png (a link that loops)")


def test_a_drop_of_pictures_a_folder_of_them_and_model_folders_does_all_of_it(qtbot, window, tmp_path, monkeypatch):
    """The models load first, and the pictures are encoded by the VAE dropped with them (an SD VAE: each at its own
    size), none of it left out."""
    doc = window.document
    monkeypatch.setattr(window.model_opener, "ask_scale", lambda request: pytest.fail("asked the scale"))
    photo = pictures(tmp_path / "loose", ["photo.png"], shade=200)[0]  # not p1.png's bytes: a copy is one picture
    album = pictures(tmp_path / "album", ["p1.png", "p2.png"])[0].parent
    gan = make_model_folder(tmp_path / "my-gan", Generator(TINY_GAN), "my-gan")
    vae = diffusers_vae(tmp_path / "sdxl-vae")
    drop(window, [photo, album, gan, vae])
    qtbot.waitUntil(lambda: len(pictures_open(window)) == 3, timeout=UI_TIMEOUT)
    settle(qtbot, window)
    assert (doc.models["vae"].name, doc.models["gan"].name) == ("sdxl-vae", "my-gan")
    assert pictures_open(window) == ["photo.png", "p1.png", "p2.png"] and window.last_error == ""
    assert all(item.history.current.base.shape == (4, 12, 10) for item in doc.items.values() if item.kind == "vae")


def test_what_a_path_is_comes_from_one_torch_free_place(tmp_path, model_dir):
    """catalog.model_to_load, which the drops, Open recent, `genimg-gui FILES` and the model dialogs go by."""
    vae = diffusers_vae(tmp_path / "pipe" / "vae")
    (tmp_path / "pipe" / "model_index.json").write_text("{}")
    photos = pictures(tmp_path / "photos", ["a.png"])[0].parent
    (photos / "config.json").write_text("{}")  # a config.json beside no diffusers weights is no model's
    assert [model_to_load(p) for p in (vae, vae / "config.json", model_dir / "tiny-vae",
                                       model_dir / "tiny-vae" / "card.json")] == [
        vae, vae, model_dir / "tiny-vae", model_dir / "tiny-vae"]
    assert model_to_load(vae / "diffusion_pytorch_model.safetensors") == vae / "diffusion_pytorch_model.safetensors"
    assert [model_to_load(p) for p in (photos, photos / "a.png", photos / "config.json")] == [None] * 3
    assert model_to_load(tmp_path / "pipe") == tmp_path / "pipe"  # a whole pipeline: opened as its VAE
    assert is_model_folder(vae) and not is_model_folder(vae / "config.json") and not is_model_folder(photos)


def test_a_folder_dropped_opens_its_pictures_in_the_order_a_file_browser_shows_them(qtbot, window, tmp_path):
    """sorted() put img10 before img2 and Zeta before alpha, so a numbered series opened 1, 10, 2 in the filmstrip
    (and `genimg interpolate FOLDER`, which lists a folder alike, morphed through them in that order)."""
    names = ["img10.png", "img2.png", "Zeta.png", "img1.png", "alpha.png"]
    series = pictures(tmp_path / "series", names)
    drop(window, [series[0].parent])
    qtbot.waitUntil(lambda: len(pictures_open(window)) == 5, timeout=UI_TIMEOUT)
    settle(qtbot, window)
    assert pictures_open(window) == ["alpha.png", "img1.png", "img2.png", "img10.png", "Zeta.png"]
