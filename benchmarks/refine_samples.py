"""What refining samples with the GAN's discriminator (models/refine.py) costs and changes.

    python benchmarks/refine_samples.py [--gan weights/emoji-faces-gan] [--seeds 200] [--psi 0.7]
        [--steps 30] [--data FACES [--grid PNG]]

Per seed, through the app's Runtime: the median time to map a seed plain and to refine it (each seed refined
once); the discriminator's median logit for the plain and the refined samples (the energy the steps descend);
how far z moved. With --data (the GAN's training folder): does refining copy? The median RMS pixel distance
(0-255) from a sample to its nearest training image, plain and refined, and the share nearer than 10, beside
the held-out images and the training images drawn back through the GAN's decoder (skip_mixtures.py's
measures). --grid writes the first 12 seeds: plain (top), refined (middle), and the training image nearest
each refined one (bottom).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models import refine
from genimg_gui.models.gan import seed_class, seed_z
from skip_mixtures import copying, timed


@torch.no_grad()
def w_and_logit(rt: Runtime, seed: int, z: torch.Tensor, psi: float) -> tuple[np.ndarray, float]:
    """The w of this z of the seed (mapped in the seed's class, as Runtime.map_seed maps a refined z) and the
    discriminator's logit for its sample."""
    gen, judge = rt.model("gan").net, rt.discriminator()
    c = seed_class(gen, seed)
    w = gen.map(z.to(rt.device), psi, c)
    return w[0].float().cpu().numpy(), float(judge(refine.judged_input(gen, w), c))


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
        z = seed_z(seed, z_dim)
        _, t = timed(lambda: rt.map_seed(seed, args.psi))
        times["plain"].append(t)
        # refined once: its time, its w (what map_seed(..., draw="refine") returns) and how far it moved z
        z_refined, t = timed(lambda: rt.refined_z(seed, args.psi))
        times["refined"].append(t)
        (w_plain, before), (w_refined, after) = (w_and_logit(rt, seed, x, args.psi) for x in (z, z_refined))
        images["plain"].append(rt.decode("gan", w_plain))
        images["refined"].append(rt.decode("gan", w_refined))
        logits.append((before, after))
        moved.append(float((z_refined.cpu() - z).norm()))
    med = {k: 1000 * float(np.median(v)) for k, v in times.items()}
    before, after = np.median(np.array(logits), axis=0)
    print(f"{args.gan} on {rt.device}, psi {args.psi}, seeds 0-{args.seeds - 1}, {args.steps} steps")
    print(f"map a seed: {med['plain']:.1f} ms plain; refine it: {med['refined']:.1f} ms (medians)")
    print(f"discriminator logit, median: plain {before:.2f}, refined {after:.2f}; z moved {np.median(moved):.2f} "
          f"(|z| about {np.sqrt(z_dim):.1f})")
    if args.data:
        copying(args, rt, {"plain": np.stack(images["plain"]), "refined": np.stack(images["refined"])})


if __name__ == "__main__":
    main()
