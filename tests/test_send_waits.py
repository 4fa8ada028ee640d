"""Send to VAE editor and Invert current image, clicked while the sample's edit (a slider, its seed, its ψ) is still
being drawn, wait for that picture, as Export PNG does (DrawingWait): they took the picture from before the edit, and
the VAE got the old pixels (an SD VAE or a big GAN on a CPU draws for seconds)."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.edit import edited_latent
from genimg_gui.engine import requests as rq
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.drawing_wait import WAITING, being_drawn
from test_export_waits import said
from test_session_choice import held_loads
from test_switch_first import other_gan
from ui_helpers import the_sample, vae_items


@contextmanager
def drawings_held(monkeypatch):
    """The worker's decodes and samples wait until the block ends, as a big model on a CPU keeps the edit off the
    screen for seconds."""
    go = threading.Event()
    for method in ("render", "map_seed"):
        fast = getattr(Runtime, method)

        def held(self, *args, fast=fast, **kwargs):
            go.wait(UI_TIMEOUT / 1000)
            return fast(self, *args, **kwargs)
        monkeypatch.setattr(Runtime, method, held)
    try:
        yield
    finally:
        go.set()


def slider_moved(window) -> None:
    window.sliders.sliders[0].setValue(300)  # PC1 at +3σ, committed


def seed_stepped(window) -> None:
    window.gan_panel.seed.setValue(window.gan_panel.seed.value() + 1)


def psi_moved(window) -> None:
    window.gan_panel.psi.setValue(40)  # a run on ψ, still resting: its step is asked as Send or Invert is clicked


EDITS = [slider_moved, seed_stepped, psi_moved]


def settled(qtbot, window):
    item = the_sample(window)
    qtbot.waitUntil(lambda: not being_drawn(item) and not window.document.samples.pending, timeout=UI_TIMEOUT)
    return item


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__)
def test_send_to_vae_during_an_edit_sends_the_edit(edit, qtbot, window, monkeypatch):
    doc = window.document
    item = settled(qtbot, window)
    before = item.image.copy()
    with drawings_held(monkeypatch):
        edit(window)
        window.gan_panel.send_button.click()
        assert WAITING.format(f"send {item.name} to the VAE editor") in window.status.busy.text()
        assert not vae_items(window)
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1, timeout=UI_TIMEOUT)
    [sent] = vae_items(window)
    assert np.array_equal(sent.original, item.image) and not np.array_equal(sent.original, before)
    assert sent.name == f"{item.name} (to VAE)" and doc.current is sent
    assert "Waiting" not in window.status.busy.text()


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__)
def test_invert_during_an_edit_inverts_the_edit(edit, qtbot, window, monkeypatch):
    doc, panel = window.document, window.gan_panel
    panel.steps.setValue(2)
    item = settled(qtbot, window)
    before = item.image.copy()
    inverted: list[rq.Invert] = []
    doc.engine.submitted.connect(lambda r: inverted.append(r) if isinstance(r, rq.Invert) else None)
    with drawings_held(monkeypatch):
        edit(window)
        panel.invert_button.click()
        panel.invert_button.click()  # a double click inverts it once
        assert WAITING.format(f"invert {item.name}") in window.status.busy.text()
        assert not inverted
    qtbot.waitUntil(lambda: bool(inverted) and not window.inversion.runs, timeout=UI_TIMEOUT)
    [asked] = inverted
    assert np.array_equal(asked.image, item.image) and not np.array_equal(asked.image, before)


def test_escape_cancels_a_send_waiting_for_its_picture_and_an_undo_drops_it(qtbot, window, monkeypatch):
    doc = window.document
    item = settled(qtbot, window)
    with drawings_held(monkeypatch):
        seed_stepped(window)
        window.gan_panel.send_button.click()
        window.activateWindow()
        qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
        assert said(window)[-1] == f"Sending {item.name} to the VAE editor cancelled"
        assert "Waiting" not in window.status.busy.text()
    qtbot.waitUntil(lambda: not doc.samples.pending and not being_drawn(item), timeout=UI_TIMEOUT)
    with drawings_held(monkeypatch):
        seed_stepped(window)
        window.gan_panel.send_button.click()
        doc.undo()  # before the seed step came: the step sent is not the one shown
    qtbot.waitUntil(lambda: not doc.samples.pending and not being_drawn(item), timeout=UI_TIMEOUT)
    assert said(window)[-1] == (f"{item.name} was not sent to the VAE editor: {item.name} changed before its picture "
                                "was drawn; send it again")
    assert not vae_items(window)


@pytest.mark.parametrize("cancelled", [False, True], ids=["redrawn", "redraw-cancelled"])
@pytest.mark.parametrize("moved", ["as-it-loads", "as-it-draws"])
def test_a_sample_edited_as_a_new_gan_arrives_is_sent_as_the_new_gan_draws_it(moved, cancelled, qtbot, window, tmp_path,
                                                                               monkeypatch):
    """PC1 moved while other-gan loads (an edit along tiny-gan's PC1, which starts again at 0 in other-gan), or while
    other-gan draws the sample's seed again, then the sample sent to the VAE, also once that drawing was cancelled
    (the status bar's Cancel): every picture drawn of it since is from the new GAN's w, never the old w, and the one
    sent is the new GAN's drawing. Cancelled, the send waited for ever on the slider's decode the worker dropped (asked
    of tiny-gan), or sent the old GAN's picture without the edit."""
    doc = window.document
    item = settled(qtbot, window)
    folder, old_w = other_gan(tmp_path), item.history.current.base.copy()
    drawn: list[rq.Decoded] = []
    doc.engine.result.connect(lambda r: drawn.append(r) if isinstance(r, rq.Decoded) and r.tag == item.id else None)
    with drawings_held(monkeypatch):
        load = held_loads(monkeypatch, os.path.realpath(folder))
        doc.load_model(str(folder))
        if moved == "as-it-loads":
            slider_moved(window)  # asked of tiny-gan, which other-gan replaces before it is drawn
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            load.set()
        if moved == "as-it-draws":
            slider_moved(window)
        [remap] = doc.carry.remaps
        if cancelled:
            doc.cancel(remap)
        else:
            window.gan_panel.send_button.click()
    if cancelled:  # sent once the cancel has come: the sample keeps the old GAN's w until drawn again
        qtbot.waitUntil(lambda: item.id in doc.carry.left_behind, timeout=UI_TIMEOUT)
        window.gan_panel.send_button.click()
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1, timeout=UI_TIMEOUT)
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    state, directions = item.history.current, doc.directions("gan")
    assert np.allclose(state.base, reference.map_seed(item.seed, item.psi), atol=1e-5)
    assert state.values[0] == (3.0 if moved == "as-it-draws" else 0.0)
    assert drawn and all(np.allclose(r.latent, edited_latent(state, directions), atol=1e-5) for r in drawn)
    assert not any(np.allclose(r.latent, edited_latent(replace(state, base=old_w), directions), atol=1e-5)
                   for r in drawn)
    [sent] = vae_items(window)
    assert np.array_equal(sent.original, item.image)
    assert np.array_equal(item.image, reference.decode("gan", edited_latent(state, directions)))


def test_a_send_waiting_for_a_new_gans_drawing_that_is_cancelled_is_dropped(qtbot, window, tmp_path, monkeypatch):
    doc = window.document
    item = settled(qtbot, window)
    with drawings_held(monkeypatch):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(other_gan(tmp_path)))
        window.gan_panel.send_button.click()  # the picture on screen is still tiny-gan's: sent once other-gan's comes
        assert WAITING.format(f"send {item.name} to the VAE editor") in window.status.busy.text()
        [remap] = doc.carry.remaps
        doc.cancel(remap)
    qtbot.waitUntil(lambda: item.id in doc.carry.left_behind, timeout=UI_TIMEOUT)
    assert f"{item.name} was not sent to the VAE editor: {item.name} was not drawn by the new GAN" in said(window)
    assert not vae_items(window) and "Waiting" not in window.status.busy.text()
