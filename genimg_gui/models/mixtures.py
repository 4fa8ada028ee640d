"""Skipping the GAN's mixtures: samples drawn on a seam between two of the faces it learnt.

A generator is continuous, but its data are separate faces, so somewhere between the z that draw a
crying face and those that draw a grin it must draw something that is half of each: the smudges and
two-face blends that give its samples away. There the drawing changes fastest as w moves, so the size of
the generator's Jacobian tells a seam from a face (Tanielian et al. 2020, "Learning disconnected manifolds:
a no GAN's land", which truncates to the draws with the smallest Jacobian). `steady_draw` looks at a seed's
first DRAWS z and keeps the first whose Jacobian is among the smallest QUANTILE of theirs: the seed still
decides the sample, no calibration is needed for the class or truncation, and unlike keeping the best of many
draws, the kept draws are as varied as any draws that are not on a seam.
"""
from __future__ import annotations

import torch

from .gan import MappedGenerator

QUANTILE = 0.3  # keep a draw among the steadiest 30 %: 0.1 crowded the samples onto a few plain faces
PROBES = 8  # random directions whose finite differences estimate the Jacobian's Frobenius norm
STEP = 0.05  # each probe's length, relative to |w|: small enough to stay on one face, large for bf16's grain
DRAWS = 16  # a seed's draws to choose among: one batch of DRAWS * (PROBES + 1) passes


def _drawing(gen: torch.nn.Module, w: torch.Tensor) -> torch.Tensor:
    """What the generator draws from w, where seams show first: a latent GAN's grid, else its pixels."""
    synthesize = getattr(gen, "synthesize_latent", gen.synthesize)
    return synthesize(w).float()


@torch.inference_mode()
def jacobian_norm(gen: torch.nn.Module, w: torch.Tensor) -> torch.Tensor:
    """(B,) how fast each w's drawing changes as w moves: the root mean square of finite differences along
    PROBES random directions of length STEP·|w|, the same directions for every call (so the same w scores the
    same). One batch of B * (PROBES + 1) rows: a CPU runs it several times faster than PROBES + 1 small ones."""
    probes = torch.randn(PROBES, *w.shape, generator=torch.Generator().manual_seed(0)).to(w.device, w.dtype)
    probes = probes * (STEP * w.norm(dim=1, keepdim=True) / probes.norm(dim=2, keepdim=True))  # (P, B, w_dim)
    drawn = _drawing(gen, torch.cat([w[None], w + probes]).flatten(0, 1)).unflatten(0, (PROBES + 1, len(w)))
    return (drawn[1:] - drawn[:1]).flatten(2).pow(2).sum(2).mean(0).sqrt()


@torch.inference_mode()
def steady_draw(gen: torch.nn.Module, z_stream: torch.Tensor, psi: float, cls: int | None) -> torch.Tensor:
    """The w (1, w_dim) of the first z in `z_stream` (a seed's draws, its own z first) whose Jacobian norm is
    among the smallest QUANTILE of the stream's."""
    w = _map(gen, z_stream, psi, cls)
    norms = jacobian_norm(gen, w)
    first = int((norms <= norms.quantile(QUANTILE)).nonzero()[0])
    return w[first:first + 1]


def applies_to(gen: torch.nn.Module) -> bool:
    """Whether skipping mixtures is cheap enough to offer: genimg's own generators, whose DRAWS * (PROBES + 1)
    passes take tens of milliseconds on a CPU, not a converted StyleGAN2 at up to 1024 px."""
    return isinstance(gen, MappedGenerator)


def seed_stream(seed: int, z_dim: int, draws: int = DRAWS) -> torch.Tensor:
    """A seed's draws for steady_draw: the seed's own z (models.gan.seed_z) first, then more from its stream."""
    return torch.randn(draws, z_dim, generator=torch.Generator().manual_seed(seed))


def _map(gen: torch.nn.Module, z: torch.Tensor, psi: float, cls: int | None) -> torch.Tensor:
    if not getattr(gen.cfg, "classes", ()):
        return gen.map(z, psi)
    return gen.map(z, psi, torch.full((len(z),), cls, device=z.device))
