"""A sample retried on the CPU (Retry on CPU, after its drawing ran out of GPU memory) keeps what the document noted
of it as asked: the seed asked of a sample, which the Generate tab shows until it comes (GanSamples.asked), and which
sample asked over a picture with no seed is the last one (GanSamples.unseeded_asks). Retried without them, the tab
showed the sample's old seed while the new one was drawn, and a seed asked while the retry was on its way made a
second new sample beside the retried one, where changes in quick succession make one."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.engine.runtime import Runtime
from test_cpu_retry import on_a_full_gpu
from ui_helpers import drop_and_wait, the_sample


def held_on_the_cpu(monkeypatch) -> threading.Event:
    """Runtime.map_seed on the CPU (a retry's) waits until the event is set; on the "GPU" it runs out of memory."""
    go, gpu = threading.Event(), Runtime.map_seed

    def held(self, *args, **kwargs):
        if self.device.type == "cpu":
            go.wait(UI_TIMEOUT / 1000)
        return gpu(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "map_seed", held)
    return go


def retry_clicked(qtbot, window, ask) -> None:
    """ask() asks for a sample, which runs out of GPU memory; Retry on CPU is clicked."""
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT):
        ask()
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)


def gan_items(window) -> list:
    return [item for item in window.document.items.values() if item.kind == "gan"]


def test_the_generate_tab_shows_the_seed_of_a_sample_retried_on_the_cpu(qtbot, window, monkeypatch, image_files):
    doc, panel = window.document, window.gan_panel
    sample = the_sample(window)
    seed = sample.seed
    drop_and_wait(qtbot, window, image_files[:1], 1)  # another picture, to look at meanwhile
    window.filmstrip.setCurrentRow(0)
    assert doc.current is sample
    on_a_full_gpu(window, monkeypatch, "map_seed")
    go = held_on_the_cpu(monkeypatch)
    retry_clicked(qtbot, window, lambda: panel.seed.setValue(seed + 5))
    window.filmstrip.setCurrentRow(1)  # the picture, then the sample again: its seed on its way is shown
    window.filmstrip.setCurrentRow(0)
    assert doc.current is sample and panel.seed.value() == seed + 5  # was the seed before it
    go.set()
    qtbot.waitUntil(lambda: sample.seed == seed + 5 and not doc.samples.pending, timeout=UI_TIMEOUT)
    assert panel.seed.value() == seed + 5


def test_a_seed_asked_as_a_retried_sample_is_drawn_makes_one_new_sample(qtbot, window, monkeypatch, image_files):
    doc, panel = window.document, window.gan_panel
    the_sample(window)
    drop_and_wait(qtbot, window, image_files[:1], 1)  # on screen: a picture with no seed
    picture = doc.current
    on_a_full_gpu(window, monkeypatch, "map_seed")
    go = held_on_the_cpu(monkeypatch)
    retry_clicked(qtbot, window, lambda: panel.seed.setValue(41))
    assert doc.current is picture
    panel.seed.setValue(42)  # changed again before the sample came: the new sample is seed 42 alone
    go.set()
    # the retry runs first (the worker holds it as 42 is asked): its answer was handled before 42's came
    qtbot.waitUntil(lambda: not doc.samples.pending and len(gan_items(window)) >= 2, timeout=UI_TIMEOUT)
    assert [item.seed for item in gan_items(window)][1:] == [42]  # was [41, 42]
