"""Cancel and quit inside one long encode or decode. A big photo through an SD VAE is one network pass per tile, each
seconds to minutes on a CPU: the worker checked for a cancel only between files, so Cancel on a picture being opened
was ignored (the picture opened, nothing said), and quitting froze the window 10 s, then aborted the process ("QThread:
Destroyed while thread is still running"). Here the tiny SD VAE (downscale 2: tiles of 128 px) encodes a 256×40 photo
in 3 tiles, and a forward hook holds the worker inside the first tile of a pass until the test lets it go: a tile as
long as a big model's, with no clock."""
from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from contextlib import contextmanager

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from torch.nn.modules.module import register_module_forward_pre_hook

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.engine.engine import Engine
from genimg_gui.models.sd_vae import Decoder, Encoder
from test_foreign_cli import picture
from ui_helpers import vae_items

SD_SCALE = 0.18215
WIDE = (256, 40)  # 128×20 latent cells: 3 tiles


class TileGate:
    """Counts the passes of the SD VAE's Encoder and Decoder (one a tile) and holds the worker inside the first tile
    of `held`'s kind until go is set (or UI_TIMEOUT, so a worker that never stops cannot hang the suite)."""

    def __init__(self, held: type) -> None:
        self.held = held
        self.tiles: Counter[str] = Counter()
        self.inside, self.go = threading.Event(), threading.Event()

    def __call__(self, module, _args) -> None:
        if not isinstance(module, (Encoder, Decoder)):
            return
        self.tiles[type(module).__name__] += 1
        if isinstance(module, self.held) and not self.inside.is_set():
            self.inside.set()
            self.go.wait(UI_TIMEOUT / 1000)


@contextmanager
def gated(held: type):
    gate = TileGate(held)
    handle = register_module_forward_pre_hook(gate)
    try:
        yield gate
    finally:
        gate.go.set()
        handle.remove()


def load_sd_vae(qtbot, window, tmp_path, monkeypatch) -> None:
    doc = window.document
    monkeypatch.setattr(window.model_opener, "ask_scale", lambda r: SD_SCALE)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT, check_params_cb=lambda info: info.spatial):
        window.open_paths([str(fb.sd_vae_file(tmp_path / "my-vae.safetensors"))])


def cancel_while_held(qtbot, window, gate: TileGate) -> bool:
    """Click the status bar's Cancel while the worker is inside the held tile, then let the tile end; whether the
    button could be clicked again just after."""
    qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)
    status = window.status  # the bar of the encode, not still the SD VAE load's, whose end may come after its result
    qtbot.waitUntil(lambda: status.cancel.isVisible() and status.bar.toolTip().startswith("Encoding"),
                    timeout=UI_TIMEOUT)
    qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    clickable_again = window.status.cancel.isEnabled()
    gate.go.set()
    return clickable_again


def test_cancel_on_a_picture_being_opened_stops_it_at_its_next_tile(qtbot, window, tmp_path, monkeypatch):
    """Cancel clicked during the first of the photo's tiles: the encode stops as that tile ends, the picture does not
    open, "Cancelled" is said as for any job, and the bar and its Cancel go; meanwhile Cancel, asked, is not offered
    again. Before, the encode ran on through its tiles and the reconstruction's, and the picture opened."""
    load_sd_vae(qtbot, window, tmp_path, monkeypatch)
    photo = picture(tmp_path / "wide.png", *WIDE, 0)
    said: list[str] = []
    window.document.message.connect(said.append)
    window.document.error.connect(said.append)
    with gated(Encoder) as gate:
        window.open_paths([str(photo)])
        clickable_again = cancel_while_held(qtbot, window, gate)
        qtbot.waitUntil(lambda: "Cancelled" in said or bool(vae_items(window)), timeout=UI_TIMEOUT)
    assert not vae_items(window), "the picture opened after its Cancel"
    assert "Cancelled" in said and window.last_error == ""
    assert gate.tiles == {"Encoder": 1}, f"the encode went on after Cancel: {dict(gate.tiles)}"
    assert not clickable_again
    qtbot.waitUntil(lambda: not window.status.cancel.isVisible() and not window.status.bar.isVisible())
    assert window.status.cancel.isEnabled()  # ready for the next job

    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):  # and the next open goes through
        window.open_paths([str(photo)])
    assert [item.name for item in vae_items(window)] == ["wide.png"]


def test_a_paste_being_encoded_shows_cancel_and_stops_at_its_next_tile(qtbot, window, tmp_path, monkeypatch):
    """A pasted picture had no progress bar, so no Cancel, and no check at all: a big paste into an SD VAE could not
    be stopped. Now it has both, as a file opened has."""
    load_sd_vae(qtbot, window, tmp_path, monkeypatch)
    pixels = np.ascontiguousarray(np.random.default_rng(0).integers(0, 255, (WIDE[1], WIDE[0], 3), dtype=np.uint8))
    image = QImage(pixels.data, WIDE[0], WIDE[1], 3 * WIDE[0], QImage.Format.Format_RGB888).copy()
    QGuiApplication.clipboard().setImage(image)
    said: list[str] = []
    window.document.message.connect(said.append)
    with gated(Encoder) as gate:
        window.opener.paste()
        cancel_while_held(qtbot, window, gate)
        qtbot.waitUntil(lambda: "Cancelled" in said or bool(vae_items(window)), timeout=UI_TIMEOUT)
    QGuiApplication.clipboard().clear()
    assert not vae_items(window) and "Cancelled" in said
    assert gate.tiles == {"Encoder": 1}, f"the encode went on after Cancel: {dict(gate.tiles)}"
    qtbot.waitUntil(lambda: not window.status.cancel.isVisible())


def sd_engine(qtbot, tmp_path) -> Engine:
    engine = Engine("cpu")
    with qtbot.waitSignal(engine.result, timeout=UI_TIMEOUT, check_params_cb=lambda r: isinstance(r, rq.ModelInfo)):
        engine.submit(rq.LoadModel(str(fb.sd_vae_file(tmp_path / "my-vae.safetensors")), SD_SCALE))
    return engine


def test_shutdown_stops_a_slider_decode_and_an_open_at_their_next_tile(qtbot, tmp_path):
    """Quitting during one long decode (a slider's, or a picture's being opened) waited for the whole pass: the worker
    now stops at its next tile, and the thread has ended when shutdown returns."""
    photo = picture(tmp_path / "wide.png", *WIDE, 0)
    latent = np.random.default_rng(0).standard_normal((4, WIDE[1] // 2, WIDE[0] // 2)).astype(np.float32)
    for held, request in ((Decoder, rq.Decode("vae", latent)), (Encoder, rq.EncodeFiles((str(photo),)))):
        engine = sd_engine(qtbot, tmp_path)
        failed: list[rq.Failed] = []
        # the worker's own signal: the engine says nothing once shut down (SaidUntilShutdown)
        engine.worker.failed.connect(failed.append, Qt.ConnectionType.DirectConnection)
        with gated(held) as gate:
            close = engine.queue.close
            engine.queue.close = lambda: (close(), gate.go.set())  # the tile ends as the queue closes
            try:
                engine.submit(request)
                qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)
            finally:
                stopped = engine.shutdown()
        assert gate.tiles == {held.__name__: 1}, f"{type(request).__name__} went on after shutdown: {gate.tiles}"
        assert stopped and engine.thread.isFinished()
        qtbot.waitUntil(lambda: bool(failed))
        assert [(f.request, f.cancelled) for f in failed] == [(type(request).__name__, True)]


QUIT_INSIDE_A_PASS = r"""
import os, sys, threading, time
from PySide6.QtCore import QTimer
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.main_window import MainWindow

inside, decode, real_show = threading.Event(), Runtime.decode, MainWindow.show


def one_long_pass(self, *args, **kwargs):  # the GAN's first sample: one pass no check can stop, as a big model's tile
    inside.set()
    time.sleep(120)
    return decode(self, *args, **kwargs)


def show(window):
    real_show(window)
    timer = QTimer(window)

    def close_once_inside():
        if inside.is_set():
            timer.stop()
            os.write(1, b"closing\n")  # the file descriptor: there may be no sys.stdout
            window.close()
    timer.timeout.connect(close_once_inside)
    timer.start(20)


Runtime.decode, MainWindow.show = one_long_pass, show
from genimg_gui.app import main
if sys.argv.pop(1) == "no-streams":
    sys.stdout = sys.stderr = None  # as under Windows' pythonw, which runs genimg-gui (a gui-script)
code = main(sys.argv[1:])
print("main returned", code, flush=True)
sys.exit(code)
"""


@pytest.mark.parametrize("streams", ["console", "no-streams"])
def test_quitting_inside_one_long_pass_closes_and_exits_cleanly(model_dir, streams):
    """genimg-gui closed while its worker is inside one network pass that nothing can stop midway: the window froze
    10 s, then Qt aborted (exit 134, "QThread: Destroyed while thread 'genimg-worker' is still running"). Now the
    window closes, the process waits a moment out of sight, and ends with exit code 0 while the pass still runs.
    Under Windows' pythonw (no-streams: sys.stdout and sys.stderr are None) flushing them before the end raised
    AttributeError, and Qt aborted as before."""
    args = [streams, "--vae", str(model_dir / "tiny-vae"), "--gan", str(model_dir / "tiny-gan")]
    done = subprocess.run([sys.executable, "-c", QUIT_INSIDE_A_PASS, *args], capture_output=True, text=True,
                          timeout=100)  # well within the pass's 120 s: the process did not wait for it
    assert done.returncode == 0, done.stderr
    assert "closing" in done.stdout and "Destroyed while thread" not in done.stderr
