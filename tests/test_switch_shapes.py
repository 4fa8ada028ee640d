"""A VAE switch to a latent of another shape, in the real window: a picture's edit steps (values, masks) stay in
its history and come back on switching back, and a photo is encoded again from its own pixels, at its aspect, by a
spatial VAE after a 32-px one (not from that VAE's square crop); models named beside photos load before them."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

import foreign_builders as fb
from conftest import UI_TIMEOUT, step_ids
from test_foreign_ui import paint_stroke, settle


@pytest.fixture()
def photo(tmp_path):
    """A 200x120 PNG of gradients (5:3: a square crop of it is plain to tell)."""
    y, x = np.mgrid[0:120, 0:200]
    image = np.stack([x * 255 / 199, y * 255 / 119, np.full_like(x, 90.0)], -1).astype(np.uint8)
    path = tmp_path / "holiday.png"
    Image.fromarray(image).save(path)
    return path


def encoded_in(qtbot, item, ndim: int) -> None:
    """Wait until the picture's latents are those of a VAE of ndim latent axes (1: a vector, 3: spatial)."""
    qtbot.waitUntil(lambda: item.history.current.base.ndim == ndim and item.shown_seq >= item.requested_seq,
                    timeout=UI_TIMEOUT)


def test_edit_steps_survive_a_switch_to_a_latent_of_another_shape_and_come_back(qtbot, window, tmp_path, photo,
                                                                               model_dir):
    doc = window.document
    messages: list[str] = []
    doc.message.connect(messages.append)
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(photo)])
    item = doc.current
    window.sliders.sliders[0].setValue(178)
    settle(qtbot, item)
    paint_stroke(window)
    settle(qtbot, item)
    steps, mask = len(item.history), item.history.current.mask
    assert steps == 3 and mask is not None and item.history.current.values[0] == 1.78

    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])  # spatial: (4, h/8, w/8) latents
    encoded_in(qtbot, item, 3)
    assert len(item.history) == steps and window.undo_action.isEnabled()
    assert np.array_equal(item.history.current.mask, mask)  # the mask step kept, its mask with it
    assert {n.state.base.shape for n in item.history.nodes()} == {item.history.current.base.shape}
    assert any("the steps stay in the history" in m for m in messages)
    assert len(step_ids(window.history_panel)) == steps

    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-vae"))
    encoded_in(qtbot, item, 1)
    assert len(item.history) == steps and item.history.current.values[0] == 1.78  # the edit back as it was
    assert np.array_equal(item.history.current.mask, mask)
    window.undo_action.trigger()
    assert item.history.current.values[0] == 1.78 and item.history.current.mask is None
    window.undo_action.trigger()
    assert item.history.current_id == 0 and item.history.current.values[0] == 0
    assert window.last_error == ""


def sd_vae(window, tmp_path, monkeypatch) -> str:
    """An SD VAE file whose scale question is answered; photos over 104 px a side are scaled down."""
    monkeypatch.setattr(window.model_opener, "ask_scale", lambda r: dict(r.choices)["SD 1.x / 2.x"])
    window.document.engine.worker.runtime.max_side = 104
    return str(fb.sd_vae_file(tmp_path / "my-vae.safetensors"))


def test_a_photo_named_beside_an_sd_vae_is_encoded_by_it_at_its_own_aspect(qtbot, window, tmp_path, photo,
                                                                          monkeypatch):
    doc = window.document
    messages: list[str] = []
    doc.message.connect(messages.append)
    vae = sd_vae(window, tmp_path, monkeypatch)
    encoded_by = []
    doc.item_added.connect(lambda item: encoded_by.append(doc.models["vae"].spatial))
    window.open_paths([vae, str(photo)])  # as `genimg-gui my-vae.safetensors holiday.png`
    qtbot.waitUntil(lambda: doc.current is not None and doc.current.name == "holiday.png", timeout=UI_TIMEOUT)
    item = doc.current
    encoded_in(qtbot, item, 3)
    assert encoded_by == [True]  # the 32-px VAE never encoded it
    assert item.original.shape == (62, 104, 3) and item.history.current.base.shape == (4, 31, 52)
    assert any("edited at 104×62" in m for m in messages)


def test_a_photo_comes_back_at_its_aspect_after_a_vae_that_crops_it_square(qtbot, window, tmp_path, photo,
                                                                          monkeypatch, model_dir):
    doc = window.document
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([sd_vae(window, tmp_path, monkeypatch)])
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(photo)])
    item = doc.current
    assert item.original.shape == (62, 104, 3)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-vae"))
    encoded_in(qtbot, item, 1)
    assert item.original.shape == (32, 32, 3)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([sd_vae(window, tmp_path, monkeypatch)])
    encoded_in(qtbot, item, 3)
    assert item.original.shape == (62, 104, 3) and item.history.current.base.shape == (4, 31, 52)
    expected = np.asarray(Image.open(photo).resize((104, 62), Image.Resampling.LANCZOS))
    assert np.abs(item.original.astype(int) - expected).mean() < 8  # the whole photo, not a square crop of it


def test_carried_across_keeps_every_step_and_brings_back_a_base_folded_in_that_shape():
    from genimg_gui.edit import EditState
    from genimg_gui.history import History, carried_across

    grid = np.zeros((2, 2, 2), np.float32)
    history = History(EditState(grid, (0.0,)))
    history.push(EditState(grid, (1.5,)))
    history.push(EditState(grid + 1, (1.5,)))  # a deleted direction's share folded into the base
    kept = {n.id: n.state.base for n in history.nodes()}
    vector = carried_across(history, {0: np.full(3, 7, np.float32)})  # into a vector latent: no fold can come along
    assert [n.state.values for n in vector.nodes()] == [(0.0,), (1.5,), (1.5,)] and vector.current_id == 2
    assert all(np.array_equal(n.state.base, np.full(3, 7)) for n in vector.nodes())
    back = carried_across(vector, {0: grid + 2}, kept)  # back to the grid, encoded 2 higher than before
    assert [float(n.state.base.mean()) for n in back.nodes()] == [2.0, 2.0, 3.0]
    assert [n.state.values for n in back.nodes()] == [(0.0,), (1.5,), (1.5,)]


def test_a_preview_strip_asked_for_before_a_switch_to_another_latent_shape_is_dropped_unsaid(qtbot, vae_engine,
                                                                                             tmp_path):
    """A strip gives way to a model load queued behind it, then found the new VAE: "latent of size … does not fit
    the VAE" came up unasked on every switch to a VAE of another latent shape."""
    from genimg_gui.engine import requests as rq

    failed, previewed = [], []
    vae_engine.failed.connect(failed.append)
    vae_engine.result.connect(lambda r: previewed.append(r) if isinstance(r, rq.Previewed) else None)
    with qtbot.waitSignal(vae_engine.result, timeout=UI_TIMEOUT,
                          check_params_cb=lambda r: isinstance(r, rq.ModelInfo)):
        vae_engine.submit(rq.LoadModel(str(fb.taesd_pair(tmp_path)[0])))
    stale = vae_engine.submit(rq.PreviewStrip("vae", np.zeros((3, 64), np.float32), tag=7))
    with qtbot.waitSignal(vae_engine.result, timeout=UI_TIMEOUT, check_params_cb=lambda r: isinstance(r, rq.Previewed)):
        vae_engine.submit(rq.PreviewStrip("vae", np.zeros((1, 4, 2, 2), np.float32), tag=8))
    assert not failed and [r.tag for r in previewed] == [8] and stale


def test_the_pixels_kept_for_a_switch_are_no_larger_than_any_device_edits_at():
    """A 64-megapixel photo was kept whole on its item (192 MB) for a switch to encode again: kept at the largest
    side a VAE reads (GPU_MAX_SIDE, or a larger GENIMG_MAX_SIDE), its aspect kept; a smaller one is kept as it is."""
    from genimg_gui.engine.spatial import GPU_MAX_SIDE, kept_source

    big = np.zeros((3000, 4096, 3), np.uint8)
    big[:, 2048:] = 255  # its right half white: still there, at its place, once scaled
    kept = kept_source(big, 512)
    assert kept.shape == (1500, GPU_MAX_SIDE, 3) and kept[:, :1000].max() == 0 and kept[:, 1100:].min() == 255
    assert kept_source(big, 4096).shape == big.shape  # GENIMG_MAX_SIDE=4096 edits it whole
    small = np.zeros((300, 400, 3), np.uint8)
    assert kept_source(small, 512) is small or np.shares_memory(kept_source(small, 512), small)


def test_a_decode_asked_for_before_a_switch_to_another_latent_shape_is_dropped_unsaid(qtbot, vae_engine, tmp_path,
                                                                                      monkeypatch):
    """A slider's decode waiting while a VAE of another latent shape loads (the load, a job, runs first) then found
    the new VAE: "latent of size 4096 does not fit the VAE (expects 1024)" came up unasked. One asked after the load
    with a latent that does not fit is still an error."""
    from genimg_gui.engine import requests as rq
    from test_session_choice import held_loads

    failed, decoded = [], []
    vae_engine.failed.connect(failed.append)
    vae_engine.result.connect(lambda r: decoded.append(r) if isinstance(r, rq.Decoded) else None)
    taesd = str(fb.taesd_pair(tmp_path)[0])
    # the first load held running until the other two are queued: had it ended before the second load was asked
    # (the UI thread held up a moment on a busy machine), the decode ran on the new VAE, rightly said not to fit
    gate = held_loads(monkeypatch, os.path.realpath(taesd))
    with qtbot.waitSignal(vae_engine.started, timeout=UI_TIMEOUT):
        vae_engine.submit(rq.LoadModel(taesd))  # the worker busy with it...
    with qtbot.waitSignal(vae_engine.result, timeout=UI_TIMEOUT, check_params_cb=lambda r: isinstance(r, rq.ModelInfo)):
        stale = vae_engine.submit(rq.Decode("vae", np.zeros(64, np.float32), tag=7))  # ...a decode waits...
        vae_engine.submit(rq.LoadModel(taesd))  # ...and a load asked after it runs before it
        gate.set()
    with qtbot.waitSignal(vae_engine.result, timeout=UI_TIMEOUT, check_params_cb=lambda r: isinstance(r, rq.Decoded)):
        vae_engine.submit(rq.Decode("vae", np.zeros((4, 2, 2), np.float32), tag=8))
    assert not failed and [r.tag for r in decoded] == [8] and stale
    with qtbot.waitSignal(vae_engine.failed, timeout=UI_TIMEOUT):
        vae_engine.submit(rq.Decode("vae", np.zeros(64, np.float32), tag=9))
    assert "does not fit" in failed[-1].message
