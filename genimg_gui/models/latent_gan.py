"""A GAN that draws in a VAE's latent space and paints through that VAE's decoder.

The generator makes a (C, h, w) latent grid, not pixels, and the bundled VAE's
decoder (frozen, stored in the same weight file) turns it into the image. The
adversarial game is played on 16x16x4 latents instead of 64x64x3 pixels, which
is what lets a GAN learn emoji on a CPU in minutes, and every sample is as
sharp as the VAE's reconstructions (the idea behind latent diffusion's first stage).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch

from .gan import MappedGenerator, _synthesis
from .vae import VAEConfig, _decoder


@dataclass(frozen=True)
class LatentGANConfig:
    resolution: int = 64
    z_dim: int = 128
    w_dim: int = 128
    mapping_layers: int = 4
    channels: tuple[int, ...] = (256, 128, 64)  # at 4, 8, 16 px of the latent grid
    vae: VAEConfig = field(default_factory=VAEConfig)
    classes: tuple[str, ...] = ()  # as GANConfig.classes
    styles: bool = False  # as GANConfig.styles

    def to_dict(self) -> dict:
        return {**asdict(self), "vae": self.vae.to_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> "LatentGANConfig":
        return cls(resolution=int(d["resolution"]), z_dim=int(d["z_dim"]), w_dim=int(d["w_dim"]),
                   mapping_layers=int(d["mapping_layers"]), channels=tuple(int(c) for c in d["channels"]),
                   vae=VAEConfig.from_dict(d["vae"]), classes=tuple(d.get("classes", ())),
                   styles=bool(d.get("styles", False)))


class LatentGenerator(MappedGenerator):
    """z -> w -> normalised latent grid -> VAE decoder -> image in [-1, 1]."""

    def __init__(self, cfg: LatentGANConfig = LatentGANConfig()) -> None:
        c, side, _ = cfg.vae.latent_shape
        assert 4 * 2 ** (len(cfg.channels) - 1) == side, "channels must reach the VAE's latent side"
        assert cfg.vae.resolution == cfg.resolution, "the VAE decides the resolution"
        super().__init__(cfg)
        self.set_synthesis(_synthesis(cfg.channels, out_channels=c, squash=False))
        self.decoder = _decoder(cfg.vae).requires_grad_(False)
        # per-channel statistics of the VAE's latents: the generator works in unit scale
        self.register_buffer("latent_mean", torch.zeros(1, c, 1, 1))
        self.register_buffer("latent_std", torch.ones(1, c, 1, 1))

    def synthesize_latent(self, w: torch.Tensor) -> torch.Tensor:
        """The normalised latent grid (B, C, h, w) the discriminator judges."""
        return self.features(w)

    def synthesize(self, w: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.synthesize_latent(w) * self.latent_std + self.latent_mean)


# how far (relative to their size) a generator's decoder weights may be from a VAE's and still be that decoder,
# fine-tuned (`genimg train gan --set decoder_noise`: emoji-faces-gan's moved 0.20 in 3,280 steps); two
# independently initialised ones differ by about 1.4
SAME_DECODER = 0.5


def same_decoder(mine: dict[str, torch.Tensor], theirs: dict[str, torch.Tensor]) -> bool:
    """Whether two decoders' weights are one decoder's: the same, or one a fine-tuned copy of the other."""
    if mine.keys() != theirs.keys():
        return False
    pairs = [(a.float(), b.float().to(a.device)) for k, a in mine.items() if (b := theirs[k]).is_floating_point()]
    if any(a.shape != b.shape for a, b in pairs):
        return False
    moved = sum(float((a - b).pow(2).sum()) for a, b in pairs)
    return moved <= SAME_DECODER ** 2 * sum(float(b.pow(2).sum()) for _, b in pairs)
