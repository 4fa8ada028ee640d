"""Skipping a GAN's mixtures (models/mixtures.py): the Jacobian finds seams, and a seed keeps its first
draw off them (no Qt)."""
from __future__ import annotations

from types import SimpleNamespace

import torch
from torch import nn

from genimg_gui.models.gan import seed_z
from genimg_gui.models.latent_gan import LatentGenerator
from genimg_gui.models.mixtures import QUANTILE, jacobian_norm, seed_stream, steady_draw
from test_inversion import TINY_LATENT_GAN


class TwoFaces(nn.Module):
    """A generator of two images, all +1 for w[0] > 0 and all -1 below, with a seam at w[0] = 0 where it
    draws their blend: the smallest case of a GAN between two of its faces."""

    def __init__(self) -> None:
        super().__init__()
        self.cfg = SimpleNamespace(z_dim=2, classes=())
        self.register_buffer("w_avg", torch.zeros(2))

    def map(self, z: torch.Tensor, psi: float = 1.0) -> torch.Tensor:
        return self.w_avg + psi * (z - self.w_avg)

    def synthesize(self, w: torch.Tensor) -> torch.Tensor:
        return torch.tanh(3 * w[:, :1, None, None]).expand(-1, 3, 4, 4)


def test_the_jacobian_is_large_on_the_seam_and_small_on_either_face():
    gen = TwoFaces()
    norms = jacobian_norm(gen, torch.tensor([[0.01, 1.0], [2.0, 1.0], [-2.0, 1.0]]))
    assert norms[0] > 20 * norms[1] and norms[0] > 20 * norms[2]
    assert torch.equal(norms, jacobian_norm(gen, torch.tensor([[0.01, 1.0], [2.0, 1.0], [-2.0, 1.0]])))


def test_a_seed_keeps_its_first_draw_off_the_seam():
    gen = TwoFaces()
    # ten draws: the first three and two more near the seam at w[0] = 0, five far from it
    stream = torch.tensor([[0.0, 1.0], [0.02, -1.0], [-0.03, 0.5], [1.5, 0.5], [-1.2, 0.3], [0.01, 0.0],
                           [2.0, 1.0], [-0.05, 0.2], [1.1, -0.4], [-2.0, 0.7]])
    assert torch.equal(steady_draw(gen, stream, 1.0, None), stream[3:4])
    # a seed whose own z is the steadiest keeps it
    steady_first = torch.cat([torch.tensor([[-2.5, 0.1]]), stream])
    assert torch.equal(steady_draw(gen, steady_first, 1.0, None), steady_first[:1])


def test_on_a_latent_gan_each_seed_keeps_one_of_its_steadier_draws_and_seeds_stay_apart():
    torch.manual_seed(0)
    gen = LatentGenerator(TINY_LATENT_GAN).eval()
    kept = []
    for seed in range(8):
        stream = seed_stream(seed, gen.cfg.z_dim)
        mapped = gen.map(stream, 0.7)
        norms = jacobian_norm(gen, mapped)
        w = steady_draw(gen, stream, 0.7, None)[0]
        match = [i for i, m in enumerate(mapped) if torch.allclose(w, m)]
        assert len(match) == 1 and norms[match[0]] <= norms.quantile(QUANTILE)
        kept.append(w)
    assert torch.pdist(torch.stack(kept)).min() > 0.1  # no two seeds crowd onto one draw


def test_a_seeds_stream_starts_with_its_own_z():
    assert torch.equal(seed_stream(7, 128)[:1], seed_z(7, 128))
