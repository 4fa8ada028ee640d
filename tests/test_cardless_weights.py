"""A genimg model's own model.safetensors opened away from its card.json (copied out alone, or left in a folder
whose card was lost) was "a weights file with 72 tensors (decoder.0.bias, …) of an architecture genimg does not
know", and then the list of what genimg opens, which names its own model folders first. It is named for what it is
(a genimg VAE, GAN or latent GAN) and the user is told to open the model's folder: the card holds the sizes (its
resolution, latent, classes) that the tensor names do not say. Beside its card the file still opens the model."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from conftest import UI_TIMEOUT, drag_drop, file_mime, make_model_folder
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.cli import main as cli_main
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models import foreign
from genimg_gui.models.gan import GANConfig, Generator
from genimg_gui.models.latent_gan import LatentGANConfig, LatentGenerator
from genimg_gui.models.vae import VAEConfig
from genimg_gui.models.weights import CARD_NAME, WEIGHTS_NAME, ModelFileError, save_tensors
from genimg_gui.wording import SUPPORTED

VAE_SAID = "is the weights file of a genimg VAE, without its card.json, which says the network's sizes: open the " \
           "model's folder (card.json beside model.safetensors)"
RENAMED_FIX = "or put it in a folder as model.safetensors, beside its card.json, and open that folder."
LATENT_GAN = LatentGANConfig(resolution=16, z_dim=8, w_dim=8, mapping_layers=2, channels=(8, 8),
                             vae=VAEConfig(resolution=16, channels=(8, 16), latent_channels=2))


def lone_copy(folder: Path, to: Path) -> Path:
    """A model folder's weights copied out alone, as a user copies a file."""
    to.parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(folder / WEIGHTS_NAME, to))


def cli(capsys, *args) -> tuple[int, str, str]:
    code = cli_main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("folder", "what"), [
    ("emoji-vae", "a genimg VAE"),
    ("emoji-gan", "a genimg latent GAN (one that draws in a VAE's latent space)"),  # conditional: embed, class_freq
])
def test_a_bundled_models_weights_alone_are_named_as_genimgs_own(folder, what, tmp_path):
    path = lone_copy(BUNDLED_DIR / folder, tmp_path / "x.safetensors")
    found = foreign.identify(path)
    assert found.kind == foreign.CARDLESS and found.description.startswith(f"the weights file of {what}, without "
                                                                           "its card.json"), found
    with pytest.raises(ModelFileError) as said:
        foreign.convert(path, tmp_path / "cache")
    assert str(said.value).startswith(f"x.safetensors is the weights file of {what}, without its card.json")
    assert str(said.value).endswith(RENAMED_FIX) and SUPPORTED not in str(said.value)
    assert not (tmp_path / "cache").exists()  # nothing converted


@pytest.mark.parametrize("options", [{}, {"classes": ("a", "b"), "styles": True}], ids=["plain", "conditional-styled"])
def test_every_genimg_network_is_told_from_its_names_whatever_its_size(options, model_dir, tmp_path):
    """Other channel counts, layer counts and options than the bundled models': the names, not their count."""
    torch.manual_seed(0)
    made = {"a genimg GAN": make_model_folder(tmp_path / "gan", Generator(GANConfig(
                resolution=16, z_dim=8, w_dim=8, mapping_layers=3, channels=(16, 8, 8), **options)), "gan"),
            "a genimg latent GAN": make_model_folder(tmp_path / "lgan", LatentGenerator(
                replace(LATENT_GAN, **options)), "lgan"),
            "a genimg VAE": model_dir / "tiny-vae"}
    for what, folder in made.items():
        found = foreign.identify(lone_copy(folder, tmp_path / "alone" / f"{folder.name}.safetensors"))
        assert found.kind == foreign.CARDLESS and f"weights file of {what}" in found.description, found


def test_names_like_genimgs_but_of_another_network_are_still_unknown(model_dir, tmp_path):
    """An encoder/decoder pair without genimg's residual blocks, a VAE missing its decoder and a VAE with one
    tensor more are no genimg model's weights; nor is a genimg VAE's state saved by torch (genimg writes none)."""
    state = load_file(model_dir / "tiny-vae" / WEIGHTS_NAME)
    others = {"plain-ae": {"encoder.0.weight": torch.zeros(2), "decoder.0.weight": torch.zeros(2)},
              "encoder-only": {k: v for k, v in state.items() if k.startswith("encoder.")},
              "one-more": {**state, "decoder.9.extra.weight": torch.zeros(1)}}
    for name, tensors in others.items():
        save_tensors(tmp_path / f"{name}.safetensors", tensors)
        found = foreign.identify(tmp_path / f"{name}.safetensors")
        assert found.kind == "unsupported" and "architecture genimg does not know" in found.description, name
    torch.save(state, tmp_path / "vae.pt")
    assert "architecture genimg does not know" in foreign.identify(tmp_path / "vae.pt").description


def test_beside_its_card_the_file_opens_the_model_and_in_a_folder_without_one_it_says_to_put_the_card_back(
        model_dir, tmp_path):
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "tiny-vae")
    rt = Runtime("cpu")
    assert Path(rt.load(str(folder / WEIGHTS_NAME), lambda *_: None).path) == folder.resolve()
    (folder / CARD_NAME).unlink()
    with pytest.raises(ModelFileError) as said:
        rt.load(str(folder / WEIGHTS_NAME), lambda *_: None)
    assert str(said.value) == (f"model.safetensors {VAE_SAID}, or put its card.json beside it, and open that "
                               "folder.")


def test_the_cli_says_what_the_file_is_on_one_line_and_exits_1(model_dir, tmp_path, monkeypatch, capsys):
    path = lone_copy(BUNDLED_DIR / "emoji-vae", tmp_path / "x.safetensors")
    picture = shutil.copy(next((BUNDLED_DIR.parent / "assets" / "examples").glob("*.png")), tmp_path / "in.png")
    monkeypatch.chdir(tmp_path)  # the file named as typed, by info (its file of the batch) and by --vae alike
    for args in (["info", path.name], ["encode", picture, "--vae", path.name, "--device", "cpu", "-o", "out"]):
        code, out, err = cli(capsys, *args)
        assert code == 1 and out == "", args
        assert err == f"genimg: error: x.safetensors {VAE_SAID}, {RENAMED_FIX}\n", err
    assert not (tmp_path / "out").exists()


def test_the_window_says_it_in_the_status_bar_and_opens_the_file_beside_its_card(qtbot, window, model_dir, tmp_path):
    doc, loaded = window.document, window.document.models["vae"]
    path = lone_copy(BUNDLED_DIR / "emoji-vae", tmp_path / "x.safetensors")
    window.last_error = ""
    assert drag_drop(window, file_mime([path])) is not None  # a real drop on the window
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=UI_TIMEOUT)
    said = f"x.safetensors {VAE_SAID}, {RENAMED_FIX}"
    assert window.last_error == said and said in window.status.currentMessage(), window.status.currentMessage()
    assert doc.models["vae"] is loaded  # the VAE loaded stays
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "tiny-vae-copy")
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT) as opened:
        assert drag_drop(window, file_mime([folder / WEIGHTS_NAME])) is not None
    assert opened.args[0].path == str(folder.resolve())
