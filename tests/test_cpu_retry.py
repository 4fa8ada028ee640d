"""Retry on CPU, clicked after a job ran out of GPU memory: the job ends saying it was done on the CPU, and the
out-of-memory error leaves the status bar. Only a morph export said so; a retried encode, decode, sample,
inversion or A/B render ended with nothing said, the error still on the bar. A direction from examples whose encode
ran out of memory was forgotten, the retry's latents dropped: no direction came, though the bar said it was done on the
CPU. The worker is made to believe it runs on a full GPU, as in test_inversion_ui and test_morph_export."""
from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.failed_requests import DONE_ON_CPU
from genimg_gui.ui.history_controller import AB_TAG, THUMB_TAG
from test_directions_ui import BLUE, RED, define, write_group
from ui_helpers import invert_clicked

OUT_OF_MEMORY = "out of memory on cuda:0"


def on_a_full_gpu(window, monkeypatch, method: str, only=lambda *args: True) -> None:
    """Runtime.method runs out of memory while the worker's device is a GPU (the worker is idle: no race), when
    only(its arguments)."""
    monkeypatch.setattr(window.document.engine.worker.runtime, "device", torch.device("cuda:0"))
    real = getattr(Runtime, method)

    def full(self, *args, **kwargs):
        if self.device.type == "cuda" and only(*args):
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, method, full)


def fits_on_the_gpu(monkeypatch, method: str) -> None:
    """Runtime.method fits on the full "GPU": it runs on the CPU, the test machine may have no GPU."""
    real = getattr(Runtime, method)

    def on_the_cpu(self, *args, **kwargs):
        gpu, self.device = self.device, torch.device("cpu")
        try:
            return real(self, *args, **kwargs)
        finally:
            self.device = gpu
    monkeypatch.setattr(Runtime, method, on_the_cpu)


def retried(qtbot, window, ask, more: bool = False) -> str:
    """ask() sends a request that runs out of memory; Retry on CPU is clicked: what the retry's end says, once the
    out-of-memory error has left the bar at the click. more: the click sends another request again too, whose end
    may be said before the bar is looked at."""
    asked: list[int] = []
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT, check_params_cb=asked.__contains__):
        asked.append(ask())
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    assert OUT_OF_MEMORY in window.status.currentMessage()
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: DONE_ON_CPU in text) as done:
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
        assert OUT_OF_MEMORY not in window.status.currentMessage()  # answered: the retry runs
    assert str(window.document.engine.worker.runtime.device) == "cpu" and not window.status.retry.isVisible()
    shown = window.status.currentMessage()
    assert (shown == done.args[0] or more and DONE_ON_CPU in shown) and OUT_OF_MEMORY not in window.status.toolTip()
    return done.args[0]


def test_an_image_encoded_again_on_the_cpu_says_so(qtbot, window, image_files, monkeypatch):
    on_a_full_gpu(window, monkeypatch, "encode")
    items = len(window.document.items)

    def ask() -> int:
        window.open_paths([str(image_files[0])])
        return max(window.document.jobs)
    said = retried(qtbot, window, ask)
    assert said == f"The encoding of 1 image was {DONE_ON_CPU}" and len(window.document.items) == items + 1


def test_a_slider_decode_drawn_again_on_the_cpu_says_so(qtbot, window, monkeypatch):
    item = window.document.current
    on_a_full_gpu(window, monkeypatch, "render")
    said = retried(qtbot, window, lambda: window.document.preview((1.5,) + item.history.current.values[1:]))
    assert said == f"The decode was {DONE_ON_CPU}" and item.shown_seq >= item.requested_seq


def test_a_sample_drawn_again_on_the_cpu_says_so(qtbot, window, monkeypatch):
    on_a_full_gpu(window, monkeypatch, "map_seed")
    said = retried(qtbot, window, lambda: window.document.generate(41, 0.7, new_item=True))
    assert said == f"The drawing of seed 41 was {DONE_ON_CPU}"
    assert window.document.current.seed == 41


def test_an_ab_comparison_rendered_again_on_the_cpu_shows_and_says_so(qtbot, window, monkeypatch):
    doc = window.document
    item = doc.current
    # the edit's thumbnail strip drawn too before the GPU is full: one still waiting (a busy machine) was drawn on the
    # made-up GPU after the A/B render ran out, and failed with "Torch not compiled with CUDA enabled"
    with qtbot.waitSignal(doc.previewed, timeout=UI_TIMEOUT,
                          check_params_cb=lambda r: r.tag == item.id * 1000 + THUMB_TAG):
        doc.commit((1.5,) + item.history.current.values[1:])
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    on_a_full_gpu(window, monkeypatch, "render", only=lambda kind, latent, mask, base, tag: tag == AB_TAG)

    def ask() -> int:
        window.history.compare(0, item.history.current_id)
        return window.history._ab_seq
    said = retried(qtbot, window, ask)
    assert said == f"The rendering of 2 frames was {DONE_ON_CPU}"
    assert window.canvas.labels[0].startswith("A: ") and window.canvas.labels[1].startswith("B: ")


def test_an_inversion_run_again_on_the_cpu_makes_its_item_and_says_so(qtbot, window, image_files, monkeypatch):
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0])])
    window.gan_panel.steps.setValue(10)
    on_a_full_gpu(window, monkeypatch, "invert_steps")
    said = retried(qtbot, window, lambda: invert_clicked(window))
    assert said == f"The inversion was {DONE_ON_CPU}"
    assert window.document.current.name.endswith(", inverted") and not window.inversion.runs


def blue_fails_on_the_gpu(window, monkeypatch) -> None:
    """Runtime.encode_latent on a "GPU" that a blue image overfills; the others fit (encoded on the CPU here: the test
    machine may have no GPU). The worker is idle: no race."""
    monkeypatch.setattr(window.document.engine.worker.runtime, "device", torch.device("cuda:0"))
    real = Runtime.encode_latent

    def on_gpu(self, image, fit):
        if self.device.type != "cuda":
            return real(self, image, fit)
        if image[..., 2].mean() > image[..., 0].mean():
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        gpu, self.device = self.device, torch.device("cpu")
        try:
            return real(self, image, fit)
        finally:
            self.device = gpu
    monkeypatch.setattr(Runtime, "encode_latent", on_gpu)


def test_a_direction_whose_encode_ran_out_of_memory_is_made_on_the_cpu(qtbot, window, monkeypatch, tmp_path):
    red, blue = write_group(tmp_path / "red", "r", RED, 3, 1), write_group(tmp_path / "blue", "b", BLUE, 3, 2)
    blue_fails_on_the_gpu(window, monkeypatch)  # the "from" side is encoded, the "to" side runs out of memory
    with qtbot.waitSignal(window.document.directions_changed, timeout=UI_TIMEOUT):
        said = retried(qtbot, window, lambda: define(qtbot, window, "red → blue", red, blue, wait=False))
    assert said == f"The encoding of 3 examples was {DONE_ON_CPU}"
    assert window.document.directions("vae").labels[-1] == "red → blue" and not window.directions_tool.jobs
    assert any(entry.text.startswith("New direction “red → blue”") for entry in window.status.log.entries)


def test_a_direction_whose_both_encodes_ran_out_of_memory_is_made_on_the_cpu(qtbot, window, monkeypatch, tmp_path):
    """Retry on CPU offers the last request to run out, the "to" side: the "from" side is sent again with it."""
    red, blue = write_group(tmp_path / "red", "r", RED, 3, 1), write_group(tmp_path / "blue", "b", BLUE, 2, 2)
    on_a_full_gpu(window, monkeypatch, "encode_latent")
    with qtbot.waitSignal(window.document.directions_changed, timeout=UI_TIMEOUT):
        retried(qtbot, window, lambda: define(qtbot, window, "red → blue", red, blue, wait=False),
                more=True)
    assert window.document.directions("vae").labels[-1] == "red → blue" and not window.directions_tool.jobs
    # the "from" side's, sent last; the "to" side's may still be on show, joined before it (StatusBar.hold_message)
    qtbot.waitUntil(lambda: window.status.currentMessage().endswith(f"The encoding of 3 examples was {DONE_ON_CPU}"),
                    timeout=UI_TIMEOUT)
    assert OUT_OF_MEMORY not in window.status.toolTip()


def test_the_retry_takes_only_its_own_error_off_the_bar(qtbot, window):
    """Another error on show stays, for its time; a message said meanwhile shows alone once none is left."""
    bar, oom = window.status, f"{OUT_OF_MEMORY}; retry it on the CPU, or close other GPU programs"
    window.show_error(oom)
    bar.withdraw_error(oom)
    assert bar.currentMessage() == "" and bar.styleSheet() == ""  # not left in red
    window.show_error("b.png is not a picture")
    window.show_error(oom)
    bar.show_message("Loaded tiny-gan")
    bar.withdraw_error(oom)
    assert bar.currentMessage() == "Loaded tiny-gan — ⚠ b.png is not a picture"
    bar.withdraw_error("b.png is not a picture")
    assert bar.currentMessage() == "Loaded tiny-gan" and bar.styleSheet() == ""


def offered(qtbot, window, ask) -> int:
    """ask() sends a request that runs out of memory: its seq, once the status bar offers its retry."""
    asked: list[int] = []
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT, check_params_cb=asked.__contains__):
        asked.append(ask())
    return asked[0]


def test_a_retry_no_longer_offered_lets_go_of_what_it_kept(qtbot, window, image_files, monkeypatch, tmp_path):
    """A direction or an inversion that ran out of memory waited, its latents and notes kept, for a Retry on CPU
    that the status bar no longer offered once a newer request ran out: kept for the whole session. The one
    offered is kept, and its retry still works."""
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0])])
    window.gan_panel.steps.setValue(10)
    red, blue = write_group(tmp_path / "red", "r", RED, 3, 1), write_group(tmp_path / "blue", "b", BLUE, 3, 2)
    blue_fails_on_the_gpu(window, monkeypatch)
    on_a_full_gpu(window, monkeypatch, "invert_steps")
    doc, jobs, inversion = window.document, window.directions_tool.jobs, window.inversion
    direction = offered(qtbot, window,
                        lambda: define(qtbot, window, "red → blue", red, blue, wait=False))
    assert list(jobs.out_of_memory) == [direction] and list(doc.failures.retries) == [direction]
    first = offered(qtbot, window, lambda: invert_clicked(window))
    assert not jobs and list(doc.failures.retries) == [first] and list(inversion.out_of_memory) == [first]
    second = offered(qtbot, window, lambda: invert_clicked(window))
    assert list(doc.failures.retries) == [second] and list(inversion.out_of_memory) == [second]
    with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT, check_params_cb=lambda text: DONE_ON_CPU in text):
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    assert not doc.failures.retries and not inversion.out_of_memory and not inversion.runs
    assert doc.current.name.endswith(", inverted")


def test_a_direction_dropped_no_longer_offers_its_retry(qtbot, window, monkeypatch, tmp_path):
    """The "from" side (blue) runs out of memory; the "to" side (red) then fails for good, and no direction can come.
    The bar still offered the blue side's retry: a click encoded it on the CPU, dropped the latents and said the
    encoding was done, with no direction made."""
    red, blue = write_group(tmp_path / "red", "r", RED, 2, 1), write_group(tmp_path / "blue", "b", BLUE, 2, 2)
    blue_fails_on_the_gpu(window, monkeypatch)
    real = Runtime.encode_latent

    def red_breaks(self, image, fit):
        if image[..., 0].mean() > image[..., 2].mean():
            raise RuntimeError("the red examples broke the encoder")
        return real(self, image, fit)
    monkeypatch.setattr(Runtime, "encode_latent", red_breaks)
    doc, jobs = window.document, window.directions_tool.jobs
    with qtbot.waitSignals([doc.retry_offered, doc.engine.failed], timeout=UI_TIMEOUT,
                           check_params_cbs=[None, lambda f: not f.retry_on_cpu]):
        define(qtbot, window, "blue → red", blue, red, wait=False)
    assert not jobs and not doc.failures.retries and not doc.failures.offered
    assert not window.status.retry.isVisible()


def test_a_side_sent_again_whose_other_side_is_too_old_says_nothing_of_the_cpu(qtbot, window, monkeypatch, tmp_path):
    """Both sides ran out of memory; the "from" side is too old to send again, so no direction can come. The "to"
    side, re-sent by the click, ran on and said its encoding was done on the CPU: it is cancelled, and says nothing."""
    red, blue = write_group(tmp_path / "red", "r", RED, 3, 1), write_group(tmp_path / "blue", "b", BLUE, 2, 2)
    on_a_full_gpu(window, monkeypatch, "encode_latent")
    doc, jobs = window.document, window.directions_tool.jobs
    to_side = offered(qtbot, window, lambda: define(qtbot, window, "red → blue", red, blue, wait=False))
    qtbot.waitUntil(lambda: len(jobs.out_of_memory) == 2, timeout=UI_TIMEOUT)  # the "from" side ran out before
    from_side = min(jobs.out_of_memory)
    doc.engine.forget(from_side)  # let go, as after OUT_OF_MEMORY_KEPT newer requests ran out of memory
    said, sent, ended = [], [], []
    doc.message.connect(said.append)
    doc.retried.connect(lambda seq, new: sent.append(new))
    doc.engine.done.connect(ended.append)
    doc.engine.failed.connect(lambda f: ended.append(f.seq) if f.final else None)
    qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    assert sent and "too old to retry" in window.status.currentMessage()
    qtbot.waitUntil(lambda: sent[0] in ended, timeout=UI_TIMEOUT)
    assert not any(DONE_ON_CPU in text or text == "Cancelled" for text in said), said
    assert not jobs and not doc.failures.retries and not doc.failures.on_cpu and to_side not in doc.jobs
    assert sent[0] not in doc.jobs and not window.status.retry.isVisible()


def pasted(window, seed: int) -> int:
    """A big picture pasted (Edit → Paste, as Ctrl+V): the seq of its encode, whose request holds its 12 MB of
    pixels."""
    pixels = np.ascontiguousarray(np.random.default_rng(seed).integers(0, 255, (2000, 2000, 3), dtype=np.uint8))
    QGuiApplication.clipboard().setImage(QImage(pixels.data, 2000, 2000, 3 * 2000, QImage.Format.Format_RGB888).copy())
    sent: list[int] = []

    def take(request: rq.Request) -> None:
        if isinstance(request, rq.EncodeImage):
            sent.append(request.seq)
    window.document.engine.submitted.connect(take)
    window.opener.paste()
    window.document.engine.submitted.disconnect(take)
    QGuiApplication.clipboard().clear()
    return sent[0]


def test_a_paste_encoded_again_on_the_cpu_is_let_go_once_it_ended(qtbot, window, monkeypatch):
    """The engine kept the paste that ran out of GPU memory, its pixels with it, after Retry on CPU had sent it again
    and it had opened: until OUT_OF_MEMORY_KEPT more requests ran out, which none does on the CPU."""
    on_a_full_gpu(window, monkeypatch, "encode")
    engine, items = window.document.engine, len(window.document.items)
    first: list[int] = []

    def ask() -> int:
        first.append(pasted(window, 0))
        return first[0]
    said = retried(qtbot, window, ask)
    assert said == f"The encoding of “pasted image” was {DONE_ON_CPU}" and len(window.document.items) == items + 1
    assert engine.request(first[0]) is None


def test_a_paste_whose_retry_is_no_longer_offered_is_let_go(qtbot, window, monkeypatch):
    """Two pastes run out of GPU memory: the bar offers the second's retry alone, and the first's can no longer be
    sent (retry_withdrawn). The engine kept the first's pixels all the same."""
    on_a_full_gpu(window, monkeypatch, "encode")
    engine = window.document.engine
    first = offered(qtbot, window, lambda: pasted(window, 0))
    second = offered(qtbot, window, lambda: pasted(window, 1))
    assert window.document.failures.offered == second and engine.request(second) is not None
    assert engine.request(first) is None
