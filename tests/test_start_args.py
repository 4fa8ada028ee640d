"""Models named among the files at start. A tester kept a session on quitting, then ran
`genimg-gui models/vae-copy pics/tall_narrow.png models/bad.safetensors` (a copy of the VAE folder, a picture, a text
file renamed): the session's VAE loaded first, then vae-copy over it, and the canvas read "tall_narrow.png opens once
emoji-vae, emoji-faces-gan, vae-copy and bad.safetensors have loaded", a file that could never load among them. Now a
model folder among the files loads in place of the last model of its kind, as --vae does, and a model file that holds
text is refused at once, with what the worker said of it later."""
from __future__ import annotations

import os
import shutil
import threading

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QApplication

from conftest import UI_TIMEOUT, quit_questions_kept
from genimg_gui import app
from genimg_gui import session as sess
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions
from genimg_gui.wording import SUPPORTED
from test_start_fallback import errors


def keep_a_sample(qtbot, window: MainWindow, monkeypatch) -> None:
    """A sample of window's own, edited, kept for the next start by the quit question's Keep for next time."""
    doc = window.document
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    window.sliders.sliders[0].setValue(150)  # work not exported: quitting asks
    qtbot.waitUntil(lambda: doc.current.history.current.values[0] == 1.5, timeout=UI_TIMEOUT)
    asked = quit_questions_kept(monkeypatch)
    assert window.close() and asked
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)  # the next window's
    kept = sess.load_session()
    assert kept.kept and [item.name for item in kept.items] == ["seed 7"]


def loads_held(monkeypatch) -> tuple[list[str], threading.Event]:
    """The folders and files the worker loads, in order (real paths), each load waiting until the event is set: what
    the window says as it starts is read before any has come."""
    loaded, gate, load = [], threading.Event(), Runtime.load

    def held(self, path, *args, **kwargs):
        gate.wait(UI_TIMEOUT / 1000)
        loaded.append(os.path.realpath(path))
        return load(self, path, *args, **kwargs)
    monkeypatch.setattr(Runtime, "load", held)
    return loaded, gate


def started(qtbot, monkeypatch, argv: list[str], gate: threading.Event, ready) -> tuple[MainWindow, str]:
    """genimg-gui started by app.main, its event loop run until ready(window); with what its empty canvas said as it
    showed, before the loads were let go."""
    seen = []

    def run_until_ready(_app) -> int:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        qtbot.addWidget(window)  # closed after the test, which shuts its engine down
        seen.extend([window, window.canvas.placeholder])
        gate.set()
        qtbot.waitUntil(lambda: ready(window), timeout=UI_TIMEOUT)
        return 0
    monkeypatch.setattr(QApplication, "exec", run_until_ready)
    assert app.main(argv) == 0
    return seen[0], seen[1]


def test_a_vae_folder_among_the_files_replaces_the_kept_sessions_and_a_text_file_is_refused_at_once(
        qtbot, monkeypatch, window, model_dir, tmp_path):
    keep_a_sample(qtbot, window, monkeypatch)  # its VAE and GAN, tiny-vae and tiny-gan, are the last loaded
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "models" / "vae-copy")
    picture = tmp_path / "pics" / "tall_narrow.png"
    picture.parent.mkdir()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 60, 3), np.uint8)).save(picture)
    bad = tmp_path / "models" / "bad.safetensors"
    bad.write_text("notes on the models I tried\n")
    loaded, gate = loads_held(monkeypatch)
    monkeypatch.chdir(tmp_path)  # the paths as the tester typed them

    def ready(w: MainWindow) -> bool:
        doc = w.document
        return len(doc.items) == 2 and not doc.jobs and not doc.waiting_files and not doc.carry.pending_any()
    again, canvas = started(qtbot, monkeypatch, ["models/vae-copy", "pics/tall_narrow.png", "models/bad.safetensors"],
                            gate, ready)

    # the copy named by its card, as the Models tab lists it and "Loaded tiny-vae from …/vae-copy" says it
    assert canvas == "tall_narrow.png opens once tiny-vae and tiny-gan have loaded"
    assert loaded == [str(copy), os.path.realpath(model_dir / "tiny-gan")]  # not the session's tiny-vae first
    doc = again.document
    assert doc.models["vae"].path == str(copy)
    assert [item.name for item in doc.items.values()] == ["seed 7", "tall_narrow.png"]
    assert errors(again) == [f"bad.safetensors is a text file, not a safetensors file. {SUPPORTED}."]
