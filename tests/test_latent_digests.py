"""Latent files are judged by the weights their model's folder holds (latent_model): their digest, which for an SD
VAE's 300 MB held the window 0.3 to 1 s per file opened, read again before and after its load and by the load
itself. Each weights file, as it stands, is now read once in a run (weights_file.held_digest), by whichever asks
first: the worker's load, the folder watch, or the window."""
from __future__ import annotations

import os
import threading

from conftest import UI_TIMEOUT
from genimg_gui import latent_model, weights_file
from genimg_gui.engine import runtime
from genimg_gui.ui import model_watch

from test_masked_edits import open_images
from test_open_latents import edited_export, load, other_vae


def counted_digests(monkeypatch) -> list[tuple[str, bool]]:
    """Every read of a weights file's digest from now on, as (folder, on the UI thread); patched wherever a module
    holds weights_digest by name, as the old code's modules did."""
    reads, real = [], weights_file.weights_digest

    def digest(folder):
        reads.append((os.path.realpath(folder), threading.current_thread() is threading.main_thread()))
        return real(folder)

    for module in (weights_file, latent_model, runtime, model_watch):
        monkeypatch.setattr(module, "weights_digest", digest, raising=False)
    return reads


def written_again(folder) -> None:
    """The same weights written again (a copy or a checkout over them): a weights file not read yet in this run."""
    stat = (folder / "model.safetensors").stat()
    os.utime(folder / "model.safetensors", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def opened_all(qtbot, window, paths) -> None:
    """The latent files opened at once (a drop), each an item."""
    doc = window.document
    before = len(doc.items)
    window.open_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: len(doc.items) == before + len(paths) and not doc.loading_paths(), timeout=UI_TIMEOUT)


def test_latent_files_of_one_model_read_its_weights_once(qtbot, window, model_dir, image_files, tmp_path,
                                                         monkeypatch):
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    files = [tmp_path / f"x{i}.npz" for i in range(6)]
    for i, path in enumerate(files):
        edited_export(qtbot, window, path, value=20 * (i + 1))
    load(qtbot, window, model_dir / "tiny-vae")
    written_again(mine)
    reads = counted_digests(monkeypatch)

    opened_all(qtbot, window, files[:3])  # their model loaded for them: read once, before the load
    assert window.document.models["vae"].name == "my-vae"
    assert [folder for folder, _ in reads] == [os.path.realpath(mine)]

    opened_all(qtbot, window, files[3:])  # their model loaded: its weights are known
    assert len(reads) == 1


def test_latent_files_of_a_loaded_model_are_judged_by_its_load(qtbot, window, model_dir, image_files, tmp_path,
                                                               monkeypatch):
    mine = other_vae(tmp_path / "my-vae", 4, "my-vae")
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    files = [tmp_path / f"y{i}.npz" for i in range(3)]
    for i, path in enumerate(files):
        edited_export(qtbot, window, path, value=30 * (i + 1))
    written_again(mine)
    reads = counted_digests(monkeypatch)
    load(qtbot, window, mine)  # loaded again: the load reads the weights, on the worker

    opened_all(qtbot, window, files)
    assert reads == [(os.path.realpath(mine), False)]
