"""Quality of the bundled (or any) models on the held-out split of their training folder.

    python benchmarks/model_quality.py --data DATA_DIR [--vae weights/emoji-vae] [--gan weights/emoji-gan]
        [--labels DATA_DIR/labels.csv --label-column category]

VAE: held-out PSNR and SSIM of reconstructions (the split is rebuilt from the
seed and hold-out size recorded in the VAE's card; none when DATA_DIR is not the
folder the VAE trained on). GAN: improved precision and recall (Kynkäänniemi et
al. 2019, k=3) of samples against its training images (its own card's split),
with features = the VAE's latent means (no downloaded feature network), with
the same figures for as many other training images for scale (k=3 at this
sample size keeps even real images well below 1); and a grid of samples beside
their nearest training images in pixel space, to show the GAN does not just copy.
A conditional GAN, given --labels: for each class, how often its samples' nearest
training image (same features) is of that class, beside the same figure for
held-out real images (the ceiling), and how varied its samples are: the mean
distance between two of them over that between two of its training images (1: as
varied as the data; near 0: the class collapsed to one image). --draw: every sample as
the app draws a seed that way (seed_draws.py; default own, plain); skip-mixtures,
each z the first steady one of its own 16 draws (models/mixtures.py); refine, each z refined
by the GAN's own discriminator (models/refine.py).
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from genimg_gui import seed_draws
from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.imaging import image_grid, save_png
from genimg_gui.models.gan import in_chunks, seed_z
from genimg_gui.models.mixtures import DRAWS, steady_draw
from genimg_gui.models.refine import read_discriminator, refine
from genimg_gui.models.tensors import as_pixels, to_images
from genimg_gui.models.weights import load_model
from genimg_gui.train.data import FolderData, load_folder, recorded_split
from genimg_gui.train.labels import with_labels
from genimg_gui.train.metrics import class_variety, nearest_label_agreement, precision_recall, reconstruction_figures


@torch.inference_mode()
def vae_features(vae, x: torch.Tensor) -> torch.Tensor:
    return torch.cat([vae.encode(c)[0].flatten(1) for c in x.split(256)])


@torch.inference_mode()
def evaluate_vae(vae, held: torch.Tensor) -> dict:
    recon = torch.cat([vae.decode(vae.encode(c)[0]) for c in held.split(256)])
    return {**reconstruction_figures(recon, held), "held_out_images": len(held)}


@dataclass(frozen=True)
class Sampling:
    """How each z becomes a sample: as the app draws a seed (seed_draws.py)."""
    draw: str = seed_draws.OWN  # skip-mixtures: each z the first steady one of DRAWS, the rest seeded by its row
    judge: torch.nn.Module | None = None  # the GAN's discriminator, which refine needs


@torch.no_grad()  # not inference_mode: Refine takes gradients through the generator
def draw(gan, z: torch.Tensor, c: torch.Tensor | None, psi: float, sampling: Sampling = Sampling()) -> torch.Tensor:
    """Images of these z (and classes), drawn as `sampling` says."""
    if sampling.draw == seed_draws.REFINE:  # each z refined alone (models/refine.py), so chunks do not matter
        z = torch.cat([refine(gan, sampling.judge, zs, psi, cs) for zs, cs in in_chunks(z, c, 250)])
    if sampling.draw != seed_draws.SKIP_MIXTURES:
        return torch.cat([gan(zs, psi, cs) for zs, cs in in_chunks(z, c, 250)])
    w = []
    for i, zi in enumerate(z):
        others = torch.randn(DRAWS - 1, gan.cfg.z_dim, generator=torch.Generator().manual_seed(i))
        w.append(steady_draw(gan, torch.cat([zi[None], others]), psi, None if c is None else int(c[i])))
    return torch.cat([gan.synthesize(ws) for ws in torch.cat(w).split(250)])


@torch.no_grad()
def evaluate_gan(gan, vae, train: torch.Tensor, n: int, out: Path | None, sampling: Sampling = Sampling()) -> dict:
    """Figures without truncation (psi 1, the usual way to report them), at the app's default psi,
    and for as many other training images: the ceiling a perfect generator would reach here."""
    gen = torch.Generator().manual_seed(123)
    z = torch.randn(n // 250 * 250, gan.cfg.z_dim, generator=gen)
    order = torch.randperm(len(train), generator=gen)  # the same reference images for every GAN
    c = gan.draw_classes(len(z), gen)  # a conditional GAN's classes, as often as its training data holds them
    real = vae_features(vae, train[order[:n]])
    samples = {psi: draw(gan, z, c, psi, sampling) for psi in (1.0, DEFAULT_PSI)}
    result: dict = {"samples": len(z)} | real_ceiling(vae, real, train[order[n:2 * n]])
    for psi, fake in samples.items():
        precision, recall = precision_recall(real, vae_features(vae, fake))
        suffix = "" if psi == 1.0 else f"_psi{psi:g}"
        result |= {f"precision_k3_vae_latent{suffix}": round(precision, 3),
                   f"recall_k3_vae_latent{suffix}": round(recall, 3)}
    if out is not None:
        save_png(nearest_neighbour_grid(samples[1.0][:8], train), out, scale=2)
        result["nearest_neighbour_grid"] = str(out)
    return result


@torch.no_grad()
def evaluate_classes(gan, vae, data: FolderData, split: tuple[torch.Tensor, torch.Tensor], labels: str,
                     column: str, per_class: int = 200, sampling: Sampling = Sampling()) -> dict:
    """Per class, how often a sample lands nearest a training image of its class (k=1, VAE latent means),
    at psi 1 and the app's default psi, and how often a held-out real image does: the ceiling; and, at psi 1,
    how varied its samples are against its training images (class_variety: near 0 for a collapsed class)."""
    labelled, _ = with_labels(data, labels, column)
    name_of = dict(zip(labelled.files, (labelled.classes[k] for k in labelled.labels.tolist())))
    index = {name: k for k, name in enumerate(gan.cfg.classes)}
    label = torch.tensor([index.get(name_of.get(f), -1) for f in data.files])  # -1: no label the GAN knows
    train_idx, held_idx = (idx[label[idx] >= 0] for idx in split)
    images = data.images.permute(0, 3, 1, 2)  # a view: (N, 3, R, R) uint8
    ref, ref_labels = vae_features(vae, as_pixels(images[train_idx])), label[train_idx]
    n = len(gan.cfg.classes)
    c = torch.arange(n).repeat_interleave(per_class)
    z = torch.cat([seed_z(s, gan.cfg.z_dim) for s in range(len(c))])
    queries = {"real_images": (vae_features(vae, as_pixels(images[held_idx])), label[held_idx])}
    for psi in (1.0, DEFAULT_PSI):
        fake = draw(gan, z, c, psi, sampling)
        queries[f"psi{psi:g}"] = (vae_features(vae, fake), c)
    result = {}
    for name, (feats, truth) in queries.items():
        result[name] = by_class(gan.cfg.classes, nearest_label_agreement(ref, ref_labels, feats, truth, n))
    variety = class_variety(*queries["psi1"], ref, ref_labels, n)
    return {"class_agreement_nn1_vae_latent": result,
            "class_variety_vae_latent_psi1": by_class(gan.cfg.classes, variety)
            | {"min": round(float(np.nanmin(variety)), 3)}}


def by_class(classes: tuple[str, ...], values: list[float]) -> dict:
    return {"mean": round(float(np.nanmean(values)), 3)} | {cls: round(v, 3) for cls, v in zip(classes, values)}


def real_ceiling(vae, real: torch.Tensor, others: torch.Tensor) -> dict:
    """Precision/recall of other real images against the same reference: neither reaches 1 with k=3
    at this sample size, so a generator's figures read against these, not against 1."""
    if len(others) < len(real):
        return {}  # too few training images for a disjoint set of the same size
    precision, recall = precision_recall(real, vae_features(vae, others))
    return {"precision_k3_vae_latent_real_images": round(precision, 3),
            "recall_k3_vae_latent_real_images": round(recall, 3)}


def nearest_neighbour_grid(samples: torch.Tensor, train: torch.Tensor, k: int = 3) -> np.ndarray:
    """Each row: a sample, then its k nearest training images (pixel L2)."""
    d = torch.cdist(samples.flatten(1), train.flatten(1))
    nearest = d.topk(k, largest=False).indices
    rows = [im for s, idx in zip(samples, nearest) for im in to_images(torch.cat([s[None], train[idx]]))]
    return image_grid(rows, k + 1)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"))
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    p.add_argument("--samples", type=int, default=2000)
    p.add_argument("--grid", type=Path, default=Path("assets/gan_nearest_neighbours.png"))
    p.add_argument("--json", type=Path, help="also write the figures here")
    p.add_argument("--labels", help="a conditional GAN's labels file (as given to genimg train --labels)")
    p.add_argument("--label-column", default="label")
    p.add_argument("--per-class", type=int, default=200, help="samples of each class for the class figures")
    p.add_argument("--draw", choices=seed_draws.DRAWS, default=seed_draws.OWN,
                   help="samples as the app draws seeds so (default %(default)s: the generator's plain samples, "
                        "as the figures recorded before the app refined by default)")
    args = p.parse_args()
    t0 = time.perf_counter()
    vae, card = load_model(args.vae)
    data = load_folder(args.data, card["resolution"])
    images = data.images.permute(0, 3, 1, 2)  # a view: (N, 3, R, R) uint8
    figures = {}
    if len(data) == card["training"]["images"]:  # the VAE's own folder: its split is known
        figures["vae"] = evaluate_vae(vae, as_pixels(images[recorded_split(data, card)[1]]))
    else:
        print(f"no VAE figures: {args.data} is not the folder {args.vae} trained on")
    if args.gan.is_dir():
        gan, gan_card = load_model(args.gan)
        split = recorded_split(data, gan_card)  # emoji-gan's is its VAE's; emoji-faces-gan's, its own
        refining = args.draw == seed_draws.REFINE
        sampling = Sampling(args.draw, read_discriminator(args.gan, gan) if refining else None)
        if refining and sampling.judge is None:
            raise SystemExit(f"--draw refine: {args.gan} holds no discriminator")
        figures["gan"] = evaluate_gan(gan, vae, as_pixels(images[split[0]]), args.samples, args.grid, sampling)
        if args.labels and gan.cfg.classes:
            figures["gan"] |= evaluate_classes(gan, vae, data, split, args.labels, args.label_column,
                                               args.per_class, sampling)
    print(json.dumps(figures, indent=2))
    print(f"({time.perf_counter() - t0:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
