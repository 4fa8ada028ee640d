"""Calibration of the typicality meter (typicality.reading) on the bundled models.

    python benchmarks/typicality.py --data DATA_DIR [--vae weights/emoji-vae] [--gan weights/emoji-faces-gan]
        [--images 2000] [--seeds 2000] [--pushed 100] [--grid-dir DIR] [--device cpu]

DATA_DIR: the VAE's training folder (scripts/build_emoji_dataset.py). For what the meter should
call typical: the reading of encoded training images, and of GAN samples at psi 1 (untruncated)
and at the app's default psi; the percentiles of the overall distance (prior_distance), of the
strongest single direction, and of the reading (their larger), and the share of each
colour under the thresholds in typicality.py. For what it should warn about: --pushed of those
latents with one slider (each direction in turn, PCA and named) pushed to +-2, +-3, +-4.5 and +-6
sigma, and with every slider drawn as Randomise does; the share that reads green / amber / red.
--grid-dir writes, per model, a few typical latents with single directions pushed to -6 .. +6
sigma: look at where the pictures break.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.edit import Directions, EditState, edited_latent
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import image_grid, save_png
from genimg_gui.models.tensors import to_tensor
from genimg_gui.train.data import load_folder
from genimg_gui.typicality import (TYPICAL_BELOW, UNUSUAL_BELOW, band, prior_distance, reading,
                                   strongest_direction)

PUSHES = (2.0, 3.0, 4.5, 6.0)
GRID_VALUES = (-6.0, -4.5, -3.0, -2.0, 0.0, 2.0, 3.0, 4.5, 6.0)


def colour_shares(readings: np.ndarray) -> str:
    """'green 95% / amber 4% / red 1%' under the meter's thresholds."""
    bands = np.array([band(r) for r in readings])  # as the meter colours them
    shares = [np.mean(bands == level) for level in range(3)]
    return " / ".join(f"{name} {100 * s:.1f}%" for name, s in zip(("green", "amber", "red"), shares))


def percentiles(values: np.ndarray) -> str:
    return "  ".join(f"p{q} {np.percentile(values, q):.2f}" for q in (50, 90, 95, 99))


def report_typical(name: str, latents: np.ndarray, d: Directions) -> None:
    overall = np.array([prior_distance(x, d) for x in latents])
    strongest = np.array([strongest_direction(x, d)[0] for x in latents])
    meter = np.maximum(overall, strongest)
    print(f"{name} ({len(latents)}):")
    print(f"  overall distance    {percentiles(overall)}   {colour_shares(overall)}")
    print(f"  strongest direction {percentiles(strongest)}")
    print(f"  reading             {percentiles(meter)}   {colour_shares(meter)}")


def report_pushes(name: str, latents: np.ndarray, d: Directions) -> None:
    """Each latent with one slider at +-value, for every direction: what the meter reads, for the PCs and for the
    named directions apart (the meter reads the PCs; a named slider's push shows through the PCs it moves)."""
    groups = {"PCs": np.flatnonzero(d.explained > 0), "named": np.flatnonzero(d.explained <= 0)}
    for group, rows in groups.items():
        if not rows.size:
            continue
        print(f"{name}, one slider pushed ({len(rows)} {group}, both signs, on {len(latents)} latents):")
        for value in PUSHES:
            readings = np.array([reading(edited_latent(EditState(x, pushed(len(d), row, sign * value)), d), d).sigma
                                 for row in rows for sign in (-1.0, 1.0) for x in latents])
            print(f"  +-{value:g} sigma: {percentiles(readings)}   {colour_shares(readings)}")
    rng = np.random.default_rng(0)  # the panel's Randomise: every slider from N(0, 1), within +-3
    readings = np.array([reading(edited_latent(EditState(x, tuple(np.clip(rng.standard_normal(len(d)), -3, 3))), d),
                                 d).sigma for x in latents])
    print(f"{name}, Randomise: {percentiles(readings)}   {colour_shares(readings)}")


def pushed(n: int, row: int, value: float) -> tuple[float, ...]:
    """n slider values: value at row, 0 elsewhere."""
    return tuple(value if i == row else 0.0 for i in range(n))


def save_grid(rt: Runtime, kind: str, d: Directions, base: np.ndarray, rows: list[int], path: Path) -> None:
    """One row per direction, one column per GRID_VALUES."""
    images = []
    for row in rows:
        for v in GRID_VALUES:
            images.append(rt.decode(kind, edited_latent(EditState(base, pushed(len(d), row, v)), d)))
    save_png(image_grid(images, len(GRID_VALUES)), path, scale=2)
    print(f"wrote {path}: rows {', '.join(d.labels[r] for r in rows)}; columns {GRID_VALUES} sigma")


@torch.inference_mode()
def encoded(rt: Runtime, data_dir: Path, n: int, seed: int) -> np.ndarray:
    vae = rt.model("vae")
    images = load_folder(data_dir, vae.resolution).images
    pick = np.random.default_rng(seed).choice(len(images), min(n, len(images)), replace=False)
    chunks = [vae.net.encode(to_tensor(images[c].numpy(), rt.device))[0].flatten(1).cpu().numpy()
              for c in np.array_split(np.sort(pick), max(1, len(pick) // 256))]
    return np.concatenate(chunks).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--vae", default="weights/emoji-vae")
    ap.add_argument("--gan", default="weights/emoji-faces-gan")
    ap.add_argument("--images", type=int, default=2000, help="training images to encode")
    ap.add_argument("--seeds", type=int, default=2000, help="GAN samples per psi")
    ap.add_argument("--pushed", type=int, default=100, help="latents of each kind to push sliders on")
    ap.add_argument("--grid-dir", type=Path)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    rt = Runtime(args.device)
    print(f"thresholds (typicality.py): green below {TYPICAL_BELOW:g}, amber below {UNUSUAL_BELOW:g}, red from there")

    vae = rt.load(args.vae, lambda *_: None)
    latents = encoded(rt, args.data, args.images, seed=0)
    report_typical(f"VAE {args.vae}: encoded training images", latents, vae.directions)
    report_pushes("VAE", latents[:args.pushed], vae.directions)
    typical_vae = latents[:3]

    gan = rt.load(args.gan, lambda *_: None)
    for psi in (1.0, DEFAULT_PSI):
        ws = np.stack([rt.map_seed(seed, psi) for seed in range(args.seeds)])
        report_typical(f"GAN {args.gan}: samples at psi {psi:g}", ws, gan.directions)
    ws = np.stack([rt.map_seed(seed, 1.0) for seed in range(args.pushed)])
    report_pushes("GAN at psi 1", ws, gan.directions)

    if args.grid_dir is not None:
        args.grid_dir.mkdir(parents=True, exist_ok=True)
        for i, base in enumerate(typical_vae):
            save_grid(rt, "vae", vae.directions, base, [0, 1, 3, 6, 12, 17, 21], args.grid_dir / f"vae_{i}.png")
        for i, seed in enumerate((3, 11)):
            save_grid(rt, "gan", gan.directions, rt.map_seed(seed, 1.0), [0, 1, 2, 5, 13, 16, 23],
                      args.grid_dir / f"gan_{i}.png")


if __name__ == "__main__":
    main()
