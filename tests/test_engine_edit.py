"""Editing requests on the real engine with the tiny models: masked decodes, slider preview strips
(lowest priority), encoding examples to latents, rendering morph frames; and the mask helpers."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image

from genimg_gui import masking
from genimg_gui.engine import requests as rq
from genimg_gui.engine.queue import RequestQueue
from test_engine import TIMEOUT, VAE_DIM, Recorder, latents


def half_mask(size: int = 32) -> np.ndarray:
    """1 on the left half, 0 on the right, a soft column between."""
    mask = np.zeros((size, size), np.float32)
    mask[:, : size // 2] = 1.0
    mask[:, size // 2] = 0.5
    return mask


# --- masking.py -------------------------------------------------------------

def test_blend_is_exact_outside_and_inside_the_mask():
    rng = np.random.default_rng(0)
    edited, unedited = (rng.integers(0, 256, (8, 8, 3), dtype=np.uint8) for _ in range(2))
    mask = rng.random((8, 8)).astype(np.float32)
    mask[:2], mask[-2:] = 0.0, 1.0
    out = masking.blend(edited, unedited, mask)
    assert np.array_equal(out[:2], unedited[:2]) and np.array_equal(out[-2:], edited[-2:])
    mid = edited[2:-2].astype(float) * mask[2:-2, :, None] + unedited[2:-2] * (1 - mask[2:-2, :, None])
    assert np.abs(out[2:-2] - mid).max() <= 0.5 + 1e-6
    with pytest.raises(ValueError, match="differ in size"):
        masking.blend(edited, unedited, mask[:4])


def test_resize_mask_is_bilinear_and_keeps_range():
    mask = np.zeros((4, 4), np.float32)
    mask[:, 2:] = 1.0
    big = masking.resize_mask(mask, (16, 8))
    assert big.shape == (16, 8) and big.dtype == np.float32
    assert big.min() == 0.0 and big.max() == 1.0 and 0 < big[0, 4] < 1  # a soft edge, not a step
    assert np.all(np.diff(big[0]) >= 0)
    assert masking.resize_mask(mask, (4, 4)) is mask


def test_soft_brush_paints_a_soft_dab_and_erases():
    mask = masking.soft_brush(np.zeros((32, 32), np.float32), 10, 12, radius=6, hardness=0.5)
    assert mask[12, 10] == 1.0 and mask[12, 13] == 1.0  # full strength inside hardness * radius
    assert 0 < mask[12, 15] < 1 and mask[12, 17] == 0 and mask[0, 0] == 0  # fading, then nothing
    again = masking.soft_brush(mask, 10, 12, radius=6, hardness=0.5)
    assert again.max() <= 1.0 and np.all(again >= mask)  # repeated dabs never overshoot
    erased = masking.soft_brush(again, 10, 12, radius=3, hardness=1.0, value=0.0)
    assert erased[12, 10] == 0.0 and erased[12, 15] == again[12, 15]
    edge = masking.soft_brush(np.zeros((8, 8), np.float32), -2, 4, radius=3)  # partly outside
    assert edge[4, 0] > 0 and np.array_equal(masking.soft_brush(edge, 40, 40, 3), edge)


# --- masked decodes --------------------------------------------------------

def test_masked_decode_blends_with_the_unedited_decode(qtbot, vae_engine, vae_reference):
    rec = Recorder(vae_engine)
    base, edit = latents(2, seed=3)
    mask = half_mask()
    seq = vae_engine.submit(rq.Decode("vae", edit, tag=7, mask=mask, base=base))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Decoded)), timeout=TIMEOUT)
    image = rec.of(seq, rq.Decoded)[0].image
    unedited, edited = vae_reference.decode("vae", base), vae_reference.decode("vae", edit)
    assert np.array_equal(image[:, 17:], unedited[:, 17:]), "pixels outside the mask changed"
    assert np.array_equal(image[:, :16], edited[:, :16]), "the edit did not apply inside the mask"
    assert np.array_equal(image, masking.blend(edited, unedited, mask))


def test_dragging_a_masked_slider_costs_one_decode(qtbot, vae_engine, vae_reference):
    rec = Recorder(vae_engine)
    runtime = vae_engine.worker.runtime
    base = latents(1, seed=4)[0]
    mask = half_mask(8)  # painted at another size: resized to the output's
    counts = []
    for i, edit in enumerate(latents(4, seed=5)):
        before = runtime.decode_count
        seq = vae_engine.submit(rq.Decode("vae", edit, tag=9, mask=mask, base=base))
        qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Decoded)), timeout=TIMEOUT)
        counts.append(runtime.decode_count - before)
        image = rec.of(seq, rq.Decoded)[0].image
        expected = masking.blend(vae_reference.decode("vae", edit), vae_reference.decode("vae", base),
                                 masking.resize_mask(mask, (32, 32)))
        assert np.array_equal(image, expected)
    assert counts == [2, 1, 1, 1], f"network decodes per masked update: {counts}"
    seq = vae_engine.submit(rq.Decode("vae", base, tag=9, mask=mask))  # no base: a clear failure
    qtbot.waitUntil(lambda: bool(rec.failed(seq)), timeout=TIMEOUT)
    assert "needs the unedited latent" in rec.failed(seq)[0].message


# --- preview strips ----------------------------------------------------------

def test_preview_strip_renders_thumbnails(qtbot, vae_engine, vae_reference):
    rec = Recorder(vae_engine)
    zs = np.stack(latents(5, seed=6))
    seq = vae_engine.submit(rq.PreviewStrip("vae", zs, tag=2003, size=16))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Previewed)), timeout=TIMEOUT)
    strip = rec.of(seq, rq.Previewed)[0]
    assert strip.tag == 2003 and strip.images.shape == (5, 16, 16, 3) and strip.images.dtype == np.uint8
    # each thumbnail looks like its own latent's decode shrunk, more than like any other's
    small = [vae_reference.decode("vae", z).astype(float).reshape(16, 2, 16, 2, 3).mean((1, 3)) for z in zs]
    for i, thumb in enumerate(strip.images):
        assert int(np.argmin([np.abs(thumb - s).mean() for s in small])) == i


def test_queue_serves_previews_last_and_reports_urgent_work():
    q = RequestQueue()
    strip = lambda seq, tag: rq.PreviewStrip("vae", np.zeros((2, 1), np.float32), tag=tag, seq=seq)  # noqa: E731
    q.put(strip(1, 1001))
    q.put(strip(2, 1002))
    q.put(strip(3, 1001))  # same slider: supersedes seq 1
    q.put(rq.Decode("vae", np.zeros(1, np.float32), tag=1, seq=4))
    q.put(rq.LoadModel("x", seq=5))
    assert q.urgent() and q.pending() == 4
    assert [q.take().seq for _ in range(2)] == [5, 4]
    assert not q.urgent()
    running = q.take()
    assert running.seq == 2
    q.put(rq.Decode("vae", np.zeros(1, np.float32), tag=1, seq=6))
    assert q.urgent()
    q.requeue(running)  # the strip gave way: back first in line among previews
    assert [q.take().seq for _ in range(3)] == [6, 2, 3]
    q.put(strip(7, 1001))
    q.requeue(strip(3, 1001))  # a newer request for the lane arrived meanwhile: it wins
    assert q.take().seq == 7 and q.pending() == 0
    q.put(strip(8, 1003))
    assert q.cancel(8) and q.pending() == 0


def test_strips_never_hold_up_live_decodes(qtbot, vae_engine, monkeypatch):
    """A burst of long strips and live decodes: every decode is answered before any strip queued
    before it, and a decode sent while a strip renders waits for at most the one frame in flight."""
    from genimg_gui.engine.runtime import Runtime

    rec = Recorder(vae_engine)
    drawn: list[int] = []  # the tag of each picture the worker draws, in order: strips' frames and live decodes alike
    frame_in_flight, live_sent, burst_sent = threading.Event(), threading.Event(), threading.Event()
    render = Runtime.render

    def held_render(self, kind, latent, mask=None, base=None, tag=0, *args, **kwargs):
        drawn.append(tag)
        if drawn.count(1001) == 3 and tag == 1001:  # the running strip's third frame, held until the decode is sent
            frame_in_flight.set()
            live_sent.wait(TIMEOUT / 1000)  # a deadline, never a measure
        elif tag == 1001 and 1 in drawn:  # its first frame once the decode is drawn, held until the burst is sent
            burst_sent.wait(TIMEOUT / 1000)
        return render(self, kind, latent, mask, base, tag, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", held_render)
    long_strip = np.stack(latents(120, seed=7))
    running = vae_engine.submit(rq.PreviewStrip("vae", long_strip, tag=1001, size=8))
    qtbot.waitUntil(frame_in_flight.is_set, timeout=TIMEOUT)  # it is rendering
    live = vae_engine.submit(rq.Decode("vae", long_strip[0], tag=1))
    live_sent.set()
    qtbot.waitUntil(lambda: bool(rec.of(live, rq.Decoded)), timeout=TIMEOUT)
    assert not rec.of(running, rq.Previewed), "the live decode waited for the whole strip"
    held = [i for i, tag in enumerate(drawn) if tag == 1001][2]
    assert drawn[held + 1:held + 2] == [1], f"after the frame in flight came {drawn[held + 1:held + 6]}, not the decode"
    burst = []
    for i in range(4):
        burst.append(vae_engine.submit(rq.PreviewStrip("vae", long_strip, tag=1002 + i, size=8)))
        burst.append(vae_engine.submit(rq.Decode("vae", long_strip[i], tag=2 + i)))
    # the burst all queued before the worker goes on: with no decode waiting yet, a strip rightly runs to its end,
    # and one that ended while the UI thread was held up mid-burst (a busy machine) came before a later decode
    burst_sent.set()
    qtbot.waitUntil(lambda: all(rec.of(s) for s in burst) and bool(rec.of(running)), timeout=TIMEOUT)
    order = [r.seq for r in rec.results if isinstance(r, (rq.Decoded, rq.Previewed))]
    for decode in burst[1::2]:
        earlier_strips = [s for s in [running, *burst[0::2]] if s < decode]
        assert all(order.index(decode) < order.index(s) for s in earlier_strips), order
    assert not rec.failures


# --- encoding examples, rendering frames ------------------------------------------

def test_encode_latents_makes_no_items_and_lists_bad_files(qtbot, vae_engine, image_files, tmp_path, vae_reference):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png")
    rec = Recorder(vae_engine)
    paths = (str(image_files[0]), str(bad), str(image_files[2]))
    seq = vae_engine.submit(rq.EncodeLatents(paths, "letterbox", tag=31))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Latents)), timeout=TIMEOUT)
    [result] = rec.of(seq, rq.Latents)
    assert result.tag == 31 and result.names == (image_files[0].name, image_files[2].name)
    assert result.latents.shape == (2, VAE_DIM) and result.latents.dtype == np.float32
    assert len(result.failed) == 1 and "broken.png" in result.failed[0]
    assert not rec.of(seq, rq.Encoded) and not rec.failed(seq)
    _, expected, _ = vae_reference.encode(np.asarray(Image.open(image_files[2]).convert("RGB")), "letterbox")
    np.testing.assert_allclose(result.latents[1], expected, atol=1e-5)
    assert any(p.seq == seq and p.fraction == 1.0 for p in rec.progress)


def test_render_frames_equals_decodes_with_progress(qtbot, vae_engine, vae_reference):
    rec = Recorder(vae_engine)
    zs = np.stack(latents(6, seed=8))
    seq = vae_engine.submit(rq.RenderFrames("vae", zs, tag=4))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Frames)), timeout=TIMEOUT)
    [frames] = rec.of(seq, rq.Frames)
    assert frames.tag == 4 and frames.images.shape == (6, 32, 32, 3)
    assert all(np.array_equal(frames.images[i], vae_reference.decode("vae", zs[i])) for i in range(6))
    fractions = [p.fraction for p in rec.progress if p.seq == seq]
    assert len(fractions) == 7 and fractions == sorted(fractions) and fractions[-1] == 1.0


def test_render_frames_cancel_and_empty(qtbot, vae_engine):
    rec = Recorder(vae_engine)
    seq = vae_engine.submit(rq.RenderFrames("vae", np.stack(latents(2000, seed=9))))
    qtbot.waitUntil(lambda: len([p for p in rec.progress if p.seq == seq]) > 3, timeout=TIMEOUT)
    vae_engine.cancel(seq)
    qtbot.waitUntil(lambda: bool(rec.failed(seq)), timeout=TIMEOUT)
    assert rec.failed(seq)[0].cancelled and not rec.of(seq, rq.Frames)
    empty = vae_engine.submit(rq.RenderFrames("vae", np.zeros((0, VAE_DIM), np.float32)))
    qtbot.waitUntil(lambda: bool(rec.failed(empty)), timeout=TIMEOUT)
    assert "no frames" in rec.failed(empty)[0].message
