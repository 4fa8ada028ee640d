"""`--set decoder_noise=σ` of a latent GAN: its copy of the VAE's decoder learns to draw clean images from
latent grids a little off the encoder's.

Every generator's latent grids sit a little off the encoder's (emoji-faces-gan's: 0.21 latent std from the
grid its own image encodes to), and the VAE's decoder, which only saw the encoder's grids with their posterior
noise (about 0.12 std), paints such errors as a mottled texture in flat colour: real emoji grids with noise of
0.2 std decode as mottled as the samples. Its reconstructions of clean grids are faintly grainy too, rougher
than the images. So the run trains the decoder copy (the VAE's own stays as it was) to draw each training
image from its grid with Gaussian noise of up to σ std added: a regression that needs no discriminator,
trains steadily beside the adversarial game, and keeps the encoder's meaning of a grid, which the GAN's
latent discriminator and the app's inversion rely on. With `--set decoder_gan=λ` it also learns to draw the
generator's grids as crisp as the training images (decoder_adversary.py).
"""
from __future__ import annotations

import torch
from torch import nn

from .decoder_adversary import DecoderAdversary
from .distributed import average_gradients


class DecoderDenoising:
    def __init__(self, decoder: nn.Module, sigma: float, lr: float, adversary: DecoderAdversary | None = None) -> None:
        self.decoder, self.sigma, self.adversary = decoder.requires_grad_(True), sigma, adversary
        self.opt = torch.optim.Adam(decoder.parameters(), lr=lr, betas=(0.9, 0.99))
        self.last = [p for p in decoder.parameters() if p.dim() == 4][-1]  # the output conv's weight

    def step(self, grid: torch.Tensor, images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor,
             fake_grid: torch.Tensor | None = None) -> dict[str, float]:
        """One step on normalised latent grids and the images they encode (and, with an adversary, the
        generator's grids); returns the mean absolute error as "dec" and the adversary's losses."""
        # each grid its own noise level in [0, σ], so clean grids keep decoding to their images
        scale = self.sigma * torch.rand(len(grid), 1, 1, 1, device=grid.device)
        noisy = grid + scale * torch.randn_like(grid)
        loss = (self.decoder(noisy * std + mean).float() - images.float()).abs().mean()
        losses = {"dec": loss.item()}
        if self.adversary is not None and fake_grid is not None:
            fake = self.decoder(fake_grid * std + mean)
            losses["dec_d"] = self.adversary.discriminator_step(images, fake)
            loss, shown = self.adversary.decoder_loss(loss, fake, self.last)
            losses.update(shown)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        average_gradients(self.decoder.parameters())
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)  # the generator's steps average G's gradients: leave none here
        return losses
