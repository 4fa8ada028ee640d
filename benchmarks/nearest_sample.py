"""Calibration of the typicality meter's distance to the nearest mapped w (typicality.nearest_distance).

    python benchmarks/nearest_sample.py [--gan weights/emoji-faces-gan] [--vae weights/emoji-vae] [--steps 200]
        [--fresh 1000] [--seeds 200] [--no-invert]

Printed: the reading of fresh mapped w (psi 1) and of the app's refined samples (psi 0.7), with the meter's colour
shares without and with the term; then pictures inverted as the app does (editability 0.5): two GAN samples, an
emoji, a sample tile with its colours swapped and noise added, a drawn smiley photo and a drawn landscape, each
with its pixel MSE, the term, the meter, and how far a 1-sigma step on each PC slider moves the picture (RMS),
over the same for the samples.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from genimg_gui import seed_draws
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.engine import inversion
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import open_image, to_rgb
from genimg_gui.typicality import band, nearest_distance, prior_distance, reading, strongest_direction

ROOT = Path(__file__).resolve().parent.parent


def drawn_smiley() -> np.ndarray:
    im = Image.new("RGB", (400, 300), (40, 90, 200))
    draw = ImageDraw.Draw(im)
    draw.ellipse((90, 40, 310, 260), fill=(250, 210, 30), outline=(120, 80, 0), width=4)
    for x in (150, 220):
        draw.ellipse((x, 100, x + 30, 145), fill=(60, 40, 20))
    draw.arc((140, 130, 260, 220), 20, 160, fill=(60, 40, 20), width=8)
    return np.asarray(im)


def drawn_landscape() -> np.ndarray:
    im = Image.new("RGB", (320, 240))
    draw = ImageDraw.Draw(im)
    for y in range(240):
        draw.line((0, y, 320, y), fill=(90 + y // 4, 150 + y // 6, 240 - y // 3))
    draw.ellipse((230, 20, 290, 80), fill=(255, 230, 120))
    draw.polygon([(0, 170), (80, 120), (170, 160), (260, 110), (320, 150), (320, 240), (0, 240)], fill=(60, 140, 60))
    draw.rectangle((100, 150, 170, 210), fill=(180, 60, 50))
    noisy = np.asarray(im, np.float32) + np.random.default_rng(1).normal(0, 8, (240, 320, 3))
    return np.clip(noisy, 0, 255).astype(np.uint8)


def altered_tile(gan: Path) -> np.ndarray:
    """The sixth tile of the GAN's samples.png at 256 px, its colours swapped and noise added."""
    tile = Image.open(gan / "samples.png").convert("RGB").crop((320, 0, 384, 64)).resize((256, 256), Image.BICUBIC)
    tile = np.asarray(tile, np.float32)
    noisy = tile[..., [2, 0, 1]] + np.random.default_rng(0).normal(0, 25, tile.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def step_change(rt: Runtime, w: np.ndarray) -> float:
    """The mean pixel RMS change of a +-1 sigma step on each PC slider."""
    d = rt.model("gan").directions
    base = rt.decode("gan", w) / 255.0
    return float(np.mean([np.sqrt(np.mean((rt.decode("gan", (w + s * d.sigma[k] * d.basis[k]).astype(np.float32))
                                           / 255.0 - base) ** 2))
                          for k in np.flatnonzero(d.explained > 0) for s in (-1.0, 1.0)]))


def shares(rt: Runtime, name: str, ws: np.ndarray) -> None:
    d = rt.model("gan").directions
    near = np.array([nearest_distance(w, d) for w in ws])
    old = np.array([band(max(prior_distance(w, d), strongest_direction(w, d)[0])) for w in ws])
    new = np.array([band(reading(w, d).sigma) for w in ws])
    print(f"{name:<26} nearest p50 {np.percentile(near, 50):.2f} p95 {np.percentile(near, 95):.2f} "
          f"p99 {np.percentile(near, 99):.2f} | green {np.mean(old == 0):.1%} -> {np.mean(new == 0):.1%}, "
          f"red {np.mean(old == 2):.1%} -> {np.mean(new == 2):.1%}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gan", type=Path, default=BUNDLED_DIR / "emoji-faces-gan")
    p.add_argument("--vae", type=Path, default=BUNDLED_DIR / "emoji-vae")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--fresh", type=int, default=1000)
    p.add_argument("--seeds", type=int, default=200)
    p.add_argument("--no-invert", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(2)
    rt = Runtime("cpu")
    for folder in (args.vae, args.gan):
        rt.load(str(folder), lambda *_: None)
    d = rt.model("gan").directions
    print(f"spacing of the mapped w: {d.anchors.spacing:.2f}; the 99th percentile of their nearest distances: "
          f"{d.anchors.outlying:.2f} ({d.anchors.outlying / d.anchors.spacing:.2f}x)")
    shares(rt, "fresh mapped w (psi 1)", inversion.mapped_ws(rt.model("gan").net, args.fresh, seed=7).numpy())
    samples = [rt.map_seed(s, 0.7, draw=seed_draws.REFINE) for s in range(args.seeds)]
    shares(rt, "refined samples (psi 0.7)", np.stack(samples))
    if args.no_invert:
        return
    unit = np.mean([step_change(rt, w) for w in samples[:6]])
    emoji = np.asarray(to_rgb(open_image(ROOT / "assets/examples/noto-grinning-face.png")))
    targets = [("sample 0", rt.decode("gan", samples[0])), ("sample 1", rt.decode("gan", samples[1])),
               ("Noto grinning face", emoji), ("altered sample tile", altered_tile(args.gan)),
               ("drawn smiley photo", drawn_smiley()), ("drawn landscape", drawn_landscape())]
    print(f"\n{'inverted':<22}{'MSE':>8}{'nearest':>9}{'meter':>7}{'step':>6}")
    for name, image in targets:
        final = rt.invert(image, args.steps, 0.5)
        print(f"{name:<22}{final.loss:>8.4f}{nearest_distance(final.w, d):>9.2f}{reading(final.w, d).sigma:>7.2f}"
              f"{step_change(rt, final.w) / unit:>6.2f}")


if __name__ == "__main__":
    main()
