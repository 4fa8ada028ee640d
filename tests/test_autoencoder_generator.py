"""benchmarks/autoencoder_generator.py: its first stage learns, and its result opens as a GAN."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the script imports blind_test.py beside it
import autoencoder_generator as script  # noqa: E402

from genimg_gui.models.gan import seed_z  # noqa: E402
from genimg_gui.models.weights import load_model  # noqa: E402

from conftest import labelled_squares  # noqa: E402

VAE, GAN = ROOT / "weights" / "emoji-vae", ROOT / "weights" / "emoji-gan"


def test_the_first_stage_learns_to_redraw_latent_grids():
    """The encoder and synthesis lower their redraw error on the grids they train on (a fresh generator)."""
    torch.manual_seed(0)
    vae, _ = load_model(VAE)
    latents = torch.randn(8, *vae.cfg.latent_shape)
    G = script.build_generator(vae, ("a", "b"), None, latents)
    E = script.Encoder(latents.shape[1], G.cfg.w_dim, width=16)
    grids = script.normalised(G, latents)

    def error() -> float:
        with torch.no_grad():
            mean, _ = script.encode(E, grids)
            return torch.nn.functional.mse_loss(G.features(script.as_w(mean)), grids).item()

    E(grids[:1])
    before = error()
    args = argparse.Namespace(minutes=5.0, ae_steps=60, batch_size=8, lr=1e-3, beta=0.02)
    result = script.train_autoencoder(G, E, grids, args)
    assert result["steps"] == 60
    assert error() < 0.8 * before


def test_its_result_opens_as_a_conditional_gan_with_the_datas_licence(tmp_path, monkeypatch, capsys):
    classes = load_model(GAN)[0].cfg.classes
    data = labelled_squares(tmp_path / "data", list(classes) * 3)
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", [
        "autoencoder_generator.py", "--data", str(data), "--labels", str(data / "labels.csv"),
        "--label-column", "category", "--init", str(GAN), "--vae", str(VAE), "--out", str(out),
        "--ae-steps", "2", "--batch-size", "4", "--map-steps", "2", "--map-batch", "8", "--threads", "1"])
    threads = torch.get_num_threads()
    script.main()
    torch.set_num_threads(threads)
    assert '"generator_redraws"' in capsys.readouterr().out
    gan, card = load_model(out / "model")
    assert gan.cfg.classes == classes and "licence" in card["training"]
    assert card["metrics"]["autoencoder"]["steps"] == 2
    assert not torch.equal(gan.w_avg[0], gan.w_avg[1])  # a truncation centre per class, set from the new mapping
    with torch.no_grad():
        image = gan(seed_z(0, gan.cfg.z_dim), 0.7, torch.tensor([3]))
    assert image.shape == (1, 3, 64, 64) and torch.isfinite(image).all()
    assert (out / "samples.png").is_file() and (out / "redraws.png").is_file()
