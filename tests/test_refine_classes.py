"""scripts/refine_classes.py: a conditional GAN whose classes split into finer ones starts as it was."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from genimg_gui.cli import main as cli_main
from genimg_gui.models.weights import load_model, read_tensors
from genimg_gui.train.finetune import DISCRIMINATOR_NAME

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import refine_classes  # noqa: E402

from conftest import labelled_squares  # noqa: E402

GAN = ROOT / "weights" / "emoji-gan"
# fine label -> its category; "face-smiling" is listed under two categories, most often Smileys
FINE = [("face-smiling", "Smileys & Emotion")] * 3 + [("face-smiling", "People & Body")] + \
       [("hand-fingers-open", "People & Body")] * 2 + [("country-flag", "Flags")] * 2 + [("keycap", "Symbols")] * 2


def _labels(folder: Path) -> Path:
    """labelled_squares' images with a second, finer column."""
    data = labelled_squares(folder, [coarse for _, coarse in FINE])
    rows = ["file,category,subcategory"] + [f'{i}.png,"{coarse}","{fine}"' for i, (fine, coarse) in enumerate(FINE)]
    (data / "labels.csv").write_text("\n".join(rows) + "\n")
    return data


def test_each_fine_class_starts_as_the_class_it_came_from(tmp_path):
    data = _labels(tmp_path / "data")
    out = tmp_path / "fine"
    assert refine_classes.refine(GAN, data / "labels.csv", "category", "subcategory", out) == \
        ["country-flag", "face-smiling", "hand-fingers-open", "keycap"]
    old, _ = load_model(GAN)
    new, card = load_model(out)
    assert card["training"]["refined_classes"] == {"from": "category", "to": "subcategory", "model": "emoji-gan"}
    assert new.class_freq.tolist() == pytest.approx([0.2, 0.4, 0.2, 0.2])  # counted from the labels file
    z = torch.randn(3, new.cfg.z_dim, generator=torch.Generator().manual_seed(0))
    parents = {"country-flag": "Flags", "face-smiling": "Smileys & Emotion",
               "hand-fingers-open": "People & Body", "keycap": "Symbols"}
    with torch.no_grad():
        for i, fine in enumerate(new.cfg.classes):
            j = old.cfg.classes.index(parents[fine])
            assert torch.equal(new(z, 0.7, torch.full((3,), i)), old(z, 0.7, torch.full((3,), j)))
    d_old, d_new = read_tensors(GAN / DISCRIMINATOR_NAME), read_tensors(out / DISCRIMINATOR_NAME)
    assert torch.equal(d_new["project.weight"][1], d_old["project.weight"][old.cfg.classes.index("Smileys & Emotion")])


def test_genimg_train_goes_on_from_the_refined_model_with_the_fine_labels(tmp_path, capsys):
    data = _labels(tmp_path / "data")
    refine_classes.refine(GAN, data / "labels.csv", "category", "subcategory", tmp_path / "fine")
    run = tmp_path / "run"
    code = cli_main(["train", "gan", str(data), "--init", str(tmp_path / "fine"),
                     "--latent-of", str(ROOT / "weights" / "emoji-vae"),
                     "--labels", str(data / "labels.csv"), "--label-column", "subcategory", "-o", str(run),
                     "--steps", "2", "--batch-size", "4", "--holdout", "0", "--set", "d_warmup=1", "--threads", "1"])
    assert code == 0, capsys.readouterr().err
    trained, _ = load_model(run)
    assert trained.cfg.classes == ("country-flag", "face-smiling", "hand-fingers-open", "keycap")


def test_a_fine_label_whose_category_the_model_lacks_is_refused(tmp_path):
    data = _labels(tmp_path / "data")
    text = (data / "labels.csv").read_text().replace('"Flags"', '"Weather"')
    (data / "labels.csv").write_text(text)
    with pytest.raises(SystemExit, match="has no class 'Weather'"):
        refine_classes.refine(GAN, data / "labels.csv", "category", "subcategory", tmp_path / "fine")
