"""benchmarks/model_quality.py's per-class figures, on the bundled models and a small labelled folder."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import model_quality  # noqa: E402

from genimg_gui.models.weights import load_model  # noqa: E402
from genimg_gui.train.data import load_folder, recorded_split  # noqa: E402


def _labelled_squares(folder: Path, classes: tuple[str, ...], per_class: int = 6) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(0)
    rows = ["file,category"]
    for i in range(per_class * len(classes)):
        im = np.full((64, 64, 3), 255, np.uint8)
        y, x = rng.integers(8, 40, 2)
        im[y:y + 20, x:x + 20] = rng.integers(0, 255, 3)
        Image.fromarray(im).save(folder / f"{i}.png")
        rows.append(f"{i}.png,\"{classes[i % len(classes)]}\"")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_a_class_collapsed_to_one_image_shows_in_its_variety(tmp_path):
    vae, card = load_model(ROOT / "weights" / "emoji-vae")
    gan, _ = load_model(ROOT / "weights" / "emoji-gan")
    folder = _labelled_squares(tmp_path / "data", gan.cfg.classes)
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
