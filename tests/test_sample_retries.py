"""A GAN sample drawn again by Retry on CPU is the sample it was asked as. The retry sends it under a new seq, and the
window's notes of the sample (the History step it was asked at, a class the GAN lacked, the GAN's start-up sample)
stayed with the old one: an undo while the retry was drawn undid the step before and the seed came on top of it, a
step an undo took back before it ran out came on top of the undo, a class said lost at the switch was said lost again,
and a start-up sample retried before a session was restored came beside the restored samples, a "seed 0" more. The
worker is made to believe it runs on a full GPU, as in test_cpu_retry; a draw on the CPU is held until the test lets
it go, as in test_request_notes."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from types import SimpleNamespace

from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.catalog import read_entry
from genimg_gui.engine import requests as rq
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.failed_requests import DONE_ON_CPU
from genimg_gui.ui.main_window import MainWindow
from session_helpers import offered
from test_class_by_name import load
from test_class_kept import settled as all_settled
from test_conditional import conditional_dir, other_classes_dir  # noqa: F401 (fixtures)
from test_cpu_retry import fits_on_the_gpu, on_a_full_gpu, retried
from test_request_notes import asked_by
from test_session_restore import crash_session_of_seed_7
from test_seed_steps import seed_typed, settled, step_labels, the_sample, typed_seed


@contextmanager
def draws_held(monkeypatch, device: str = "cpu"):
    """Runtime.map_seed on the CPU (a Retry on CPU's), or on the device named, holds the worker as it begins the first
    draw, until gate.go is set (or UI_TIMEOUT: a worker that never stops cannot hang the suite)."""
    gate = SimpleNamespace(inside=threading.Event(), go=threading.Event())
    draw = Runtime.map_seed  # the full GPU's, where on_a_full_gpu patched it

    def held(self, *args, **kwargs):  # on the worker's thread
        if self.device.type == device and not gate.inside.is_set():
            gate.inside.set()
            gate.go.wait(UI_TIMEOUT / 1000)
        return draw(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "map_seed", held)
    try:
        yield gate
    finally:
        gate.go.set()


def retry_clicked(qtbot, window, gate) -> None:
    """Retry on CPU clicked; back once its draw is held on the CPU."""
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)


def test_an_undo_while_a_seed_step_is_drawn_again_on_the_cpu_takes_that_step_back(qtbot, window, monkeypatch):
    """42 typed over 41 ran out of memory, Retry on CPU clicked, then Ctrl+Z while 42 was drawn: the undo went back
    from 41 to the first seed, and 42 came on top of it, 41 on a side branch. As for a step drawn on the GPU, the
    undo takes back 42, and 42, once drawn, is where Redo goes."""
    doc, item = window.document, the_sample(window)
    typed_seed(qtbot, window, item, 41)
    before = step_labels(window, item)
    on_a_full_gpu(window, monkeypatch, "map_seed")
    with draws_held(monkeypatch) as gate:
        with qtbot.waitSignal(doc.retry_offered, timeout=UI_TIMEOUT):
            seed_typed(qtbot, window, 42)
        retry_clicked(qtbot, window, gate)
        qtbot.keyClick(window.gan_panel.seed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert step_labels(window, item) == before and item.seed == 41
        with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT, check_params_cb=lambda text: DONE_ON_CPU in text):
            gate.go.set()
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    assert step_labels(window, item) == before and item.seed == window.gan_panel.seed.value() == 41
    assert window.redo_action.text().endswith("seed 42")
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    assert step_labels(window, item) == [*before, "seed 42"] and item.seed == 42


def test_a_seed_step_an_undo_took_back_as_it_ran_out_of_memory_comes_from_the_cpu_where_redo_goes(
        qtbot, window, monkeypatch):
    """42 typed over 41, Ctrl+Z while the GPU drew it (taking 42 back), then it ran out of memory and Retry on CPU was
    clicked: 42 came on top of 41, undoing the undo."""
    doc, item = window.document, the_sample(window)
    typed_seed(qtbot, window, item, 41)
    before = step_labels(window, item)
    on_a_full_gpu(window, monkeypatch, "map_seed")
    fits_on_the_gpu(monkeypatch, "render")  # the undo's picture, drawn on the "GPU"
    with draws_held(monkeypatch, "cuda") as gate:
        seed_typed(qtbot, window, 42)
        qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)
        qtbot.keyClick(window.gan_panel.seed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert step_labels(window, item) == before and item.seed == 41
        with qtbot.waitSignal(doc.retry_offered, timeout=UI_TIMEOUT):
            gate.go.set()
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT, check_params_cb=lambda text: DONE_ON_CPU in text):
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    assert step_labels(window, item) == before and item.seed == window.gan_panel.seed.value() == 41
    assert window.redo_action.text().endswith("seed 42")


def test_a_seed_drawn_again_on_the_cpu_in_a_class_the_gan_lacks_is_not_said_lost_again(
        qtbot, window, monkeypatch, conditional_dir, other_classes_dir):
    """fox chosen, tiny-birds (bird, cat) loaded, which said the fox lost, then a seed stepped that ran out of memory:
    its retry said the fox lost once more, as if the switch had not."""
    doc, panel = window.document, window.gan_panel
    load(qtbot, doc, conditional_dir)  # cat, dog, fox
    item = doc.current
    panel.gan_class.setCurrentText("fox")
    all_settled(qtbot, doc)
    load(qtbot, doc, other_classes_dir)
    said: list[str] = []
    doc.message.connect(said.append)
    on_a_full_gpu(window, monkeypatch, "map_seed")
    # the sample's preview strips, asked as tiny-birds drew it, may come after: drawn on the "GPU", they failed
    fits_on_the_gpu(monkeypatch, "render")
    retried(qtbot, window, lambda: asked_by(window, lambda: seed_typed(qtbot, window, item.seed + 1), rq.MapSeed))
    all_settled(qtbot, doc)
    assert not [m for m in said if "fox" in m]


def start_up_sample_ran_out(qtbot, window, model_dir, monkeypatch) -> MainWindow:
    """A session with one sample of the user's (seed 7) left as a crash leaves it, and the next start, whose GAN's
    start-up sample (seed 0) runs out of memory on a full GPU: the window, its restore not offered yet."""
    crash_session_of_seed_7(qtbot, window)
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    again.show()  # its status bar's Retry on CPU shown
    qtbot.waitExposed(again)
    on_a_full_gpu(again, monkeypatch, "map_seed")
    fits_on_the_gpu(monkeypatch, "load")
    with qtbot.waitSignal(again.document.retry_offered, timeout=UI_TIMEOUT):
        again.document.load_model(str(model_dir / "tiny-gan"))
    return again


def restored(qtbot, again) -> None:
    again.questions.ask_restore = lambda names: True
    assert offered(qtbot, again) == 1


def test_a_start_up_sample_drawn_again_on_the_cpu_gives_way_to_the_restored_session(qtbot, window, model_dir,
                                                                                     monkeypatch):
    """Retry on CPU clicked for the start-up sample, and the session restored while it was drawn: it came beside the
    session's samples, a "seed 0" the user never had. Nor does it say it was drawn on the CPU: nothing shows it."""
    again = start_up_sample_ran_out(qtbot, window, model_dir, monkeypatch)
    doc, retries = again.document, []
    doc.retried.connect(lambda seq, new: retries.append(new))
    with draws_held(monkeypatch) as gate:
        retry_clicked(qtbot, again, gate)
        restored(qtbot, again)
        said: list[str] = []
        doc.message.connect(said.append)
        with qtbot.waitSignal(doc.engine.done, timeout=UI_TIMEOUT, check_params_cb=retries.__contains__):
            gate.go.set()
    assert [i.name for i in doc.items.values()] == ["seed 7"]
    assert not [text for text in said if DONE_ON_CPU in text]
    assert not doc.samples.pending and not doc.samples.auto_asks
    again.close()


def test_a_restored_session_withdraws_the_retry_of_the_start_up_sample(qtbot, window, model_dir, monkeypatch):
    """The session restored while Retry on CPU was offered for the start-up sample: a click drew "seed 0" beside the
    session's samples."""
    again = start_up_sample_ran_out(qtbot, window, model_dir, monkeypatch)
    qtbot.waitUntil(again.status.retry.isVisible, timeout=UI_TIMEOUT)
    restored(qtbot, again)
    assert not again.status.retry.isVisible() and not again.document.failures.retries
    assert [i.name for i in again.document.items.values()] == ["seed 7"]
    again.close()


def test_a_start_up_sample_drawn_again_on_the_cpu_leaves_no_note_behind(qtbot, window, model_dir, monkeypatch):
    """Its seq stayed noted as a start-up sample's for the session, and the retry's was never noted."""
    again = start_up_sample_ran_out(qtbot, window, model_dir, monkeypatch)
    samples = again.document.samples
    with qtbot.waitSignal(again.document.item_added, timeout=UI_TIMEOUT):
        qtbot.mouseClick(again.status.retry, Qt.MouseButton.LeftButton)
    [sample] = again.document.items.values()
    assert sample.name == "seed 0" and sample.id in samples.auto_items
    assert not samples.auto_asks and not samples.pending
    again.close()
