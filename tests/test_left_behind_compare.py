"""Requests that draw a picture's latent, made while that latent is not the loaded VAE's. A picture left behind by a
VAE switch (its encoding with the new VAE cancelled: test_cancel_switch) keeps the last VAE's latent: Compare A/B,
the Morph preview and Export latent drew or wrote it as the new VAE's. Now Compare A/B and the Morph encode the
picture first, and Export latent does too and says to export once it is encoded.

Slider strips and the picture itself, asked just before a switch (or the picture while the switch encoded it), were
drawn after the new VAE's load, by it, of the old latent, and shown; now they are dropped (or not asked)."""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt, QTimer

from conftest import UI_TIMEOUT
from genimg_gui.edit import EditState, edited_latent
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.preview_controller import THUMB_SIZE, TAG_SLOTS, strip_latents
from genimg_gui.ui.qimage import from_qimage
from editing_helpers import click_step, history_tab
from test_cancel_switch import held_encode
from test_left_behind_previews import close_to, strips_answered, switch_cancelled, thumbnails
from test_masked_edits import open_images, settle
from test_morph_ui import open_morph
from test_open_latents import other_vae
from ui_helpers import shown


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


def test_strips_asked_just_before_a_switch_are_not_shown_when_the_new_vae_draws_them(qtbot, window, image_files,
                                                                                     tmp_path):
    """Strips asked as the user loads another VAE were drawn after its load (a job goes first), by it, of the
    latent the picture held before its encoding with it; that encoding came first, and they were shown as its own
    until the next pause asked again."""
    doc, sliders = window.document, window.sliders
    answered = strips_answered(qtbot, window)
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    sliders.previews_box.setChecked(True)
    qtbot.waitUntil(lambda: sliders.strips and all(len(s.images) == 7 for s in sliders.strips), timeout=UI_TIMEOUT)
    answered()
    folder = other_vae(tmp_path / "other-vae", 7, "other-vae")
    shown: list[tuple[int, list[np.ndarray]]] = []  # the strips shown once other-vae is in
    show = sliders.set_preview

    def shown_after_switch(index: int, images) -> None:
        if doc.models["vae"].name == "other-vae":
            shown.append((index, list(images)))
        show(index, images)
    sliders.set_preview = shown_after_switch
    answers: set[int] = set()
    doc.previewed.connect(lambda r: answers.add(r.seq))
    sliders.sliders[0].setValue(100)
    assert item.history.current.values[0] == 1.0 and window.previews.timer.isActive()
    window.previews.timer.stop()
    asked = window.previews.request_strips()  # the pause after the edit ends...
    doc.load_model(str(folder))  # ...as the user loads other-vae: its load, a job, goes before the strips
    qtbot.waitUntil(lambda: doc.models["vae"].name == "other-vae" and not doc.carry.pending(item.id),
                    timeout=UI_TIMEOUT)
    settle(qtbot, item)
    # the strips asked last answered, none about to be asked (those asked before the switch may have been replaced
    # unrun by the next pause's: they are answered never)
    previews = window.previews
    qtbot.waitUntil(lambda: not previews.timer.isActive() and set(previews.sent.values()) <= answers
                    and set(previews.sent.values()).isdisjoint(asked), timeout=UI_TIMEOUT)
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    directions = reference.models["vae"].directions
    assert shown  # the strips asked in other-vae, of its encoding
    for index, images in shown:
        latents = strip_latents(item.history.current, directions, index, sliders.preview_values())
        assert close_to(images, thumbnails(reference, list(latents), item.id * TAG_SLOTS + index, THUMB_SIZE))


def test_a_picture_asked_just_before_a_switch_is_not_shown_when_the_new_vae_draws_it(qtbot, window, image_files,
                                                                                     tmp_path, monkeypatch, model_dir):
    """A slider moved as the user loads another VAE, the worker busy: its picture was drawn after the load (a job
    goes first), by the new VAE, of tiny-vae's latent, and shown; with the encoding cancelled, it stayed."""
    sliders = window.sliders
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    entered, release = threading.Event(), threading.Event()
    real = Runtime.render

    def held(self, *args, **kwargs):  # the first draw waits until the next one and the load are both queued behind it
        if not entered.is_set():
            entered.set()
            release.wait(UI_TIMEOUT / 1000)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", held)
    sliders.sliders[0].setValue(50)
    qtbot.waitUntil(entered.is_set, timeout=UI_TIMEOUT)
    sliders.sliders[0].setValue(100)  # its picture is asked of tiny-vae, and waits
    QTimer.singleShot(0, release.set)  # once the load below is queued: the worker runs it before that picture
    switch_cancelled(qtbot, window, tmp_path, monkeypatch)
    tiny = Runtime("cpu")
    tiny.load(str(model_dir / "tiny-vae"), lambda *_: None)
    directions = tiny.models["vae"].directions
    half = EditState(item.history.nodes()[0].state.base, (0.5,) + (0.0,) * (len(directions) - 1))
    assert close_to([shown(window)], [drawn_by(tiny, half)])  # the last picture tiny-vae drew, not other-vae's


def test_a_picture_edited_while_it_is_being_encoded_with_a_new_vae_waits_for_it(qtbot, window, image_files, tmp_path,
                                                                               monkeypatch):
    """PC1 moved while a switch encoded the picture with other-vae: its edit was drawn by other-vae of tiny-vae's
    latent at once, and where that encoding was then cancelled, that picture stayed on the canvas."""
    doc = window.document
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    before = shown(window).copy()
    said: list[str] = []
    doc.message.connect(said.append)
    inside, go = held_encode(monkeypatch)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(other_vae(tmp_path / "other-vae", 7, "other-vae")))
    qtbot.waitUntil(lambda: inside.is_set() and window.status.cancel.isVisible()
                    and window.status.bar.toolTip().startswith("Encoding image 0.png"), timeout=UI_TIMEOUT)
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.0, timeout=UI_TIMEOUT)
    qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: any(text.startswith("Cancelled: ") for text in said), timeout=UI_TIMEOUT)
    settle(qtbot, item)
    assert doc.carry.pending(item.id) and np.array_equal(shown(window), before)  # tiny-vae's picture, as it was
