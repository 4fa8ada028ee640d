"""What the window says as it starts. A tester's `genimg-gui photos/x.jpg` showed no window for 8 s (torch imported
on the GUI thread first), then for seconds "Load a model to see its directions", an empty status bar and "Drop
images here…", though emoji-vae was loading and the photo waited for it. Now the window shows before torch is
imported, and says which model loads and which files wait for it."""
from __future__ import annotations

import importlib.abc
import json
import subprocess
import sys

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

import foreign_builders as fb
from conftest import UI_TIMEOUT, drag_drop, file_mime, slowed
from genimg_gui.catalog import read_entry
from genimg_gui.engine import requests as rq
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.canvas import EMPTY_TEXT
from genimg_gui.ui.loading_note import canvas_text
from genimg_gui.ui.main_window import MainWindow

LOAD_SECONDS = 2.0  # each load: long enough to read the texts before it ends


def said(window) -> tuple[str, str, str]:
    """The status bar's busy note (as shown), the Sliders tab's title, the canvas's empty text."""
    busy = window.status.busy.text() if window.status.busy.isVisible() else ""
    return busy, window.slider_tab.title.text(), window.canvas.placeholder


def slow_window(qtbot, engine, model_dir, monkeypatch) -> MainWindow:
    slowed(monkeypatch, Runtime, "load", LOAD_SECONDS)
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_photo_on_the_command_line_is_said_to_wait_for_the_models_loading(qtbot, engine, model_dir,
                                                                              image_files, monkeypatch):
    window = slow_window(qtbot, engine, model_dir, monkeypatch)
    doc = window.document
    assert said(window) == ("", "Load a model to see its directions", EMPTY_TEXT)  # nothing loading yet
    doc.load_model(str(model_dir / "tiny-vae"))  # as app.main does: the models, then the files after them
    doc.load_model(str(model_dir / "tiny-gan"))
    window.open_paths([str(image_files[0])], after_loads=True)
    assert said(window) == ("Loading tiny-vae…", "Loading tiny-vae…",
                            "image 0.png opens once tiny-vae and tiny-gan have loaded")
    assert window.status.busy.toolTip() == "Loading in the background: tiny-vae, then tiny-gan"
    assert window.canvas.edited is None and not doc.items

    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        pass
    busy, title, canvas = said(window)
    assert (busy, canvas) == ("Loading tiny-gan…", "image 0.png opens once tiny-gan has loaded")
    assert "directions of the VAE “tiny-vae”" in title
    assert window.canvas.edited is None and not doc.items

    qtbot.waitUntil(lambda: any(item.kind == "vae" for item in doc.items.values()), timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: said(window)[::2] == ("", EMPTY_TEXT), timeout=UI_TIMEOUT)
    assert window.canvas.edited is not None and "directions of the" in window.slider_tab.title.text()
    assert not doc.waiting_files


def test_images_dropped_before_the_vae_has_loaded_wait_for_it_and_say_so(qtbot, engine, model_dir, image_files,
                                                                       monkeypatch):
    window = slow_window(qtbot, engine, model_dir, monkeypatch)
    doc = window.document
    doc.load_model(str(model_dir / "tiny-vae"))
    assert drag_drop(window, file_mime(image_files)) is not None
    assert said(window) == ("Loading tiny-vae…", "Loading tiny-vae…", "3 images open once tiny-vae has loaded")
    qtbot.waitUntil(lambda: len(doc.items) == 3, timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: said(window)[::2] == ("", EMPTY_TEXT), timeout=UI_TIMEOUT)


def test_files_being_opened_are_named_on_the_empty_canvas():
    assert canvas_text([], [], ["/a/x.jpg"]) == "Opening x.jpg…"
    assert canvas_text([], [], ["/a/x.jpg", "/a/y.jpg"]) == "Opening 2 images…"
    assert canvas_text(["/a/x.jpg"], ["a", "b", "c"], []) == "x.jpg opens once a, b and c have loaded"
    assert canvas_text([], ["a"], []) == EMPTY_TEXT  # a model loading, no file waiting


SHOWN = r"""
import json, os, sys, threading

importers = []  # the threads that imported torch


class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            importers.append(threading.current_thread().name)


sys.meta_path.insert(0, Spy())
from PySide6.QtCore import QTimer
from genimg_gui.ui.main_window import MainWindow

real_show, seen = MainWindow.show, {}


def show(window):
    seen.update(torch_before_show=list(importers), busy=window.status.busy.text(),
                title=window.slider_tab.title.text(), canvas=window.canvas.placeholder)
    real_show(window)

    def photo_opened():
        if any(item.kind == "vae" for item in window.document.items.values()):
            print(json.dumps({**seen, "torch": importers}), flush=True)
            os._exit(0)
    timer = QTimer(window)
    timer.timeout.connect(photo_opened)
    timer.start(50)


MainWindow.show = show
from genimg_gui.app import main
main(sys.argv[1:])
"""


def test_the_window_shows_saying_what_loads_before_torch_is_imported_which_the_worker_does(model_dir, image_files):
    """app.main as the tester ran it, with tiny models: torch was imported on the GUI thread before the window."""
    args = ["--vae", str(model_dir / "tiny-vae"), "--gan", str(model_dir / "tiny-gan"), str(image_files[0])]
    done = subprocess.run([sys.executable, "-c", SHOWN, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "MainThread" not in seen["torch_before_show"] and seen["torch"] and "MainThread" not in seen["torch"]
    assert (seen["busy"], seen["title"]) == ("Loading tiny-vae…", "Loading tiny-vae…")
    assert seen["canvas"] == "image 0.png opens once tiny-vae and tiny-gan have loaded"


class BrokenTorch(importlib.abc.MetaPathFinder):
    """The worker's import failing as a broken torch install's does: a library that cannot be loaded (OSError, as on
    Windows: "[WinError 126] … Error loading c10.dll"), not an ImportError."""

    def find_spec(self, name, path=None, target=None):
        if name == "genimg_gui.engine.worker":
            raise OSError('[WinError 126] The specified module could not be found. Error loading "c10.dll"')
        return None


def worker_import_fails(monkeypatch, how: str) -> None:
    if how == "missing":
        monkeypatch.setitem(sys.modules, "genimg_gui.engine.worker", None)  # its import fails, as torch's would
    else:
        monkeypatch.delitem(sys.modules, "genimg_gui.engine.worker", raising=False)
        monkeypatch.setattr(sys, "meta_path", [BrokenTorch(), *sys.meta_path])


@pytest.mark.parametrize("how", ["missing", "broken"])
def test_a_torch_that_cannot_be_imported_fails_each_request_saying_why(qtbot, monkeypatch, model_dir, how):
    """The worker thread imports torch now: a broken install must not leave the window waiting on its loads. A torch
    whose library would not load (an OSError) ended the worker thread's start with a traceback, and every load waited
    for ever. Said on the GUI thread, as the worker's own failures are."""
    worker_import_fails(monkeypatch, how)
    engine = Engine("cpu")
    heard_on: list[bool] = []
    engine.failed.connect(lambda _: heard_on.append(QThread.currentThread() is QApplication.instance().thread()))
    try:
        with qtbot.waitSignal(engine.failed, timeout=UI_TIMEOUT) as failed:
            seq = engine.submit(rq.LoadModel(str(model_dir / "tiny-vae")))
        assert failed.args[0].seq == seq and failed.args[0].request == "LoadModel"
        assert failed.args[0].message.startswith("genimg cannot run its models: torch could not be loaded (")
        assert heard_on == [True]
    finally:
        engine.shutdown()


def test_a_photo_waiting_for_an_sd_vaes_scale_question_is_named_over_the_sample(qtbot, window, tmp_path,
                                                                                 image_files, monkeypatch):
    """`genimg-gui --vae my-sd-vae.safetensors photo.jpg`: while the latent-scale question was open, the hint at the
    canvas's foot over the GAN's sample offered "To edit a photo of your own, open it: File → Open images…", though
    the photo waited for the answer."""
    doc = window.document
    assert window.start_hint.shown() and "To edit a photo of your own" in window.start_hint.label.text()
    sd = fb.sd_vae_file(tmp_path / "my-sd-vae.safetensors")
    seen = []

    def ask_scale(request) -> float:  # what the window says while the question is open
        seen.append((window.start_hint.shown(), window.start_hint.label.text(), window.canvas.placeholder))
        return 0.18215
    monkeypatch.setattr(window.model_opener, "ask_scale", ask_scale)
    doc.load_model(str(sd))
    window.open_paths([str(image_files[0])], after_loads=True)
    qtbot.waitUntil(lambda: any(item.kind == "vae" for item in doc.items.values()), timeout=UI_TIMEOUT)
    waits = "image 0.png opens once the latent scale of my-sd-vae.safetensors is chosen and it has loaded"
    assert seen == [(True, waits, waits)]
    assert not window.start_hint.shown() and window.canvas.placeholder == EMPTY_TEXT


def test_the_files_waiting_for_a_scale_question_say_so():
    assert canvas_text(["/a/x.jpg"], ["sd.safetensors", "gan"], [], "sd.safetensors") == (
        "x.jpg opens once the latent scale of sd.safetensors is chosen and it and gan have loaded")
