"""A latent file too large to read on the GUI thread (over latent_files.READ_HERE) is read once by the worker, also
when it waits for its model: it was read again as its model came (twice on opening a file of another VAE), and a
third time where a model was picked while it was read. One changed on disk while it waits is read again: what opens
is the file as it is."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

import genimg_gui.engine.worker as worker
from conftest import UI_TIMEOUT
from genimg_gui import export
from genimg_gui.engine.requests import ModelInfo
from genimg_gui.ui import latent_files
from test_open_latents import load, other_vae
from ui_helpers import vae_items


def big_latent_file(path: Path, info: ModelInfo, seed: int, padding: int = 2_000_000) -> np.ndarray:
    """A latent file made with the VAE info (tiny-vae), past READ_HERE by a base of padding values (as a large
    picture's mask): its latent."""
    record = json.dumps({"name": info.name, "kind": "vae", "weights_sha256": info.identity, "path": info.path})
    latent = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    np.savez(path, latent=latent, model=np.asarray(record), base=np.zeros(padding, np.float32))
    assert export.bytes_to_read(path) > latent_files.READ_HERE
    return latent


def counted_reads(monkeypatch) -> list[str]:
    """The files the worker reads from now on."""
    reads: list[str] = []
    real = worker.read_latent

    def read(path):
        reads.append(str(path))
        return real(path)
    monkeypatch.setattr(worker, "read_latent", read)
    return reads


def opened_latent(qtbot, window) -> np.ndarray:
    """The latent of the one picture open, once the latent files are all done."""
    qtbot.waitUntil(lambda: bool(vae_items(window)) and not window.opener.latents.on_their_way(), timeout=UI_TIMEOUT)
    [item] = vae_items(window)
    return item.history.nodes()[0].state.base


def test_a_large_file_of_another_vae_is_read_once(qtbot, window, tmp_path, monkeypatch):
    big = tmp_path / "big.npz"
    latent = big_latent_file(big, window.document.models["vae"], 0)
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    reads = counted_reads(monkeypatch)
    window.open_paths([str(big)])
    assert np.array_equal(opened_latent(qtbot, window), latent)
    assert window.document.models["vae"].name == "tiny-vae" and reads == [str(big)]


def test_a_large_file_read_while_a_model_is_picked_is_read_once(qtbot, window, tmp_path, monkeypatch):
    """The user picks another VAE while the worker reads the file: it waits for that load, then for its own
    model's."""
    big = tmp_path / "big.npz"
    latent = big_latent_file(big, window.document.models["vae"], 0)
    other = other_vae(tmp_path / "other-vae", 7, "other-vae")
    reads, inside, go = [], threading.Event(), threading.Event()
    real = worker.read_latent

    def held_read(path):
        reads.append(str(path))
        inside.set()
        go.wait(UI_TIMEOUT / 1000)
        return real(path)
    monkeypatch.setattr(worker, "read_latent", held_read)
    window.open_paths([str(big)])
    qtbot.waitUntil(inside.is_set, timeout=UI_TIMEOUT)
    window.document.load_model(str(other))
    go.set()
    assert np.array_equal(opened_latent(qtbot, window), latent)
    assert window.document.models["vae"].name == "tiny-vae" and reads == [str(big)]


def test_a_large_file_changed_while_it_waits_for_its_model_opens_as_it_is_then(qtbot, window, tmp_path, monkeypatch):
    """Written over once read, while its model loads: the file as written then opens, read again."""
    big, tiny_vae = tmp_path / "big.npz", window.document.models["vae"]
    big_latent_file(big, tiny_vae, 0)
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    reads, written = counted_reads(monkeypatch), []

    def write_over(text: str) -> None:  # said as its model's load is asked, the file waiting for it
        if text.startswith("Switching") and not written:
            written.append(big_latent_file(big, tiny_vae, 1, padding=2_000_001))
    window.document.message.connect(write_over)
    window.open_paths([str(big)])
    assert np.array_equal(opened_latent(qtbot, window), written[0])
    assert reads == [str(big), str(big)]
