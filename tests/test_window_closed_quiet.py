"""A closed window asks nothing more of the engine: its timers stop as it closes, and a request asked all the same
(a strip's pause ending as the event loop goes on: tests, Keep for next time's wait) is refused by the closed queue,
where it sat for good holding its latents."""
from PySide6.QtCore import QTimer

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
