"""An SD VAE opened from Hugging Face's download cache: models--org--name/snapshots/REV/vae/
diffusion_pytorch_model.safetensors is a link to blobs/<its SHA-256>. Its conversion's card recorded the link's target,
so the CLI and the window named blobs/6952f4… (a file the user never chose, by a name that says nothing) wherever they
named the file a latent file or a recipe was made with."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.cli import main
from genimg_gui.export import read_latent
from ui_helpers import drop


def run(*args) -> int:
    return main([str(a) for a in args])


def hf_cache_vae(root: Path) -> Path:
    """A tiny SD VAE laid out as `huggingface_hub` downloads a pipeline's: the snapshot's file is a relative link to
    the blob named by its SHA-256."""
    repo = root / "hub" / "models--org--tiny-sd"
    download = fb.sd_vae_file(root / "download.safetensors", "diffusers")
    blob = repo / "blobs" / hashlib.sha256(download.read_bytes()).hexdigest()
    blob.parent.mkdir(parents=True)
    download.rename(blob)
    folder = repo / "snapshots" / "0123abcd" / "vae"
    folder.mkdir(parents=True)
    link = folder / "diffusion_pytorch_model.safetensors"
    link.symlink_to(os.path.relpath(blob, folder))
    return link


def encoded_at_sd_then_converted_at_sdxl(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The cache's SD VAE, a photo encoded with it at sd, then the file converted at sdxl (its last conversion)."""
    vae, photo = hf_cache_vae(tmp_path), tmp_path / "photo.png"
    y, x = np.mgrid[0:48, 0:64]
    Image.fromarray(np.stack([x * 4, y * 5, (x + y) * 2], -1).astype(np.uint8)).save(photo)
    assert run("encode", photo, "--vae", vae, "--latent-scale", "sd", "-o", tmp_path / "sd1", "--device", "cpu") == 0
    assert run("info", vae, "--latent-scale", "sdxl") == 0
    return vae, photo, tmp_path / "sd1" / "photo.npz"


def test_the_cli_names_the_cache_file_as_given_not_its_blob(tmp_path, model_dir, capsys):
    vae, photo, latent = encoded_at_sd_then_converted_at_sdxl(tmp_path)
    capsys.readouterr()
    assert run("decode", latent, "--latent-scale", "sdxl", "-o", tmp_path / "own") == 0  # its own, at sd: kept
    err = capsys.readouterr().err
    assert (f"--latent-scale sdxl ignored: {latent} was made with {vae} at latent scale 0.18215 (sd)" in err), err
    assert "blobs" not in err, err

    assert run("edit", photo, "--vae", vae, "--latent-scale", "sd", "--edit", "0=2", "-o", tmp_path / "a",
               "--save-recipe", tmp_path / "sd.json") == 0
    capsys.readouterr()
    assert run("edit", photo, "--vae", model_dir / "tiny-vae", "--recipe", tmp_path / "sd.json",
               "-o", tmp_path / "b") == 1
    said = capsys.readouterr().err.splitlines()[-1]
    assert said.endswith(f"pass --vae {vae}") and "blobs" not in said, said


def test_the_window_refusing_a_latent_names_the_cache_file_as_opened_not_its_blob(qtbot, window, tmp_path):
    """The latent's own conversion (at sd) gone, the window, with the file loaded at sdxl, refuses it and says how to
    convert the file at sd again: by the path it was opened by."""
    vae, _photo, latent = encoded_at_sd_then_converted_at_sdxl(tmp_path)
    doc = window.document
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(vae)])
    assert doc.models["vae"].card["source"]["scaling_factor"] == 0.13025
    shutil.rmtree(read_latent(latent).model_path)
    drop(window, [latent])
    qtbot.waitUntil(lambda: "photo.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error.endswith(
        f"convert {vae} at latent scale 0.18215 (SD 1.x / 2.x) again (`genimg info {vae} --latent-scale 0.18215`), "
        f"then open photo.npz again. `genimg decode {latent} --vae {vae}` decodes it at its scale"), window.last_error
    assert "blobs" not in window.last_error
