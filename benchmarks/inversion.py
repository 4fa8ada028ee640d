"""GAN inversion with the bundled models: how close the GAN redraws a picture, and how fast.

    python benchmarks/inversion.py [--gan weights/emoji-gan] [--vae weights/emoji-vae] [--steps 200]

Targets: the example pictures in assets/examples (real emoji the GAN was not asked to draw) and
GAN samples of seeds 1000.. (pictures the GAN can draw exactly). Each is inverted as the app's
"Invert current image" does (Runtime.invert_steps: the VAE encoder's start, Adam on w with the
editability prior at 0.5); printed: pixel MSE (images in [-1, 1]) at the start and at the end,
milliseconds to step 0 (the start: the GAN's set-up, made at its first inversion only, and the search for a
starting w) and per step after it. Medians over the targets close the table.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import open_image, to_rgb

ROOT = Path(__file__).resolve().parent.parent


def targets(rt: Runtime, samples: int) -> list[tuple[str, np.ndarray]]:
    found = [(p.name, np.asarray(to_rgb(open_image(p)))) for p in sorted((ROOT / "assets/examples").glob("*.png"))]
    return found + [(f"GAN seed {s}", rt.decode("gan", rt.map_seed(s, 0.7))) for s in range(1000, 1000 + samples)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gan", type=Path, default=BUNDLED_DIR / "emoji-gan")
    p.add_argument("--vae", type=Path, default=BUNDLED_DIR / "emoji-vae")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--samples", type=int, default=2, help="GAN samples to invert besides the examples")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    rt = Runtime("cpu")
    for folder in (args.vae, args.gan):
        rt.load(str(folder), lambda *_: None)
    print(f"torch {torch.__version__}, {args.threads} threads, {args.steps} steps, editability 0.5\n")
    print(f"{'target':<28}{'start MSE':>10}{'end MSE':>10}{'ms to 0':>9}{'ms/step':>9}")
    rows = []
    for name, image in targets(rt, args.samples):
        _, run = rt.invert_steps(image, args.steps, 0.5, preview_every=0)
        t0 = time.perf_counter()
        steps = [next(run)]
        t1 = time.perf_counter()
        steps += list(run)
        first, per_step = (t1 - t0) * 1000, (time.perf_counter() - t1) / max(1, len(steps) - 1) * 1000
        rows.append((steps[0].loss, steps[-1].loss, first, per_step))
        print(f"{name:<28}{steps[0].loss:>10.4f}{steps[-1].loss:>10.4f}{first:>9.0f}{per_step:>9.1f}")
    start, end, first, speed = (np.median(c) for c in zip(*rows))
    print(f"{'median':<28}{start:>10.4f}{end:>10.4f}{first:>9.0f}{speed:>9.1f}")


if __name__ == "__main__":
    main()
