"""Differentiable augmentation (Zhao et al. 2020, DiffAugment): colour, translation, cutout.

Applied to both real and fake images before the discriminator so a GAN trained
on a few thousand images does not let D memorise them: to every image, or with
a chance that adapts to how well D knows the data (AugmentChance, as ADA).
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F


def colour(x: torch.Tensor) -> torch.Tensor:
    b = x.shape[0]
    x = x + (torch.rand(b, 1, 1, 1, device=x.device) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (torch.rand(b, 1, 1, 1, device=x.device) * 2) + mean
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (torch.rand(b, 1, 1, 1, device=x.device) + 0.5) + mean


def translation(x: torch.Tensor, ratio: float = 0.125, fill: float | None = 1.0) -> torch.Tensor:
    """Shift each sample by up to ratio of its size; the uncovered border is `fill`
    (white for images) or, with fill=None, a copy of the edge (a latent grid's own background)."""
    b, _, h, w = x.shape
    shift = int(h * ratio + 0.5)
    dx = torch.randint(-shift, shift + 1, (b, 1, 1), device=x.device)
    dy = torch.randint(-shift, shift + 1, (b, 1, 1), device=x.device)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    gy = (gy.unsqueeze(0) + dy + 1).clamp(0, h + 1)
    gx = (gx.unsqueeze(0) + dx + 1).clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1], mode="replicate") if fill is None else F.pad(x, [1, 1, 1, 1], value=fill)
    idx = (gy * (w + 2) + gx).view(b, 1, -1).expand(-1, x.shape[1], -1)
    return padded.flatten(2).gather(2, idx).view_as(x)


def cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    oy = torch.randint(0, h + 1 - ch % 2, (b, 1, 1), device=x.device)
    ox = torch.randint(0, w + 1 - cw % 2, (b, 1, 1), device=x.device)
    gy, gx = torch.meshgrid(torch.arange(h, device=x.device), torch.arange(w, device=x.device), indexing="ij")
    inside = ((gy.unsqueeze(0) - oy).abs() < ch // 2) & ((gx.unsqueeze(0) - ox).abs() < cw // 2)
    return x * (~inside).unsqueeze(1).to(x.dtype)


def diff_augment(x: torch.Tensor) -> torch.Tensor:
    return cutout(translation(colour(x)))


def latent_augment(x: torch.Tensor) -> torch.Tensor:
    """DiffAugment for latent grids: translation and cutout only (colour has no meaning there)."""
    return cutout(translation(x, fill=None))


def composed(grids: torch.Tensor, chance: float, labels: torch.Tensor | None = None,
             generator: torch.Generator | None = None) -> torch.Tensor:
    """With `chance` each, a latent grid's top rows over the bottom rows of the most similar other grid of the
    batch (of its own class when labels are given), cut at a random row in the middle quarter: new images for
    a generator that has learnt its few training images by heart (`--set compose`). On a spatial latent of
    faces drawn on one shared disc, as emoji are, the eyes of one face over the mouth of a similar one
    decode to a face of its own. A grid with no other of its class in the batch stays as it is."""
    b, h = len(grids), grids.shape[-2]
    picked = torch.rand(b, generator=generator) < chance
    distance = torch.cdist(grids.flatten(1).float(), grids.flatten(1).float())
    distance.fill_diagonal_(float("inf"))
    if labels is not None:
        distance[labels[:, None] != labels[None, :]] = float("inf")
    nearest = distance.min(1)
    picked &= torch.isfinite(nearest.values).cpu()
    cut = torch.randint(h * 3 // 8, h * 5 // 8 + 1, (b, 1), generator=generator)  # rows 6 to 10 of 16
    bottom = (torch.arange(h)[None, :] >= cut) & picked[:, None]  # (B, h): rows taken from the partner
    return torch.where(bottom[:, None, :, None].to(grids.device), grids[nearest.indices], grids)


ADA_TARGET = 0.6  # ADA's overfitting heuristic: the share of real images D scores above 0 that it aims at
ADA_INTERVAL = 4  # steps between adjustments
ADA_IMAGES = 100_000  # images it takes p to travel from 0 to 1 (ADA's 500k suits runs 10x longer than ours)


class AugmentChance:
    """How often augmentation applies: always (p = 1, DiffAugment), never, a fixed p, or adaptively (ADA,
    Karras et al. 2020): p starts at 0 and rises only while the discriminator calls more than ADA_TARGET of
    the real images real, the sign that it has begun to memorise them. Augmenting every image hides the
    data from it instead: with the latent GAN's translation and cutout on every grid, a fresh discriminator
    told emoji-gan's samples from held-out emoji 54% of the time after 500 steps, against 95% with none
    (benchmarks/discriminator_space.py --augment-p 1 and 0, R1 γ 0).

    Images are augmented one by one with chance p, as ADA does; rises and falls are averaged over all
    processes by the caller-given `mean` (an all-reduce under torchrun) so every replica keeps the same p."""

    def __init__(self, setting: float | str = 1.0) -> None:
        self.adaptive = setting == "auto"
        self.p = 0.0 if self.adaptive else float(setting)  # from 0 to 1: --set augment_p's range (settings.py)
        self._signs, self._seen, self._steps = 0.0, 0, 0

    def apply(self, x: torch.Tensor, augment: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
        if self.p <= 0.0:
            return x
        if self.p >= 1.0:
            return augment(x)
        chosen = torch.rand(x.shape[0], 1, 1, 1, device=x.device) < self.p
        return torch.where(chosen, augment(x), x)

    def observe(self, real_logits: torch.Tensor,
                mean: Callable[[torch.Tensor], torch.Tensor] = lambda t: t) -> None:
        """Count how the discriminator scored a batch of real images; adjust p every ADA_INTERVAL steps."""
        if not self.adaptive:
            return
        self._signs += real_logits.detach().sign().sum().item()
        self._seen += real_logits.shape[0]
        self._steps += 1
        if self._steps % ADA_INTERVAL:
            return
        rt = mean(torch.tensor([self._signs / self._seen])).item()  # E[sign(D(real))], in [-1, 1]
        self.p = min(max(self.p + (1.0 if rt > ADA_TARGET else -1.0) * self._seen / ADA_IMAGES, 0.0), 1.0)
        self._signs, self._seen = 0.0, 0

    def state(self) -> dict:
        """What a checkpoint keeps of it; from_state() rebuilds it."""
        return {"adaptive": self.adaptive, "p": self.p}

    @classmethod
    def from_state(cls, state: dict) -> "AugmentChance":
        chance = cls("auto" if state["adaptive"] else state["p"])
        chance.p = float(state["p"])  # an adaptive chance goes on from where it got to
        return chance

    def describe(self) -> str:
        """For the model card, which is written at the end of a run: an adaptive chance says where it got to."""
        return f"adaptive (ADA, target {ADA_TARGET}; p = {self.p:.3f} now)" if self.adaptive else f"p = {self.p:g}"
