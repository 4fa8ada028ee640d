"""A slider decode that ran out of GPU memory offers Retry on CPU; the user then loads another VAE. The decode was
asked of the old VAE, whose latent the worker no longer draws: the retry, sent, drew nothing, and its end said the
decode was done on the CPU."""
from __future__ import annotations

import torch
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.ui.failed_requests import DONE_ON_CPU
from test_cpu_retry import on_a_full_gpu
from test_masked_edits import open_images, settle
from test_open_latents import other_vae


def decode_out_of_memory(qtbot, window, monkeypatch, image_files):
    """An opened picture's slider decode runs out of GPU memory: Retry on CPU is offered. Returns the picture and the
    decode's seq; the worker is on the CPU again (unseen by the document), so that the next load runs there."""
    doc = window.document
    [item] = open_images(qtbot, window, [image_files[0]])
    settle(qtbot, item)
    on_a_full_gpu(window, monkeypatch, "render")
    with qtbot.waitSignal(doc.retry_offered, timeout=UI_TIMEOUT) as offered:
        doc.preview((1.0,) + item.history.current.values[1:])  # as a slider drag asks it
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    monkeypatch.setattr(doc.engine.worker.runtime, "device", torch.device("cpu"))
    return item, offered.args[0]


def test_another_vae_loaded_withdraws_the_retry_of_a_decode_of_the_old_one(qtbot, window, monkeypatch, image_files,
                                                                          tmp_path):
    doc = window.document
    item, failed = decode_out_of_memory(qtbot, window, monkeypatch, image_files)
    withdrawn = []
    doc.retry_withdrawn.connect(withdrawn.append)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(other_vae(tmp_path / "other-vae", 7, "other-vae")))
    assert withdrawn == [failed]
    assert not window.status.retry.isVisible() and not doc.failures.retries and doc.failures.offered == 0
    assert doc.engine.request(failed) is None  # the engine let go of it too
    settle(qtbot, item)  # the new VAE draws the picture


def test_a_retry_that_drew_nothing_does_not_say_it_was_done_on_the_cpu(qtbot, window, monkeypatch, image_files,
                                                                      tmp_path):
    """Retry on CPU clicked just after the load of another VAE was asked, before it arrived: the load runs first,
    and the retried decode of the old VAE's latent ends undrawn."""
    doc = window.document
    item, failed = decode_out_of_memory(qtbot, window, monkeypatch, image_files)
    said, sent = [], []
    doc.message.connect(said.append)
    doc.retried.connect(lambda old, new: sent.append(new))
    doc.load_model(str(other_vae(tmp_path / "other-vae", 7, "other-vae")))
    with qtbot.waitSignal(doc.engine.done, timeout=UI_TIMEOUT, check_params_cb=lambda seq: seq in sent):
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    assert sent and not any(DONE_ON_CPU in text for text in said), said
    settle(qtbot, item)  # the new VAE draws the picture
