"""benchmarks/grown_channels.py: it measures a grown generator against the model it grew from."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import grown_channels as script  # noqa: E402

from genimg_gui.models.gan import Generator  # noqa: E402
from genimg_gui.train.finetune import widened  # noqa: E402

from conftest import TINY_GAN  # noqa: E402


def test_it_finds_a_grown_copy_alike_and_reports_the_weights_into_new_channels():
    torch.manual_seed(0)
    small = Generator(TINY_GAN).eval()
    grown = Generator(replace(TINY_GAN, channels=(48, 32, 8, 8))).eval()
    grown.load_state_dict(widened(small.state_dict(), grown))
    assert max(script.largest_difference(small, grown).values()) < 1e-4
    rows = script.weights_into(grown.state_dict(), small)
    assert [name for name, _, _ in rows] == ["stem.weight", "synthesis.0.conv.weight", "synthesis.3.weight"]
    assert all(old > 0 and new == 0 for _, old, new in rows)  # new channels start silent
    other = Generator(replace(TINY_GAN, channels=(48, 32, 8, 8))).eval()  # a generator of these widths, not grown
    assert script.largest_difference(small, other)[1.0] > 0.1
    assert all(new > 0 for _, _, new in script.weights_into(other.state_dict(), small))
