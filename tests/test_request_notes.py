"""What the document notes of a request by its seq, however the request ends. Send to VAE editor notes the sample's
name by its encode's seq, for the picture's "Sent from seed N to the VAE" first step: an encode cancelled, or run out
of GPU memory and its Retry on CPU then withdrawn, left that note for the session; one retried on the CPU (a new
seq) came without it, its first step reading "Opened" as if it had come from a file. A sample's own image for
Compare, drawn again, left its note (with the w it drew) once retried on the CPU, or once a switch to a GAN of
another w size made its decode end with nothing sent back. The worker is made to believe it runs on a full GPU, as
in test_cpu_retry; a forward hook holds it inside the VAE's encoder, as in test_cancel_mid_pass."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import torch

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder
from editing_helpers import history_tab
from genimg_gui.engine import requests as rq
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Generator
from genimg_gui.session import load_session, save_session
from genimg_gui.ui.failed_requests import DONE_ON_CPU
from genimg_gui.ui.qimage import from_qimage
from test_cancel_mid_pass import cancel_while_held
from test_cpu_retry import on_a_full_gpu, retried
from ui_helpers import the_sample, vae_items


def asked_by(window, act, kind: type, tag: int | None = None) -> int:
    """The seq of the request of that kind (and tag) that act() asks for."""
    asked: list[rq.Request] = []
    window.document.engine.submitted.connect(asked.append)
    try:
        act()
    finally:
        window.document.engine.submitted.disconnect(asked.append)
    [request] = [r for r in asked if isinstance(r, kind) and tag in (None, getattr(r, "tag", None))]
    return request.seq


def send(window) -> int:
    """Click Send to VAE editor on the current sample; the seq of the encode it asks for."""
    return asked_by(window, window.gan_panel.send_button.click, rq.EncodeImage)


@contextmanager
def held_in_the_vae_encoder(window):
    """The worker held as the VAE's encoder begins its first pass, until go is set (or UI_TIMEOUT: a worker that never
    stops cannot hang the suite)."""
    gate = SimpleNamespace(inside=threading.Event(), go=threading.Event())

    def hold(_module, _args) -> None:  # on the worker's thread
        if not gate.inside.is_set():
            gate.inside.set()
            gate.go.wait(UI_TIMEOUT / 1000)
    handle = window.document.engine.worker.runtime.models["vae"].net.encoder.register_forward_pre_hook(hold)
    try:
        yield gate
    finally:
        gate.go.set()
        handle.remove()


def compare_images_run_out(window, monkeypatch) -> None:
    """Runtime.render on a "GPU" that a sample's own image for Compare (a decode of tag 0) overfills; the others fit
    (drawn on the CPU here: the test machine may have no GPU). The worker is idle: no race."""
    monkeypatch.setattr(window.document.engine.worker.runtime, "device", torch.device("cuda:0"))
    real = Runtime.render

    def on_gpu(self, kind, latent, mask=None, base=None, tag=0, tiles=None, *, kept=True):
        if self.device.type != "cuda":
            return real(self, kind, latent, mask, base, tag, tiles, kept=kept)
        if tag == 0:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        gpu, self.device = self.device, torch.device("cpu")
        try:
            return real(self, kind, latent, mask, base, tag, tiles, kept=kept)
        finally:
            self.device = gpu
    monkeypatch.setattr(Runtime, "render", on_gpu)


def restored_one_seed_on(qtbot, window, tmp_path):
    """The sample stepped one seed on, its session saved and restored: the restored copy, current, whose first
    step's own image the session did not keep (undo draws it again); the first seed's image, and that seed."""
    doc, sample = window.document, the_sample(window)
    first, seed = sample.original, sample.seed
    window.gan_panel.seed.setValue(seed + 1)
    qtbot.waitUntil(lambda: sample.seed == seed + 1 and sample.shown_seq >= sample.requested_seq, timeout=UI_TIMEOUT)
    doc.restore(load_session(save_session(doc.to_session(), tmp_path / "session.safetensors")))
    restored = doc.current
    assert restored is not sample and restored.seed == seed + 1
    return restored, first, seed


def test_a_send_to_vae_retried_on_the_cpu_arrives_sent_from_its_sample(qtbot, window, monkeypatch):
    doc, sample = window.document, the_sample(window)
    on_a_full_gpu(window, monkeypatch, "encode")
    said = retried(qtbot, window, lambda: send(window))
    assert said == f"The encoding of “{sample.name} (to VAE)” was {DONE_ON_CPU}"
    [sent] = vae_items(window)
    assert doc.current is sent and sent.name == f"{sample.name} (to VAE)"
    assert history_tab(window).item_for(0).text(0) == f"Sent from {sample.name} to the VAE"
    assert not doc.sending


def test_a_cancelled_send_to_vae_leaves_no_note_behind(qtbot, window):
    doc, sample = window.document, the_sample(window)
    said: list[str] = []
    doc.message.connect(said.append)
    with held_in_the_vae_encoder(window) as gate:
        send(window)
        cancel_while_held(qtbot, window, gate)
        qtbot.waitUntil(lambda: "Cancelled" in said, timeout=UI_TIMEOUT)
    assert not vae_items(window) and doc.current is sample
    assert not doc.sending


def test_a_send_to_vae_whose_retry_on_cpu_is_withdrawn_leaves_no_note_behind(qtbot, window, monkeypatch):
    """The send runs out of GPU memory, then a slider's decode does: the bar's Retry on CPU sends the decode now, and
    the send can no longer be retried."""
    doc, sample = window.document, the_sample(window)
    on_a_full_gpu(window, monkeypatch, "encode")
    on_a_full_gpu(window, monkeypatch, "render")
    with qtbot.waitSignal(doc.retry_offered, timeout=UI_TIMEOUT):
        sent = send(window)
    with qtbot.waitSignal(doc.retry_withdrawn, timeout=UI_TIMEOUT, check_params_cb=lambda seq: seq == sent):
        doc.preview((1.5,) + sample.history.current.values[1:])
    assert not vae_items(window) and not doc.sending


def test_a_samples_compare_image_drawn_again_on_the_cpu_leaves_no_note_behind(qtbot, window, monkeypatch,
                                                                              tmp_path):
    doc = window.document
    restored, first, seed = restored_one_seed_on(qtbot, window, tmp_path)
    compare_images_run_out(window, monkeypatch)
    said = retried(qtbot, window, lambda: asked_by(window, window.undo_action.trigger, rq.Decode, tag=0))
    assert said == f"The decode was {DONE_ON_CPU}"
    qtbot.waitUntil(lambda: np.array_equal(from_qimage(window.canvas.original), first), timeout=UI_TIMEOUT)
    assert restored.seed == seed and not doc.samples.originals


def test_a_compare_image_asked_before_a_switch_to_a_gan_of_another_w_size_leaves_no_note_behind(qtbot, window,
                                                                                                 tmp_path):
    """Undo asks for the first seed's own image while the worker is busy, then a GAN whose w has another size is
    loaded: the load, a job, runs first, and the decode of the old w, which no longer fits, ends with nothing sent
    back (the switch draws the sample again)."""
    doc = window.document
    restored_one_seed_on(qtbot, window, tmp_path)
    narrow = make_model_folder(tmp_path / "narrow-gan", Generator(replace(TINY_GAN, w_dim=8)), "narrow-gan")
    with held_in_the_vae_encoder(window) as gate:
        send(window)
        qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)
        compare = asked_by(window, window.undo_action.trigger, rq.Decode, tag=0)
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(narrow))
            gate.go.set()
    qtbot.waitUntil(lambda: doc.engine.request(compare) is None and not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert not doc.samples.originals
