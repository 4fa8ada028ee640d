"""Cancel and quit inside a single tile. A 512-px photo is one tile of an SD VAE: the worker checked for a cancel
only between tiles, so Cancel on it (or on an example being encoded for New direction from examples, checked only
between files) took effect when the pass ended, about 50 s on a CPU for the encode and the reconstruction's decode.
Now every layer of the pass checks. Here the tiny SD VAE (tiles of 128 px) takes photos of one tile, and a forward
hook holds the worker in the middle of a pass (at its mid block) until the test lets it go: a pass as long as a big
model's, with no clock."""
from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import Qt
from torch.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.sd_vae import Decoder, Encoder, MidBlock
from test_cancel_mid_pass import SD_SCALE, cancel_while_held, load_sd_vae, sd_engine
from test_directions_ui import BLUE, RED, define, write_group
from test_foreign_cli import picture
from ui_helpers import vae_items

ONE_TILE = (96, 40)  # 48×20 latent cells: one tile of the tiny SD VAE
PASSES = (Encoder, Decoder)


class PassGate:
    """Counts the SD VAE's Encoder and Decoder passes begun and those that ran to their end, and holds the worker at
    the mid block of the first pass of `held`'s kind until go is set (or UI_TIMEOUT: a worker that never stops cannot
    hang the suite)."""

    def __init__(self, held: type) -> None:
        self.held, self.passing = held, None
        self.begun: Counter[str] = Counter()
        self.ended: Counter[str] = Counter()
        self.inside, self.go = threading.Event(), threading.Event()

    def before(self, module, _args) -> None:
        if isinstance(module, PASSES):
            self.passing = module
            self.begun[type(module).__name__] += 1
        elif isinstance(module, MidBlock) and isinstance(self.passing, self.held) and not self.inside.is_set():
            self.inside.set()
            self.go.wait(UI_TIMEOUT / 1000)

    def after(self, module, _args, _out) -> None:
        if isinstance(module, PASSES):
            self.ended[type(module).__name__] += 1


@contextmanager
def held_in(held: type):
    gate = PassGate(held)
    handles = register_module_forward_pre_hook(gate.before), register_module_forward_hook(gate.after)
    try:
        yield gate
    finally:
        gate.go.set()
        for handle in handles:
            handle.remove()


def as_cancelled(engine, gate: PassGate) -> list[tuple[bool, bool, dict]]:
    """What the worker's thread is in as it tells each cancel, the pass unwound: (grad mode, inference mode, the
    passes that had run to their end by then: another request may start after it)."""
    found: list[tuple[bool, bool, dict]] = []

    def told(f: rq.Failed) -> None:
        if f.cancelled:
            found.append((torch.is_grad_enabled(), torch.is_inference_mode_enabled(), dict(gate.ended)))
    engine.worker.failed.connect(told, Qt.ConnectionType.DirectConnection)
    return found


def test_cancel_stops_a_picture_of_one_tile_inside_its_pass_and_the_vae_draws_as_before(qtbot, window, tmp_path,
                                                                                      monkeypatch):
    """Cancel clicked while the photo's only tile is halfway through the encoder: the encode stops there, the
    reconstruction's decode never starts, the picture does not open, "Cancelled" is said. Before, the encoder ran to
    its end and the decoder after it. The VAE is left as it was: the photo opened again draws the same picture, bit
    for bit, as it did before the cancel."""
    load_sd_vae(qtbot, window, tmp_path, monkeypatch)
    doc, photo = window.document, picture(tmp_path / "one-tile.png", *ONE_TILE, 0)
    cancelled, again = tmp_path / "cancelled.png", tmp_path / "again.png"
    for level, copy in enumerate((cancelled, again)):  # the same pixels in other bytes: not "open already"
        Image.open(photo).save(copy, compress_level=level)
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT) as before:
        window.open_paths([str(photo)])
    said: list[str] = []
    doc.message.connect(said.append)
    with held_in(Encoder) as gate:
        found = as_cancelled(doc.engine, gate)
        window.open_paths([str(cancelled)])
        cancel_while_held(qtbot, window, gate)
        qtbot.waitUntil(lambda: "Cancelled" in said or len(vae_items(window)) > 1, timeout=UI_TIMEOUT)
    assert len(vae_items(window)) == 1 and "Cancelled" in said and window.last_error == ""
    assert gate.ended == {}, f"the pass went on after Cancel: {dict(gate.ended)} ran to their end"
    assert gate.begun == {"Encoder": 1}
    assert found == [(True, False, {})]  # no_grad and inference_mode unwound with the pass
    qtbot.waitUntil(lambda: not window.status.cancel.isVisible() and not window.status.bar.isVisible())
    assert window.status.cancel.isEnabled()

    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT) as after:
        window.open_paths([str(again)])
    first, last = before.args[0], after.args[0]
    assert np.array_equal(last.original, first.original) and np.array_equal(last.image, first.image)


def test_cancel_stops_an_example_being_encoded_for_a_new_direction_inside_its_pass(qtbot, window, tmp_path,
                                                                                 monkeypatch):
    """New direction from examples encodes each example in one pass (Runtime.encode_latent), with no tiles: Cancel
    was seen only before the next file. Now the encoder stops where it is; no direction is made, and the next one
    is."""
    load_sd_vae(qtbot, window, tmp_path, monkeypatch)
    red, blue = write_group(tmp_path / "red", "r", RED, 2, 1), write_group(tmp_path / "blue", "b", BLUE, 2, 2)
    doc, said = window.document, []
    doc.message.connect(said.append)
    made = len(doc.directions("vae").labels)
    with held_in(Encoder) as gate:
        found = as_cancelled(doc.engine, gate)
        define(qtbot, window, "red → blue", red, blue, wait=False)
        cancel_while_held(qtbot, window, gate)
        qtbot.waitUntil(lambda: not window.directions_tool.jobs, timeout=UI_TIMEOUT)
    # the other side's examples, sent after, may start before the window drops them as the cancel comes back
    assert found[0] == (True, False, {}), f"the example's encode went on after Cancel: {found[0][2]} ran to their end"
    assert "Cancelled" in said
    assert len(doc.directions("vae").labels) == made
    qtbot.waitUntil(lambda: not window.status.cancel.isVisible())

    with qtbot.waitSignal(doc.directions_changed, timeout=UI_TIMEOUT):
        define(qtbot, window, "red → blue", red, blue, wait=False)
    assert doc.directions("vae").labels[-1] == "red → blue"


def test_shutdown_stops_a_slider_decode_of_one_tile_inside_its_pass(qtbot, tmp_path):
    """Quitting during a slider's decode of a photo of one tile: the decoder stops where it is, not at its end."""
    latent = np.random.default_rng(0).standard_normal((4, ONE_TILE[1] // 2, ONE_TILE[0] // 2)).astype(np.float32)
    engine = sd_engine(qtbot, tmp_path)
    failed: list[rq.Failed] = []
    decoded: list[rq.Decoded] = []
    # the worker's own signals: the engine says nothing once shut down (SaidUntilShutdown)
    engine.worker.failed.connect(failed.append, Qt.ConnectionType.DirectConnection)
    engine.worker.result.connect(lambda r: decoded.append(r) if isinstance(r, rq.Decoded) else None,
                                 Qt.ConnectionType.DirectConnection)
    with held_in(Decoder) as gate:
        close = engine.queue.close
        engine.queue.close = lambda: (close(), gate.go.set())  # the pass goes on as the queue closes
        try:
            engine.submit(rq.Decode("vae", latent))
            qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)
        finally:
            stopped = engine.shutdown()
    assert stopped and gate.ended == {}, f"the decode went on after shutdown: {dict(gate.ended)} ran to their end"
    qtbot.waitUntil(lambda: bool(failed or decoded))
    assert [(f.request, f.cancelled) for f in failed] == [("Decode", True)] and not decoded


class Stop(Exception):
    pass


@pytest.mark.parametrize("kind", ["spatial", "conv"])
def test_a_pass_stopped_at_a_layer_leaves_the_model_drawing_as_before(tmp_path, model_dir, kind):
    """Runtime.stoppable's check, raising at the fourth layer of an encode or a decode: the error comes out, the
    thread's grad mode is as it was, and the next encode and decode draw what they drew before, bit for bit."""
    rt = Runtime("cpu")
    if kind == "spatial":
        rt.load(str(fb.sd_vae_file(tmp_path / "my-vae.safetensors")), lambda *_: None, SD_SCALE)
    else:
        rt.load(str(model_dir / "tiny-vae"), lambda *_: None)
    photo = np.asarray(Image.open(picture(tmp_path / "p.png", *ONE_TILE, 3)).convert("RGB"))
    _, latent, recon = rt.encode(photo, "crop")
    drawn = rt.decode("vae", latent)
    layers = [0]

    def fourth_layer_stops() -> None:
        layers[0] += 1
        if layers[0] == 4:
            raise Stop()
    for run in (lambda: rt.encode(photo, "crop"), lambda: rt.decode("vae", latent),
                lambda: rt.encode_latent(photo, "crop")):
        layers[0] = 0
        with rt.stoppable(fourth_layer_stops), pytest.raises(Stop):
            run()
        assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
    again = rt.encode(photo, "crop")
    assert np.array_equal(again[1], latent) and np.array_equal(again[2], recon)
    assert np.array_equal(rt.decode("vae", latent), drawn)
    with rt.stoppable(lambda: layers.append(0)):  # a check that lets every layer run: the same picture
        assert np.array_equal(rt.decode("vae", latent), drawn)
    assert len(layers) > 10  # it ran before every layer, not once a pass


def test_a_cancel_that_comes_after_the_last_check_lets_the_picture_open_and_ends_the_job(qtbot, window, tmp_path,
                                                                                       monkeypatch):
    """Cancel clicked as the encode's result is being sent, past its last check: the cancel is moot. The picture
    opens, nothing says "Cancelled", and the job ends as any job that succeeded: its bar and Cancel go, and the
    next job's Cancel comes enabled (the click greyed it)."""
    load_sd_vae(qtbot, window, tmp_path, monkeypatch)
    doc, photo = window.document, picture(tmp_path / "late.png", *ONE_TILE, 1)
    said: list[str] = []
    doc.message.connect(said.append)
    sending, go = threading.Event(), threading.Event()

    def held_as_sent(r) -> None:  # on the worker's thread, as it emits the picture
        if isinstance(r, rq.Encoded) and not sending.is_set():
            sending.set()
            go.wait(UI_TIMEOUT / 1000)
    doc.engine.worker.result.connect(held_as_sent, Qt.ConnectionType.DirectConnection)
    try:
        with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
            window.open_paths([str(photo)])
            cancel_while_held(qtbot, window, SimpleNamespace(inside=sending, go=go))
    finally:
        go.set()
    qtbot.waitUntil(lambda: not window.status.bar.isVisible() and not doc.jobs, timeout=UI_TIMEOUT)
    assert [item.name for item in vae_items(window)] == ["late.png"]
    assert not window.status.cancel.isVisible() and window.status.cancel.isEnabled()
    assert "Cancelled" not in said and window.last_error == ""
    assert not doc.engine.queue._cancelled  # the cancel is not left to meet anything later
