"""A picture that has no pixels of its own but its drawing (a latent file opened) keeps that drawing as the
reference its Compare panes show across VAE switches: a switch to a VAE of another size and back encoded the
other VAE's fit of it, a 16-px square upscaled, so after Reset all the "Opened (decoded)" pane was blurrier than the
picture beside it, and was autosaved so."""
from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT, make_model_folder
from genimg_gui import session as sess
from genimg_gui.models.vae import ConvVAE, VAEConfig
from genimg_gui.ui.qimage import from_qimage

from test_masked_edits import open_images, settle
from test_open_latents import edited_export, load, opened
from test_switch_values import double_click_model
from ui_helpers import the_sample

SMALL_VAE = VAEConfig(resolution=16, channels=(8, 16), latent_channels=2)  # the tiny VAE's half size


def reset_all(qtbot, window) -> None:
    """Edit → Reset all sliders, the picture on screen drawn again."""
    [action] = [a for a in window.menuBar().actions() if a.text() == "&Edit"]
    [reset] = [a for a in action.menu().actions() if a.text() == "Re&set all sliders"]
    reset.trigger()
    qtbot.waitUntil(lambda: not any(window.document.current.history.current.values), timeout=UI_TIMEOUT)
    settle(qtbot, window.document.current)


def test_a_latent_files_reference_is_its_drawing_after_a_switch_to_a_vae_of_another_size_and_back(
        qtbot, window, image_files, tmp_path):
    doc = window.document
    sample = the_sample(window)
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "x_edited.npz")
    latent = opened(qtbot, window, tmp_path / "x_edited.npz")
    drawn = latent.original.copy()  # the tiny VAE's drawing of the file's unedited latent
    doc.select(sample.id)
    before = set(doc.items)
    qtbot.mouseClick(window.gan_panel.send_button, Qt.MouseButton.LeftButton)  # Send to VAE editor
    qtbot.waitUntil(lambda: bool(set(doc.items) - before), timeout=UI_TIMEOUT)
    [sent] = [doc.items[i] for i in set(doc.items) - before]
    sent_original = sent.original.copy()
    torch.manual_seed(3)
    load(qtbot, window, make_model_folder(tmp_path / "small-vae", ConvVAE(SMALL_VAE), "small-vae"))
    assert latent.original.shape[:2] == (16, 16)  # the small VAE's fit of it, while it is loaded
    double_click_model(qtbot, window, "tiny-vae")
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)
    assert np.array_equal(sent.original, sent_original)
    doc.select(latent.id)
    settle(qtbot, latent)
    reset_all(qtbot, window)
    assert np.array_equal(latent.original, drawn)
    # the two panes the same picture again, the file's unedited latent drawn by its own VAE
    assert np.array_equal(from_qimage(window.canvas.original), from_qimage(window.canvas.edited))
    window.autosaver.save_now()
    window.autosaver.wait()
    [kept] = [i for i in sess.load_session(window.autosaver.path).items if i.name == latent.name]
    assert np.array_equal(kept.original, drawn)
