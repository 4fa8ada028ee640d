"""An SD VAE opened from Hugging Face's download cache: models--org--name/snapshots/REV/vae/
diffusion_pytorch_model.safetensors is a link to blobs/<its SHA-256>. Its conversion's card recorded the link's target,
so the CLI and the window named blobs/6952f4… (a file the user never chose, by a name that says nothing) wherever they
named the file a latent file or a recipe was made with. And its model was named after the snapshot's commit
(snapshots/<40 hex digits>/…), in `genimg info`, the latent files it wrote, the Models tab and "Loaded …"."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.cli import main
from genimg_gui.export import read_latent
from ui_helpers import drop


def run(*args) -> int:
    return main([str(a) for a in args])


REVISION = "3d6d6d4b9a0f2e1c5b7a8d9e0f1a2b3c4d5e6f70"  # a snapshot's folder: the commit it was downloaded at


def hf_cache_vae(root: Path, repo: str = "models--org--tiny-sd", inside: str = "vae", revision: str = "0123abcd",
                 scaling_factor: float | None = None) -> Path:
    """A tiny SD VAE laid out as `huggingface_hub` downloads a pipeline's (inside="": a VAE's own repository, its
    weights at the snapshot's top): each snapshot file is a relative link to the blob named by its SHA-256. A pipeline
    has its model_index.json; scaling_factor: a config.json beside the weights that records it."""
    repository, weights = root / "hub" / repo, Path(inside, "diffusion_pytorch_model.safetensors")
    download = fb.sd_vae_file(root / "download.safetensors", "diffusers")
    files = {weights: download.read_bytes()}
    download.unlink()
    if inside:
        files[Path("model_index.json")] = b'{"_class_name": "StableDiffusionXLPipeline"}'
    if scaling_factor is not None:
        files[Path(inside, "config.json")] = f'{{"scaling_factor": {scaling_factor}}}'.encode()
    for name, data in files.items():
        blob = repository / "blobs" / hashlib.sha256(data).hexdigest()
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = repository / "snapshots" / revision / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    return repository / "snapshots" / revision / weights


def gradient_photo(path: Path) -> Path:
    y, x = np.mgrid[0:48, 0:64]
    Image.fromarray(np.stack([x * 4, y * 5, (x + y) * 2], -1).astype(np.uint8)).save(path)
    return path


def encoded_at_sd_then_converted_at_sdxl(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The cache's SD VAE, a photo encoded with it at sd, then the file converted at sdxl (its last conversion)."""
    vae, photo = hf_cache_vae(tmp_path), gradient_photo(tmp_path / "photo.png")
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


# a VAE's own repository, its weights at the snapshot's top; a pipeline's, its VAE in vae/ (named as the VAE of an
# ordinary pipeline folder is: sd15/vae/ is sd15-vae)
HUB_VAES = [("models--stabilityai--sd-vae-ft-mse", "", "sd-vae-ft-mse"),
            ("models--stabilityai--stable-diffusion-xl-base-1.0", "vae", "stable-diffusion-xl-base-1.0-vae")]


def snapshot_of(vae: Path, inside: str) -> Path:
    """The snapshot folder hf_cache_vae put the VAE in: the folder a user finds the download in."""
    return vae.parents[1] if inside else vae.parent


@pytest.mark.parametrize(("repo", "inside", "name"), HUB_VAES)
def test_the_cli_names_a_cache_vae_after_its_repository_not_the_snapshot_commit(tmp_path, capsys, repo, inside, name):
    """`genimg info` named it 3d6d6d4b…f70 (or 3d6d6d4b…f70-vae), as did the latent files it encoded."""
    vae, photo = hf_cache_vae(tmp_path, repo, inside, REVISION), gradient_photo(tmp_path / "photo.png")
    assert run("info", vae, "--latent-scale", "sd") == 0
    title = capsys.readouterr().out.splitlines()[0]
    assert title.startswith(f"{name}  (") and REVISION not in title.split("  (")[0], title
    # its conversion's folder keeps the commit's name, so the conversions made before this one are found
    assert Path(title.split("  (")[1].rstrip(")")).name.startswith(f"{REVISION}-"), title
    assert run("encode", photo, "--vae", snapshot_of(vae, inside), "--latent-scale", "sd", "-o", tmp_path / "out") == 0
    assert read_latent(tmp_path / "out" / "photo.npz").model_name == name


@pytest.mark.parametrize(("repo", "inside", "name"), HUB_VAES)
def test_the_window_names_a_dropped_cache_vae_after_its_repository(qtbot, window, tmp_path, repo, inside, name):
    """Dropped on the window (the VAE repository's weights file; the pipeline's snapshot folder, as downloaded), it
    loaded as 3d6d6d4b…f70 (or 3d6d6d4b…f70-vae), so the Models tab's row and "Loaded …" said."""
    vae = hf_cache_vae(tmp_path, repo, inside, REVISION, scaling_factor=0.13025)
    doc, panel, said = window.document, window.model_panel, []
    doc.message.connect(said.append)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as loaded:
        drop(window, [snapshot_of(vae, inside) if inside else vae])
    assert loaded.args[0].name == name
    rows = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert any(row.startswith(name) for row in rows) and not any(REVISION in row for row in rows), rows
    assert panel.details["Active VAE"].text().startswith(name), panel.details["Active VAE"].text()
    assert any(message.startswith(f"Loaded {name}") for message in said), said
