"""Refine a GAN sample with its own discriminator: discriminator-driven latent sampling (Che et al. 2020,
"Your GAN is secretly an energy-based model"), without its noise.

A GAN trained on a few hundred images draws most seeds as one clean face, but some land between two faces and
come out smeared (models/mixtures.py). Its discriminator, trained beside it and saved with it, knows which grids
look drawn: z moved a few small steps down the energy |z|^2 / 2 - D(G(z)) mostly keeps the seed's face and loses
some of its smears (benchmarks/refine_samples.py, blind_test.py --refine). The |z|^2 term is the prior that
keeps z where the mapping was trained; without the Langevin noise the steps are deterministic, so a seed refines
to the same sample every time.

Each sample is judged on its own (`solo`): the discriminator's minibatch-std channel would otherwise make a
seed's refinement depend on which other seeds share its batch.
"""
from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from .gan import Discriminator, MappedGenerator, MinibatchStd
from .weights import check_state_dict, read_tensors

DISCRIMINATOR_FILE = "discriminator.safetensors"  # written beside a GAN by `genimg train gan`
# 10 steps of 0.03 draw the same sample as 30 of 0.01 for 89 % of seeds, at a third of the time, and judges
# comparing the rest pair by pair preferred neither (benchmarks/refine_schedules.py)
STEPS = 10
STEP_SIZE = 0.03  # of the energy's gradient


def applies_to(gen: nn.Module) -> bool:
    """A generator of this project's own, whose discriminator this module knows how to build."""
    return isinstance(gen, MappedGenerator)


def read_discriminator(folder: Path, gen: MappedGenerator) -> Discriminator | None:
    """The discriminator saved in a GAN's folder, judging alone, or None when the folder has none.
    Raises ModelFileError when the file is not this generator's discriminator."""
    path = Path(folder) / DISCRIMINATOR_FILE
    if not path.is_file():
        return None
    latent = getattr(gen.cfg, "vae", None)  # a latent GAN's discriminator judges latent grids
    judge = Discriminator(gen.cfg, in_channels=latent.latent_channels if latent else 3)
    state = read_tensors(path)
    check_state_dict(judge, state, path)
    judge.load_state_dict({k: v.float() for k, v in state.items()})
    return solo(judge.eval().requires_grad_(False))


def solo(judge: Discriminator) -> Discriminator:
    """Make each sample's judgement its own: minibatch std over groups of one."""
    for m in judge.modules():
        if isinstance(m, MinibatchStd):
            m.group = 1
    return judge


def judged_input(gen: MappedGenerator, w: torch.Tensor) -> torch.Tensor:
    """What the discriminator saw in training: a latent GAN's normalised grid, a pixel GAN's image."""
    return gen.synthesize_latent(w) if hasattr(gen, "synthesize_latent") else gen.synthesize(w)


def refine(gen: MappedGenerator, judge: Discriminator, z: torch.Tensor, psi: float,
           c: torch.Tensor | None = None, steps: int | None = None, step_size: float | None = None) -> torch.Tensor:
    """z (B, z_dim) moved `steps` steps down |z|^2 / 2 - D(G(z)); the generator and judge are left as they are.
    c: a conditional generator's classes, which must be given: drawn afresh, they would change every step.
    steps, step_size: when None, the app's STEPS and STEP_SIZE, read at the call (a benchmark passes others)."""
    if getattr(gen.cfg, "classes", ()) and c is None:
        raise ValueError("refining a conditional GAN's samples needs their classes")
    with torch.enable_grad():  # under no_grad too; not under inference_mode, whose tensors cannot join autograd
        z = z.detach().clone()
        size = STEP_SIZE if step_size is None else step_size
        for _ in range(STEPS if steps is None else steps):
            z.requires_grad_(True)
            energy = 0.5 * z.square().sum() - judge(judged_input(gen, gen.map(z, psi, c)), c).sum()
            grad, = torch.autograd.grad(energy, z)
            z = (z - size / 2 * grad).detach()
    return z
