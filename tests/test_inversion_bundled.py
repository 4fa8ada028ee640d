"""GAN inversion into the bundled emoji-faces-gan, which draws w and 2w alike: the inverted w stays where its
samples' w lie, so the sliders (measured on them) move it as they move a sample and the meter reads it fairly."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from genimg_gui import seed_draws
from genimg_gui.engine import inversion
from genimg_gui.engine.runtime import Runtime
from genimg_gui.typicality import TYPICAL_BELOW, reading

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from nearest_sample import drawn_smiley  # noqa: E402  (a 400x300 drawn smiley on blue, as a user's photo)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    rt = Runtime("cpu")
    for name in ("emoji-vae", "emoji-faces-gan"):
        rt.load(str(ROOT / "weights" / name), lambda *_: None)
    return rt


@pytest.fixture(scope="module")
def mapped_lengths(runtime) -> tuple[float, float]:
    """The 5th and 95th percentiles of the mapped w's lengths."""
    lengths = inversion.mapped_ws(runtime.model("gan").net).norm(dim=1).numpy()
    return float(np.percentile(lengths, 5)), float(np.percentile(lengths, 95))


def test_an_inverted_sample_stays_typical(runtime, mapped_lengths):
    """Seed 0 (the app's draw): inverted, it read "3.1 sigma on PC2 (unusual)" at |w| 35 (the sample's 14), and its
    slider steps moved it less than half as far as the sample's."""
    w0 = runtime.map_seed(0, 0.7, draw=seed_draws.REFINE)
    final = runtime.invert(runtime.decode("gan", w0), 200, 0.5)
    assert final.loss < 0.004
    low, high = mapped_lengths
    assert low < np.linalg.norm(final.w) < high, (np.linalg.norm(final.w), mapped_lengths)
    assert reading(final.w, runtime.model("gan").directions).sigma < TYPICAL_BELOW


def test_an_inverted_photo_keeps_a_mapped_length(runtime, mapped_lengths):
    """A photo's w, unlike every mapped w, shrank to |w| 6 (the samples' 12 to 30), where a slider step turns w
    three times as far as on a sample: the picture broke at the first step."""
    final = runtime.invert(drawn_smiley(), 200, 0.5)
    low, high = mapped_lengths
    assert low < np.linalg.norm(final.w) < high, (np.linalg.norm(final.w), mapped_lengths)
