"""benchmarks/discriminator_accuracy.py's AUC: how well a discriminator ranks real inputs above samples."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import discriminator_accuracy  # noqa: E402

from genimg_gui.models.gan import sample_zc  # noqa: E402
from genimg_gui.models.refine import read_discriminator  # noqa: E402
from genimg_gui.models.weights import load_model  # noqa: E402

FACES = ROOT / "weights" / "emoji-faces-gan"


def test_auc_is_the_chance_a_real_input_scores_above_a_sample():
    auc = discriminator_accuracy.auc
    assert auc(torch.tensor([3.0, 4.0]), torch.tensor([1.0, 2.0])) == 1.0
    assert auc(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])) == 0.0
    assert auc(torch.tensor([1.0, 3.0]), torch.tensor([2.0, 3.0])) == pytest.approx(3 / 8)  # a tie counts half


def test_the_bundled_face_discriminator_ranks_its_own_samples_at_chance_and_noise_below_them(capsys):
    gan, _ = load_model(FACES)
    D = read_discriminator(FACES, gan)
    with torch.no_grad():
        z, c = sample_zc(gan, 128, torch.Generator().manual_seed(99))  # other seeds than the benchmark's
        own = gan.synthesize_latent(gan.map(z, 1.0, c))
    noise = torch.randn(128, *own.shape[1:], generator=torch.Generator().manual_seed(1)) * 3
    discriminator_accuracy.print_auc(gan, D, {"more samples": (own, c), "noise": (noise, c)}, samples=256)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["AUC against 256 samples at psi 1",
                                                      "AUC against 256 samples at psi 0.7"]
    at_psi_1 = dict(re.findall(r"(more samples|noise) ([\d.]+)", lines[0]))
    assert abs(float(at_psi_1["more samples"]) - 0.5) < 0.1  # samples against samples of the same draw
    assert float(at_psi_1["noise"]) < 0.1
