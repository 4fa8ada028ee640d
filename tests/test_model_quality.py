"""benchmarks/model_quality.py's per-class figures, on the bundled models and a small labelled folder."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import model_quality  # noqa: E402

from genimg_gui.models.weights import load_model  # noqa: E402
from genimg_gui.train.data import load_folder, recorded_split  # noqa: E402

from conftest import labelled_squares  # noqa: E402


def test_a_class_collapsed_to_one_image_shows_in_its_variety(tmp_path):
    vae, card = load_model(ROOT / "weights" / "emoji-vae")
    gan, _ = load_model(ROOT / "weights" / "emoji-gan")
    folder = labelled_squares(tmp_path / "data", list(gan.cfg.classes) * 6)
    data = load_folder(folder, 64)
    split = recorded_split(data, card)

    def figures() -> dict:
        return model_quality.evaluate_classes(gan, vae, data, split, str(folder / "labels.csv"), "category",
                                              per_class=6)

    before = figures()
    assert set(before["class_agreement_nn1_vae_latent"]) == {"real_images", "psi1", "psi0.7"}
    variety = before["class_variety_vae_latent_psi1"]
    assert set(gan.cfg.classes) < set(variety) and variety["min"] > 0
    with torch.no_grad():  # z loses its say in w: each class draws one image
        gan.mapping[1].weight[:, :gan.cfg.z_dim] = 0
    collapsed = figures()["class_variety_vae_latent_psi1"]
    assert all(collapsed[c] < 0.01 for c in gan.cfg.classes) and variety["min"] > 0.1


def test_a_folder_the_vae_did_not_train_on_gets_gan_figures_only(tmp_path, monkeypatch, capsys):
    """emoji-faces-gan's folder is not the VAE's: no VAE figures (its recorded split means nothing there),
    and the GAN's own split gives the reference images."""
    data = labelled_squares(tmp_path / "data", ["any"] * 40)
    grid, out = tmp_path / "nn.png", tmp_path / "q.json"
    monkeypatch.setattr(sys, "argv", ["model_quality.py", "--data", str(data), "--samples", "250",
                                      "--grid", str(grid), "--json", str(out), "--draw", "own"])
    model_quality.main()
    assert "no VAE figures" in capsys.readouterr().out
    figures = json.loads(out.read_text())
    assert list(figures) == ["gan"] and figures["gan"]["samples"] == 250
    assert 0 <= figures["gan"]["precision_k3_vae_latent"] <= 1 and grid.is_file()
