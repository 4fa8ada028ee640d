"""A model load asked while the worker is busy says what it waits for. The worker runs one request at a time: a model
double-clicked during a 40 s SD VAE decode waited behind it with nothing said, and the double-click looked ignored.
The note says it truthfully (jobs run in the order asked, before the pictures waiting to be drawn), and goes when the
load starts; a waiting load made pointless by another of its kind asked right after it is dropped, never a running
one."""
from __future__ import annotations

import os
import threading

import numpy as np
import pytest
import torch
from PySide6.QtWidgets import QLabel

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.engine import requests as rq
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.vae import ConvVAE
from test_switch_values import double_click_row


@pytest.fixture()
def other_vae(window, tmp_path) -> str:
    """A second VAE listed in the Models tab."""
    torch.manual_seed(7)
    path = os.path.realpath(make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    window.model_list.list_model(path)
    return path


def status_texts(window) -> list[str]:
    """What the status bar says now: its message and the labels on show."""
    bar = window.status
    return [bar.currentMessage(), *(label.text() for label in bar.findChildren(QLabel) if label.isVisible())]


def start_slow_decode(qtbot, window, monkeypatch, value: float = 1.0) -> threading.Event:
    """A slider moved on the GAN sample, its decode (an SD VAE's on a photo takes ~40 s on a CPU) held running until
    the returned event is set; returns once the worker runs it. Made 3 s slow instead, a UI thread held up as long
    on a busy machine found it ended, and the load it asked for already begun (so not dropped by the next)."""
    doc, render, ended = window.document, Runtime.render, threading.Event()
    sample = doc.current.id

    def held(self, kind, latent, mask=None, base=None, tag=0, *args, **kwargs):
        if tag == sample:  # the sample's pictures; any other drawing goes on
            ended.wait(UI_TIMEOUT / 1000)  # a deadline, never a measure
        return render(self, kind, latent, mask, base, tag, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", held)
    doc.preview((value,) + (0.0,) * (len(doc.directions("gan")) - 1))
    qtbot.waitUntil(lambda: doc.engine.queue.pending() == 0, timeout=UI_TIMEOUT)  # taken: it runs now
    return ended


def test_a_load_asked_during_a_slow_decode_says_it_waits_until_it_starts(qtbot, window, monkeypatch, other_vae):
    doc = window.document
    results = []
    doc.engine.result.connect(lambda r: results.append(type(r).__name__))
    decode = start_slow_decode(qtbot, window, monkeypatch)
    double_click_row(qtbot, window, "other-vae")
    qtbot.waitUntil(lambda: "other-vae will load when the current decode ends" in status_texts(window),
                    timeout=UI_TIMEOUT)
    assert "Decoded" not in results  # said while the decode runs, not once it has ended
    decode.set()
    qtbot.waitUntil(lambda: "ModelInfo" in results, timeout=UI_TIMEOUT)
    assert doc.models["vae"].name == "other-vae" and results.index("Decoded") < results.index("ModelInfo")
    assert not any("will load" in text for text in status_texts(window))  # gone once it started


def test_a_load_goes_before_waiting_pictures_and_a_newer_one_of_its_kind_replaces_it(qtbot, window, monkeypatch,
                                                                                     other_vae):
    doc, waiting = window.document, window.status.waiting
    results = []
    doc.engine.result.connect(lambda r: results.append(r))
    decode = start_slow_decode(qtbot, window, monkeypatch)
    waiting_picture = doc.preview((2.0,) + (0.0,) * (len(doc.directions("gan")) - 1))  # behind the running decode
    double_click_row(qtbot, window, "other-vae")
    qtbot.waitUntil(waiting.isVisible, timeout=UI_TIMEOUT)
    said = "other-vae will load when the current decode ends, before the picture waiting to be drawn"
    assert window.waiting_jobs.shown == said and waiting.toolTip().startswith(said)  # the label may be elided
    double_click_row(qtbot, window, "tiny-vae")  # changed their mind: other-vae's load, still waiting, is dropped
    dropped = "other-vae will not load: tiny-vae was asked for after it"
    assert window.status.currentMessage() == dropped and "Cancelled" not in window.status.log.text()
    qtbot.waitUntil(lambda: window.waiting_jobs.shown.startswith("tiny-vae will load when the current decode ends"),
                    timeout=UI_TIMEOUT)
    decode.set()
    qtbot.waitUntil(lambda: any(isinstance(r, rq.ModelInfo) for r in results), timeout=UI_TIMEOUT)
    assert waiting.isHidden()
    assert [r.name for r in results if isinstance(r, rq.ModelInfo)] == ["tiny-vae"]  # other-vae never loaded
    assert doc.models["vae"].name == "tiny-vae" and not doc.jobs
    qtbot.waitUntil(lambda: waiting_picture in [getattr(r, "seq", 0) for r in results], timeout=UI_TIMEOUT)
    order = [r.seq if isinstance(r, rq.Decoded) else type(r).__name__ for r in results]
    assert order.index("ModelInfo") < order.index(waiting_picture)  # the load jumped the picture waiting


def test_a_device_change_asked_during_a_slow_decode_says_it_waits(qtbot, window, monkeypatch):
    waiting, device = window.status.waiting, window.model_panel.device
    decode = start_slow_decode(qtbot, window, monkeypatch)
    device.activated.emit(device.findText("cpu"))  # the device box's choice, as a user picks it
    qtbot.waitUntil(waiting.isVisible, timeout=UI_TIMEOUT)
    assert waiting.text() == "The device will change to cpu when the current decode ends"
    decode.set()
    qtbot.waitUntil(waiting.isHidden, timeout=UI_TIMEOUT)


def test_the_note_names_the_jobs_a_load_waits_behind():
    """Jobs run in the order asked: a load waits for those asked before it too, and the note names them."""
    from genimg_gui.engine.queue import Place
    from genimg_gui.ui.slow_draw import waiting_text

    load = rq.LoadModel("/models/emoji-gan", seq=9)
    decode = rq.Decode("vae", np.zeros(4, np.float32), seq=3)
    encode = rq.EncodeFiles(("a.png", "b.png"), seq=5)
    other = rq.LoadModel("/models/emoji-vae", seq=6)
    assert waiting_text(load, Place(decode, (), 0)) == "emoji-gan will load when the current decode ends"
    assert waiting_text(load, Place(decode, (encode, other), 3)) == (
        "emoji-gan will load after the current decode, the encoding of 2 images and the load of emoji-vae, "
        "before the 3 pictures waiting to be drawn")
    assert waiting_text(load, Place(None, (), 2)) == ""  # nothing ahead: it starts now
    # behind loads alone (the start-up's VAE then GAN) the loading note names them: "Loading emoji-vae…" said twice
    assert waiting_text(load, Place(other, (), 0)) == waiting_text(load, Place(None, (other,), 1)) == ""
    assert waiting_text(rq.SetDevice("cpu", seq=10), Place(other, (), 0)) == (
        "The device will change to cpu when the load of emoji-vae ends")


def test_the_queue_says_where_a_job_stands_and_withdraws_only_a_waiting_one():
    from genimg_gui.engine.queue import Place, RequestQueue

    queue = RequestQueue()
    decode = rq.Decode("vae", np.zeros(4, np.float32), seq=1)
    queue.put(decode)
    assert queue.take() is decode  # runs now
    first, second = rq.LoadModel("a", seq=2), rq.LoadModel("b", seq=3)
    for r in (first, second, rq.Decode("vae", np.zeros(4, np.float32), tag=1, seq=4)):
        queue.put(r)
    assert queue.place(3) == Place(decode, (first,), 1)
    assert queue.withdraw(3, before=2) is None  # not the one right before
    assert queue.withdraw(2, before=3) is first and queue.place(3) == Place(decode, (), 1)
    queue.finished(1)
    assert queue.take() is second and queue.place(3) is None  # started: no longer waiting
    assert queue.withdraw(3, before=9) is None
