"""A StyleGAN2 generator written from the paper (Karras et al. 2020, "Analyzing and Improving
the Image Quality of StyleGAN"), laid out so that the state dict of a StyleGAN2-ADA network
pickle (its `G_ema`) loads with strict=True. Only the "skip" generator; unconditional, or conditional on a
one-hot class label (c_dim > 0) as StyleGAN2-ADA's MappingNetwork embeds it.

Equations: weight demodulation (paper eq. 1-3) as one grouped convolution per batch;
equalized learning rate (weights scaled at run time by lr_multiplier / sqrt(fan_in));
upsampling as a stride-2 transposed convolution followed by the [1, 3, 3, 1] FIR low-pass;
skip architecture: rgb = upsample(rgb) + torgb(x) at every resolution.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import unit_rms

ACT_GAIN = math.sqrt(2.0)  # keeps unit variance through leaky ReLU(0.2) (He et al.)
FIR_TAPS = (1.0, 3.0, 3.0, 1.0)
# A conditional pickle's truncation centre per class: the mean w of this many z of the class. The estimate strays
# from the class's true mean by about 1/sqrt(2000) = 2 % of a sample's distance from it, the picture of ψ 0.02 (two
# of the ψ slider's steps), unseen; mapping them takes a fraction of a second at full size (8 layers of 512), once
# per class (benchmarks/class_average.py). The fixed seed makes the same pickle draw the same picture every time.
CLASS_AVG_SAMPLES = 2000
CLASS_AVG_SEED = 0


@dataclass(frozen=True)
class StyleGAN2Config:
    z_dim: int = 512
    w_dim: int = 512
    c_dim: int = 0
    img_resolution: int = 256
    img_channels: int = 3
    channel_base: int = 32768
    channel_max: int = 512
    num_mapping_layers: int = 8
    mapping_lr_multiplier: float = 0.01
    architecture: str = "skip"
    conv_clamp: float | None = None
    use_noise: bool = True

    def __post_init__(self) -> None:
        res = self.img_resolution
        if res < 4 or res & (res - 1):
            raise ValueError(f"img_resolution must be a power of two >= 4, not {res}")
        if self.z_dim < 1 or self.w_dim < 1:
            raise ValueError(f"z_dim and w_dim must be positive, not {self.z_dim} and {self.w_dim}")
        if self.channels(res) < 1:  # the widths only shrink as the resolution grows: the last layer's is the least
            raise ValueError(f"channel_base {self.channel_base} and channel_max {self.channel_max} leave no channels "
                             f"at img_resolution {res} (channel_base // img_resolution, at most channel_max)")
        if not 0 < self.mapping_lr_multiplier < math.inf:  # 0 scaled every w to the same one: one picture for all z
            raise ValueError(f"the mapping's lr_multiplier must be a positive number, not {self.mapping_lr_multiplier}")
        if self.c_dim < 0:
            raise ValueError(f"c_dim must be 0 (unconditional) or a number of classes, not {self.c_dim}")
        if self.architecture != "skip":
            raise ValueError(f"only the 'skip' architecture is supported, not {self.architecture!r}")
        if self.img_channels not in (1, 3):
            raise ValueError(f"img_channels must be 1 or 3, not {self.img_channels}")

    @property
    def resolution(self) -> int:
        return self.img_resolution

    @property
    def latent_shape(self) -> tuple[int]:
        return (self.w_dim,)

    @property
    def classes(self) -> tuple[str, ...]:
        """A conditional generator's class names, as the app and the CLI offer them. A pickle records only how many
        classes its labels had, not what they were, so they are numbered as its one-hot label's positions."""
        return tuple(f"class {i}" for i in range(self.c_dim))

    def channels(self, res: int) -> int:
        return min(self.channel_base // res, self.channel_max)

    def to_dict(self) -> dict:
        # the card's config names the classes, as a genimg GAN's does: the window and the CLI read them there
        return {**asdict(self), "classes": list(self.classes)}

    @classmethod
    def from_dict(cls, d: dict) -> "StyleGAN2Config":
        clamp = d.get("conv_clamp")
        return cls(z_dim=int(d["z_dim"]), w_dim=int(d["w_dim"]), c_dim=int(d.get("c_dim", 0)),
                   img_resolution=int(d["img_resolution"]), img_channels=int(d.get("img_channels", 3)),
                   channel_base=int(d.get("channel_base", 32768)), channel_max=int(d.get("channel_max", 512)),
                   num_mapping_layers=int(d.get("num_mapping_layers", 8)),
                   mapping_lr_multiplier=float(d.get("mapping_lr_multiplier", 0.01)),
                   architecture=str(d.get("architecture", "skip")),
                   conv_clamp=None if clamp is None else float(clamp), use_noise=bool(d.get("use_noise", True)))


def fir_filter(taps: tuple[float, ...] = FIR_TAPS) -> torch.Tensor:
    """Separable 2-D low-pass from 1-D taps, normalised to unit DC gain: (k, k)."""
    f = torch.tensor(taps, dtype=torch.float32)
    f = torch.outer(f, f)
    return f / f.sum()


def upfirdn2d(x: torch.Tensor, f: torch.Tensor, up: int = 1, down: int = 1,
              pad: tuple[int, int, int, int] = (0, 0, 0, 0), gain: float = 1.0) -> torch.Tensor:
    """Upsample by zero insertion, pad (x0, x1, y0, y1; negative crops), convolve every channel
    with the 2-D FIR filter f (a true convolution, hence the flip), keep every `down`-th pixel."""
    b, c, h, w = x.shape
    if up > 1:
        z = x.new_zeros(b, c, h * up, w * up)
        z[:, :, ::up, ::up] = x
        x = z
    x = F.pad(x, list(pad))
    k = (f * gain).flip([0, 1]).to(x.dtype)
    return F.conv2d(x, k.expand(c, 1, *k.shape), groups=c, stride=down)


def upsample2d(x: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    """x2 with the FIR filter: (B, C, H, W) -> (B, C, 2H, 2W). Gain 4 restores the mean
    that zero insertion divides by 4; pads centre the 4-tap filter on the new grid."""
    kw = f.shape[-1]
    return upfirdn2d(x, f, up=2, pad=((kw + 1) // 2, (kw - 2) // 2) * 2, gain=4.0)


def modulated_conv2d(x: torch.Tensor, weight: torch.Tensor, styles: torch.Tensor, demodulate: bool = True,
                     up: bool = False, f: torch.Tensor | None = None) -> torch.Tensor:
    """x (B, I, H, W), weight (O, I, k, k), styles (B, I) -> (B, O, H', W'), H' = 2H when `up`.

    Modulation scales the input channels of each sample's kernel (eq. 1); demodulation
    rescales each output channel to unit L2 norm (eq. 3). The batch goes into the channel
    axis so that one grouped convolution applies every sample's own kernel."""
    b, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wt = weight.unsqueeze(0) * styles.view(b, 1, c_in, 1, 1)  # (B, O, I, k, k)
    if demodulate:
        wt = wt * (wt.square().sum(dim=[2, 3, 4], keepdim=True) + 1e-8).rsqrt()
    x = x.reshape(1, b * c_in, h, w)
    if not up:
        x = F.conv2d(x, wt.reshape(b * c_out, c_in, k, k), padding=k // 2, groups=b)
    else:
        # A transposed conv takes (in, out/groups, k, k) per group; it gives 2H + k - 2 pixels,
        # and the FIR pads bring that to 2H (the filter is then centred as in upsample2d).
        wt = wt.transpose(1, 2).reshape(b * c_in, c_out, k, k)
        x = F.conv_transpose2d(x, wt, stride=2, groups=b)
        p0 = k // 2 + (f.shape[-1] + 1) // 2 - (k - 1)
        p1 = k // 2 + (f.shape[-1] - 2) // 2 - (k - 2)
        x = upfirdn2d(x, f, pad=(p0, p1, p0, p1), gain=4.0)
    return x.reshape(b, c_out, *x.shape[2:])


class FullyConnected(nn.Module):
    """Linear layer with equalized learning rate: weights stored at N(0, 1/lr_mul^2) and scaled
    by lr_mul / sqrt(fan_in) at run time, the bias by lr_mul."""

    def __init__(self, d_in: int, d_out: int, lr_multiplier: float = 1.0, bias_init: float = 0.0,
                 lrelu: bool = False) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(d_out, d_in) / lr_multiplier)
        self.bias = nn.Parameter(torch.full((d_out,), float(bias_init)))
        self.weight_gain = lr_multiplier / math.sqrt(d_in)
        self.bias_gain = lr_multiplier
        self.lrelu = lrelu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.linear(x, self.weight * self.weight_gain, self.bias * self.bias_gain)
        return F.leaky_relu(x, 0.2) * ACT_GAIN if self.lrelu else x


class MappingNetwork(nn.Module):
    """z (B, z_dim) [, one-hot class c (B, c_dim)] -> w (B, w_dim): normalise z's second moment (and the class's
    embedding's, concatenated after it), then an MLP (fc0, fc1, ...)."""

    def __init__(self, cfg: StyleGAN2Config) -> None:
        super().__init__()
        self.num_layers, self.c_dim = cfg.num_mapping_layers, cfg.c_dim
        if cfg.c_dim:
            # a plain linear layer at the usual learning rate: StyleGAN2-ADA slows only the fc layers
            self.embed = FullyConnected(cfg.c_dim, cfg.w_dim)
        for i in range(cfg.num_mapping_layers):
            d_in = cfg.z_dim + (cfg.w_dim if cfg.c_dim else 0) if i == 0 else cfg.w_dim
            self.add_module(f"fc{i}", FullyConnected(d_in, cfg.w_dim, cfg.mapping_lr_multiplier, lrelu=True))
        self.register_buffer("w_avg", torch.zeros(cfg.w_dim))

    def forward(self, z: torch.Tensor, c: torch.Tensor | None = None) -> torch.Tensor:
        x = unit_rms(z)  # StyleGAN2-ADA's normalize_2nd_moment: the same formula and epsilon
        if self.c_dim:
            x = torch.cat([x, unit_rms(self.embed(c))], dim=1)  # (B, z_dim + w_dim)
        for i in range(self.num_layers):
            x = getattr(self, f"fc{i}")(x)
        return x


class SynthesisLayer(nn.Module):
    """Modulated 3x3 conv (optionally upsampling x2), constant noise, bias, scaled leaky ReLU, clamp."""

    def __init__(self, c_in: int, c_out: int, cfg: StyleGAN2Config, res: int, up: bool = False) -> None:
        super().__init__()
        self.up, self.conv_clamp, self.use_noise = up, cfg.conv_clamp, cfg.use_noise
        self.affine = FullyConnected(cfg.w_dim, c_in, bias_init=1.0)  # styles start at 1: no modulation
        self.register_buffer("resample_filter", fir_filter())
        self.weight = nn.Parameter(torch.randn(c_out, c_in, 3, 3))
        if cfg.use_noise:
            # one fixed noise image per layer: the same w always gives the same picture
            self.register_buffer("noise_const", torch.randn(res, res))
            self.noise_strength = nn.Parameter(torch.zeros([]))
        self.bias = nn.Parameter(torch.zeros(c_out))

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        x = modulated_conv2d(x, self.weight, self.affine(w), up=self.up, f=self.resample_filter)
        if self.use_noise:
            x = x + self.noise_const * self.noise_strength
        x = F.leaky_relu(x + self.bias.view(1, -1, 1, 1), 0.2) * ACT_GAIN
        return x.clamp(-self.conv_clamp, self.conv_clamp) if self.conv_clamp is not None else x


class ToRGB(nn.Module):
    """Modulated 1x1 conv to image channels, no demodulation; styles carry the 1/sqrt(fan_in) gain."""

    def __init__(self, c_in: int, cfg: StyleGAN2Config) -> None:
        super().__init__()
        self.conv_clamp = cfg.conv_clamp
        self.affine = FullyConnected(cfg.w_dim, c_in, bias_init=1.0)
        self.weight = nn.Parameter(torch.randn(cfg.img_channels, c_in, 1, 1))
        self.bias = nn.Parameter(torch.zeros(cfg.img_channels))
        self.weight_gain = 1.0 / math.sqrt(c_in)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        x = modulated_conv2d(x, self.weight, self.affine(w) * self.weight_gain, demodulate=False)
        x = x + self.bias.view(1, -1, 1, 1)
        return x.clamp(-self.conv_clamp, self.conv_clamp) if self.conv_clamp is not None else x


class SynthesisBlock(nn.Module):
    """One resolution: (const | upsampling conv0), conv1, and its RGB added to the upsampled image."""

    def __init__(self, c_in: int, c_out: int, cfg: StyleGAN2Config, res: int) -> None:
        super().__init__()
        self.register_buffer("resample_filter", fir_filter())
        if c_in == 0:
            self.const = nn.Parameter(torch.randn(c_out, res, res))
        else:
            self.conv0 = SynthesisLayer(c_in, c_out, cfg, res, up=True)
        self.conv1 = SynthesisLayer(c_out, c_out, cfg, res)
        self.torgb = ToRGB(c_out, cfg)

    def forward(self, x: torch.Tensor | None, img: torch.Tensor | None,
                w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if x is None:
            x = self.const.unsqueeze(0).expand(w.shape[0], -1, -1, -1)  # (B, C, 4, 4)
        else:
            x = self.conv0(x, w)
        x = self.conv1(x, w)
        rgb = self.torgb(x, w)
        img = rgb if img is None else upsample2d(img, self.resample_filter) + rgb
        return x, img


class SynthesisNetwork(nn.Module):
    """w (B, w_dim), the same at every layer -> image (B, img_channels, R, R)."""

    def __init__(self, cfg: StyleGAN2Config) -> None:
        super().__init__()
        self.resolutions = [2 ** i for i in range(2, int(math.log2(cfg.img_resolution)) + 1)]
        for res in self.resolutions:
            c_in = cfg.channels(res // 2) if res > 4 else 0
            self.add_module(f"b{res}", SynthesisBlock(c_in, cfg.channels(res), cfg, res))

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        x = img = None
        for res in self.resolutions:
            x, img = getattr(self, f"b{res}")(x, img, w)
        return img


class StyleGAN2Generator(nn.Module):
    """z (B, z_dim) -> w (B, w_dim) -> image (B, 3, R, R), roughly in [-1, 1].

    The same interface as models.gan.MappedGenerator: mapping, map (with truncation
    towards w_avg), synthesize, forward, and for a conditional one draw_classes and map's class
    indices c. A conditional one truncates each class towards its own mean w, as a genimg GAN does: the
    pickle's one w_avg lies between the classes, so at ψ 0 every class drew that one picture. The pickle keeps
    no mean per class, so class_w_avg estimates each the first time it is drawn."""

    def __init__(self, cfg: StyleGAN2Config = StyleGAN2Config()) -> None:
        super().__init__()
        self.cfg = cfg
        self.mapping = MappingNetwork(cfg)
        self.synthesis = SynthesisNetwork(cfg)
        # class index -> its estimated mean w: filled as classes are drawn, as a pickle may have thousands
        self._class_w_avg: dict[int, torch.Tensor] = {}

    @property
    def w_avg(self) -> torch.Tensor:
        return self.mapping.w_avg

    def draw_classes(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor | None:
        """n class indices, each as likely (the pickle keeps no class frequencies); None when unconditional."""
        if not self.cfg.c_dim:
            return None
        return torch.randint(self.cfg.c_dim, (n,), generator=generator).to(self.w_avg.device)

    def map(self, z: torch.Tensor, psi: float = 1.0, c: torch.Tensor | None = None) -> torch.Tensor:
        """z (B, z_dim) -> w (B, w_dim). c: a conditional generator's class indices (B,); drawn when None."""
        label = None
        if self.cfg.c_dim:
            c = self.draw_classes(len(z)) if c is None else c.to(self.w_avg.device)
            label = F.one_hot(c.long(), self.cfg.c_dim).to(z.dtype)  # the label StyleGAN2-ADA trains on
        w = self.mapping(z, label)
        if psi == 1.0:
            return w
        avg = self.w_avg if label is None else self.class_w_avg(c).to(w)
        return avg + psi * (w - avg)

    def class_w_avg(self, c: torch.Tensor) -> torch.Tensor:
        """(B, w_dim): each class's mean w for class indices c (B,), a class's estimated from CLASS_AVG_SAMPLES
        seeded z the first time it is asked for, then kept."""
        for k in set(c.tolist()) - self._class_w_avg.keys():
            self._class_w_avg[k] = self._estimate_class_w_avg(k)
        return torch.stack([self._class_w_avg[k].to(self.w_avg.device) for k in c.tolist()])  # after set_device

    def _estimate_class_w_avg(self, k: int) -> torch.Tensor:
        device = self.w_avg.device
        # not an inference tensor even when asked under inference_mode: a later draw may take gradients
        with torch.inference_mode(False), torch.no_grad():
            seeded = torch.Generator().manual_seed(CLASS_AVG_SEED)  # on the CPU: the same z on every device
            z = torch.randn(CLASS_AVG_SAMPLES, self.cfg.z_dim, generator=seeded)
            label = F.one_hot(torch.full((CLASS_AVG_SAMPLES,), k), self.cfg.c_dim).float()
            return self.mapping(z.to(device), label.to(device)).mean(0)

    def synthesize(self, w: torch.Tensor) -> torch.Tensor:
        img = self.synthesis(w)
        return img.expand(-1, 3, -1, -1) if img.shape[1] == 1 else img  # greyscale models

    def forward(self, z: torch.Tensor, psi: float = 1.0, c: torch.Tensor | None = None) -> torch.Tensor:
        return self.synthesize(self.map(z, psi, c))


