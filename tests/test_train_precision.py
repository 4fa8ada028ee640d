"""benchmarks/train_precision.py: it times a real recipe in both precisions, alternating rounds."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import train_precision as script  # noqa: E402

from genimg_gui.train.gan_recipe import GANRecipe  # noqa: E402
from genimg_gui.train.loop import TrainOptions  # noqa: E402

CPU = torch.device("cpu")


def test_it_times_each_precision_after_a_warm_up_round_and_keeps_every_loss(one_torch_thread):
    torch.manual_seed(0)
    opts = TrainOptions("unused", "unused", resolution=32, batch_size=4,
                        extra={"channels": [32, 16, 8, 8], "z_dim": 16, "w_dim": 16})
    recipe = GANRecipe(opts, CPU)
    calls = []
    step = recipe.step

    def watched(batch, n, labels=None):
        calls.append((n, torch.is_autocast_enabled("cpu")))
        return step(batch, n, labels)

    recipe.step = watched
    got = script.timed_rounds(recipe, torch.rand(4, 3, 32, 32) * 2 - 1, CPU, rounds=2, steps=4)
    # round 0 (steps 1-8) warms up; then fp32 and bf16 alternate, 4 steps each, numbered on
    assert calls == [(n, (n - 1) // 4 % 2 == 1) for n in range(1, 25)]
    assert [len(got["times"][k]) for k in ("fp32", "bf16")] == [8, 8]
    assert len(got["losses"]["bf16"]) == 16  # d and g of each timed step
    assert all(math.isfinite(v) for v in got["losses"]["fp32"] + got["losses"]["bf16"])
