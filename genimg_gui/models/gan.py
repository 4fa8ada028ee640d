"""A small style-free GAN: a mapping MLP (z -> w) and a conv generator on w.

The mapping network gives w a learned, non-isotropic distribution, so that
truncation towards w_avg and PCA directions of w (GANSpace) are meaningful.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

import torch
from torch import nn

from .blocks import PixelNorm, Upsample, unit_rms


@dataclass(frozen=True)
class GANConfig:
    resolution: int = 64
    z_dim: int = 128
    w_dim: int = 128
    mapping_layers: int = 4
    channels: tuple[int, ...] = (256, 256, 128, 64, 32)  # at 4, 8, 16, 32, 64
    classes: tuple[str, ...] = ()  # a conditional GAN's class names (from a labels file); () for none
    styles: bool = False  # w modulates every layer (style_layers), not only the 4x4 stem

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "GANConfig":
        return cls(resolution=int(d["resolution"]), z_dim=int(d["z_dim"]), w_dim=int(d["w_dim"]),
                   mapping_layers=int(d["mapping_layers"]),
                   channels=tuple(int(c) for c in d["channels"]), classes=tuple(d.get("classes", ())),
                   styles=bool(d.get("styles", False)))


def seed_z(seed: int, z_dim: int) -> torch.Tensor:
    """The (1, z_dim) z of a seed, as the app, `genimg generate` and the benchmarks number samples."""
    return torch.randn(1, z_dim, generator=torch.Generator().manual_seed(seed))


def _he_linear(d_in: int, d_out: int) -> nn.Linear:
    """A Linear that keeps activations at unit scale through LeakyReLU. PyTorch's default
    init shrinks variance about 3x per layer, which left w nearly constant across z and
    collapsed every sample to one image."""
    layer = nn.Linear(d_in, d_out)
    nn.init.kaiming_normal_(layer.weight, a=0.2, nonlinearity="leaky_relu")
    nn.init.zeros_(layer.bias)
    return layer


def _mapping(cfg: GANConfig) -> nn.Sequential:
    layers: list[nn.Module] = [PixelNorm()]
    dim = cfg.z_dim + (cfg.w_dim if cfg.classes else 0)  # a class embedding rides along with z
    for _ in range(cfg.mapping_layers):
        layers += [_he_linear(dim, cfg.w_dim), nn.LeakyReLU(0.2)]
        dim = cfg.w_dim
    return nn.Sequential(*layers)


def _synthesis(ch: tuple[int, ...], out_channels: int = 3, squash: bool = True) -> nn.Sequential:
    """4x4 features -> (B, out_channels, 4 * 2^(len(ch)-1), ...); tanh when the output is pixels."""
    layers: list[nn.Module] = []
    for c_in, c_out in zip(ch[:-1], ch[1:]):
        layers += [Upsample(c_in, c_out), nn.LeakyReLU(0.2), PixelNorm(),
                   nn.Conv2d(c_out, c_out, 3, padding=1), nn.LeakyReLU(0.2), PixelNorm()]
    layers.append(nn.Conv2d(ch[-1], out_channels, 1))
    if squash:
        layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def style_layers(synthesis: nn.Sequential, w_dim: int) -> nn.ModuleList:
    """One w -> (scale, shift) per PixelNorm of a synthesis stack: w modulates each layer's normalised
    features (FiLM; StyleGAN's AdaIN with PixelNorm for the instance norm). A generator that sees w only
    at its 4x4 stem must carry a sample's class and look through every later layer in those 16 pixels;
    class-conditional GANs of many classes feed the condition to every layer (BigGAN's conditional
    norms) for that reason. Zero at the start: a styled generator starts as the unstyled one."""
    widths = []
    for layer in synthesis:
        if isinstance(layer, nn.Conv2d | Upsample):
            width = layer.out_channels if isinstance(layer, nn.Conv2d) else layer.conv.out_channels
        elif isinstance(layer, PixelNorm):
            widths.append(width)
    layers = nn.ModuleList(nn.Linear(w_dim, 2 * c) for c in widths)
    for layer in layers:
        nn.init.zeros_(layer.weight)
        nn.init.zeros_(layer.bias)
    return layers


def styled(synthesis: nn.Sequential, styles: nn.ModuleList, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """synthesis(x) with each PixelNorm's output scaled by (1 + scale(w)) and shifted by shift(w)."""
    modulators = iter(styles)
    for layer in synthesis:
        x = layer(x)
        if isinstance(layer, PixelNorm):
            scale, shift = next(modulators)(w).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
            x = x * (1 + scale) + shift
    return x


class MappedGenerator(nn.Module):
    """The part every generator here shares: z -> w through the mapping MLP, truncation
    towards w_avg, and a 4x4 stem on w. Subclasses define synthesize(w) -> image.

    A conditional generator (cfg.classes) feeds an embedding of the class to the mapping
    beside z, as StyleGAN2-ADA does, and truncates towards its class's own mean w: the
    global mean of a multi-class model lies between classes, where nothing looks right."""

    def __init__(self, cfg) -> None:
        super().__init__()
        self.cfg = cfg
        self.mapping = _mapping(cfg)
        self.stem = _he_linear(cfg.w_dim, cfg.channels[0] * 16)
        n = len(cfg.classes)
        self.register_buffer("w_avg", torch.zeros(n, cfg.w_dim) if n else torch.zeros(cfg.w_dim))
        if n:
            self.embed = nn.Embedding(n, cfg.w_dim)
            # how often each class occurs in the training data: classes drawn for "any class" follow it
            self.register_buffer("class_freq", torch.ones(n) / n)

    def draw_classes(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor | None:
        """n class indices in the training data's proportions; None for an unconditional generator."""
        if not self.cfg.classes:
            return None
        return torch.multinomial(self.class_freq.cpu(), n, replacement=True, generator=generator).to(self.w_avg.device)

    def map(self, z: torch.Tensor, psi: float = 1.0, c: torch.Tensor | None = None) -> torch.Tensor:
        """z (B, z_dim) -> w (B, w_dim). c: class indices (B,) of a conditional generator; drawn when None."""
        if self.cfg.classes:
            c = self.draw_classes(len(z)) if c is None else c.to(self.w_avg.device)
            z = torch.cat([unit_rms(z), unit_rms(self.embed(c))], dim=1)  # equal say for both
            avg = self.w_avg[c]
        else:
            avg = self.w_avg
        w = self.mapping(z)
        return avg + psi * (w - avg) if psi != 1.0 else w

    def set_synthesis(self, synthesis: nn.Sequential) -> None:
        """The subclass's layers after the stem, with their style layers when cfg.styles."""
        self.synthesis = synthesis
        if self.cfg.styles:
            self.styles = style_layers(synthesis, self.cfg.w_dim)

    def features(self, w: torch.Tensor) -> torch.Tensor:
        x = nn.functional.leaky_relu(self.stem(w).view(-1, self.cfg.channels[0], 4, 4), 0.2)  # (B, C, 4, 4)
        return styled(self.synthesis, self.styles, x, w) if self.cfg.styles else self.synthesis(x)

    def synthesize(self, w: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, z: torch.Tensor, psi: float = 1.0, c: torch.Tensor | None = None) -> torch.Tensor:
        return self.synthesize(self.map(z, psi, c))


def in_chunks(z: torch.Tensor, c: torch.Tensor | None, size: int) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
    """(z, c) in chunks of `size` rows, for sampling many at once; c stays None for an unconditional GAN."""
    for i in range(0, len(z), size):
        yield z[i:i + size], None if c is None else c[i:i + size]


def sample_zc(gen: nn.Module, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor | None]:
    """n z and, for a conditional GAN, n classes (as often as its data holds them; else None), on the
    generator's device, both drawn from `generator`, so the same seed gives the same samples."""
    z = torch.randn(n, gen.cfg.z_dim, generator=generator).to(gen.w_avg.device)
    return z, gen.draw_classes(n, generator) if getattr(gen.cfg, "classes", ()) else None


def sample_w(gen: nn.Module, n: int, generator: torch.Generator) -> torch.Tensor:
    """n sampled w (psi 1) of a genimg or converted StyleGAN2 generator; a conditional one's of classes it drew."""
    z, c = sample_zc(gen, n, generator)
    return gen.map(z) if c is None else gen.map(z, 1.0, c)


def seed_class(gen: MappedGenerator, seed: int) -> torch.Tensor | None:
    """The class a seed draws when the user asked for any class (None for an unconditional GAN)."""
    return gen.draw_classes(1, torch.Generator().manual_seed(seed))


def seeds_zc(gen: MappedGenerator, seeds: Iterable[int]) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The z (N, z_dim) and classes (None for an unconditional GAN) of these seeds, as the app draws each seed
    when the user asked for any class."""
    seeds = list(seeds)
    z = torch.cat([seed_z(s, gen.cfg.z_dim) for s in seeds])
    return z, torch.cat([seed_class(gen, s) for s in seeds]) if gen.cfg.classes else None


class Generator(MappedGenerator):
    """z (B, z_dim) -> image in [-1, 1] (B, 3, R, R), drawn in pixels."""

    def __init__(self, cfg: GANConfig = GANConfig()) -> None:
        assert 4 * 2 ** (len(cfg.channels) - 1) == cfg.resolution, "channels must reach the resolution"
        super().__init__(cfg)
        self.set_synthesis(_synthesis(cfg.channels))

    def synthesize(self, w: torch.Tensor) -> torch.Tensor:
        return self.features(w)


class MinibatchStd(nn.Module):
    """Append the batch's mean feature std as a channel (ProGAN), so D can see a lack of variety."""

    def __init__(self, group: int = 4) -> None:
        super().__init__()
        self.group = group

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        g = min(self.group, b) if b % min(self.group, b) == 0 else 1
        y = x.view(g, -1, c, h, w)
        # the std with an epsilon inside the root (StyleGAN2's form): R1's second derivative through a bare
        # std() is NaN where a group's features are equal (common under bf16's rounding), and reached every weight
        y = ((y - y.mean(dim=0)).square().mean(dim=0) + 1e-8).sqrt().mean(dim=[1, 2, 3])  # (B/g,)
        y = y.view(-1, 1, 1, 1).repeat(g, 1, h, w)
        return torch.cat([x, y], dim=1)


class Discriminator(nn.Module):
    """Image (B, 3, R, R) -> real/fake logit (B,). No normalisation: R1 regularises it.

    Twice the generator's width at each scale (at least 32): a D weaker than G lets G
    collapse to one image. Each scale downsamples first, then convolves at the lower
    resolution, which keeps the full-resolution work small."""

    def __init__(self, cfg: GANConfig = GANConfig(), in_channels: int = 3) -> None:
        super().__init__()
        ch = [min(max(2 * c, 32), 256) for c in cfg.channels[::-1]]
        layers: list[nn.Module] = [nn.Conv2d(in_channels, ch[0], 1), nn.LeakyReLU(0.2)]
        for c_in, c_out in zip(ch[:-1], ch[1:]):
            layers += [nn.Conv2d(c_in, c_out, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
                       nn.Conv2d(c_out, c_out, 3, padding=1), nn.LeakyReLU(0.2)]
        layers += [MinibatchStd(), nn.Conv2d(ch[-1] + 1, ch[-1], 3, padding=1), nn.LeakyReLU(0.2)]
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(ch[-1] * 16, 1)
        if cfg.classes:  # projection discriminator (Miyato & Koyama 2018); zero: starts unconditional
            self.project = nn.Embedding(len(cfg.classes), ch[-1] * 16)
            nn.init.zeros_(self.project.weight)

    def forward(self, x: torch.Tensor, c: torch.Tensor | None = None) -> torch.Tensor:
        h = self.features(x).flatten(1)
        out = self.head(h).squeeze(1)
        return out + (self.project(c) * h).sum(1) if c is not None else out
