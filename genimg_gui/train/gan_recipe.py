"""GAN training for small data: non-saturating loss, lazy R1, EMA generator, DiffAugment."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..holdout import MIN_HELD_OUT
from ..imaging import image_grid
from ..models.directions import pca, save_directions
from ..models.gan import Discriminator, GANConfig, Generator, MappedGenerator, sample_zc
from ..models.tensors import to_images
from ..models.weights import save_model
from . import TrainUsageError
from .augment import AugmentChance, diff_augment
from .distributed import average_gradients, mean_across_processes
from .lecam import LeCam
from .finetune import D_WARMUP_STEPS, load_discriminator, load_start, save_discriminator
from .checkpoints import load_optimizer
from .loop import TrainOptions
from .settings import GAN_SETTINGS

N_DIRECTIONS = 16
R1_EVERY = 4  # lazy regularisation (StyleGAN2): R1 on every 4th D step, scaled up to match
WIDTHS = (256, 256, 128, 64, 32, 16, 8)  # default channels at 4, 8, 16, ... px (64px: GANConfig's default)


def gan_config(opts: TrainOptions) -> GANConfig:
    """The generator config for these options; channels need one entry per scale from 4px up."""
    scales = (opts.resolution // 4).bit_length()  # 4, 8, ..., resolution
    try:
        ch = tuple(int(c) for c in opts.extra.get("channels", WIDTHS[:scales]))
        cfg = GANConfig(resolution=opts.resolution, channels=ch, classes=tuple(opts.extra.get("classes", ())),
                        z_dim=int(opts.extra.get("z_dim", 128)), w_dim=int(opts.extra.get("w_dim", 128)),
                        styles=bool(opts.extra.get("styles", False)))
    except (TypeError, ValueError) as e:
        raise TrainUsageError(f"bad GAN setting ({e}); e.g. --set channels=[256,256,128,64,32]") from None
    if len(ch) != scales or min(ch) < 1 or min(cfg.z_dim, cfg.w_dim) < 1:
        example = ",".join(str(c) for c in WIDTHS[:scales])
        raise TrainUsageError(f"a {opts.resolution}px GAN needs {scales} positive channel entries (at 4px, 8px, ..., "
                              f"{opts.resolution}px), e.g. --set channels=[{example}]")
    return cfg


@torch.no_grad()
def set_w_avg(g: MappedGenerator, n: int = 10_000) -> torch.Tensor:
    """Set the generator's truncation centre, w_avg (one per class for a conditional GAN), from n sampled w,
    and return them (the PCA directions are theirs; classes drawn as often as the data holds them)."""
    gen = torch.Generator().manual_seed(1)
    z, c = sample_zc(g, n, gen)
    ws = g.map(z, c=c)
    if c is None:
        g.w_avg.copy_(ws.mean(0))
        return ws
    for k in range(len(g.cfg.classes)):  # a class the draw missed gets a mean of its own
        mine = ws[c == k] if (c == k).any() else g.map(torch.randn(100, g.cfg.z_dim, generator=gen),
                                                       c=torch.full((100,), k))
        g.w_avg[k] = mine.mean(0)
    return ws


def default_ema(batch_size: int) -> float:
    """The generator EMA's decay a step: 0.999 at batch 32, and the same decay per image at any other batch
    (StyleGAN's ema_kimg), so the EMA always averages over the last ~22,000 images; 0.999 a step at batch 256
    would average over ~177,000 and trail a short run far behind. batch_size: the images a step trains on, which
    the training loop gives as opts.batch_size (data.batch_used: 6 on 6 images at --batch-size 32)."""
    return 0.999 ** (batch_size / 32)


def same_class_pairs(c: torch.Tensor | None) -> torch.Tensor | None:
    """The classes of a batch whose second half repeats the first, so sample i and i + n // 2 share one
    (the batch's mix of classes stays as the data's); None for an unconditional GAN."""
    return None if c is None else torch.cat([c[:len(c) // 2], c[:len(c) - len(c) // 2]])


def mode_seeking_loss(fake: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """MSGAN's term (Mao et al. 2019): how much less the pairs (i, i + n // 2) differ than their z do, inverted,
    so that it is large when the generator ignores z. A conditional GAN can draw one image for a whole class
    and still fool a discriminator whose minibatch std sees batches of mixed classes; the pairs share a class
    (same_class_pairs), so this sees it. 1 / ratio fades as the outputs spread out."""
    half = len(fake) // 2
    spread = (fake[:half].float() - fake[half:2 * half].float()).abs().mean()
    return 1 / (spread / (z[:half] - z[half:2 * half]).abs().mean() + 1e-5)


# Settings that only mean something for a GAN drawing in a VAE's latent space (LatentGANRecipe), with why.
LATENT_ONLY = {
    "decoder_noise": "trains the decoder a latent GAN paints through",
    "decoder_gan": "trains the decoder a latent GAN paints through",
    "compose": "cuts a latent GAN's grids, where a cut decodes to one picture",
}


class GANRecipe:
    kind = "gan"
    settings = GAN_SETTINGS  # what --set changes

    def __init__(self, opts: TrainOptions, device: torch.device) -> None:
        self.device = device
        G, D = self.build(opts)
        self.G, self.D = G.to(device), D.to(device)
        self.class_counts = opts.extra.get("class_counts")
        self._set_class_freq()
        cfg = self.G.cfg
        self.G_ema = copy.deepcopy(self.G).eval().requires_grad_(False)
        # the settings' ranges were checked with --set (settings.ALLOWED)
        # StyleGAN2-ADA's heuristic 0.0002 * res^2 / batch gives ~0.03 at 64px/32; 0.5 kept D at chance
        self.r1_gamma = float(opts.extra.get("r1_gamma", 0.05))
        self.ema_beta = float(opts.extra.get("ema", default_ema(opts.batch_size)))
        # a slower mapping (and the class embedding feeding it) keeps w stable for the synthesis
        self.mapping_lr = float(opts.extra.get("mapping_lr", 0.1))
        # the discriminator's learning rate as a multiple of --lr (TTUR, Heusel et al. 2017)
        self.d_lr = float(opts.extra.get("d_lr", 1.0))
        # steps the discriminator trains alone after --init (None: D_WARMUP_STEPS if it starts fresh)
        self.d_warmup = int(opts.extra["d_warmup"]) if "d_warmup" in opts.extra else None
        # how often DiffAugment applies: 1 (always), a chance, or "auto" (adaptive, see AugmentChance)
        self.augment_chance = AugmentChance(opts.extra.get("augment_p", 1.0))
        # the weight of the mode-seeking term (0: none), against a class collapsing to one image
        self.mode_seeking = float(opts.extra.get("mode_seeking", 0.0))
        # the weight of LeCam's anchor on the discriminator's logits (0: none), against it learning the data
        self.lecam = LeCam(float(opts.extra.get("lecam", 0.0)))
        lr = opts.lr or 2e-4
        trained = [(name, p) for name, p in self.G.named_parameters() if p.requires_grad]  # not a frozen decoder
        mapping = ("mapping.", "embed.")
        self.opt_g = torch.optim.Adam([  # the rest in registration order (stem, synthesis, styles): resumable
            {"params": [p for name, p in trained if name.startswith(mapping)], "lr": lr * self.mapping_lr},
            {"params": [p for name, p in trained if not name.startswith(mapping)]},
        ], lr=lr, betas=(0.0, 0.99))
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr * self.d_lr, betas=(0.0, 0.99))
        self.new_lr = opts.lr is not None
        self.d_solo_until = 0  # the last step that trains the discriminator alone (see init_from)
        self.ema_ramp = True  # a young generator's EMA follows it closely at first; not a trained one's
        self.new_mapping_lr = "mapping_lr" in opts.extra
        self.new_d_lr = "d_lr" in opts.extra
        self.new_augment = "augment_p" in opts.extra
        self.new_mode_seeking = "mode_seeking" in opts.extra
        self.new_lecam = "lecam" in opts.extra
        self.fixed_z = torch.randn(32, cfg.z_dim, generator=torch.Generator().manual_seed(opts.seed)).to(device)
        # the sample grid of a conditional GAN: its classes in turn, so each row shows several
        self.fixed_c = torch.arange(32, device=device) % len(cfg.classes) if cfg.classes else None

    def _set_class_freq(self) -> None:
        """"Any class" draws classes as often as this run's training data holds them."""
        if self.G.cfg.classes:
            self.G.class_freq.copy_(torch.tensor(self.class_counts, dtype=torch.float32).clamp(min=1e-3))

    def build(self, opts: TrainOptions) -> tuple[torch.nn.Module, torch.nn.Module]:
        for name, why in LATENT_ONLY.items():
            if name in opts.extra:
                raise TrainUsageError(f"--set {name} {why}: add --latent-of VAE_DIR, or drop it")
        cfg = gan_config(opts)
        return Generator(cfg), Discriminator(cfg)

    def cached_inputs(self, images: torch.Tensor) -> torch.Tensor | None:
        """Nothing to precompute: batches arrive as pixels (see LatentGANRecipe)."""
        return None

    # What the discriminator judges: pixels here, latent grids in LatentGANRecipe.
    def real_input(self, batch: torch.Tensor) -> torch.Tensor:
        return batch

    def fake_input(self, w: torch.Tensor) -> torch.Tensor:
        return self.G.synthesize(w)

    def augment(self, x: torch.Tensor) -> torch.Tensor:
        return diff_augment(x)

    def _z(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.G.cfg.z_dim, device=self.device)

    def _fake_classes(self, labels: torch.Tensor | None) -> torch.Tensor | None:
        """Classes for a batch of fakes, as often as the real batch holds them."""
        return None if labels is None else labels[torch.randperm(len(labels), device=labels.device)]

    def step(self, batch: torch.Tensor, step: int, labels: torch.Tensor | None = None) -> dict[str, float]:
        n = batch.shape[0]
        # discriminator
        c_fake = self._fake_classes(labels)
        with torch.no_grad():
            fake = self.fake_input(self.G.map(self._z(n), c=c_fake))
        real = self.real_input(batch).detach().requires_grad_(step % R1_EVERY == 0)
        real_logits, fake_logits = self._judge(real, labels), self._judge(fake, c_fake)
        d_loss = F.softplus(fake_logits).mean() + F.softplus(-real_logits).mean()
        anchored = self.lecam.penalty(real_logits, fake_logits, mean_across_processes) if self.lecam.weight else None
        if anchored is not None:
            d_loss = d_loss + anchored
        if real.requires_grad:
            (grad,) = torch.autograd.grad(real_logits.sum(), real, create_graph=True)
            d_loss = d_loss + 0.5 * self.r1_gamma * R1_EVERY * grad.pow(2).flatten(1).sum(1).mean()
        self.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        average_gradients(self.D.parameters())
        self.opt_d.step()
        self.augment_chance.observe(real_logits, mean_across_processes)
        shown = {"aug_p": self.augment_chance.p} if self.augment_chance.adaptive else {}
        if anchored is not None:
            shown["lc"] = anchored.item()
        if step <= self.d_solo_until:
            return {"d": d_loss.item(), **shown}
        return {"d": d_loss.item(), **self._generator_step(n, labels, step), **shown}

    def _generator_step(self, n: int, labels: torch.Tensor | None, step: int) -> dict[str, float]:
        c_fake = self._fake_classes(labels)
        if self.mode_seeking:
            c_fake = same_class_pairs(c_fake)
        z = self._z(n)
        fake = self.fake_input(self.G.map(z, c=c_fake))
        g_loss = F.softplus(-self._judge(fake, c_fake)).mean()
        losses = {"g": g_loss.item()}
        if self.mode_seeking:
            ms = mode_seeking_loss(fake, z)
            g_loss = g_loss + self.mode_seeking * ms
            losses["ms"] = ms.item()
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        average_gradients(self.G.parameters())
        self.opt_g.step()
        self._update_ema(step)
        return losses

    def _judge(self, x: torch.Tensor, c: torch.Tensor | None) -> torch.Tensor:
        """The discriminator's logits for x as it sees it (augmented), in fp32: under bf16 autocast the losses
        would otherwise be rounded to 3 significant digits."""
        return self.D(self._augment(x), c).float()

    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        """What the discriminator sees of x: augmented with the run's chance (every image by default)."""
        return self.augment_chance.apply(x, self.augment)

    @torch.no_grad()
    def _update_ema(self, step: int) -> None:
        beta = min(self.ema_beta, (1 + step) / (10 + step)) if self.ema_ramp else self.ema_beta
        for p_ema, p in zip(self.G_ema.parameters(), self.G.parameters()):
            p_ema.lerp_(p, 1 - beta)
        for b_ema, b in zip(self.G_ema.buffers(), self.G.buffers()):
            b_ema.copy_(b)

    @torch.no_grad()
    def samples(self) -> np.ndarray:
        return image_grid(list(to_images(self.G_ema(self.fixed_z, c=self.fixed_c))), 8)

    def evaluate(self, held_out: torch.Tensor) -> dict[str, float]:
        """No figures for a pixel GAN: it has no feature space to compare samples in (a latent GAN has its VAE's,
        see latent_gan_recipe.py); benchmarks/model_quality.py measures a finished model with a VAE's."""
        return {}

    @staticmethod
    def unmeasured(images: int) -> str:
        """A pixel GAN measures no figures however many images are held out. They are held out all the same:
        benchmarks/discriminator_accuracy.py judges them, images the discriminator never saw, against samples."""
        return ("not measured while a GAN draws in pixels (no feature space to compare its samples with them in; "
                "benchmarks/discriminator_accuracy.py judges them with its discriminator)")

    @staticmethod  # asked of the class, before the images are split (holdout.spared_by_default)
    def too_few(images: int) -> str:
        """Why this many held-out images are too few for benchmarks/discriminator_accuracy.py, which judges them
        against as many samples: under MIN_HELD_OUT its accuracy means nothing, as a latent GAN's precision/recall."""
        if images >= MIN_HELD_OUT:
            return ""
        return (f"too few for benchmarks/discriminator_accuracy.py's accuracy to mean anything (it needs "
                f"{MIN_HELD_OUT} or more)")

    def held_out_metrics(self, held_out: torch.Tensor, measured: dict[str, float], unmeasured: str = "") -> dict:
        """The card's metrics: a pixel GAN measures none while it trains, so the card says so and where to look."""
        return {"held_out": "not measured: a GAN drawing in pixels has no feature space to compare its samples "
                            "with the held-out images in (benchmarks/model_quality.py measures one in a VAE's)"}

    def score(self, figures: dict[str, float]) -> float | None:
        """--keep-best ranks a GAN by the harmonic mean of its held-out precision and recall (a latent GAN's;
        a pixel GAN reports none): high only when samples are both like the data and cover it."""
        p, r = figures.get("held_out_precision_k3"), figures.get("held_out_recall_k3")
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    def describe_score(self, score: float) -> str:
        """score() as the --keep-best lines say it, what it is of (0 to 1, higher is better)."""
        return f"held-out F1 of precision and recall {score:.3f}"

    def objective(self) -> dict:
        return {"loss": "non-saturating", "r1_gamma": self.r1_gamma, "ema": self.ema_beta,
                "mapping_lr": self.mapping_lr, "d_lr": self.d_lr, "mode_seeking": self.mode_seeking,
                "lecam": self.lecam.weight,
                "augment": f"DiffAugment colour,translation,cutout, {self.augment_chance.describe()}"}

    def state(self) -> dict:
        return {"G": self.G.state_dict(), "D": self.D.state_dict(), "G_ema": self.G_ema.state_dict(),
                "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(), "ema_ramp": self.ema_ramp,
                "augment": self.augment_chance.state(), "d_solo_until": self.d_solo_until,
                "mode_seeking": self.mode_seeking, "lecam": self.lecam.state()}

    def init_from(self, folder: Path) -> tuple[dict, str]:
        """Start from a GAN folder (--init): its generator, and its discriminator when it kept one."""
        start = load_start(folder, self.G)
        for g in (self.G, self.G_ema):  # load_state_dict copies into the tensors already on self.device
            g.load_state_dict(start["state"])
        self._set_class_freq()  # this run's data, not the model's
        # the model is already an average worth keeping: a ramped EMA would copy the noisier raw generator
        # (on emoji-gan it dropped the held-out precision from 0.56 to 0.40 in 500 steps)
        self.ema_ramp = False
        grown = start["grown_from"]
        kept_d = load_discriminator(folder, self.D, other_widths=bool(grown))
        self.d_solo_until = self.d_warmup if self.d_warmup is not None else 0 if kept_d else D_WARMUP_STEPS
        if kept_d:
            loaded = "generator and discriminator"
        elif grown:  # the discriminator's widths follow the generator's
            loaded = "generator (its discriminator starts afresh, as wide as the grown generator needs)"
        else:
            loaded = "generator; its folder kept no discriminator"
        if grown:
            loaded += f"; grown from channels {list(grown)} to {list(self.G.cfg.channels)}, drawing as it drew"
        if start["merged_classes"]:
            loaded += f"; this run has no labels, so its {start['merged_classes']} classes are merged into one"
        if start["added_classes"]:
            loaded += f"; it had no classes, so an embedding of this run's {start['added_classes']} is added"
        solo = f"; the discriminator trains alone for the first {self.d_solo_until} steps" if self.d_solo_until else ""
        return start["card"], loaded + solo

    def load_state(self, state: dict) -> None:
        for name in ("G", "D", "G_ema"):
            getattr(self, name).load_state_dict(state[name])
        self.ema_ramp = bool(state.get("ema_ramp", True))  # older checkpoints: runs from scratch
        # a run stopped while its discriminator trained alone goes on alone up to the same step
        self.d_solo_until = int(state.get("d_solo_until", 0))
        # like the learning rates: the run's own unless given anew; "auto" given again (the same command line
        # resumed) goes on from where its chance got to, as restarting it at 0 unleashed a memorising
        # discriminator for hundreds of steps
        saved = state.get("augment")
        if saved and (not self.new_augment or (self.augment_chance.adaptive and saved["adaptive"])):
            self.augment_chance = AugmentChance.from_state(saved)
        if not self.new_mode_seeking:
            self.mode_seeking = float(state.get("mode_seeking", 0.0))
        if "lecam" in state:  # its averages go on; a weight given anew on --resume takes effect
            self.lecam = LeCam.from_state(state["lecam"], self.lecam.weight if self.new_lecam else None)
        load_optimizer(self.opt_g, state["opt_g"], self.new_lr)
        load_optimizer(self.opt_d, state["opt_d"], self.new_lr)
        # the multiples of the learning rate: like --lr, given on a resumed run they take effect, else the run's stay
        was_mapping, was_synthesis = state["opt_g"]["param_groups"]
        if not self.new_mapping_lr:
            self.mapping_lr = round(was_mapping["lr"] / was_synthesis["lr"], 6)
        if not self.new_d_lr:
            self.d_lr = round(state["opt_d"]["param_groups"][0]["lr"] / was_synthesis["lr"], 6)
        mapping, synthesis = self.opt_g.param_groups
        mapping["lr"] = synthesis["lr"] * self.mapping_lr
        self.opt_d.param_groups[0]["lr"] = synthesis["lr"] * self.d_lr

    @torch.no_grad()
    def export(self, out: Path, card: dict, train: torch.Tensor, held_out: torch.Tensor,
               measured: dict[str, float], unmeasured: str = "") -> dict:
        # before the generator leaves the device it was evaluated on
        metrics = self.held_out_metrics(held_out, measured, unmeasured)
        g = self.G_ema.cpu()
        ws = set_w_avg(g)
        save_model(out, g, {**card, "kind": "gan", "metrics": metrics, "objective": self.objective()})
        save_directions(out, pca(ws, N_DIRECTIONS))
        save_discriminator(out, self.D)  # for fine-tuning with --init; the app never reads it
        self.G_ema.to(self.device)
        return metrics
