"""Latent files opened in the window, as pictures are (File → Open images…, a drop): the app's own exports and the
CLI's --save-latents come back as items it edits, the edit in History and on the sliders, drawn as `genimg decode`
draws them; their model loaded first where another is; damaged or wrong-shape files said so, the app going on.
The window said "x_edited.npz is not an image in a format genimg reads" of each."""
from __future__ import annotations

import json

import numpy as np
import torch
from PySide6.QtWidgets import QFileDialog

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui import cli
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.qimage import from_qimage

from test_masked_edits import masked_edit, open_images, settle
from ui_helpers import drop


def opened(qtbot, window, path, open_it=None):
    """The new item a latent file opens as (open_it: how, else File → Open images… as the window's open_paths)."""
    doc = window.document
    before = set(doc.items)
    (open_it or (lambda: window.open_paths([str(path)])))()
    qtbot.waitUntil(lambda: bool(set(doc.items) - before), timeout=UI_TIMEOUT)
    [new] = [doc.items[i] for i in set(doc.items) - before]
    settle(qtbot, new)
    return new


def decoded(tmp_path, path, model) -> np.ndarray:
    """The picture `genimg decode` draws of the file."""
    out = tmp_path / "decoded"
    assert cli.main(["decode", str(path), "--vae", str(model), "-o", str(out), "--device", "cpu"]) == 0
    from PIL import Image
    with Image.open(out / f"{path.stem}_decoded.png") as im:
        return np.asarray(im.convert("RGB"))


def test_an_exported_edit_opens_as_an_item_with_its_edit_in_history(qtbot, window, model_dir, image_files,
                                                                   tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    window.sliders.sliders[0].setValue(150)
    window.sliders.sliders[2].setValue(-80)
    qtbot.waitUntil(lambda: item.history.current.values[:3] == (1.5, 0.0, -0.8), timeout=UI_TIMEOUT)
    settle(qtbot, item)
    window.exports.export_latent(str(tmp_path / "x_edited.npz"))
    new = opened(qtbot, window, tmp_path / "x_edited.npz")
    assert new is window.document.current and new.kind == "vae" and new.name == "x_edited"
    assert np.array_equal(new.image, item.image)
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "x_edited.npz", model_dir / "tiny-vae"))
    assert np.array_equal(from_qimage(window.canvas.edited), new.image)
    # its unedited latent, then the edit as one step: undone, the picture as encoded
    assert len(new.history) == 2 and new.history.current.values == item.history.current.values
    assert np.array_equal(new.history.nodes()[0].state.base, item.history.nodes()[0].state.base)
    assert [s.value() for s in window.sliders.sliders[:3]] == [150, 0, -80]
    assert np.array_equal(new.original, window.document.items[item.id].thumbs[0])
    window.document.undo()
    qtbot.waitUntil(lambda: window.sliders.sliders[0].value() == 0, timeout=UI_TIMEOUT)
    settle(qtbot, new)
    assert np.array_equal(new.image, new.original)
    assert "its edit is its last step in History" in window.status.log.text()


def test_a_masked_edit_opens_masked_as_genimg_decode_draws_it(qtbot, window, model_dir, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    masked_edit(qtbot, window, item)
    window.exports.export_latent(str(tmp_path / "masked.npz"))
    new = opened(qtbot, window, tmp_path / "masked.npz", lambda: drop(window, [tmp_path / "masked.npz"]))
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "masked.npz", model_dir / "tiny-vae"))
    assert np.array_equal(new.history.current.mask, item.history.current.mask)
    assert new.history.current.values == item.history.current.values


def test_a_cli_gan_sample_opens_in_the_gan_with_its_seed(qtbot, window, model_dir, tmp_path):
    assert cli.main(["generate", "--gan", str(model_dir / "tiny-gan"), "--seeds", "42", "--psi", "0.5",
                     "--save-latents", "-o", str(tmp_path), "--device", "cpu"]) == 0
    new = opened(qtbot, window, tmp_path / "seed0042.npz")
    assert new.kind == "gan" and (new.seed, new.psi, new.name) == (42, 0.5, "seed 42")
    assert window.gan_panel.seed.value() == 42 and window.gan_panel.psi.value() == 50
    from PIL import Image
    with Image.open(tmp_path / "seed0042.png") as im:
        assert np.array_equal(new.image, np.asarray(im.convert("RGB")))


def test_a_file_of_another_vae_loads_that_vae_first(qtbot, window, model_dir, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    window.sliders.sliders[0].setValue(120)
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.2, timeout=UI_TIMEOUT)
    settle(qtbot, item)
    window.exports.export_latent(str(tmp_path / "mine.npz"))
    torch.manual_seed(7)
    other = make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae")
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(str(other))
    new = opened(qtbot, window, tmp_path / "mine.npz")
    assert window.document.models["vae"].name == "tiny-vae"
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "mine.npz", model_dir / "tiny-vae"))
    assert new.history.current.values[0] == 1.2


def test_a_file_whose_model_is_nowhere_is_refused_naming_it(qtbot, window, tmp_path):
    path = tmp_path / "lost.npz"
    latent = np.zeros(512, np.float32)
    np.savez(path, latent=latent, base=latent, values=np.zeros(0, np.float32), labels=np.asarray([], str),
             model=np.asarray(json.dumps({"name": "gone-vae", "path": str(tmp_path / "gone-vae"), "kind": "vae"})))
    window.open_paths([str(path)])
    qtbot.waitUntil(lambda: "lost.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert "made with gone-vae" in window.last_error and "Open model folder" in window.last_error
    assert window.document.models["vae"].name == "tiny-vae" and len(window.document.items) == 1


def test_wrong_shape_and_damaged_files_are_said_and_the_app_goes_on(qtbot, window, image_files, tmp_path):
    doc = window.document
    record = json.dumps({"name": "tiny-vae", "kind": "vae", "weights_sha256": doc.models["vae"].identity})
    np.savez(tmp_path / "short.npz", latent=np.zeros(7, np.float32), model=np.asarray(record))
    window.open_paths([str(tmp_path / "short.npz")])
    qtbot.waitUntil(lambda: "short.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == "short.npz was not opened: latent of size 7 does not fit the VAE (expects 512)"
    (tmp_path / "cut.npz").write_bytes(b"PK\x03\x04" + b"\0" * 20)
    drop(window, [tmp_path / "cut.npz"])
    qtbot.waitUntil(lambda: "cut.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert "damaged" in window.last_error
    assert len(doc.items) == 1
    open_images(qtbot, window, image_files[:1])  # still working


def test_open_images_offers_latent_files(qtbot, window, tmp_path, monkeypatch):
    filters = []
    monkeypatch.setattr(QFileDialog, "exec", lambda d: filters.append(d.nameFilters()) or 0)
    window.opener.open_dialog()
    assert "*.npz" in filters[0][0] and "*.png" in filters[0][0]
