"""Soak: 10,000 random requests and cancels at the real engine while the Qt event loop runs
(benchmarks/soak.py's driver): slider drags on 8 items, switches between two VAEs and two GANs,
encodes, cancels of queued and running jobs. Nothing fails but the cancelled, the queue stays
short, every item ends on its last request's pixels, and memory stays flat."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import soak  # noqa: E402

from genimg_gui.engine import requests as rq  # noqa: E402
from genimg_gui.engine.runtime import Runtime  # noqa: E402

N = 10_000
LANES = len(soak.VAE_TAGS + soak.GAN_TAGS + soak.SEED_TAGS)  # one live slot per item and request kind
RSS_BOUND = 50 * 2**20  # bytes of growth allowed after the warm-up (measured: about 2 MiB)


@pytest.fixture()
def models(tmp_path, model_dir) -> soak.SoakModels:
    return soak.make_models(tmp_path, model_dir / "tiny-vae", model_dir / "tiny-gan")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS from /proc")
def test_soak_ten_thousand_requests(qtbot, engine, models):
    soak.wait_loaded(engine, [models.vaes[0], models.gans[0]])
    run = soak.Soak(engine, models, N, seed=1)
    stats = run.run(timeout_s=120)
    assert stats.requests + stats.cancels >= N
    assert stats.failures == []                      # nothing failed except by cancellation
    assert stats.max_pending <= LANES + soak.MAX_JOBS  # latest wins: no backlog of drags
    assert stats.superseded > 0                       # ...because drags were superseded
    assert stats.loads >= 10 and stats.cancelled > 0 and stats.cancelled_running > 0  # the load was real
    assert stats.final_mismatches == []              # each item's last result answers its last request
    assert stats.rss_growth < RSS_BOUND, f"RSS grew {stats.rss_growth / 2**20:.1f} MiB"
    # and its pixels are those of its last latent on the models loaded last
    reference = Runtime("cpu")
    for path in (models.vaes[0], models.gans[0]):
        reference.load(path, lambda *_: None)
    for tag, (_, request) in run.finals.items():
        result = run.last[tag]
        if isinstance(request, rq.Decode):
            expected = reference.decode(request.kind, request.latent)
        else:
            expected = reference.decode("gan", reference.map_seed(request.seed, request.psi))
        assert np.array_equal(result.image, expected), tag
