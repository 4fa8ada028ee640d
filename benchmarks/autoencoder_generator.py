"""Would the GAN's generator draw sharper emoji if it first learned as an autoencoder's decoder?

    python benchmarks/autoencoder_generator.py --data DATA --labels DATA/labels.csv --label-column category
        --out RUN [--init weights/emoji-gan] [--minutes 45] [--beta 0.02] [--map-steps 3000]

The adversarial generator stopped improving (weights/emoji-gan/TRAINING.md, "Going on for longer did
not help"), and a regression loss trains more steadily on a CPU. So this tries the two-stage way (GLO,
Bojanowski et al. 2018; the two-stage VAE, Dai & Wipf 2019) in emoji-gan's own network, so that
the result opens in the app like any GAN folder:
1. an encoder maps each training image's emoji-vae latent grid to a w (VAE-style: a mean and a
   variance, KL weight --beta, through the mapping's own LeakyReLU), and the generator (from --init's
   weights, or fresh) learns to redraw the normalised grid from that w (mean squared error);
2. the mapping (z and the category -> w) then learns, adversarially against a small MLP discriminator
   with R1, to draw ws as the encoder gives them for the training images.
It prints the held-out PSNR/SSIM of the generator's redraws through the VAE's decoder beside the VAE's
own reconstructions (what a single w loses), and writes RUN/model (a genimg GAN folder; judge it with
model_quality.py and blind_test.py), RUN/redraws.png (held-out images above their redraws) and
RUN/samples.png (seeds 5000-5031 at psi 1, then at the app's default psi).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.imaging import image_grid, save_png
from genimg_gui.models.latent_gan import LatentGANConfig, LatentGenerator
from genimg_gui.models.tensors import as_pixels, to_images
from genimg_gui.models.vae import kl_divergence
from genimg_gui.models.weights import load_model, save_model
from genimg_gui.train.data import load_folder, recorded_split
from genimg_gui.train.gan_recipe import set_w_avg
from genimg_gui.train.labels import with_labels
from genimg_gui.train.metrics import reconstruction_figures

from blind_test import gan_samples  # beside this script in benchmarks/: the blind test's seeds and classes

LOGVAR_RANGE = (-12.0, 4.0)  # keeps exp() finite in the first steps


class Encoder(nn.Module):
    """Normalised latent grid (B, C, 16, 16) -> (mean, log-variance) of w's pre-activation, each (B, w_dim)."""

    def __init__(self, channels: int, w_dim: int, width: int = 64) -> None:
        super().__init__()
        w1, w2, w3 = width, 2 * width, 4 * width
        self.net = nn.Sequential(
            nn.Conv2d(channels, w1, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(w1, w2, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(w2, w2, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(w2, w3, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(w3, w3, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.LazyLinear(2 * w_dim))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(*LOGVAR_RANGE)


def as_w(pre: torch.Tensor) -> torch.Tensor:
    """The encoder's output as a w: through the LeakyReLU the mapping network ends in, so both give the
    generator the same kind of input."""
    return F.leaky_relu(pre, 0.2)


def posterior_w(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return as_w(mean + torch.randn_like(mean) * (0.5 * logvar).exp())


class WDiscriminator(nn.Module):
    """w (B, w_dim) and class (B,) -> logit; projection conditioning, as the GAN's own discriminator."""

    def __init__(self, w_dim: int, classes: int, hidden: int = 512) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(w_dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                  nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2))
        self.head = nn.Linear(hidden, 1)
        self.project = nn.Embedding(classes, hidden)
        nn.init.zeros_(self.project.weight)

    def forward(self, w: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        h = self.body(w)
        return self.head(h).squeeze(1) + (self.project(c) * h).sum(1)


def build_generator(vae, classes: tuple[str, ...], init: Path | None, train_latents: torch.Tensor) -> LatentGenerator:
    """The generator to train: --init's (its latent statistics kept), or a fresh one of the release's size."""
    if init is not None:
        G, _ = load_model(init)
        if tuple(G.cfg.classes) != classes:
            raise SystemExit(f"--init {init} has classes {G.cfg.classes}, the labels give {classes}")
        return G.train()
    G = LatentGenerator(LatentGANConfig(resolution=vae.cfg.resolution, vae=vae.cfg, classes=classes))
    G.decoder.load_state_dict(vae.decoder.state_dict())
    G.latent_mean.copy_(train_latents.mean(dim=(0, 2, 3), keepdim=True))
    G.latent_std.copy_(train_latents.std(dim=(0, 2, 3), keepdim=True))
    return G


def normalised(G: LatentGenerator, latents: torch.Tensor) -> torch.Tensor:
    return (latents - G.latent_mean) / G.latent_std


def train_autoencoder(G: LatentGenerator, E: Encoder, grids: torch.Tensor, args) -> dict:
    """Stage 1 for args.minutes (or args.ae_steps): E and the synthesis (not the mapping, not the decoder)."""
    E(grids[:1])  # materialise the lazy layer before the optimiser sees it
    params = [*E.parameters(), *G.stem.parameters(), *G.synthesis.parameters()]
    opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.99))
    draw = torch.Generator().manual_seed(0)
    t0, step = time.perf_counter(), 0
    while time.perf_counter() - t0 < args.minutes * 60 and step < args.ae_steps:
        x = grids[torch.randint(len(grids), (args.batch_size,), generator=draw)]
        mean, logvar = E(x)
        mse = F.mse_loss(G.features(posterior_w(mean, logvar)), x)
        opt.zero_grad(set_to_none=True)
        kl = kl_divergence(mean, logvar) / x[0].numel()  # per latent element, as the MSE is
        (mse + args.beta * kl).backward()
        opt.step()
        step += 1
        if step % 100 == 0:
            print(json.dumps({"step": step, "seconds": round(time.perf_counter() - t0), "mse": round(mse.item(), 4)}),
                  flush=True)
    seconds = time.perf_counter() - t0
    return {"steps": step, "seconds": round(seconds), "images_per_s": round(step * args.batch_size / seconds, 1)}


@torch.no_grad()
def encode(E: Encoder, grids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    parts = [E(chunk) for chunk in grids.split(512)]
    return torch.cat([m for m, _ in parts]), torch.cat([v for _, v in parts])


def train_mapping(G: LatentGenerator, mean: torch.Tensor, logvar: torch.Tensor, labels: torch.Tensor, args) -> dict:
    """Stage 2: the mapping and the class embedding learn to draw ws like the encoder's posterior samples."""
    D = WDiscriminator(G.cfg.w_dim, len(G.cfg.classes))
    opt_g = torch.optim.Adam([*G.mapping.parameters(), *G.embed.parameters()], lr=args.map_lr, betas=(0.0, 0.99))
    opt_d = torch.optim.Adam(D.parameters(), lr=args.map_lr, betas=(0.0, 0.99))
    draw = torch.Generator().manual_seed(2)
    t0 = time.perf_counter()
    for _ in range(args.map_steps):
        idx = torch.randint(len(mean), (args.map_batch,), generator=draw)
        real, c = posterior_w(mean[idx], logvar[idx]).requires_grad_(True), labels[idx]
        z = torch.randn(len(idx), G.cfg.z_dim, generator=draw)
        d_real = D(real, c)
        r1, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
        d_loss = (F.softplus(D(G.map(z, 1.0, c).detach(), c)).mean() + F.softplus(-d_real).mean()
                  + args.r1_gamma / 2 * r1.pow(2).sum(1).mean())
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        g_loss = F.softplus(-D(G.map(z, 1.0, c), c)).mean()
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
    return {"steps": args.map_steps, "seconds": round(time.perf_counter() - t0),
            "last_d_loss": round(d_loss.item(), 3), "last_g_loss": round(g_loss.item(), 3)}


@torch.no_grad()
def redraw_figures(G: LatentGenerator, E: Encoder, vae, images: torch.Tensor, latents: torch.Tensor,
                   out: Path) -> dict:
    """Held-out PSNR/SSIM of the generator's redraws (through w, the encoder's mean) and of the VAE's own
    reconstructions, and a grid: the images above their redraws."""
    mean, _ = encode(E, normalised(G, latents))
    redraws = torch.cat([G.synthesize(as_w(m)) for m in mean.split(256)])
    own = torch.cat([vae.decode(lat) for lat in latents.split(256)])
    save_png(image_grid(list(to_images(torch.cat([images[:16], redraws[:16]]))), 16), out, scale=2)
    return {"generator_redraws": reconstruction_figures(redraws, images),
            "vae_reconstructions": reconstruction_figures(own, images)}


def card_of(args: argparse.Namespace, vae_card: dict, figures: dict) -> dict:
    """The result's model card: the data and licence the VAE's card records, and this script's options."""
    data = {k: vae_card["training"][k] for k in ("data", "licence") if k in vae_card.get("training", {})}
    options = {k: str(v) for k, v in vars(args).items()}
    return {"name": args.out.name, "kind": "gan", "metrics": figures,
            "training": {**data, "command": "python benchmarks/autoencoder_generator.py", "options": options}}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--labels", required=True, help="the labels file the GAN's classes come from")
    p.add_argument("--label-column", default="label")
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"))
    p.add_argument("--init", type=Path, help="start the generator from this GAN folder (else fresh)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--minutes", type=float, default=45.0, help="of stage 1")
    p.add_argument("--ae-steps", type=int, default=10**9, help="stop stage 1 after this many steps too")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--beta", type=float, default=0.02, help="KL weight, per latent element")
    p.add_argument("--map-steps", type=int, default=3000)
    p.add_argument("--map-batch", type=int, default=256)
    p.add_argument("--map-lr", type=float, default=2e-4)
    p.add_argument("--r1-gamma", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vae, vae_card = load_model(args.vae)
    vae.eval().requires_grad_(False)
    data, _ = with_labels(load_folder(args.data, vae.cfg.resolution), args.labels, args.label_column)
    train_idx, held_idx = recorded_split(data, vae_card)
    images = as_pixels(data.images.permute(0, 3, 1, 2))
    with torch.no_grad():
        latents = torch.cat([vae.encode(chunk)[0] for chunk in images.split(256)])
    G = build_generator(vae, data.classes, args.init, latents[train_idx])
    E = Encoder(latents.shape[1], G.cfg.w_dim)
    grids = normalised(G, latents[train_idx])
    figures = {"autoencoder": train_autoencoder(G, E, grids, args)}
    args.out.mkdir(parents=True, exist_ok=True)
    figures |= redraw_figures(G, E, vae, images[held_idx], latents[held_idx], args.out / "redraws.png")
    figures["mapping"] = train_mapping(G, *encode(E, grids), data.labels[train_idx], args)
    counts = torch.bincount(data.labels[train_idx], minlength=len(data.classes)).float()
    G.class_freq.copy_(counts / counts.sum())
    set_w_avg(G)
    G.eval()
    save_model(args.out / "model", G, card_of(args, vae_card, figures))
    rows = [im for psi in (1.0, DEFAULT_PSI) for im in gan_samples(args.out / "model", 32, psi)]
    save_png(image_grid(rows, 8), args.out / "samples.png", scale=2)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
