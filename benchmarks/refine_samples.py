"""What refining samples with the GAN's discriminator (models/refine.py) costs and changes.

    python benchmarks/refine_samples.py [--gan weights/emoji-faces-gan] [--seeds 200] [--psi 0.7]
        [--steps 30] [--data FACES [--grid PNG]]

Per seed, through the app's Runtime: the median time to map a seed plain and refined; the discriminator's
median logit for the plain and the refined samples (the energy the steps descend); how far z moved. With
--data (the GAN's training folder): does refining copy? The median RMS pixel distance (0-255) from a sample
to its nearest training image, plain and refined, and the share nearer than 10, beside the held-out images
and the training images drawn back through the GAN's decoder (skip_mixtures.py's measures). --grid writes the
first 12 seeds: plain (top), refined (middle), and the training image nearest each refined one (bottom).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import image_grid, save_png
from genimg_gui.models import refine
from genimg_gui.models.gan import seed_class, seed_z
from genimg_gui.models.weights import read_card
from genimg_gui.train.data import load_folder, recorded_split
from skip_mixtures import nearest, round_trip, timed


def logit(rt: Runtime, seed: int, z: torch.Tensor, psi: float) -> float:
    gen, judge = rt.model("gan").net, rt.discriminator()
    c = seed_class(gen, seed)
    with torch.inference_mode():
        return float(judge(refine.judged_input(gen, gen.map(z.to(rt.device), psi, c)), c))


def copying(args: argparse.Namespace, rt: Runtime, plain: np.ndarray, refined: np.ndarray) -> None:
    card = read_card(args.gan)
    folder = load_folder(args.data, card["resolution"])
    train, held = (folder.images[idx].numpy() for idx in recorded_split(folder, card))
    if card["training"].get("options", {}).get("mirror"):
        train = np.concatenate([train, train[:, :, ::-1]])  # it learnt the mirrored faces too
    d_plain, (d_refined, index) = nearest(plain, train)[0], nearest(refined, train)
    drawn_back = nearest(round_trip(args.vae, rt, train), train)[0]
    print(f"nearest training image, median RMS pixel distance: plain {np.median(d_plain):.1f}, refined "
          f"{np.median(d_refined):.1f}, held-out images {np.median(nearest(held, train)[0]):.1f}, training images "
          f"drawn back through the GAN's decoder {np.median(drawn_back):.1f}")
    print(f"samples nearer a training image than 10: plain {np.mean(d_plain < 10):.0%}, "
          f"refined {np.mean(d_refined < 10):.0%}")
    if args.grid is not None:
        save_png(image_grid([*plain[:12], *refined[:12], *train[index[:12]]], 12), args.grid, scale=2)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-faces-gan"))
    p.add_argument("--seeds", type=int, default=200)
    p.add_argument("--psi", type=float, default=DEFAULT_PSI)
    p.add_argument("--steps", type=int, default=refine.STEPS)
    p.add_argument("--device", default="auto")
    p.add_argument("--data", type=Path, help="the GAN's training folder: also measure how near samples sit to it")
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"), help="the VAE a latent GAN draws in")
    p.add_argument("--grid", type=Path, help="with --data: plain, refined and nearest training images")
    args = p.parse_args()
    refine.STEPS = args.steps
    rt = Runtime(args.device)
    rt.load(str(args.gan), lambda *_: None)
    z_dim = rt.model("gan").net.cfg.z_dim
    images, times, logits, moved = {"plain": [], "refined": []}, {"plain": [], "refined": []}, [], []
    for seed in range(args.seeds):
        for name, on in (("plain", False), ("refined", True)):
            w, t = timed(lambda: rt.map_seed(seed, args.psi, refine=on))
            times[name].append(t)
            images[name].append(rt.decode("gan", w))
        z = seed_z(seed, z_dim)
        z_refined = rt.refined_z(seed, args.psi)
        logits.append((logit(rt, seed, z, args.psi), logit(rt, seed, z_refined, args.psi)))
        moved.append(float((z_refined.cpu() - z).norm()))
    med = {k: 1000 * float(np.median(v)) for k, v in times.items()}
    before, after = np.median(np.array(logits), axis=0)
    print(f"{args.gan} on {rt.device}, psi {args.psi}, seeds 0-{args.seeds - 1}, {args.steps} steps")
    print(f"map a seed: {med['plain']:.1f} ms plain, {med['refined']:.1f} ms refined (medians)")
    print(f"discriminator logit, median: plain {before:.2f}, refined {after:.2f}; z moved {np.median(moved):.2f} "
          f"(|z| about {np.sqrt(z_dim):.1f})")
    if args.data:
        copying(args, rt, np.stack(images["plain"]), np.stack(images["refined"]))


if __name__ == "__main__":
    main()
