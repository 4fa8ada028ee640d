"""VAE training: MSE reconstruction + a small KL, so reconstructions stay sharp."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..models.directions import pca, save_directions
from ..models.tensors import to_images
from ..models.vae import ConvVAE, VAEConfig, kl_divergence
from ..models.weights import save_model
from ..imaging import image_grid
from . import TrainUsageError
from .distributed import average_gradients
from .finetune import load_start
from .checkpoints import load_optimizer
from .loop import TrainOptions
from .metrics import reconstruction_figures, reconstruction_how
from .settings import VAE_SETTINGS

DEFAULT_KL_WEIGHT = 1e-3  # per latent dimension, relative to per-pixel MSE
N_DIRECTIONS = 16


def vae_config(opts: TrainOptions) -> VAEConfig:
    """The VAE config for these options; each channel entry after the first halves the latent side."""
    try:
        cfg = VAEConfig(resolution=opts.resolution,
                        channels=tuple(int(c) for c in opts.extra.get("channels", (32, 64, 128))),
                        latent_channels=int(opts.extra.get("latent_channels", 4)))
    except (TypeError, ValueError) as e:
        raise TrainUsageError(f"bad VAE setting ({e}); e.g. --set channels=[32,64,128]") from None
    if not cfg.channels or min(cfg.channels) < 1 or cfg.latent_channels < 1:
        raise TrainUsageError("VAE channels and latent_channels must be positive, e.g. --set channels=[32,64,128]")
    if any(c % min(8, c) for c in cfg.channels):  # GroupNorm uses 8 groups
        raise TrainUsageError(f"VAE channels must be multiples of 8 (or under 8), not {list(cfg.channels)}")
    # a 1x1 latent grid leaves GroupNorm one value a group, which it cannot normalise
    if cfg.resolution % 2 ** (len(cfg.channels) - 1) or cfg.latent_shape[1] < 2:
        raise TrainUsageError(f"{len(cfg.channels)} channel entries halve {cfg.resolution}px too often; use fewer")
    return cfg


class VAERecipe:
    kind = "vae"
    settings = VAE_SETTINGS  # what --set may change

    def __init__(self, opts: TrainOptions, device: torch.device) -> None:
        self.device = device
        self.net = ConvVAE(vae_config(opts)).to(device)
        try:
            self.kl_weight = float(opts.extra.get("kl_weight", DEFAULT_KL_WEIGHT))
        except (TypeError, ValueError) as e:
            raise TrainUsageError(f"bad VAE setting ({e}); e.g. --set kl_weight=0.001") from None
        self.opt = torch.optim.AdamW(self.net.parameters(), lr=opts.lr or 1e-3, weight_decay=0.0)
        self.new_lr = opts.lr is not None
        self.preview: torch.Tensor | None = None

    def cached_inputs(self, images: torch.Tensor) -> torch.Tensor | None:
        """Nothing to precompute: the VAE learns from the pixels themselves."""
        return None

    def step(self, batch: torch.Tensor, step: int, labels: torch.Tensor | None = None) -> dict[str, float]:
        # labels: always None (the command refuses --labels for a VAE, which is unconditional)
        if self.preview is None:
            self.preview = batch[:8].detach().clone()
        self.net.train()
        recon, mean, logvar = (t.float() for t in self.net(batch))  # the losses in fp32 under bf16 autocast
        mse = (recon - batch).pow(2).mean()
        kl = kl_divergence(mean, logvar) / mean[0].numel()
        loss = mse + self.kl_weight * kl
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        average_gradients(self.net.parameters())
        self.opt.step()
        return {"mse": mse.item(), "kl": kl.item()}

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        self.net.eval()
        return torch.cat([self.net.decode(self.net.encode(c.to(self.device))[0]).cpu() for c in x.split(256)])

    def evaluate(self, held_out: torch.Tensor) -> dict[str, float]:
        return reconstruction_figures(self.reconstruct(held_out), held_out)

    @staticmethod  # asked of the class too, before the images are split (holdout.spared_by_default)
    def unmeasured(images: int) -> str:
        """One held-out image is enough for PSNR and SSIM."""
        return ""

    too_few = unmeasured  # the held-out images serve its figures alone (holdout.spared_by_default)

    def score(self, figures: dict[str, float]) -> float | None:
        """--keep-best ranks a VAE by its held-out PSNR."""
        return figures.get("held_out_psnr_db")

    def describe_score(self, score: float) -> str:
        """score() as the --keep-best lines say it: "score 9.3400" said neither what was measured nor how."""
        return f"held-out PSNR {score:.2f} dB"

    def samples(self) -> np.ndarray:
        """Originals (top) over reconstructions (bottom), a column each: a folder of 6 images (or a batch of 6) laid
        8 to a row put 2 reconstructions beside the originals and the other 4 under them."""
        recon = self.reconstruct(self.preview.cpu())
        return image_grid(list(to_images(self.preview)) + list(to_images(recon)), len(self.preview))

    def state(self) -> dict:
        return {"net": self.net.state_dict(), "opt": self.opt.state_dict(),
                "preview": self.preview if self.preview is not None else torch.zeros(0)}

    def init_from(self, folder: Path) -> tuple[dict, str]:
        """Start from a VAE folder (--init)."""
        start = load_start(folder, self.net)
        self.net.load_state_dict(start["state"])
        return start["card"], "encoder and decoder"

    def load_state(self, state: dict) -> None:
        self.net.load_state_dict(state["net"])
        load_optimizer(self.opt, state["opt"], self.new_lr)
        self.preview = state["preview"].to(self.device) if state["preview"].numel() else None

    @torch.no_grad()
    def export(self, out: Path, card: dict, train: torch.Tensor, held_out: torch.Tensor,
               measured: dict[str, float], unmeasured: str = "") -> dict:
        self.net.eval()
        if self.preview is None:  # stopped before the first step
            self.preview = train[:8].to(self.device)
        if len(held_out) and unmeasured and not measured:  # a stop left them out (the loop's log said so)
            metrics = {"held_out_images": len(held_out), "held_out": f"not measured: {unmeasured}"}
        elif len(held_out):
            training = card["training"]
            how = reconstruction_how(len(held_out), training["images"], self.net.cfg.resolution, training["seed"])
            figures = measured or self.evaluate(held_out)  # as logged
            metrics = {**figures, "held_out_images": len(held_out), "how": how}
        else:  # under 10 images: nothing held out, and PSNR of nothing would be NaN (invalid JSON)
            metrics = {"held_out_images": 0}
        card = {**card, "kind": "vae", "metrics": metrics,
                "objective": {"reconstruction": "mse", "kl_weight_per_dim": self.kl_weight}}
        save_model(out, self.net.cpu(), card)
        self.net.to(self.device)
        means = torch.cat([self.net.encode(c.to(self.device))[0].cpu() for c in train.split(256)])
        save_directions(out, pca(means.flatten(1), N_DIRECTIONS))
        return metrics
