"""GAN training in a VAE's latent space: `genimg train gan DIR --latent-of VAE_DIR`.

The discriminator judges the VAE encoder's latent grids (normalised per channel)
against the generator's; the generator ships with a copy of the VAE's decoder.
Same losses, R1, EMA and mapping network as the pixel GAN; of DiffAugment only
translation and cutout, which mean the same on a latent grid as on an image. With --set decoder_noise=σ
the decoder copy also learns to draw the training images from their grids with noise of up to σ std
(decoder_denoising.py), and with --set decoder_gan=λ also to draw the generator's grids past a pixel
discriminator (decoder_adversary.py). With --set compose=p, a share p of the real grids the discriminator
sees are composites of two similar training images (augment.composed).
"""
from __future__ import annotations

from pathlib import Path

import torch

from ..holdout import MIN_HELD_OUT
from ..earlier_run import typed_setting
from ..models.gan import Discriminator, in_chunks, sample_zc
from ..models.latent_gan import LatentGANConfig, LatentGenerator, same_decoder
from ..models.tensors import as_pixels
from ..models.weights import ModelFileError, load_model
from ..models.vae import ConvVAE
from ..wording import counted
from . import TrainError, TrainUsageError
from .augment import composed, latent_augment
from .decoder_adversary import DecoderAdversary, pixel_discriminator
from .decoder_denoising import DecoderDenoising
from .distributed import mean_across_processes, processes
from .gan_recipe import GANRecipe
from .checkpoints import load_optimizer
from .loop import TrainOptions
from .metrics import precision_recall

EVAL_SAMPLES = 512  # per held-out evaluation: a few seconds on a CPU
NEIGHBOURS = 3  # the k of precision/recall, as in benchmarks/model_quality.py
# MIN_HELD_OUT lives in holdout.py, where the Train… dialog reads it too (no torch there)
WIDEST = 256  # the generator's channels at its 4 px stem; each doubling of the grid after it halves them


def default_channels(side: int) -> tuple[int, ...]:
    """The generator's channels for a latent grid of this side: one entry per doubling from 4 px up to it,
    8 -> (256, 128), 16 -> (256, 128, 64) (the bundled models'), 32 -> (256, 128, 64, 32)."""
    return tuple(max(WIDEST >> i, 8) for i in range((side // 4).bit_length()))


def generator_channels(extra: dict, latent_side: int) -> tuple[int, ...]:
    """--set channels, or the default for the VAE's latent grid; refused (a usage error) when they cannot reach
    that grid, or when the grid is one no generator can draw (under 4 px, or not 4 px doubled)."""
    if latent_side < 4 or latent_side & (latent_side - 1):
        raise TrainUsageError(f"the --latent-of VAE's latent grid is {latent_side}x{latent_side}: a latent GAN "
                              "draws grids of 4px doubled (4, 8, 16, ...); train the VAE with fewer channel entries")
    default = default_channels(latent_side)
    channels = tuple(extra.get("channels", default))
    if len(channels) != len(default):
        example = ",".join(map(str, default))
        raise TrainUsageError(f"--set {typed_setting('channels', list(channels))}: a latent GAN needs one entry per "
                              f"scale from 4px up to the VAE's {latent_side}x{latent_side} latent grid "
                              f"({len(default)}), e.g. --set channels=[{example}]")
    return channels


class LatentGANRecipe(GANRecipe):
    def __init__(self, opts: TrainOptions, device: torch.device) -> None:
        super().__init__(opts, device)
        lr = self.opt_g.param_groups[1]["lr"]  # the synthesis's: the run's --lr
        # the pixel discriminator learns at d_lr times --lr, as the latent one does
        adversary = (DecoderAdversary(pixel_discriminator(opts.resolution).to(device), self.decoder_gan,
                                      lr * self.d_lr) if self.decoder_gan else None)
        self.denoising = (DecoderDenoising(self.G.decoder, self.decoder_noise, lr, adversary)
                          if self.decoder_noise else None)

    def build(self, opts: TrainOptions) -> tuple[torch.nn.Module, torch.nn.Module]:
        try:
            vae, vae_card = load_model(Path(opts.extra["latent_of"]))
        except (KeyError, ModelFileError) as e:
            raise TrainError(f"--latent-of needs a genimg VAE folder ({e})") from None
        if not isinstance(vae, ConvVAE) or vae.cfg.resolution != opts.resolution:
            raise TrainError(f"--latent-of must be a VAE of this resolution ({opts.resolution}px)")
        self.vae = vae.to(self.device).requires_grad_(False)
        # for the card's "how": its path (options.latent_of) would be long and name the trainer's home folder
        self.vae_name = str(vae_card.get("name") or Path(opts.extra["latent_of"]).resolve().name)
        # the ranges, and decoder_gan's need of decoder_noise, were checked with --set (settings.py)
        self.decoder_noise = float(opts.extra.get("decoder_noise", 0.0))
        self.trained_decoder_noise = self.decoder_noise  # the most noise the decoder copy has learned to ignore
        self.decoder_gan = float(opts.extra.get("decoder_gan", 0.0))
        self.trained_decoder_gan = self.decoder_gan  # the adversarial weight the decoder copy trained with
        self.compose = float(opts.extra.get("compose", 0.0))
        self.stats_ready = False
        cfg = LatentGANConfig(resolution=opts.resolution, vae=vae.cfg, classes=tuple(opts.extra.get("classes", ())),
                              channels=generator_channels(opts.extra, vae.cfg.latent_shape[1]),
                              z_dim=int(opts.extra.get("z_dim", 128)), w_dim=int(opts.extra.get("w_dim", 128)),
                              styles=bool(opts.extra.get("styles", False)))
        G = LatentGenerator(cfg)
        G.decoder.load_state_dict(vae.decoder.state_dict())
        return G, Discriminator(cfg, in_channels=cfg.vae.latent_channels)

    @torch.no_grad()
    def _encode(self, batch: torch.Tensor) -> torch.Tensor:
        return self.vae.encode(batch)[0]

    @torch.no_grad()
    def _set_latent_stats(self, latents: torch.Tensor) -> None:
        """Per-channel mean/std from the first batch (B x h x w samples per channel is plenty), all processes'
        shares of it together: from its own share each replica normalised its real latents apart, and rank 0
        wrote its own statistics. The shares are of one size (the command refuses a batch that does not split)."""
        mean = mean_across_processes(latents.mean(dim=(0, 2, 3), keepdim=True)).to(latents.device)
        spread = mean_across_processes((latents - mean).pow(2).mean(dim=(0, 2, 3), keepdim=True)).to(latents.device)
        n = processes() * latents[:, 0].numel()  # samples per channel, in all
        for g in (self.G, self.G_ema):
            g.latent_mean.copy_(mean)
            g.latent_std.copy_((spread * n / (n - 1)).sqrt())  # unbiased, as torch.std
        self.stats_ready = True

    @torch.no_grad()
    def cached_inputs(self, images: torch.Tensor) -> torch.Tensor | None:
        """These images' latent grids (un-normalised), which the loop keeps (inputs.py): the VAE is frozen and
        encodes to its mean, so a latent never changes, and encoding each batch afresh was a fifth of a step.
        None (batches of pixels) when the decoder trains: it learns to draw the images themselves."""
        if self.denoising:
            return None
        self.vae.eval()
        return torch.cat([self._encode(as_pixels(chunk.to(self.device))).cpu() for chunk in images.split(256)])

    def _latents(self, batch: torch.Tensor) -> torch.Tensor:
        """A batch's un-normalised latent grids: itself if cached_inputs made them, else its pixels encoded."""
        return batch if batch.shape[-1] != self.G.cfg.resolution else self._encode(batch)

    def real_input(self, batch: torch.Tensor) -> torch.Tensor:
        """The normalised latent grid of a batch of pixels or of latent grids."""
        latents = self._latents(batch)
        if not self.stats_ready:
            self._set_latent_stats(latents)
        return (latents - self.G.latent_mean) / self.G.latent_std

    def fake_input(self, w: torch.Tensor) -> torch.Tensor:
        return self.G.synthesize_latent(w)

    def step(self, batch: torch.Tensor, step: int, labels: torch.Tensor | None = None) -> dict[str, float]:
        if not self.denoising:
            return super().step(self._composed(self._latents(batch), labels), step, labels)
        grids = self._latents(batch)  # the pixels, encoded once for both the game and the decoder
        losses = super().step(self._composed(grids, labels), step, labels)
        losses.update(self.denoising.step(self.real_input(grids), batch, self.G.latent_mean, self.G.latent_std,
                                          self._decoder_fakes(len(batch), labels)))
        # the decoder is not averaged: a regression that trains steadily, and the EMA's 2,000-step memory would
        # hold back a short fine-tune of it (during --set d_warmup the EMA does not move at all)
        self.G_ema.decoder.load_state_dict(self.G.decoder.state_dict())
        return losses

    def _composed(self, grids: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        """The real grids the discriminator sees; the decoder copy still learns from the images' own."""
        return composed(grids, self.compose, labels) if self.compose else grids

    @torch.no_grad()
    def _decoder_fakes(self, n: int, labels: torch.Tensor | None) -> torch.Tensor | None:
        """The published generator's grids for the decoder's adversary to see drawn (None without one)."""
        if self.denoising.adversary is None:
            return None
        return self.G_ema.synthesize_latent(self.G_ema.map(self._z(n), c=self._fake_classes(labels)))

    def augment(self, x: torch.Tensor) -> torch.Tensor:
        return latent_augment(x)

    @torch.no_grad()
    def evaluate(self, held_out: torch.Tensor) -> dict[str, float]:
        """Precision/recall (k=3) of samples against held-out images, both as the VAE encodes them: the
        definition benchmarks/model_quality.py uses, on fewer samples; fewer points make wider neighbourhoods,
        so the figures run higher than the benchmark's (emoji-gan: about 0.5/0.4 here, 0.3/0.3 there)."""
        if len(held_out) < MIN_HELD_OUT:  # figures that would be noise (MIN_HELD_OUT)
            return {}
        self.vae.eval()
        real = torch.cat([self._encode(c.to(self.device)).flatten(1) for c in held_out.split(256)])
        z, c = sample_zc(self.G_ema, EVAL_SAMPLES, torch.Generator().manual_seed(7))
        fake = torch.cat([self._encode(self.G_ema(zs, 1.0, cs)).flatten(1) for zs, cs in in_chunks(z, c, 256)])
        precision, recall = precision_recall(real, fake, NEIGHBOURS)
        return {"held_out_precision_k3": round(precision, 3), "held_out_recall_k3": round(recall, 3)}

    @staticmethod  # asked of the class too, before the images are split (holdout.spared_by_default)
    def unmeasured(images: int) -> str:
        """Why evaluate() gives no figures for this many held-out images: too few to mean anything (MIN_HELD_OUT)."""
        if images >= MIN_HELD_OUT:
            return ""
        return f"too few for precision/recall to mean anything (they need {MIN_HELD_OUT} or more)"

    too_few = unmeasured  # the held-out images serve its figures alone (holdout.spared_by_default)

    def held_out_metrics(self, held_out: torch.Tensor, measured: dict[str, float], unmeasured: str = "") -> dict:
        """The card's metrics, as a VAE's card gives its PSNR: the evaluation the training log shows, of the
        model written, with what the figures are. measured: that evaluation, when the run made it at the step
        written (512 samples through the generator and the encoder again gave the same figures); unmeasured: why
        the run left it out (a stop), which the card then says."""
        if unmeasured and not measured:
            return {"held_out_images": len(held_out), "held_out": f"not measured: {unmeasured}"}
        figures = measured or self.evaluate(held_out)
        if not figures:  # too few held-out images to give each its neighbours: the card says so, as the log did
            why = (f"{counted(len(held_out), 'held-out image')}, {self.unmeasured(len(held_out))}"
                   if len(held_out) else "no images held out")
            return {"held_out_images": len(held_out), "held_out": f"not measured: {why}"}
        how = (f"nearest-neighbour precision/recall (Kynkaenniemi et al. 2019, k={NEIGHBOURS}) of {EVAL_SAMPLES} "
               f"samples at psi 1 against the {len(held_out)} held-out images, both encoded by the VAE {self.vae_name} "
               "(its latent means). Precision is the share of samples inside some held-out image's k-NN radius; "
               "recall is the share of held-out images inside some sample's k-NN radius.")
        return {**figures, "held_out_images": len(held_out), "how": how}

    def init_from(self, folder: Path) -> tuple[dict, str]:
        card, loaded = super().init_from(folder)
        # the model's decoder: the VAE's, or a copy trained with decoder_noise, which goes on from where it got to
        self.trained_decoder_noise = max(self.trained_decoder_noise,
                                         float(card.get("objective", {}).get("decoder_noise", 0.0)))
        self.trained_decoder_gan = self.decoder_gan or float(card.get("objective", {}).get("decoder_gan", 0.0))
        if not same_decoder(self.G.decoder.state_dict(), self.vae.decoder.state_dict()):
            raise TrainError(f"--init {folder} paints through another VAE's decoder than --latent-of's; "
                             "pass the VAE it was trained with")
        self.stats_ready = True  # the latent statistics came with the generator's buffers
        return card, loaded

    def load_state(self, state: dict) -> None:
        super().load_state(state)
        self.stats_ready = True  # the statistics are buffers in the checkpoint
        self.trained_decoder_noise = max(self.trained_decoder_noise, float(state.get("decoder_noise", 0.0)))
        self.trained_decoder_gan = self.decoder_gan or float(state.get("decoder_gan", 0.0))
        if self.denoising and "decoder_opt" in state:
            load_optimizer(self.denoising.opt, state["decoder_opt"], self.new_lr)
        if self.denoising and self.denoising.adversary and "decoder_adversary" in state:
            self.denoising.adversary.load_state(state["decoder_adversary"], self.new_lr)

    def state(self) -> dict:
        extra = {"decoder_opt": self.denoising.opt.state_dict()} if self.denoising else {}
        if self.denoising and self.denoising.adversary:
            extra["decoder_adversary"] = self.denoising.adversary.state()
        return {**super().state(), "decoder_noise": self.trained_decoder_noise,
                "decoder_gan": self.trained_decoder_gan, **extra}

    def objective(self) -> dict:
        settings = {"decoder_noise": self.trained_decoder_noise} if self.trained_decoder_noise else {}
        if self.trained_decoder_gan:
            settings["decoder_gan"] = self.trained_decoder_gan
        if self.compose:
            settings["compose"] = self.compose
        return {**super().objective(),
                "augment": f"DiffAugment translation,cutout on the latent grid, {self.augment_chance.describe()}",
                "space": "latent grid of the VAE whose decoder is included", **settings}
