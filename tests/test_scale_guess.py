"""An SD VAE in diffusers layout (a folder of its own, a pipeline's vae/, or either in Hugging Face's download cache):
its weights file is diffusion_pytorch_model.safetensors in every folder, SDXL's too. The latent-scale question's
default was guessed from that file name alone, so an SDXL pipeline's VAE was offered "SD 1.x / 2.x"; and `genimg info`
named the file, not the model, when it asked for --latent-scale."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.models import foreign
from test_hf_cache_loading import answer_scale_question_with_cancel, bare_window
from test_hf_cache_paths import HUB_VAES, REVISION, hf_cache_vae, run, snapshot_of
from ui_helpers import drop

SDXL_PIPELINE = HUB_VAES[1]  # models--stabilityai--stable-diffusion-xl-base-1.0, its VAE in vae/


def own_folder(root: Path, *parts: str) -> Path:
    """A diffusers VAE of one's own at root/parts/diffusion_pytorch_model.safetensors, no config.json (no scale)."""
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True)
    return fb.sd_vae_file(folder / "diffusion_pytorch_model.safetensors", "diffusers")


def test_a_diffusers_vae_is_guessed_from_the_model_and_its_folders_a_lone_file_from_its_name(tmp_path):
    sdxl_cache = hf_cache_vae(tmp_path, *SDXL_PIPELINE[:2], REVISION)
    sd_cache = hf_cache_vae(tmp_path, *HUB_VAES[0][:2], REVISION)
    # stabilityai/stable-diffusion-xl-base-1.0 also has its VAE in vae_1_0/
    sdxl_cache_other = hf_cache_vae(tmp_path, SDXL_PIPELINE[0], "vae_1_0", "0" * 40)
    guesses = {"SDXL": [sdxl_cache, sdxl_cache_other, own_folder(tmp_path, "sdxl", "vae"),
                        own_folder(tmp_path, "sdxl-vae-fp16-fix"), own_folder(tmp_path, "SDXL", "vae-fix")],
               "SD 1.x / 2.x": [sd_cache, own_folder(tmp_path, "sd15", "vae"), own_folder(tmp_path, "sd-vae-ft-mse"),
                                # an SD 1.x VAE kept in one's own folder of SDXL things: that folder names no model
                                own_folder(tmp_path, "sdxl", "sd-vae-ft-mse")]}
    for guess, paths in guesses.items():
        for path in paths:
            assert foreign.guess_scale_label(path) == guess, path
            with pytest.raises(foreign.NeedsScale) as e:  # as the CLI and the window are asked
                foreign.convert(path, tmp_path / "cache")
            assert e.value.guess == guess, path
    # a lone file is named by its maker: the folder it was saved in names no model
    (tmp_path / "XL").mkdir()
    lone = fb.sd_vae_file(tmp_path / "XL" / "vae-ft-mse-840000.safetensors", "ldm")
    assert foreign.guess_scale_label(lone) == "SD 1.x / 2.x"
    assert foreign.guess_scale_label(lone.with_name("sdxl_vae.safetensors")) == "SDXL"


def test_the_cli_asking_for_a_scale_names_the_model_not_its_weights_file(tmp_path, capsys):
    snapshot = snapshot_of(hf_cache_vae(tmp_path, *SDXL_PIPELINE[:2], REVISION), "vae")
    assert run("info", snapshot) != 0
    err = capsys.readouterr().err
    assert "error: stable-diffusion-xl-base-1.0-vae is a Stable Diffusion VAE (diffusers layout)" in err, err
    assert "diffusion_pytorch_model" not in err and "--latent-scale sdxl" in err, err
    own = own_folder(tmp_path, "sdxl", "vae").parents[1]  # a pipeline folder of one's own, named as it loads
    shutil.copy(snapshot / "model_index.json", own)
    assert run("info", own) != 0
    assert "error: sdxl-vae is a Stable Diffusion VAE" in capsys.readouterr().err
    lone = fb.sd_vae_file(tmp_path / "my_vae.safetensors", "ldm")  # a file of its own name: named so
    assert run("info", lone) != 0
    assert "error: my_vae.safetensors is a Stable Diffusion VAE" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["cache", "own"])
def test_the_window_offers_sdxl_first_for_an_sdxl_pipelines_vae(qtbot, engine, model_dir, tmp_path, where):
    snapshot = snapshot_of(hf_cache_vae(tmp_path, *SDXL_PIPELINE[:2], REVISION), "vae")
    dropped = snapshot if where == "cache" else Path(shutil.copytree(snapshot, tmp_path / "sdxl"))
    window = bare_window(qtbot, engine, model_dir)
    said, asked = [], []
    window.document.message.connect(said.append)
    watch = answer_scale_question_with_cancel(asked, QInputDialog.textValue)  # the choice it offers first
    drop(window, [dropped])
    qtbot.waitUntil(lambda: bool(said), timeout=UI_TIMEOUT)
    watch.stop()
    assert asked == ["SDXL (0.13025)"], asked
