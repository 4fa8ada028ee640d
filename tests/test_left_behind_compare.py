"""Requests that draw a picture's latent, made while that latent is not the loaded VAE's. A picture left behind by a
VAE switch (its encoding with the new VAE cancelled: test_cancel_switch) keeps the last VAE's latent: Compare A/B,
the Morph preview and Export latent drew or wrote it as the new VAE's. Now Compare A/B and the Morph encode the
picture first, and Export latent does too and says to export once it is encoded."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.edit import edited_latent
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.qimage import from_qimage
from editing_helpers import click_step, history_tab
from test_cancel_switch import held_encode
from test_left_behind_previews import close_to, switch_cancelled
from test_masked_edits import open_images, settle
from test_morph_ui import open_morph


def drawn_by(reference: Runtime, state) -> np.ndarray:
    return reference.render("vae", edited_latent(state, reference.models["vae"].directions), None, None, 0)


def edited(qtbot, window, item, value: int = 100) -> None:
    window.sliders.sliders[0].setValue(value)
    qtbot.waitUntil(lambda: item.history.current.values[0] == value / 100, timeout=UI_TIMEOUT)
    settle(qtbot, item)


def test_compare_of_a_picture_left_behind_encodes_it_first(qtbot, window, image_files, tmp_path, monkeypatch):
    """Compare A/B of its first step and its PC1 step showed other-vae's drawings of tiny-vae's latents."""
    doc = window.document
    said: list[str] = []
    doc.message.connect(said.append)
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    edited(qtbot, window, item)
    reference = switch_cancelled(qtbot, window, tmp_path, monkeypatch)
    panel = history_tab(window)
    click_step(panel, 0, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(doc.frames_ready, timeout=UI_TIMEOUT) as got:
        panel.compare_button.click()
    assert "image 0.png is being encoded with other-vae first; the A/B comparison shows then" in said
    assert not doc.carry.pending(item.id)  # encoded with other-vae, then compared
    states = {n.id: n.state for n in item.history.nodes()}
    assert close_to(list(got.args[0].images), [drawn_by(reference, states[0]), drawn_by(reference, states[1])])
    assert window.canvas.labels[0] == "A: Opened" and window.canvas.labels[1].startswith("B: ")
    assert np.array_equal(from_qimage(window.canvas.original), got.args[0].images[0])
    assert np.array_equal(from_qimage(window.canvas.edited), got.args[0].images[1])
    assert window.history.comparing == (0, 1) and panel.stop_button.isEnabled()


def test_a_compare_waiting_for_an_encoding_cancelled_again_ends(qtbot, window, image_files, tmp_path, monkeypatch):
    """The encoding Compare A/B asked for cancelled too: no comparison comes, and the panel's buttons say so."""
    doc, panel = window.document, history_tab(window)
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    edited(qtbot, window, item)
    switch_cancelled(qtbot, window, tmp_path, monkeypatch)
    said: list[str] = []
    doc.message.connect(said.append)
    frames: list = []
    doc.frames_ready.connect(frames.append)
    inside, go = held_encode(monkeypatch)
    click_step(panel, 0, Qt.KeyboardModifier.ControlModifier)
    panel.compare_button.click()
    qtbot.waitUntil(lambda: inside.is_set() and window.status.cancel.isVisible(), timeout=UI_TIMEOUT)
    assert panel.stop_button.isEnabled()
    qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: any(text.startswith("Cancelled: ") for text in said), timeout=UI_TIMEOUT)
    assert "A/B comparison ended" in said and doc.carry.pending(item.id)
    assert not panel.stop_button.isEnabled() and window.history.comparing is None
    assert window.canvas.labels == (None, None) and not frames


def test_morph_of_a_picture_left_behind_encodes_it_first(qtbot, window, image_files, tmp_path, monkeypatch):
    """The morph's first frame, on the picture left behind, was other-vae's drawing of tiny-vae's latent; the
    export drew every frame near it so."""
    doc = window.document
    first, second = open_images(qtbot, window, image_files[:2])
    settle(qtbot, second)
    doc.select(first.id)
    settle(qtbot, first)
    reference = switch_cancelled(qtbot, window, tmp_path, monkeypatch)  # the other picture is encoded after it
    qtbot.waitUntil(lambda: not doc.carry.pending(second.id), timeout=UI_TIMEOUT)
    dialog, shown = open_morph(qtbot, window)
    qtbot.waitUntil(lambda: bool(shown), timeout=UI_TIMEOUT)
    assert not doc.carry.pending(first.id)
    index, image = shown[0]
    assert index == 0 and close_to([image], [drawn_by(reference, first.history.current)])


def test_export_latent_of_a_picture_left_behind_encodes_it_and_asks_to_export_again(qtbot, window, image_files,
                                                                                     tmp_path, monkeypatch):
    """Export latent wrote tiny-vae's latent as other-vae's: `genimg decode` and the app drew another picture."""
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    edited(qtbot, window, item)
    reference = switch_cancelled(qtbot, window, tmp_path, monkeypatch)
    path = tmp_path / "x.npz"
    window.exports.export_latent(str(path))
    assert window.last_error == ("Not exported: image 0.png is being encoded with other-vae first (its latent was "
                                 "still the last VAE's); export it again once that is done")
    assert not path.exists()
    qtbot.waitUntil(lambda: not window.document.carry.pending(item.id), timeout=UI_TIMEOUT)
    window.exports.export_latent(str(path))
    _, encoded, _ = reference.encode(item.source if item.source is not None else item.original, item.fit)
    with np.load(path) as f:
        assert np.allclose(f["base"], encoded, atol=1e-4)
