"""What Skip mixtures costs and changes: time per seed, and how far its draws sit from seams.

    python benchmarks/skip_mixtures.py [--gan weights/emoji-faces-gan] [--seeds 200] [--psi 0.7] [--device auto]
        [--data FACES]

Through the app's Runtime: the median time to map a seed (seed -> w, the step a GAN sample starts with)
without and with Skip mixtures, and the median decode beside them; how many seeds keep their own z; and the
Jacobian norm (models/mixtures.py) of the drawn samples against that of the seeds' own z, whose
largest values are the seams between two faces. With --data (the GAN's training folder): does skipping
copy more? The median distance from a sample to its nearest training image (root mean square over pixels,
0-255), beside the same for the held-out images of the GAN's split: a sample nearer than those is a copy.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.mixtures import jacobian_norm
from genimg_gui.models.weights import read_card
from genimg_gui.train.data import load_folder, recorded_split


def timed(fn) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def nearest_distance(images: np.ndarray, train: np.ndarray) -> float:
    """Median over images of the RMS pixel distance to the nearest training image."""
    a, b = (torch.from_numpy(x.reshape(len(x), -1).astype(np.float32)) for x in (images, train))
    return float(torch.cdist(a, b).min(1).values.median()) / np.sqrt(a.shape[1])


def copying(gan: Path, data: Path, own: np.ndarray, steady: np.ndarray) -> None:
    card = read_card(gan)
    folder = load_folder(data, card["resolution"])
    train, held = (folder.images[idx].numpy() for idx in recorded_split(folder, card))
    print(f"nearest training image, median RMS distance: own z {nearest_distance(own, train):.1f}, skipping "
          f"mixtures {nearest_distance(steady, train):.1f}, held-out images {nearest_distance(held, train):.1f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-faces-gan"))
    p.add_argument("--seeds", type=int, default=200)
    p.add_argument("--psi", type=float, default=DEFAULT_PSI)
    p.add_argument("--device", default="auto")
    p.add_argument("--data", type=Path, help="the GAN's training folder: also measure how near samples sit to it")
    args = p.parse_args()
    rt = Runtime(args.device)
    rt.load(str(args.gan), lambda *_: None)
    net = rt.model("gan").net
    own, steady, images, times = [], [], {"own": [], "skip": []}, {"own": [], "skip": [], "decode": []}
    for seed in range(args.seeds):
        w_own, t = timed(lambda: rt.map_seed(seed, args.psi))
        times["own"].append(t)
        w_skip, t = timed(lambda: rt.map_seed(seed, args.psi, None, True))
        times["skip"].append(t)
        image, t = timed(lambda: rt.decode("gan", w_skip))
        times["decode"].append(t)
        images["skip"].append(image)
        images["own"].append(rt.decode("gan", w_own))
        own.append(w_own)
        steady.append(w_skip)
    own_w, steady_w = (torch.from_numpy(np.stack(w)).to(rt.device) for w in (own, steady))
    j_own, j_steady = (jacobian_norm(net, w).cpu().numpy() for w in (own_w, steady_w))
    kept = int(sum(np.allclose(a, b, atol=1e-5) for a, b in zip(own, steady)))  # a batch of 16 rounds apart
    med = {k: 1000 * float(np.median(v)) for k, v in times.items()}
    print(f"{args.gan} on {rt.device}, psi {args.psi}, seeds 0-{args.seeds - 1}")
    print(f"map a seed: {med['own']:.1f} ms own z, {med['skip']:.1f} ms skipping mixtures "
          f"({med['skip'] / med['own']:.0f}x); decode {med['decode']:.1f} ms (medians)")
    print(f"seeds that keep their own z: {kept} of {args.seeds}")
    print(f"Jacobian norm, median / 90th percentile: own z {np.median(j_own):.2f} / {np.percentile(j_own, 90):.2f}, "
          f"skipping mixtures {np.median(j_steady):.2f} / {np.percentile(j_steady, 90):.2f}")
    if args.data:
        copying(args.gan, args.data, np.stack(images["own"]), np.stack(images["skip"]))


if __name__ == "__main__":
    main()
