"""Latent files are judged by the weights their model's folder holds (latent_model): their digest, which for an SD
VAE's 300 MB held the window 0.3 to 1 s per file opened, read again before and after its load and by the load
itself. Each weights file, as it stands, is now read once in a run (weights_file.held_digest), by whichever asks
first: the worker's load, the folder watch, or the window's worker (never the UI thread itself: it held the window)."""
from __future__ import annotations

import os
import threading

import numpy as np

from conftest import UI_TIMEOUT
from genimg_gui import latent_model, weights_file
from genimg_gui.engine import requests as rq, runtime
from genimg_gui.ui import model_watch

from test_latent_words import swap_weights
from test_masked_edits import open_images, settle
from test_open_latents import decoded, edited_export, load, other_vae


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


def test_latent_files_of_weights_not_read_yet_are_judged_off_the_ui_thread_and_open(qtbot, window, model_dir,
                                                                                   image_files, tmp_path,
                                                                                   monkeypatch):
    """The first latent file opened of a model not loaded, whose weights nothing had read yet, read them on the UI
    thread to tell whether they made it: the window froze for a second on an SD VAE's 300 MB. The worker reads them
    now, and the files opened with it wait behind it, opening in the order given."""
    doc = window.document
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    files = [tmp_path / "a.npz", tmp_path / "b.npz"]
    for i, path in enumerate(files):
        edited_export(qtbot, window, path, value=40 * (i + 1))
    load(qtbot, window, model_dir / "tiny-vae")
    written_again(mine)  # not read in this run
    reads = counted_digests(monkeypatch)

    opened_all(qtbot, window, files)
    assert reads == [(os.path.realpath(mine), False)]  # once, and not on the UI thread
    assert doc.models["vae"].path == os.path.realpath(mine)
    a, b = list(doc.items.values())[-2:]
    assert (a.name, b.name) == ("a", "b")
    assert (a.history.current.values[0], b.history.current.values[0]) == (0.4, 0.8)
    for item, path in zip((a, b), files):
        settle(qtbot, item)
        assert np.array_equal(item.image, decoded(tmp_path, path, mine))


def exported_then_left(qtbot, window, model_dir, image_files, tmp_path):
    """my-vae's folder, an edit of a picture in it exported as mine.npz, then tiny-vae loaded in its place."""
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "mine.npz")
    load(qtbot, window, model_dir / "tiny-vae")
    return mine


def test_a_latent_file_whose_folder_holds_other_weights_not_read_yet_is_refused_as_before(qtbot, window, model_dir,
                                                                                         image_files, tmp_path,
                                                                                         monkeypatch):
    """Judged by weights the worker read, a file its folder's weights did not make is still refused, in the same
    words, and nothing is loaded for it."""
    doc = window.document
    mine = exported_then_left(qtbot, window, model_dir, image_files, tmp_path)
    swap_weights(mine, other_vae(tmp_path / "donor", 5, "donor"))  # a weights file not read in this run
    reads, items = counted_digests(monkeypatch), set(doc.items)
    latent = tmp_path / "my edits" / "mine.npz"  # the command names it whole and quoted: it named the bare mine.npz
    latent.parent.mkdir()
    (tmp_path / "mine.npz").rename(latent)

    window.open_paths([str(latent)])
    qtbot.waitUntil(lambda: "mine.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == (
        f"mine.npz was not opened: it was made with my-vae, and my-vae at {mine} now holds other weights than those "
        "it was made with, and no model listed holds them; open that VAE (File → Open model folder…), then open "
        f"mine.npz again. `genimg decode '{latent}' --vae MODEL_DIR` decodes it too")
    assert reads == [(os.path.realpath(mine), False)]
    assert doc.models["vae"].name == "tiny-vae" and set(doc.items) == items and not doc.jobs


def test_a_latent_file_whose_weights_are_read_as_its_model_is_loaded_waits_for_that_load(qtbot, window, model_dir,
                                                                                         image_files, tmp_path):
    """A model asked for while a file's weights are read is loaded before the file is judged, as for a file opened
    while it loads: judged against the model loaded before, the file loaded its own model a second time."""
    doc = window.document
    mine = exported_then_left(qtbot, window, model_dir, image_files, tmp_path)
    written_again(mine)
    loads: list = []
    doc.engine.submitted.connect(lambda r: loads.append(r.path) if isinstance(r, rq.LoadModel) else None)

    window.open_paths([str(tmp_path / "mine.npz")])  # its weights read on the worker, then
    doc.load_model(str(mine))  # the model picked, before they have come
    qtbot.waitUntil(lambda: any(i.name == "mine" for i in doc.items.values()) and not doc.jobs, timeout=UI_TIMEOUT)
    assert loads == [os.path.realpath(mine)] and doc.models["vae"].path == os.path.realpath(mine)
    assert "Switching" not in window.status.log.text()
