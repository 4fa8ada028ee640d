"""A job's progress bar ends with the job, and a slow live picture says it is coming. A model from elsewhere last
reported "computing latent directions 75%": the bar and its Cancel stayed up after the model loaded, until the next
job. A decode of a big SD VAE on a photo took half a minute with nothing to show that it ran."""
from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.slow_draw import SHOW_AFTER_MS
from genimg_gui.ui.status import StatusBar

DECODE_SECONDS = 1.6  # longer than the note's second


def bar_up(status) -> bool:
    return status.bar.isVisible() or status.cancel.isVisible()


@pytest.mark.parametrize("kind", ["sd_vae", "stylegan2"])
def test_a_foreign_model_loaded_leaves_no_progress_bar_or_cancel(qtbot, window, tmp_path, kind):
    doc, status = window.document, window.status
    texts = []
    doc.progress.connect(lambda p: texts.append(p.text))
    if kind == "sd_vae":
        path, scale = fb.sd_vae_file(tmp_path / "my-vae.safetensors"), 0.18215
    else:
        path, scale = fb.stylegan_pickle(tmp_path / "faces.pkl", tmp_path / "marker"), None
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(path), scale)
    assert "computing latent directions" in texts  # the bar was up, at a fraction short of 1.0
    qtbot.waitUntil(lambda: not bar_up(status), timeout=UI_TIMEOUT)
    assert not doc.jobs


def test_the_progress_label_fits_the_bar_and_the_tooltip_has_it_whole(qtbot):
    status = StatusBar()
    qtbot.addWidget(status)
    status.resize(900, 30)
    status.show()
    long = "converting a-very-long-model-file-name.safetensors: a Stable Diffusion VAE (LDM layout)"
    status.show_progress(3, 0.75, long)
    QApplication.processEvents()
    shown = status.bar.text()
    assert shown.endswith(" 75%") and "…" in shown
    assert status.bar.fontMetrics().horizontalAdvance(shown) < status.bar.width() - 8  # one line, inside the bar
    assert long in status.bar.toolTip()
    status.show_progress(2, 1.0, "cancelled")  # a queued job cancelled: the running one keeps its bar
    assert bar_up(status)
    status.show_progress(3, 1.0, "done")
    assert not bar_up(status)


def slow_decodes(monkeypatch) -> threading.Event:
    """Each decode takes DECODE_SECONDS and ends only once the returned event is set, which the test does once it
    has seen the note: a UI thread held up past the decode's end (a busy machine) took its picture before the
    note's timer, and the note, rightly, never came."""
    note_seen, render = threading.Event(), Runtime.render

    def slow(self, *args, **kwargs):
        time.sleep(DECODE_SECONDS)
        note_seen.wait(UI_TIMEOUT / 1000)  # a deadline, never a measure
        return render(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", slow)
    return note_seen


def settled(window) -> bool:
    item = window.document.current
    return item.shown_seq >= item.requested_seq


def test_a_slow_decode_shows_a_busy_note_until_its_picture_arrives(qtbot, window, monkeypatch):
    doc, busy = window.document, window.status.busy
    notes = []
    window.slow_draw._show = lambda text, show=window.slow_draw._show: (notes.append(text), show(text))
    n = len(doc.directions(doc.current.kind))
    # fast decodes: no note, not even for a moment. "Fast" is answered before the note is due, here UI_TIMEOUT (a
    # tiny decode on a busy machine can take the second the note waits): what counts is that each answer stops it
    window.slow_draw.timer.setInterval(UI_TIMEOUT)
    for value in (0.2, 0.4, 0.6):
        doc.preview((value,) + (0.0,) * (n - 1))
        qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
        assert not window.slow_draw.timer.isActive()  # answered: no note is on its way
    assert notes == [] and busy.isHidden()
    window.slow_draw.timer.setInterval(SHOW_AFTER_MS)

    note_seen = slow_decodes(monkeypatch)
    doc.preview((1.0,) + (0.0,) * (n - 1))
    qtbot.waitUntil(busy.isVisible, timeout=UI_TIMEOUT)
    assert busy.text().startswith("Decoding…") and not settled(window)
    note_seen.set()
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    assert busy.isHidden()
    note_seen.clear()  # the next decode held until its note is seen too
    doc.preview((1.5,) + (0.0,) * (n - 1))
    qtbot.waitUntil(busy.isVisible, timeout=UI_TIMEOUT)
    assert re.fullmatch(r"Decoding… \(the last took \d+(\.\d)? s\)", busy.text()), busy.text()
    note_seen.set()
    qtbot.waitUntil(lambda: settled(window) and busy.isHidden(), timeout=UI_TIMEOUT)


def test_a_drags_slow_picture_that_comes_is_quoted_while_the_newest_is_drawn(qtbot, window, monkeypatch):
    """A drag on a large photo in an SD VAE: its first position's decode came after 32 s ("decode: 32 s") while the
    newest position waited, and the note went on saying "Decoding…" for 32 s more, never "(the last took 32 s)"."""
    from genimg_gui.wording import duration

    doc, notes, took = window.document, [], []
    window.slow_draw._show = lambda text, show=window.slow_draw._show: (notes.append(text), show(text))
    doc.decode_time.connect(took.append)
    window.tabs.setCurrentWidget(window.slider_tab)
    slider = window.sliders.sliders[0]
    note_seen = slow_decodes(monkeypatch)
    slider.setSliderDown(True)
    slider.setValue(30)
    qtbot.waitUntil(lambda: doc.engine.queue.pending() == 0, timeout=UI_TIMEOUT)  # taken: it is being drawn
    slider.setValue(60)  # waits for it
    qtbot.waitUntil(lambda: bool(notes), timeout=UI_TIMEOUT)  # the note, said while the first is drawn
    note_seen.set()
    qtbot.waitUntil(lambda: settled(window) and len(took) == 2, timeout=UI_TIMEOUT)
    slider.setSliderDown(False)
    assert notes[0].startswith("Decoding…") and notes[1:] == [f"Decoding… (the last took {duration(took[0])})", ""]
    assert window.status.busy.isHidden()


def test_the_slow_note_quotes_the_last_picture_of_its_own_lane_with_the_models_loaded_now(qtbot):
    """During a 40 s SD decode the note said "(the last took 23 ms)": the 64-px VAE's decode of another picture,
    before the switch. It quotes the same picture's last decode since the last model load, or no figure."""
    from PySide6.QtCore import QObject, Signal

    from genimg_gui.engine import requests as rq
    from genimg_gui.ui.slow_draw import SlowDrawNote

    class FakeEngine(QObject):
        submitted, result, failed = Signal(object), Signal(object), Signal(object)
        done = Signal(int)

    engine, shown = FakeEngine(), []
    note = SlowDrawNote(engine, shown.append)
    note.timer.setInterval(50)
    latent = np.zeros(4, np.float32)

    def slow(seq: int, tag: int) -> str:
        engine.submitted.emit(rq.Decode("vae", latent, tag=tag, seq=seq))
        qtbot.waitUntil(lambda: bool(note.shown), timeout=UI_TIMEOUT)
        said = note.shown
        engine.result.emit(rq.Decoded(seq, "vae", tag, latent, np.zeros((2, 2, 3), np.uint8), 9.6))
        return said

    engine.submitted.emit(rq.Decode("vae", latent, tag=1, seq=1))
    engine.result.emit(rq.Decoded(1, "vae", 1, latent, np.zeros((2, 2, 3), np.uint8), 0.018))  # picture 1, fast
    assert slow(2, tag=2) == "Decoding…"  # picture 2 has no last decode of its own
    engine.result.emit(a_model_loaded(3))  # another VAE loaded: the figures of the old one go
    assert slow(4, tag=1) == "Decoding…"
    assert slow(5, tag=1) == "Decoding… (the last took 9.6 s)"
    assert note.shown == ""  # its picture came


def a_model_loaded(seq: int):
    """A ModelInfo as the worker sends it when a model has loaded (only its type matters here)."""
    from genimg_gui.engine import requests as rq

    return rq.ModelInfo("x", "x", "vae", {}, "cpu", 4, 0, None, 0.1, "id")
