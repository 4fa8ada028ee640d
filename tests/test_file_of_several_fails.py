"""One file of several that the model cannot encode or draw (out of memory, NaN from the VAE): the window names it and
says why, and opens the others, as it does with an unreadable file. The files after it were not opened and nothing
said so, the message naming no file ("out of memory on cpu; …"). Out of GPU memory (simulated: this machine may have
none, as in test_cpu_retry), Retry on CPU still offers the files that ran out, and sends only them. A file that ran
out of memory is not damaged: it stays in File → Open recent (it had left it, as a damaged file does)."""
from __future__ import annotations

import json
import threading

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.failed_requests import DONE_ON_CPU
from test_cpu_retry import fits_on_the_gpu, on_a_full_gpu
from test_directions_ui import BLUE, RED, define, write_group
from ui_helpers import drop, vae_items

CPU_FULL = ("[enforce fail at alloc_cpu.cpp:114] . DefaultCPUAllocator: can't allocate memory: you tried to allocate "
            "21474836480 bytes.")
ON_CPU = "out of memory on cpu; close other programs, or load a smaller model"


def greys(folder, n: int = 5) -> list[str]:
    """n PNGs of one grey each, pic{i}.png of grey 40 * i: what the model is given says which file it is."""
    paths = []
    for i in range(n):
        path = folder / f"pic{i}.png"
        Image.fromarray(np.full((40, 40, 3), 40 * i, np.uint8)).save(path)
        paths.append(str(path))
    return paths


def grey_of(pixels: np.ndarray) -> int:
    """Which pic{i}.png pixels are of (-1 for none): from the image, or the VAE's input tensor in [-1, 1]."""
    value = float(pixels.mean()) if isinstance(pixels, np.ndarray) else (float(pixels.mean()) + 1) * 255 / 2
    return round(value / 40) if abs(value - 40 * round(value / 40)) < 0.5 else -1


def blue_of(path: str) -> float:
    """The mean blue of a picture file, as the worker reads it: which example the VAE is given."""
    with Image.open(path) as im:
        return float(np.asarray(im.convert("RGB"))[..., 2].mean())


def opened_names(window) -> list[str]:
    return sorted(item.name for item in vae_items(window))


def test_files_that_run_out_of_memory_or_draw_nan_are_named_and_the_others_open(qtbot, window, tmp_path, monkeypatch):
    paths = greys(tmp_path)
    real = ConvVAE.encode

    def encode(self, x):  # the CPU allocator fails for pic1; the VAE draws NaN for pic3
        if grey_of(x) == 1:
            raise RuntimeError(CPU_FULL)
        mean, logvar = real(self, x)
        return (mean * float("nan"), logvar) if grey_of(x) == 3 else (mean, logvar)
    monkeypatch.setattr(ConvVAE, "encode", encode)
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as error:
        drop(window, paths)
    assert error.args[0] == (f"2 files were not opened: pic1.png could not be encoded ({ON_CPU}); pic3.png could not "
                             "be encoded (the VAE produced NaN/inf values for this image)")
    qtbot.waitUntil(lambda: len(vae_items(window)) == 3, timeout=UI_TIMEOUT)
    assert opened_names(window) == ["pic0.png", "pic2.png", "pic4.png"] and not window.status.retry.isVisible()
    assert window.status.currentMessage().endswith(error.args[0])
    assert paths[1] in window.settings.recent_files()  # out of memory, not damaged: it left Open recent


def gpu_full_for(window, monkeypatch, method: str, overfills) -> None:
    """Runtime.method on a "GPU" (the worker's device says cuda:0) that the work overfills(its arguments) says
    overfills; other work fits (run on the CPU here: this machine may have no GPU). The worker is idle: no race."""
    fits_on_the_gpu(monkeypatch, method)
    on_a_full_gpu(window, monkeypatch, method, only=overfills)  # around the one that fits


def test_files_that_ran_out_of_gpu_memory_are_named_and_retried_alone_on_the_cpu(qtbot, window, tmp_path,
                                                                                 monkeypatch):
    paths = greys(tmp_path)
    gpu_full_for(window, monkeypatch, "encode", lambda image, *rest: grey_of(image) in (1, 3))
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT):
        drop(window, paths)
    said = ("pic1.png and pic3.png could not be encoded (out of memory on cuda:0; retry them on the CPU, or close "
            "other GPU programs)")
    assert window.last_error == said and window.status.currentMessage().endswith(said)
    qtbot.waitUntil(lambda: len(vae_items(window)) == 3, timeout=UI_TIMEOUT)
    assert opened_names(window) == ["pic0.png", "pic2.png", "pic4.png"]
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: DONE_ON_CPU in text) as done:
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    assert done.args[0] == f"The encoding of 2 images was {DONE_ON_CPU}"  # not the 3 opened already, again
    assert opened_names(window) == [f"pic{i}.png" for i in range(5)]
    assert not any("open already" in entry.text for entry in window.status.log.entries)


def test_a_cancel_after_a_file_ran_out_of_gpu_memory_names_it_and_offers_it_on_the_cpu(qtbot, window, tmp_path,
                                                                                       monkeypatch):
    """pic1 runs out of GPU memory, pic2 is no picture, Cancel is clicked while pic3 is encoded: the status bar read
    "Cancelled — ⚠ pic2.png is not an image …", pic1's failure said nowhere and no Retry on CPU offered for it. Now
    pic1 is named with the cancel, and Retry on CPU opens it alone, not the files the cancel stopped."""
    paths = greys(tmp_path)
    (tmp_path / "pic2.png").write_bytes(b"not a png")
    inside, go = threading.Event(), threading.Event()

    def overfills(image, *rest) -> bool:
        if grey_of(image) == 3:  # held until Cancel is clicked (or UI_TIMEOUT, should the test fail)
            inside.set()
            go.wait(UI_TIMEOUT / 1000)
        return grey_of(image) == 1
    gpu_full_for(window, monkeypatch, "encode", overfills)
    drop(window, paths)
    qtbot.waitUntil(lambda: inside.is_set() and window.status.cancel.isVisible(), timeout=UI_TIMEOUT)
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
        go.set()
    ran_out = ("pic1.png could not be encoded (out of memory on cuda:0; retry it on the CPU, or close other GPU "
               "programs)")
    qtbot.waitUntil(lambda: window.status.currentMessage().startswith("Cancelled"), timeout=UI_TIMEOUT)
    assert window.status.currentMessage() == (f"Cancelled — ⚠ 2 problems: {ran_out}; pic2.png is not an image (it "
                                              "holds text)")
    assert window.status.retry.isVisible() and opened_names(window) == ["pic0.png"]
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: DONE_ON_CPU in text):
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    assert opened_names(window) == ["pic0.png", "pic1.png"]


def test_an_example_that_runs_out_of_memory_is_named_and_the_direction_made_of_the_others(qtbot, window, tmp_path,
                                                                                         monkeypatch):
    red, blue = write_group(tmp_path / "red", "r", RED, 3, 1), write_group(tmp_path / "blue", "b", BLUE, 3, 2)
    real, overfilling = Runtime.encode_latent, blue_of(blue[1])

    def encode_latent(self, image, fit):  # the CPU allocator fails for b1.png
        if image[..., 2].mean() == overfilling:
            raise RuntimeError(CPU_FULL)
        return real(self, image, fit)
    monkeypatch.setattr(Runtime, "encode_latent", encode_latent)
    with qtbot.waitSignal(window.document.directions_changed, timeout=UI_TIMEOUT):
        define(qtbot, window, "red → blue", red, blue, wait=False)
    assert window.document.directions("vae").labels[-1] == "red → blue"
    assert any(entry.text == f"Skipped 1 example file: b1.png could not be encoded ({ON_CPU})"
               for entry in window.status.log.entries)


def test_an_example_that_ran_out_of_gpu_memory_is_named_and_retry_on_cpu_makes_the_direction(qtbot, window, tmp_path,
                                                                                            monkeypatch):
    red, blue = write_group(tmp_path / "red", "r", RED, 3, 1), write_group(tmp_path / "blue", "b", BLUE, 3, 2)
    overfilling = blue_of(blue[1])
    gpu_full_for(window, monkeypatch, "encode_latent", lambda image, fit: image[..., 2].mean() == overfilling)
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT):
        define(qtbot, window, "red → blue", red, blue, wait=False)
    assert window.last_error == ("b1.png could not be encoded (out of memory on cuda:0; retry it on the CPU, or close "
                                 "other GPU programs)")
    with qtbot.waitSignal(window.document.directions_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    assert window.document.directions("vae").labels[-1] == "red → blue"


def latent_files(window, folder, n: int) -> list[str]:
    """n latent files of the tiny VAE, as genimg writes them; the first value of file i's latent is i."""
    record = json.dumps({"name": "tiny-vae", "kind": "vae", "weights_sha256": window.document.models["vae"].identity})
    paths = []
    for i in range(n):
        latent = np.random.default_rng(i).standard_normal(512).astype(np.float32)
        latent[0] = i
        np.savez(folder / f"z{i}.npz", latent=latent, model=np.asarray(record))
        paths.append(str(folder / f"z{i}.npz"))
    return paths


def test_a_latent_file_of_several_that_runs_out_of_memory_is_named_and_the_others_open(qtbot, window, tmp_path,
                                                                                      monkeypatch):
    paths = latent_files(window, tmp_path, 3)
    real = ConvVAE.decode

    def decode(self, z):  # the CPU allocator fails for z1.npz
        if round(float(z.flatten()[0])) == 1:
            raise RuntimeError(CPU_FULL)
        return real(self, z)
    monkeypatch.setattr(ConvVAE, "decode", decode)
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as error:
        window.open_paths(paths)
    assert error.args[0] == f"z1.npz was not opened: {ON_CPU}"
    qtbot.waitUntil(lambda: len(vae_items(window)) == 2, timeout=UI_TIMEOUT)
    assert opened_names(window) == ["z0", "z2"]


def test_a_latent_file_that_ran_out_of_gpu_memory_opens_on_retry_on_cpu(qtbot, window, tmp_path, monkeypatch):
    """Retry on CPU drew the file, said it was done on the CPU, and opened nothing."""
    paths = latent_files(window, tmp_path, 2)
    gpu_full_for(window, monkeypatch, "render", lambda kind, latent, *rest: latent[0] == 1)  # z1.npz overfills it
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT):
        window.open_paths(paths)
    assert window.last_error == ("z1.npz was not opened: out of memory on cuda:0; retry it on the CPU, or close other "
                                 "GPU programs")
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: DONE_ON_CPU in text):
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(vae_items(window)) == 2, timeout=UI_TIMEOUT)
    assert opened_names(window) == ["z0", "z1"]


def test_a_latent_file_that_ran_out_of_memory_stays_in_open_recent(qtbot, window, tmp_path, monkeypatch):
    """z1.npz drawn out of CPU memory left File → Open recent as a damaged file does: nothing is wrong with it, and
    it opens once memory is free. One whose latent its weights cannot draw (NaN) still leaves it."""
    paths = latent_files(window, tmp_path, 3)
    real = ConvVAE.decode

    def decode(self, z):  # the CPU allocator fails for z1.npz; z2.npz's latent draws NaN
        first = round(float(z.flatten()[0]))
        if first == 1:
            raise RuntimeError(CPU_FULL)
        return real(self, z) * float("nan") if first == 2 else real(self, z)
    monkeypatch.setattr(ConvVAE, "decode", decode)
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: text.startswith("z1.npz")):
        window.open_paths(paths)
    qtbot.waitUntil(lambda: not window.opener.latents.on_their_way(), timeout=UI_TIMEOUT)
    assert opened_names(window) == ["z0"]
    assert sorted(window.settings.recent_files()) == paths[:2]
    monkeypatch.setattr(ConvVAE, "decode", real)  # memory free again: it opens from Open recent
    window.open_paths([paths[1]])
    qtbot.waitUntil(lambda: len(vae_items(window)) == 2, timeout=UI_TIMEOUT)
    assert opened_names(window) == ["z0", "z1"]
