"""`--set decoder_gan=λ` of a latent GAN (with decoder_noise): a pixel discriminator that tells the training
images from the generator's grids as the decoder copy draws them, and the decoder's loss for fooling it.

decoder_noise teaches the decoder to ignore small latent errors, but a generator's grids also hold larger
ones, where it blends two faces or leaves a feature half drawn, and an L1 regression paints those as the
average of what they might be: smears and soft edges, which is how the face GAN's samples give themselves
away. An adversarial loss on the decoded pixels is how image autoencoders get crisp decodes (VQGAN, Esser et
al. 2021; Stable Diffusion's VAE), weighted against the reconstruction loss by their gradients at the
decoder's last layer, VQGAN's adaptive weight, so one λ suits any decoder. The L1 on noisy real grids stays,
and keeps what a grid means.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..models.gan import Discriminator, GANConfig
from .augment import AugmentChance, diff_augment
from .distributed import average_gradients, mean_across_processes
from .gan_recipe import WIDTHS
from .checkpoints import load_optimizer

R1_GAMMA = 0.05  # the pixel GAN's: an image has 12 times the numbers of a 4x16x16 latent grid
R1_EVERY = 4  # lazy R1, as the GAN recipe's
# the discriminator's steps before the decoder heeds it: an untrained one's gradients only push the decoder
# about at random (on the face GAN its L1 error rose from 0.030 to 0.038 within 25 steps of a fresh one)
WARMUP = 250


def pixel_discriminator(resolution: int, classes: tuple[str, ...] = ()) -> Discriminator:
    """The discriminator a pixel GAN of half the default widths would have: 32 to 256 channels at 64px, 3.7 M
    parameters, about as many as a latent GAN's own (benchmarks/discriminator_space.py judges with it too)."""
    scales = (resolution // 4).bit_length()  # 4, 8, ..., resolution px
    widths = tuple(c // 2 for c in WIDTHS[:scales])
    return Discriminator(GANConfig(resolution=resolution, channels=widths, classes=classes))


def balanced(rec: torch.Tensor, adv: torch.Tensor, last: nn.Parameter) -> torch.Tensor:
    """VQGAN's adaptive weight: the ratio of the two losses' gradient norms at the decoder's last layer, so the
    adversarial term pulls as hard as the reconstruction whatever their scales."""
    (g_rec,) = torch.autograd.grad(rec, last, retain_graph=True)
    (g_adv,) = torch.autograd.grad(adv, last, retain_graph=True)
    return (g_rec.norm() / (g_adv.norm() + 1e-4)).clamp(max=1e4).detach()


class DecoderAdversary:
    def __init__(self, discriminator: Discriminator, weight: float, lr: float) -> None:
        self.weight, self.D = weight, discriminator
        self.opt = torch.optim.Adam(self.D.parameters(), lr=lr, betas=(0.0, 0.99))
        self.steps = 0
        # adaptive (ADA), not always: DiffAugment's colour shifts on every image hid even noise from a fresh
        # discriminator for hundreds of steps, while a few hundred training images need some once it memorises
        self.augment_chance = AugmentChance("auto")

    def _judge(self, x: torch.Tensor) -> torch.Tensor:
        return self.D(self.augment_chance.apply(x.float(), diff_augment)).float()

    def discriminator_step(self, real: torch.Tensor, fake: torch.Tensor) -> float:
        """One step of the pixel discriminator on training images and decoded samples; returns its loss."""
        self.steps += 1
        real = real.detach().float().requires_grad_(self.steps % R1_EVERY == 0)
        real_logits = self._judge(real)
        loss = F.softplus(self._judge(fake.detach())).mean() + F.softplus(-real_logits).mean()
        if real.requires_grad:
            (grad,) = torch.autograd.grad(real_logits.sum(), real, create_graph=True)
            loss = loss + 0.5 * R1_GAMMA * R1_EVERY * grad.pow(2).flatten(1).sum(1).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        average_gradients(self.D.parameters())
        self.opt.step()
        self.augment_chance.observe(real_logits, mean_across_processes)
        return loss.item()

    def decoder_loss(self, rec: torch.Tensor, fake: torch.Tensor, last: nn.Parameter) -> tuple[torch.Tensor, dict]:
        """The decoder's loss, reconstruction plus weighted non-saturating adversarial term, and the latter for
        the progress line (the reconstruction alone while the discriminator warms up)."""
        if self.steps <= WARMUP:
            return rec, {}
        self.D.requires_grad_(False)  # the decoder's gradients only; D's own step comes with fresh ones
        adv = F.softplus(-self._judge(fake)).mean()
        self.D.requires_grad_(True)
        shown = {"dec_g": adv.item(), "dec_aug_p": self.augment_chance.p}
        return rec + self.weight * balanced(rec, adv, last) * adv, shown

    def state(self) -> dict:
        return {"D": self.D.state_dict(), "opt": self.opt.state_dict(), "steps": self.steps,
                "augment": self.augment_chance.state()}

    def load_state(self, state: dict, new_lr: bool) -> None:
        self.D.load_state_dict(state["D"])
        load_optimizer(self.opt, state["opt"], new_lr)
        self.steps = int(state.get("steps", 0))
        self.augment_chance = AugmentChance.from_state(state["augment"])
