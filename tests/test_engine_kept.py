"""What the engine keeps of the requests it was sent, for Retry on CPU: the last few that ran out of GPU memory, as
their failure sent them back; one that waits or runs is the queue's alone. It kept the last 256 requests of any kind:
a slider dragged 300 steps on a 512-px photo in an SD VAE held 256 of its 1 MiB latents for good, though none of them
could be retried."""
from __future__ import annotations

import threading

import numpy as np
import torch

from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.engine.engine import OUT_OF_MEMORY_KEPT
from genimg_gui.engine.runtime import Runtime

VAE_DIM = 2 * 16 * 16  # the tiny VAE's latent


def latent(step: int) -> np.ndarray:
    return np.full(VAE_DIM, step * 1e-3, np.float32)


def full_gpu(runtime: Runtime) -> None:
    """As on a GPU that has run out of memory: the worker offers the request again on the CPU."""
    runtime.device = torch.device("cuda:0")
    raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def test_a_drag_and_its_preview_strips_leave_nothing_kept_once_drawn(qtbot, vae_engine):
    engine = vae_engine
    ended: list[int] = []
    engine.done.connect(ended.append)
    last = 0
    for step in range(300):  # a drag: each move a new edited latent, most superseded before they run
        last = engine.submit(rq.Decode("vae", latent(step), tag=1))
        if step % 50 == 0:  # some drawn, not superseded
            qtbot.waitUntil(lambda: last in ended, timeout=UI_TIMEOUT)
    strip = engine.submit(rq.PreviewStrip("vae", np.stack([latent(-3), latent(3)]), tag=1000))
    qtbot.waitUntil(lambda: {last, strip} <= set(ended), timeout=UI_TIMEOUT)
    assert all(engine.request(seq) is None for seq in range(1, strip + 1))


def test_only_the_last_requests_that_ran_out_of_gpu_memory_are_kept(qtbot, vae_engine, monkeypatch):
    engine = vae_engine
    monkeypatch.setattr(Runtime, "render", lambda self, *args, **kwargs: full_gpu(self))
    offered: list[int] = []
    engine.failed.connect(lambda f: offered.append(f.seq) if f.retry_on_cpu else None)
    asked = [engine.submit(rq.Decode("vae", latent(i), tag=i + 1)) for i in range(3 * OUT_OF_MEMORY_KEPT)]
    qtbot.waitUntil(lambda: len(offered) == len(asked), timeout=UI_TIMEOUT)
    kept = asked[-OUT_OF_MEMORY_KEPT:]
    assert [seq for seq in asked if engine.request(seq) is not None] == kept
    assert engine.request(kept[-1]).tag == len(asked)  # as it was sent: Retry on CPU sends it again
    assert engine.resubmit(asked[0]) is None


def test_a_preview_strip_that_gave_way_to_a_decode_can_still_be_retried(qtbot, vae_engine, monkeypatch):
    """A strip that gives way is put back in the queue and runs again later: it has not ended, and should it then
    run out of memory, Retry on CPU finds it."""
    engine, entered, release = vae_engine, threading.Event(), threading.Event()
    real, calls = Runtime.render_thumbnail, []

    def thumbnail(self, *args):
        calls.append(args)
        if len(calls) == 1:  # the first frame: the test sends a decode meanwhile, and the strip gives way after it
            entered.set()
            release.wait(UI_TIMEOUT / 1000)
            return real(self, *args)
        full_gpu(self)
    monkeypatch.setattr(Runtime, "render_thumbnail", thumbnail)
    ended, failed = [], []
    engine.done.connect(ended.append)
    engine.failed.connect(failed.append)
    strip = engine.submit(rq.PreviewStrip("vae", np.stack([latent(-3), latent(3)]), tag=1000))
    qtbot.waitUntil(entered.is_set, timeout=UI_TIMEOUT)
    decode = engine.submit(rq.Decode("vae", latent(1), tag=1))
    release.set()
    qtbot.waitUntil(lambda: any(f.seq == strip for f in failed), timeout=UI_TIMEOUT)
    assert decode in ended and strip not in ended  # drawn between the strip's two runs
    assert [f.retry_on_cpu for f in failed] == [True]
    assert engine.request(strip) is not None and engine.request(decode) is None
