"""A closed window asks nothing more of the engine: its timers stop as it closes, and a request asked all the same
(a strip's pause ending as the event loop goes on: tests, Keep for next time's wait) is refused by the closed queue,
where it sat for good holding its latents."""
import threading

import numpy as np
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer

from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.ui.main_window import MainWindow
from ui_helpers import drop_and_wait


def test_a_closed_window_stops_its_timers_and_queues_nothing(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files[:2], 2)
    engine = window.document.engine
    window.sliders.previews_box.setChecked(True)
    window.sliders.sliders[0].setValue(120)  # strips due once the values rest
    assert window.previews.timer.isActive()
    window.close()
    assert not window.isVisible() and engine.closing
    assert [type(t.parent()).__name__ for t in window.findChildren(QTimer) if t.isActive()] == []
    submitted = []
    engine.submitted.connect(submitted.append)
    window.previews.request_strips()  # what the strips' timer asked once the window had closed
    assert submitted == [] and engine.queue.pending() == 0


def test_a_failure_arriving_after_the_window_closed_and_went_is_dropped(qtbot, engine, model_dir):
    """A window closed (and deleted, as the tests' teardown does) while a job ran: the worker's "cancelled", sent as
    it stopped, came after and reached the deleted document, "RuntimeError: Signal source has been deleted"
    (failed_requests.on_failed → document.open_waiting), failing the next test."""
    window = MainWindow(engine, [])
    doc = window.document
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-gan"))
    qtbot.waitUntil(lambda: len(doc.items) == 1 and not doc.jobs, timeout=UI_TIMEOUT)  # its sample drawn
    with qtbot.waitSignal(engine.started, timeout=UI_TIMEOUT) as started:
        seq = engine.submit(rq.Invert(np.zeros((64, 64, 3), np.uint8), steps=1_000_000))
    assert started.args == [seq]
    window.close()  # the inversion stops and says so; the event loop has not run since
    assert engine.thread.wait(UI_TIMEOUT)
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the window and its document go first
    assert not shiboken6.isValid(doc)
    said = []
    engine.failed.connect(said.append)
    QCoreApplication.processEvents()  # the late failure is delivered now: no one takes it, nothing raises
    assert said == []


def test_a_result_sent_before_shutdown_is_not_said_after_it(qtbot, vae_engine):
    """The worker's answer to a decode, sent as the window closed: the engine says nothing once shut down."""
    sent = threading.Event()
    vae_engine.worker.result.connect(lambda _r: sent.set(), Qt.ConnectionType.DirectConnection)
    vae_engine.submit(rq.Decode("vae", np.zeros((2, 16, 16), np.float32)))
    assert sent.wait(UI_TIMEOUT / 1000)  # on its way to the GUI thread, not yet delivered
    said = []
    vae_engine.result.connect(said.append)
    vae_engine.shutdown()
    QCoreApplication.processEvents()
    assert said == []
