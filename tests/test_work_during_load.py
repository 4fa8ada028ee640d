"""Work asked while another model of its kind loads, or while a switch makes the picture's latents in the new model.
The worker runs a load asked first before it (jobs in the order asked, before the pictures to draw), so the work is
done in the new model: it is recorded in that one, and a picture is drawn once its latents are in it. An inversion was
recorded in the GAN loaded at the click, a direction refused as "The VAE changed while encoding the examples", and a
slider or Ctrl+Z drew the old model's latent with the new VAE ("latent of size 512 does not fit the VAE"). A decode the
worker drops unanswered ends its "Decoding…" note too."""
from __future__ import annotations

import os
from dataclasses import replace

import pytest
import torch

from conftest import TINY_GAN, TINY_VAE, UI_TIMEOUT, make_model_folder, write_directions
from genimg_gui.engine import requests as rq
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from test_cancel_switch import held_encode
from test_directions_ui import define
from test_inversion_ui import open_image
from test_masked_edits import open_images, settle
from test_open_latents import other_vae
from test_session_choice import held_loads


def wide_vae(folder):
    """A VAE of another latent shape than tiny-vae's (4 × 16 × 16, not 2 × 16 × 16), with slider directions."""
    torch.manual_seed(3)
    return write_directions(make_model_folder(folder, ConvVAE(replace(TINY_VAE, latent_channels=4)), "wide-vae"))


def loading(qtbot, doc, monkeypatch, folder):
    """folder's model loading, held running until the returned event is set (an SD VAE's load takes seconds)."""
    gate = held_loads(monkeypatch, os.path.realpath(folder))
    with qtbot.waitSignal(doc.engine.started, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    return gate


def test_a_picture_inverted_while_another_gan_loads_is_recorded_as_fitted_in_that_gan(qtbot, window, image_files,
                                                                                       tmp_path, monkeypatch,
                                                                                       model_dir):
    doc = window.document
    open_image(qtbot, window, image_files[1])
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    gate = loading(qtbot, doc, monkeypatch, other)
    window.gan_panel.steps.setValue(10)
    window.gan_panel.invert_button.click()
    said: list[str] = []
    doc.message.connect(said.append)
    gate.set()
    qtbot.waitUntil(lambda: any(m.startswith("Inverted ") for m in said), timeout=UI_TIMEOUT)
    item = doc.current
    assert doc.models["gan"].name == "other-gan" and item.inverted_in == doc.models["gan"].identity
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-gan"))  # back to the GAN loaded at the click: the w is not fitted there
    assert any(f"{item.name} keeps its w; invert the picture again to fit the new GAN" in m for m in said), said


def test_a_direction_asked_while_another_vae_loads_is_made_for_that_vae(qtbot, window, image_files, tmp_path,
                                                                       monkeypatch):
    doc = window.document
    gate = loading(qtbot, doc, monkeypatch, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    errors: list[str] = []
    doc.error.connect(errors.append)
    define(qtbot, window, "a → b", [str(image_files[0])], [str(p) for p in image_files[1:3]],
           wait=False)
    gate.set()  # other-vae loads, then encodes the examples
    qtbot.waitUntil(lambda: not window.directions_tool.jobs, timeout=UI_TIMEOUT)  # made, or refused
    assert not errors
    vae = doc.models["vae"]
    assert vae.name == "other-vae" and vae.directions.labels[-1] == "a → b"


@pytest.mark.parametrize("shape", ["another latent shape", "the same latent shape"])
def test_a_slider_moved_while_another_vae_loads_is_drawn_once_the_picture_is_in_it(shape, qtbot, window,
                                                                                  image_files, tmp_path,
                                                                                  monkeypatch):
    """The slider's decode, asked of tiny-vae, waits behind the load: the new VAE does not draw tiny-vae's latent
    (another shape: "latent of size 512 does not fit the VAE (expects 1024)" came up; the same shape: a wrong
    picture until the picture's encoding by the new VAE came). It is drawn as the picture comes back in the new VAE."""
    doc = window.document
    [item] = open_images(qtbot, window, [image_files[0]])
    settle(qtbot, item)
    wide = shape == "another latent shape"
    folder = wide_vae(tmp_path / "wide-vae") if wide else other_vae(tmp_path / "other-vae", 7, "other-vae")
    errors: list[str] = []
    doc.error.connect(errors.append)
    drawn, ended = [], []
    doc.engine.result.connect(lambda r: drawn.append(r.seq) if isinstance(r, rq.Decoded) else None)
    doc.engine.done.connect(ended.append)
    doc.engine.failed.connect(lambda f: ended.append(f.seq))
    gate = loading(qtbot, doc, monkeypatch, folder)
    window.sliders.sliders[0].setValue(100)
    asked_of_tiny_vae = item.requested_seq
    gate.set()
    qtbot.waitUntil(lambda: asked_of_tiny_vae in ended and not doc.carry.pending_any()
                    and item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    assert not errors and asked_of_tiny_vae not in drawn
    assert doc.models["vae"].name == folder.name and item.history.current.base.size == (4 if wide else 2) * 16 * 16
    assert item.shown_seq in drawn  # the picture shown is the new VAE's drawing of it


def test_undo_while_a_switch_encodes_the_picture_again_is_drawn_once_it_is_encoded(qtbot, window, image_files,
                                                                                  tmp_path, monkeypatch):
    doc = window.document
    [item] = open_images(qtbot, window, [image_files[0]])
    settle(qtbot, item)
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: len(item.history) == 2, timeout=UI_TIMEOUT)
    settle(qtbot, item)
    errors: list[str] = []
    doc.error.connect(errors.append)
    inside, go = held_encode(monkeypatch)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(wide_vae(tmp_path / "wide-vae")))
    qtbot.waitUntil(inside.is_set, timeout=UI_TIMEOUT)  # the picture being encoded by wide-vae (an SD VAE: seconds)
    window.undo_action.trigger()
    assert item.history.current_id == 0
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        go.set()
    settle(qtbot, item)
    assert not errors
    assert item.history.current_id == 0 and item.history.current.base.size == 4 * 16 * 16
    assert item.requested.same_as(item.history.current)  # the undone step, drawn by wide-vae


def test_the_decoding_note_goes_when_the_worker_drops_its_decode(qtbot, window, image_files, tmp_path, monkeypatch):
    """A slider's decode waits while a VAE of another latent shape loads; the same VAE is asked again (a job: it runs
    before the decode); the picture is closed. The worker drops the decode, asked of tiny-vae, with no result nor
    failure: "Decoding…" stayed on the status bar for the rest of the session."""
    doc = window.document
    [item] = open_images(qtbot, window, [image_files[0]])
    settle(qtbot, item)
    wide = wide_vae(tmp_path / "wide-vae")
    gate = loading(qtbot, doc, monkeypatch, wide)
    window.sliders.sliders[0].setValue(100)
    dropped = item.requested_seq
    doc.load_model(str(wide))
    doc.close_item(item.id)
    with qtbot.waitSignal(doc.engine.done, timeout=UI_TIMEOUT, check_params_cb=lambda seq: seq == dropped):
        gate.set()
    note = window.slow_draw
    qtbot.waitUntil(lambda: not note.timer.isActive(), timeout=UI_TIMEOUT)  # a note due has shown by then
    assert note.shown == "" and not window.status.busy.isVisible()
