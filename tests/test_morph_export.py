"""A morph export in the real window: the file is written by the worker, in the render's job (the window froze
for up to a minute while a ×8 GIF of 600 frames was written on the GUI thread), with progress and Cancel; and
the render draws a slider's picture between its frames."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QApplication

from conftest import UI_TIMEOUT
from genimg_gui import animation_files
from genimg_gui.engine import worker
from genimg_gui.ui import morph_controller
from genimg_gui.ui.window_geometry import ScrolledWhenShort

from test_morph_dialog_layout import place
from test_morph_ui import open_images, open_morph, settle


@pytest.fixture()
def writes(monkeypatch):
    """write_animation, wherever the app calls it from, recording the thread it ran on and how it ended."""
    real = animation_files.write_animation
    calls: list[dict] = []

    def recorded(*args, **kwargs):
        call = {"thread": threading.current_thread(), "ended": "running"}
        calls.append(call)
        try:
            written = real(*args, **kwargs)
        except BaseException as e:
            call["ended"] = type(e).__name__
            raise
        call["ended"] = "written"
        return written
    for module in (animation_files, worker, morph_controller):
        monkeypatch.setattr(module, "write_animation", recorded, raising=False)
    return calls


def a_small_morph_on_show(qtbot, window, image_files):
    """The Morph dialog of two pictures, 7 frames at their own scale, once its preview has drawn a frame."""
    open_images(qtbot, window, image_files[:2])
    dialog, shown = open_morph(qtbot, window)
    dialog.frames.setValue(7)
    dialog.scale.setValue(1)
    qtbot.waitUntil(lambda: bool(shown), timeout=UI_TIMEOUT)
    return dialog


def said(window) -> list:
    """The progress texts the document passes on, with their fractions."""
    seen: list = []
    window.document.progress.connect(lambda p: seen.append((p.text, p.fraction)))
    return seen


def laid_out(dialog) -> tuple:
    """Where the settings and the buttons are, and whether the settings scroll."""
    scroll = dialog.findChild(ScrolledWhenShort)
    return (scroll.height(), scroll.verticalScrollBar().isVisible(), place(dialog, dialog.size_label),
            place(dialog, dialog.export_button))


def busy_texts(dialog) -> list:
    texts: list = []
    set_busy = dialog.set_busy
    dialog.set_busy = lambda text: (texts.append(text), set_busy(text))
    return texts


def test_the_animation_is_written_off_the_gui_thread_and_said_as_before(qtbot, window, image_files, tmp_path,
                                                                         writes):
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(7)
    dialog.scale.setValue(1)
    progress, busy = said(window), busy_texts(dialog)
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: text.startswith("Wrote")) as blocker:
        dialog.export_to(str(tmp_path / "morph.gif"))
    assert blocker.args[0] == f"Wrote {tmp_path / 'morph.gif'} (7 frames, 32×32, 0.6 s)"
    assert window.status.currentMessage() == dialog.written.text() == blocker.args[0]
    assert animation_files.count_frames(tmp_path / "morph.gif") == 7
    assert [(c["thread"] is threading.main_thread(), c["ended"]) for c in writes] == [(False, "written")]
    # the dialog said "Rendering" all through the writing, with no Cancel left to press
    assert busy == ["Rendering 7 frames… (Cancel in the status bar)",
                    "Writing morph.gif… (Cancel in the status bar)", None]
    writing = [fraction for text, fraction in progress if text == "Writing morph.gif…"]
    assert writing and writing == sorted(writing) and writing[-1] < 1.0
    assert not dialog.busy.isVisible() and not window.morph.exporting() and not window.document.jobs


def test_cancel_while_the_file_is_written_leaves_no_file(qtbot, window, image_files, tmp_path, writes, monkeypatch):
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(60)
    dialog.scale.setValue(8)
    clicked = threading.Event()
    recorded = worker.write_animation

    def paused(frames, path, fps, scale, progress):
        """The writing, held after its first frame until Cancel is clicked: a cancel lands mid-way however slow
        the machine."""
        def told(fraction: float) -> None:
            progress(fraction)
            if fraction > 0:
                clicked.wait(UI_TIMEOUT / 1000)
        return recorded(frames, path, fps, scale, told)
    monkeypatch.setattr(worker, "write_animation", paused)
    seen: list = []

    def cancel_once_writing(p) -> None:
        if p.text == "Writing long.gif…" and 0 < p.fraction < 1 and not seen:
            seen.append((window.status.cancel.isVisible(), dialog.busy.text()))
            window.status.cancel.click()
            clicked.set()
    window.document.progress.connect(cancel_once_writing)
    try:
        dialog.export_to(str(tmp_path / "long.gif"))
        qtbot.waitUntil(lambda: not window.morph.exporting(), timeout=UI_TIMEOUT)
    finally:
        clicked.set()  # the worker never left waiting
    assert seen == [(True, "Writing long.gif… (Cancel in the status bar)")]
    assert [c["ended"] for c in writes] == ["Cancelled"]  # stopped mid-way, not after
    assert not (tmp_path / "long.gif").exists() and not list(tmp_path.glob(".long.gif*"))  # nor its temp file
    # what was cancelled, and that no file was left, where a bare "Cancelled" said neither; in the dialog too
    cancelled = "Cancelled the export of long.gif: no file written"
    assert window.status.currentMessage() == cancelled and not dialog.busy.isVisible()
    assert dialog.written.isVisible() and dialog.written.text() == cancelled
    assert "Cancelled" not in [entry.text for entry in window.status.log.entries]  # said once, not also bare
    assert not window.status.cancel.isVisible()


def test_a_slider_moved_during_a_long_export_shows_before_the_export_ends(qtbot, window, image_files, tmp_path):
    a, _ = open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(600)
    dialog.scale.setValue(1)
    progress = said(window)
    dialog.export_to(str(tmp_path / "long.gif"))
    qtbot.waitUntil(lambda: any(text.startswith("Rendering frame") for text, _ in progress), timeout=UI_TIMEOUT)
    window.document.select(a.id)
    asked = a.requested_seq
    window.sliders.sliders[0].setValue(150)  # a live decode, asked while the render runs
    assert a.requested_seq > asked
    settle(qtbot, a)
    assert window.morph.exporting() and window.status.cancel.isVisible()  # drawn between the render's frames
    assert all(fraction < 1.0 for _, fraction in progress)
    window.status.cancel.click()
    qtbot.waitUntil(lambda: not window.morph.exporting(), timeout=UI_TIMEOUT)
    assert not (tmp_path / "long.gif").exists()


def test_an_export_retried_on_the_cpu_after_the_gpu_ran_out_of_memory_says_what_it_wrote(
        qtbot, window, image_files, tmp_path, monkeypatch):
    """The worker believes it renders on a full GPU; Retry on CPU wrote the file, but the dialog went on showing
    the out-of-memory error, and nothing said it was written: the export's note was dropped with its failure."""
    import torch
    from PySide6.QtCore import Qt

    from genimg_gui.engine.runtime import Runtime

    dialog = a_small_morph_on_show(qtbot, window, image_files)
    runtime = window.document.engine.worker.runtime
    monkeypatch.setattr(runtime, "device", torch.device("cuda:0"))  # as the worker reads it next
    real = Runtime.render

    def render(self, *args, **kwargs):
        if self.device.type == "cuda":
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", render)
    asked: list[int] = []  # a timeline decode still in flight may run out of memory too, before the export
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT, check_params_cb=asked.__contains__):
        asked.append(window.morph.export(str(tmp_path / "morph.gif")))
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    assert "out of memory on cuda:0" in dialog.written.text() and not (tmp_path / "morph.gif").exists()
    said, retries = [], []
    window.document.message.connect(said.append)
    window.document.retried.connect(lambda seq, new: retries.append(new))
    with qtbot.waitSignal(window.document.engine.done, timeout=UI_TIMEOUT, check_params_cb=retries.__contains__), \
            qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                             check_params_cb=lambda text: text.startswith("Wrote")) as blocker:
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
        assert dialog.busy.text() == "Rendering 7 frames on the CPU… (Cancel in the status bar)"
    assert blocker.args[0] == (f"Wrote {tmp_path / 'morph.gif'} (7 frames, 32×32, 0.6 s); "
                               "done on the CPU, as the GPU ran out of memory")
    assert [text for text in said if "done on the CPU" in text] == [blocker.args[0]]  # said once, not twice
    assert dialog.written.text() == blocker.args[0] and str(runtime.device) == "cpu"
    assert animation_files.count_frames(tmp_path / "morph.gif") == 7
    assert not dialog.busy.isVisible() and not window.morph.exporting() and not window.document.jobs


def test_an_export_retried_while_another_runs_is_followed_too(qtbot, window, image_files, tmp_path, monkeypatch):
    """Retry on CPU clicked while another export ran: the retry's file was written with nothing said, its frames and
    progress dropped, as the controller followed one export at a time."""
    import torch
    from PySide6.QtCore import Qt

    from genimg_gui.engine.worker import Worker

    dialog = a_small_morph_on_show(qtbot, window, image_files)
    runtime = window.document.engine.worker.runtime
    full, other = str(tmp_path / "full.gif"), str(tmp_path / "other.gif")
    real, gate = Worker._render_frames, threading.Event()

    def render_frames(self, r):
        if r.write.path == full and self.runtime.device.type == "cuda":
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        if r.write.path == other:
            gate.wait(UI_TIMEOUT / 1000)  # still running as Retry on CPU is clicked
        return real(self, r)
    monkeypatch.setattr(Worker, "_render_frames", render_frames)
    monkeypatch.setattr(runtime, "device", torch.device("cuda:0"))  # the worker is idle: no race
    asked: list[int] = []
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT, check_params_cb=asked.__contains__):
        asked.append(window.morph.export(full))
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    monkeypatch.setattr(runtime, "device", torch.device("cpu"))  # the other export fits
    assert window.morph.export(other) is not None
    said: list[str] = []
    window.document.message.connect(said.append)
    with qtbot.waitSignals([window.document.message] * 2, timeout=UI_TIMEOUT, order="none",
                           check_params_cbs=[lambda text: text.startswith(f"Wrote {full}"),
                                             lambda text: text.startswith(f"Wrote {other}")]):
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
        gate.set()
        assert dialog.busy.text() == "Rendering 7 frames on the CPU… (Cancel in the status bar)"
    [retried] = [text for text in said if "done on the CPU" in text]  # said once, by its "Wrote …"
    assert retried.startswith(f"Wrote {full}") and retried.endswith("done on the CPU, as the GPU ran out of memory")
    assert animation_files.count_frames(full) == 7 and animation_files.count_frames(other) == 7
    assert not dialog.busy.isVisible() and not window.morph.exporting() and not window.document.jobs


def test_the_morph_dialog_keeps_its_layout_while_an_export_renders_after_a_long_message(qtbot, window, image_files,
                                                                                       tmp_path):
    """After a 60 fps GIF's long "Wrote …; a GIF plays at most 50 fps…", the next export's "Rendering 600 frames…"
    stood on a row of its own, and the Animation and Export size boxes shrank into a scroll, "Size" hidden: the
    hidden message kept its text, wrapped to more lines in the half of the row beside the busy line."""
    dialog = a_small_morph_on_show(qtbot, window, image_files)
    dialog.fps.setValue(60)
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: text.startswith("Wrote")):
        dialog.export_to(str(tmp_path / "morph.gif"))
    assert "a GIF plays at most 50 fps" in dialog.written.text()
    QApplication.processEvents()
    before = laid_out(dialog)
    dialog.frames.setValue(600)
    dialog.scale.setValue(8)
    progress = said(window)
    dialog.export_to(str(tmp_path / "long.gif"))
    qtbot.waitUntil(lambda: any(text.startswith("Rendering frame") for text, _ in progress), timeout=UI_TIMEOUT)
    QApplication.processEvents()
    try:
        assert dialog.busy.isVisible() and dialog.busy.text().startswith("Rendering 600 frames")
        assert laid_out(dialog) == before  # nothing moved
        # the size it will write whole in view, and the busy line level with the buttons
        assert dialog.size_label.visibleRegion().boundingRect() == dialog.size_label.rect()
        busy, buttons = place(dialog, dialog.busy), place(dialog, dialog.export_button)
        assert busy.top() <= buttons.bottom() and busy.bottom() >= buttons.top()
    finally:
        window.status.cancel.click()
        qtbot.waitUntil(lambda: not window.morph.exporting(), timeout=UI_TIMEOUT)


def test_an_export_into_a_folder_deleted_meanwhile_names_the_file_as_the_png_export_does(qtbot, window, image_files,
                                                                                         tmp_path):
    """"Cannot export to …/vanish: the folder does not exist" named no file, where Export PNG… says "Could not write
    …/vanish/gone.png: the folder …/vanish does not exist" (docs/using.md promises that for every export)."""
    dialog = a_small_morph_on_show(qtbot, window, image_files)
    gone, blocker = tmp_path / "vanish", tmp_path / "a-file"
    blocker.write_text("not a folder")
    for path, why in ((gone / "morph.gif", f"the folder {gone} does not exist"),
                      (blocker / "morph.gif", f"{blocker} is not a folder")):
        with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as failed:
            dialog.export_to(str(path))
        assert failed.args[0] == dialog.written.text() == f"Could not write {path}: {why}"
    assert not window.morph.exporting() and not window.document.jobs
