"""A gesture still going on as another model of its kind arrives is a step first, as at an undo or another image made
current. A slider's (a run of keys resting, a drag held) counts the rows of the model it was made in: ended as the new
model's sliders were built, it was recorded along the new model's directions, row for row, and the edit was gone from
the model it was made in (switching back showed PC1 at 0). A run of seed keys was lost."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder, write_directions
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Generator
from genimg_gui.ui.qimage import from_qimage
from test_masked_edits import open_images, settle
from test_open_latents import other_vae
from test_session_choice import held_loads
from widget_helpers import focused


def press_keys(qtbot, window) -> None:
    """Five Right presses on PC1 (+0.5σ), the run still resting."""
    slider = focused(qtbot, window.sliders.sliders[0])
    for _ in range(5):
        QTest.keyClick(slider, Qt.Key.Key_Right)


def drag_held(qtbot, window) -> None:
    """PC1's handle dragged (the middle button jumps it to the press), the button still down."""
    slider = window.sliders.sliders[0]
    QTest.mousePress(slider, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(slider.width() * 3 // 4, slider.height() // 2))
    qtbot.waitUntil(slider.isSliderDown)


@pytest.mark.parametrize("gesture", [press_keys, drag_held], ids=["keys-resting", "drag-held"])
def test_a_slider_gesture_as_another_vae_arrives_is_a_step_of_the_vae_it_was_made_in(
        gesture, qtbot, window, image_files, tmp_path, monkeypatch, model_dir):
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the model is quicker than the rest
    doc = window.document
    [item] = open_images(qtbot, window, [image_files[0]])
    settle(qtbot, item)
    tiny = doc.models["vae"].identity
    folder = write_directions(other_vae(tmp_path / "other-vae", 7, "other-vae"))
    gate = held_loads(monkeypatch, os.path.realpath(folder))
    with qtbot.waitSignal(doc.engine.started, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    gesture(qtbot, window)
    pc1 = window.sliders.values()[0]
    assert pc1 > 0 and doc.gesture_going_on() and len(item.history) == 1  # its step still to come
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        gate.set()
    assert doc.models["vae"].name == "other-vae"
    assert len(item.history) == 2  # the gesture's step, made as the model arrived
    kept = item.values_by_model.get(tiny, {})  # the values each step had in tiny-vae
    assert kept.get(item.history.current_id, (None,))[0] == pc1  # ...the gesture's step among them
    QTest.mouseRelease(window.sliders, Qt.MouseButton.MiddleButton)  # a drag's button let go, on the new rows
    settle(qtbot, item)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-vae"))  # back to the VAE the gesture was made in
    settle(qtbot, item)
    assert len(item.history) == 2 and item.history.current.values[0] == pc1
    assert window.sliders.values()[0] == pc1


def test_a_run_of_seed_keys_as_another_gan_arrives_is_a_step_drawn_by_it(qtbot, window, tmp_path, monkeypatch):
    """Three Up presses on the seed, resting as other-gan arrived and its sample was drawn again: the run's end
    asked for nothing, and the presses, drawn live, left no step in History. (A run on ψ was a step.)"""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the model is quicker than the rest
    doc, panel = window.document, window.gan_panel
    item = doc.current
    window.tabs.setCurrentWidget(panel)

    def settled() -> bool:
        return not doc.samples.pending and item.shown_seq >= item.requested_seq
    qtbot.waitUntil(settled, timeout=UI_TIMEOUT)
    seed = item.seed
    torch.manual_seed(5)  # other weights: another GAN
    other = os.path.realpath(make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    gate = held_loads(monkeypatch, other)
    with qtbot.waitSignal(doc.engine.started, timeout=UI_TIMEOUT):
        doc.load_model(other)
    box = focused(qtbot, panel.seed)
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        gate.set()
    qtbot.waitUntil(settled, timeout=UI_TIMEOUT)  # the sample drawn again by other-gan
    window.filmstrip.setFocus()  # the run's end, had the arrival not ended it
    qtbot.waitUntil(settled, timeout=UI_TIMEOUT)
    assert len(item.history) == 2 and item.seed == seed + 3
    drawn = Runtime("cpu")
    drawn.load(other, lambda *_: None)
    assert np.array_equal(from_qimage(window.canvas.edited),
                          drawn.decode("gan", drawn.map_seed(item.seed, item.psi, None, item.draw)))
