"""A latent file made with an SD VAE file at one latent scale, dropped on the window while the file's conversion at
another scale is loaded (one SHA-256 for both: the same weights): the window switches to the file's own conversion
and says so by their scales, not by genimg's hidden cache folders; with that conversion gone it refuses the file
saying the scale, where it loaded the loaded conversion again ("the weights it holds now, which made photo.npz")
and then said that it "holds other weights than those it was made with"."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.cli import main
from genimg_gui.export import read_latent
from test_latent_scale_decode import conversion_at, pixels
from test_open_latents import opened
from ui_helpers import drop


def run(*args) -> int:
    return main([str(a) for a in args])


def made_at_sd_then_loaded_at_sdxl(qtbot, window, tmp_path):
    """my-vae.safetensors converted at sd and a photo encoded by `genimg encode`, then the file converted at sdxl
    and opened in the window (File → Open model…, a drop: the file's last conversion loads); the latent file, and
    the picture `genimg decode` draws of it."""
    vae, photo = fb.sd_vae_file(tmp_path / "my-vae.safetensors"), tmp_path / "photo.png"
    y, x = np.mgrid[0:48, 0:64]
    Image.fromarray(np.stack([x * 4, y * 5, (x + y) * 2], -1).astype(np.uint8)).save(photo)
    assert run("encode", photo, "--vae", vae, "--latent-scale", "sd", "-o", tmp_path / "sd1", "--device", "cpu") == 0
    latent = tmp_path / "sd1" / "photo.npz"
    assert run("decode", latent, "-o", tmp_path / "own", "--device", "cpu") == 0
    assert run("info", vae, "--latent-scale", "sdxl") == 0
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(vae)])
    assert window.document.models["vae"].card["source"]["scaling_factor"] == 0.13025
    return vae, latent, pixels(tmp_path / "own" / "photo_decoded.png")


def test_a_latent_dropped_switches_to_its_scales_conversion_said_by_scale(qtbot, window, tmp_path):
    vae, latent, own = made_at_sd_then_loaded_at_sdxl(qtbot, window, tmp_path)
    item = opened(qtbot, window, latent, lambda: drop(window, [latent]))
    assert ("Switching the VAE from my-vae at latent scale 0.13025 (SDXL) to my-vae at latent scale 0.18215 "
            "(SD 1.x / 2.x), which made photo.npz") in window.status.log.text(), window.status.log.text()
    assert "/data/models/" not in window.status.log.text()  # genimg's own folders: the user opened a file
    # the switch's message gave way to "Loaded …" and "Opened photo.npz, drawn by my-vae": true of either scale
    assert window.status.currentMessage().startswith(
        "Opened photo.npz, drawn by my-vae at latent scale 0.18215 (SD 1.x / 2.x)"), window.status.currentMessage()
    assert window.document.models["vae"].card["source"]["scaling_factor"] == 0.18215
    assert np.array_equal(item.image, own) and window.last_error == ""


def test_a_latent_whose_scales_conversion_is_gone_is_refused_saying_the_scale(qtbot, window, tmp_path):
    vae, latent, own = made_at_sd_then_loaded_at_sdxl(qtbot, window, tmp_path)
    doc = window.document
    sdxl = doc.models["vae"].path
    shutil.rmtree(read_latent(latent).model_path)  # the sd conversion the file records
    loads = []
    doc.model_loaded.connect(loads.append)
    drop(window, [latent])
    qtbot.waitUntil(lambda: "photo.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == (
        "photo.npz was not opened: it was made with my-vae at latent scale 0.18215 (SD 1.x / 2.x), and the my-vae "
        "loaded is its weights at latent scale 0.13025 (SDXL), which give another picture; convert "
        f"{vae} at latent scale 0.18215 (SD 1.x / 2.x) again (`genimg info {vae} --latent-scale 0.18215`), then open "
        f"photo.npz again. `genimg decode {latent} --vae {vae}` decodes it at its scale")
    assert loads == [] and doc.models["vae"].path == sdxl and [i.kind for i in doc.items.values()] == ["gan"]

    assert run("info", vae, "--latent-scale", "0.18215") == 0  # as said: the file opens then
    assert conversion_at(0.18215) == Path(read_latent(latent).model_path)  # made again where the file records it
    item = opened(qtbot, window, latent, lambda: drop(window, [latent]))
    assert np.array_equal(item.image, own) and doc.models["vae"].card["source"]["scaling_factor"] == 0.18215


def test_a_latent_whose_scales_conversion_and_sd_file_are_gone_is_refused_saying_the_file_is_gone(
        qtbot, window, tmp_path):
    """The refusal named the SD VAE file the loaded conversion was made from in its commands, though it was gone
    (`genimg info` then fails); it says it is gone, and the commands with where it is now, which work."""
    vae, latent, own = made_at_sd_then_loaded_at_sdxl(qtbot, window, tmp_path)
    shutil.rmtree(read_latent(latent).model_path)
    moved = Path(shutil.move(vae, tmp_path / "elsewhere.safetensors"))
    drop(window, [latent])
    qtbot.waitUntil(lambda: "photo.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == (
        "photo.npz was not opened: it was made with my-vae at latent scale 0.18215 (SD 1.x / 2.x), and the my-vae "
        "loaded is its weights at latent scale 0.13025 (SDXL), which give another picture; my-vae was converted "
        f"from {vae}, which no longer exists (moved or deleted?): convert that file where it is now at latent scale "
        "0.18215 (SD 1.x / 2.x) (`genimg info NEWPATH --latent-scale 0.18215`) and open it (File → Open model…), then "
        f"open photo.npz again. `genimg decode {latent} --vae NEWPATH --latent-scale 0.18215` decodes it at its scale")

    assert run("decode", latent, "--vae", moved, "--latent-scale", "0.18215", "-o", tmp_path / "as-said") == 0
    assert np.array_equal(pixels(tmp_path / "as-said" / "photo_decoded.png"), own)
    assert run("info", moved, "--latent-scale", "0.18215") == 0  # as said: the file converted, opened, then the latent
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(moved)])
    item = opened(qtbot, window, latent, lambda: drop(window, [latent]))
    assert np.array_equal(item.image, own) and window.document.models["vae"].card["source"]["scaling_factor"] == 0.18215
