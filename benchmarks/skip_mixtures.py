"""What Skip mixtures costs and changes: time per seed, and how far its draws sit from seams.

    python benchmarks/skip_mixtures.py [--gan weights/emoji-faces-gan] [--seeds 200] [--psi 0.7] [--device auto]
        [--data FACES [--grid PNG]] [--quantile 0.3]

Through the app's Runtime: the median time to map a seed (seed -> w, the step a GAN sample starts with)
without and with Skip mixtures, and the median decode beside them; how many seeds keep their own z; and the
Jacobian norm (models/mixtures.py) of the drawn samples against that of the seeds' own z, whose
largest values are the seams between two faces. With --data (the GAN's training folder): does skipping
copy more? The median distance from a sample to its nearest training image (root mean square over pixels,
0-255), beside the same for the held-out images of the GAN's split, and for the training images drawn back
through the GAN's decoder from their VAE latents: the nearest a drawn copy can come. --grid writes the first
12 seeds: their own z (top), skipping mixtures (middle), and the training image nearest each of those (bottom).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from genimg_gui import seed_draws
from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.imaging import image_grid, save_png
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models import mixtures
from genimg_gui.models.mixtures import jacobian_norm
from genimg_gui.models.tensors import to_images, to_tensor
from genimg_gui.models.weights import load_model, read_card
from genimg_gui.train.data import load_folder, recorded_split


def timed(fn) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def nearest(images: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per image, the RMS pixel distance (0-255) to its nearest training image, and that image's index."""
    a, b = (torch.from_numpy(x.reshape(len(x), -1).astype(np.float32)) for x in (images, train))
    d = torch.cdist(a, b).min(1)
    return d.values.numpy() / np.sqrt(a.shape[1]), d.indices.numpy()


@torch.inference_mode()
def round_trip(vae_dir: Path, rt: Runtime, train: np.ndarray) -> np.ndarray:
    """Training images encoded by the GAN's VAE and drawn back by the GAN's decoder (as the GAN's own grids
    are: de-normalised, then decoded)."""
    vae, _ = load_model(vae_dir)
    vae = vae.to(rt.device)
    return np.concatenate([to_images(rt.model("gan").net.decoder(vae.encode(to_tensor(c, rt.device))[0]))
                           for c in np.array_split(train, max(1, len(train) // 128))])


def copying(args: argparse.Namespace, rt: Runtime, samples: dict[str, np.ndarray]) -> None:
    """How near each named set of samples sits to the training images (args.gan's split of args.data), beside
    the held-out images and the training images drawn back; --grid: the first two sets and the training images
    nearest the second (refine_samples.py measures its samples with this too)."""
    card = read_card(args.gan)
    folder = load_folder(args.data, card["resolution"])
    train, held = (folder.images[idx].numpy() for idx in recorded_split(folder, card))
    if card["training"].get("options", {}).get("mirror"):
        train = np.concatenate([train, train[:, :, ::-1]])  # it learnt the mirrored faces too
    distances = {name: nearest(x, train) for name, x in {**samples, "held-out images": held}.items()}
    print("nearest training image, median RMS pixel distance: "
          + ", ".join(f"{k} {np.median(d):.1f}" for k, (d, _) in distances.items()), end="")
    if hasattr(rt.model("gan").net, "decoder"):
        drawn_back = nearest(round_trip(args.vae, rt, train), train)[0]
        print(f", training images drawn back through the GAN's decoder {np.median(drawn_back):.1f}", end="")
    print()
    print("samples nearer a training image than 10: "
          + ", ".join(f"{k} {np.mean(distances[k][0] < 10):.0%}" for k in samples))
    if args.grid is not None:
        first, second = list(samples.values())[:2]
        index = distances[list(samples)[1]][1]
        save_png(image_grid([*first[:12], *second[:12], *train[index[:12]]], 12), args.grid, scale=2)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-faces-gan"))
    p.add_argument("--seeds", type=int, default=200)
    p.add_argument("--psi", type=float, default=DEFAULT_PSI)
    p.add_argument("--device", default="auto")
    p.add_argument("--data", type=Path, help="the GAN's training folder: also measure how near samples sit to it")
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"), help="the VAE a latent GAN draws in")
    p.add_argument("--grid", type=Path, help="with --data: own z, skipping mixtures and nearest training images")
    p.add_argument("--quantile", type=float, default=mixtures.QUANTILE,
                   help="keep a draw among this share of the steadiest (the app's: %(default)s)")
    args = p.parse_args()
    mixtures.QUANTILE = args.quantile
    rt = Runtime(args.device)
    rt.load(str(args.gan), lambda *_: None)
    net = rt.model("gan").net
    own, steady, images, times = [], [], {"own": [], "skip": []}, {"own": [], "skip": [], "decode": []}
    for seed in range(args.seeds):
        w_own, t = timed(lambda: rt.map_seed(seed, args.psi))
        times["own"].append(t)
        w_skip, t = timed(lambda: rt.map_seed(seed, args.psi, None, seed_draws.SKIP_MIXTURES))
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
    print(f"{args.gan} on {rt.device}, psi {args.psi}, seeds 0-{args.seeds - 1}, quantile {args.quantile:g}")
    print(f"map a seed: {med['own']:.1f} ms own z, {med['skip']:.1f} ms skipping mixtures "
          f"({med['skip'] / med['own']:.0f}x); decode {med['decode']:.1f} ms (medians)")
    print(f"seeds that keep their own z: {kept} of {args.seeds}")
    print(f"Jacobian norm, median / 90th percentile: own z {np.median(j_own):.2f} / {np.percentile(j_own, 90):.2f}, "
          f"skipping mixtures {np.median(j_steady):.2f} / {np.percentile(j_steady, 90):.2f}")
    if args.data:
        copying(args, rt, {"own z": np.stack(images["own"]), "skipping mixtures": np.stack(images["skip"])})


if __name__ == "__main__":
    main()
