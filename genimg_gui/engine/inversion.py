"""GAN inversion: the w whose drawing matches a given image (torch, no Qt).

Start from the best of the mean w and sampled w (judged in the VAE's latent
space when the GAN draws through a VAE we can encode with: the encoder guess;
else in pixels), then Adam on w minimising pixel MSE (+ latent MSE) +
weight(editability) * prior, where the prior is the squared distance of w from
the model's w distribution (typicality.prior_distance squared: about 1 for a typical
w, 0 at the mean). One number trades fidelity (0) against a w that stays where
the sliders were measured (1). For a GAN that draws w and 2w alike (emoji-faces-gan),
w is kept at the mapped w's median length, where the sliders' sigma fits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import torch
from torch import nn

from ..edit import Directions
from ..models.directions import pca
from ..models.gan import sample_w
from ..models.latent_gan import LatentGenerator, same_decoder
from ..models.tensors import to_images, to_tensor
from ..models.vae import ConvVAE
from ..typicality import PriorModel

# Measured on the bundled emoji GAN (100 steps, a GAN sample and a drawn smiley as targets):
LATENT_WEIGHT = 0.1  # the latent term guides early steps; pixels decide the end
PRIOR_WEIGHTS = (0.01, 0.2)  # at editability 0 and 1, geometric between. Even "fidelity" keeps a
# little prior: with none, w wandered off the distribution and ended at a worse pixel error.
LEARNING_RATE = 0.3  # in units of the typical spread of w along one dimension (0.03..0.3 tried)
# A GAN "ignores |w|" when halving or doubling mapped w changes their drawings (RMS) by less than this share of the
# change to other samples. Measured: emoji-faces-gan 0.013-0.03 (its inversions ended at a third of the sample's
# |w|), emoji-gan 0.04-0.09 (ended 12-25 % short: its pixels hold |w|), a converted StyleGAN2 0.5-0.9.
IGNORES_LENGTH_BELOW = 0.05


@dataclass(frozen=True)
class Step:
    step: int                 # 0 = the starting guess
    steps: int
    w: np.ndarray             # (w_dim,) float32
    image: np.ndarray | None  # (R, R, 3) uint8 on preview steps and the last, else None
    loss: float               # pixel MSE to the target, images in [-1, 1]
    final: bool


class WPrior(nn.Module):
    """Squared distance of w (B, D) from the w distribution, in sigma units (typicality.prior_distance,
    on the same PriorModel): the mean square along the PCA rows over sigma, plus the part off those rows
    over its typical size."""

    def __init__(self, d: Directions) -> None:
        super().__init__()
        prior = PriorModel.of(d)
        self.register_buffer("mean", torch.as_tensor(d.mean, dtype=torch.float32))
        self.register_buffer("basis", torch.as_tensor(prior.basis, dtype=torch.float32))
        self.register_buffer("sigma", torch.as_tensor(prior.sigma, dtype=torch.float32))
        self.typical = prior.typical
        # the spread of w per dimension: what the learning rate is measured in
        self.scale = math.sqrt((float(np.sum(prior.sigma**2)) + self.typical) / prior.basis.shape[1])

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        centred = w - self.mean                      # (B, D)
        coords = centred @ self.basis.T              # (B, K)
        inside = (coords / self.sigma).pow(2).mean(1)
        if self.typical <= 0:
            return inside
        residual = centred - coords @ self.basis     # (B, D)
        return (inside + residual.pow(2).sum(1) / self.typical) / 2


class MappedLength(nn.Module):
    """The length a w should have: the median of the mapped w's. The bundled faces GAN draws w through a Linear
    stem and PixelNorms, so w and a third of it draw one picture; a slider step (sigma, measured on mapped w) turns
    w by sigma / |w|, so only at a mapped w's length does it move an inverted picture as far as a sample.
    The length of the mapped w nearest in direction, the earlier rule, ran away: a w pushed out along PC2 has long
    neighbours, so it grew and went further out (seed 0's inversion: |w| 35 against 14, "3.1 sigma on PC2"), and
    a photo's w, unlike every mapped one, shrank towards the mean (|w| 6, a slider step three times a sample's)."""

    def __init__(self, ws: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("length", ws.norm(dim=1).median())

    @torch.no_grad()
    def rescaled(self, w: torch.Tensor) -> torch.Tensor:
        """w (B, D) at the mapped length: for a GAN that ignores |w|, the same picture."""
        return w * (self.length / w.norm(dim=1, keepdim=True).clamp_min(1e-12))


@torch.no_grad()
def ignores_length(gen: nn.Module, ws: torch.Tensor) -> bool:
    """Whether halving or doubling w leaves gen's drawings as they are (IGNORES_LENGTH_BELOW), on 8 mapped w."""
    probe = ws[:8]
    drawn = gen.synthesize(probe)                    # (8, 3, R, R)
    between = float((drawn - drawn.roll(1, 0)).pow(2).mean().sqrt())
    return all(float((gen.synthesize(probe * s) - drawn).pow(2).mean().sqrt()) < IGNORES_LENGTH_BELOW * between
               for s in (0.5, 2.0))


def prior_weight(editability: float) -> float:
    low, high = PRIOR_WEIGHTS
    return low * (high / low) ** min(max(float(editability), 0.0), 1.0)


def mapped_ws(gen: nn.Module, n: int = 2048, seed: int = 0) -> torch.Tensor:
    """(n, w_dim) w of sampled z (psi 1): the distribution the sliders' directions were measured on."""
    with torch.no_grad():
        return sample_w(gen, n, torch.Generator().manual_seed(seed))


@dataclass(frozen=True)
class GanSetup:
    """What every inversion in one generator starts from, whatever the picture: 2048 mapped w (seed 0) and, for a
    GAN that ignores |w|, the length w is kept at. It costs up to 24 drawings (about 0.3 s for emoji-faces-gan on a
    CPU), so Runtime keeps one per loaded GAN (LoadedModel.inversion_setup), made from the w its load mapped."""
    ws: torch.Tensor              # (n, w_dim) on the generator's device
    length: MappedLength | None   # None: the GAN's pixels hold |w|


def gan_setup(gen: nn.Module, ws: torch.Tensor | None = None) -> GanSetup:
    """The GanSetup of gen, computed on its device. `ws`: mapped_ws(gen) already mapped (the Runtime maps them
    once at a GAN's load, for the typicality meter too); None maps them here."""
    ws = mapped_ws(gen) if ws is None else ws.to(gen.w_avg.device)
    # where |w| changes nothing on screen, only the prior would set it (to the short mean): keep it mapped-like
    return GanSetup(ws, MappedLength(ws).to(gen.w_avg.device) if ignores_length(gen, ws) else None)


def latent_target(gen: nn.Module, vae: ConvVAE | None, target: torch.Tensor) -> torch.Tensor | None:
    """The target image (1, 3, R, R) in the generator's normalised latent space, when the GAN draws
    through a VAE decoder and `vae` is that same VAE (its encoder is then the inverse we need)."""
    if not isinstance(gen, LatentGenerator) or vae is None or vae.cfg != gen.cfg.vae:
        return None
    if not same_decoder(gen.decoder.state_dict(), vae.decoder.state_dict()):
        return None  # a different VAE: its latents mean something else
    with torch.no_grad():
        mean, _ = vae.encode(target.to(next(vae.parameters()).device))
        return ((mean.to(target.device) - gen.latent_mean) / gen.latent_std)


@torch.no_grad()
def starting_point(gen: nn.Module, target: torch.Tensor, target_latent: torch.Tensor | None,
                   prior: WPrior, candidates: int | None = None, seed: int = 0,
                   check: Callable[[], None] = lambda: None) -> torch.Tensor:
    """The best of the mean w and `candidates` sampled w: (1, w_dim). Judged on latents when
    available (no decoder pass: 256 take about a second on one CPU core), else on pixels
    (32 by default: each costs a full drawing). `check` runs between chunks (cancel raises there)."""
    if candidates is None:
        candidates = 256 if target_latent is not None else 32
    sampled = sample_w(gen, candidates, torch.Generator().manual_seed(seed)).to(target.device)
    ws = torch.cat([prior.mean[None], sampled])  # (1 + N, D)
    errors = []
    for chunk in ws.split(64 if target_latent is not None else 8):
        check()
        if target_latent is not None:
            errors.append((gen.synthesize_latent(chunk) - target_latent).pow(2).flatten(1).mean(1))
        else:
            errors.append((gen.synthesize(chunk) - target).pow(2).flatten(1).mean(1))
    return ws[int(torch.cat(errors).argmin())][None].clone()


def invert(gen: nn.Module, image: np.ndarray, steps: int = 200, editability: float = 0.5,
           directions: Directions | None = None, vae: ConvVAE | None = None,
           preview_every: int = 10, candidates: int | None = None, seed: int = 0,
           check: Callable[[], None] = lambda: None, setup: GanSetup | None = None) -> Iterator[Step]:
    """Yields one Step per optimisation step (step 0 is the start), the last with final=True.
    `image` is (R, R, 3) uint8 at the generator's resolution. The caller may stop iterating at
    any step (that is how cancel works; `check` also runs while the start is searched for);
    no grad mode leaks past a yield. `setup`: gan_setup(gen) kept from an earlier inversion (computed if None)."""
    if image.shape != (gen.cfg.resolution, gen.cfg.resolution, 3):
        raise ValueError(f"the image is {image.shape}; this GAN draws {gen.cfg.resolution}x{gen.cfg.resolution}")
    device = gen.w_avg.device
    target = to_tensor(image, device)
    setup = setup if setup is not None else gan_setup(gen)
    prior = WPrior(directions if directions is not None else pca(setup.ws.cpu(), 16)).to(device)
    length = setup.length
    target_latent = latent_target(gen, vae, target)
    w = starting_point(gen, target, target_latent, prior, candidates, seed, check)
    w = (w if length is None else length.rescaled(w)).requires_grad_(True)
    opt = torch.optim.Adam([w], lr=LEARNING_RATE * prior.scale, betas=(0.9, 0.999))
    base_lr = opt.param_groups[0]["lr"]
    steps = max(0, int(steps))
    with torch.no_grad():
        out = gen.synthesize(w)
    yield _report(0, steps, w, out, target, preview=True)
    for step in range(1, steps + 1):
        # cosine ramp-down: large moves first, settle at the end
        opt.param_groups[0]["lr"] = base_lr * 0.5 * (1 + math.cos(math.pi * (step - 1) / steps))
        drawn, out = _adam_step(gen, w, opt, target, target_latent, prior, length, float(editability))
        if step == steps:  # the final w has not been drawn yet
            with torch.no_grad():
                drawn, out = w.detach(), gen.synthesize(w)
        preview = step == steps or (preview_every > 0 and step % preview_every == 0)
        yield _report(step, steps, drawn, out, target, preview)


def _adam_step(gen: nn.Module, w: torch.Tensor, opt: torch.optim.Optimizer, target: torch.Tensor,
               target_latent: torch.Tensor | None, prior: WPrior, length: MappedLength | None,
               editability: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One step on w, after which it is put back at its typical `length` (when given); returns w before
    the step and its drawing (what the loss measured)."""
    with torch.inference_mode(False), torch.enable_grad():
        if target_latent is not None:
            latent = gen.synthesize_latent(w)
            out = gen.decoder(latent * gen.latent_std + gen.latent_mean)
            loss = LATENT_WEIGHT * (latent - target_latent).pow(2).mean()
        else:
            out = gen.synthesize(w)
            loss = out.new_zeros(())
        loss = loss + (out - target).pow(2).mean() + prior_weight(editability) * prior(w).sum()
        # grad of w alone: the generator's weights may still require grad (a net built in a test)
        (w.grad,) = torch.autograd.grad(loss, [w])
        before = w.detach().clone()
        opt.step()
        if length is not None:
            with torch.no_grad():
                w.copy_(length.rescaled(w))
    return before, out.detach()


def _report(step: int, steps: int, w: torch.Tensor, out: torch.Tensor, target: torch.Tensor,
            preview: bool) -> Step:
    loss = float((out.clamp(-1, 1) - target).pow(2).mean())
    image = to_images(out)[0] if preview else None
    return Step(step, steps, w.detach()[0].float().cpu().numpy().copy(), image, loss, step == steps)
