"""Calibration of the typicality meter (typicality.reading) on the bundled models.

    python benchmarks/typicality.py --data DATA_DIR [--vae weights/emoji-vae]
        [--gan weights/emoji-faces-gan weights/emoji-gan] [--images 2000] [--seeds 2000] [--pushed 100]
        [--named 50] [--damage 50] [--grid-dir DIR] [--device cpu]

DATA_DIR: the VAE's training folder (scripts/build_emoji_dataset.py); `--gan` with no folder measures the VAE alone.
For what the meter should call typical: the reading of encoded images of that folder, and of those its card's split
held out of training (the PCA rows and the spreads outside them were measured on none of them), and of each GAN's
samples at psi 1 (untruncated) and at the app's default psi; the percentiles of the overall distance
(prior_distance), of the strongest single direction, of the distance to the nearest mapped w and of the part of a
named direction outside the PCs, and of the reading (their largest), and the share of each colour under the
thresholds in typicality.py, without the named directions' term -> with it. For what it should warn about: --pushed
of those latents with one slider (each direction in turn, PCA and named) pushed to +-2, +-3, +-4.5 and +-6 sigma, and
with every slider drawn as Randomise does; the share that reads green / amber / red; then each named slider at +-3
sigma on --named of them, one by one (for the VAE, on held-out images too).
--damage N: whether a reading means the same for a named slider as for a PC one. Each slider at +-2, +-3 and
+-4.5 sigma on N GAN samples at the app's psi, and the share of the pushes in each colour whose picture is
broken: farther (pixel RMS, at half size) from every picture of the GAN's 2048 mapped w than 95 % of its
fresh samples (psi 1) lie.
--grid-dir writes, per model, a few typical latents with single directions pushed to -6 .. +6
sigma, and a few held-out images (VAE) or samples at the app's psi (GAN) with each named slider at +3 sigma,
and for the VAE at -3 too (their readings printed): look at where the pictures break.
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
from genimg_gui.train.data import load_folder, recorded_split
from genimg_gui.typicality import (TYPICAL_BELOW, UNUSUAL_BELOW, band, nearest_distance, outside_pcs,
                                   prior_distance, reading, strongest_direction)

PUSHES = (2.0, 3.0, 4.5, 6.0)
GRID_VALUES = (-6.0, -4.5, -3.0, -2.0, 0.0, 2.0, 3.0, 4.5, 6.0)


def colour_shares(readings: np.ndarray) -> str:
    """'green 95% / amber 4% / red 1%' under the meter's thresholds."""
    bands = np.array([band(r) for r in readings])  # as the meter colours them
    shares = [np.mean(bands == level) for level in range(3)]
    return " / ".join(f"{name} {100 * s:.1f}%" for name, s in zip(("green", "amber", "red"), shares))


def percentiles(values: np.ndarray) -> str:
    return "  ".join(f"p{q} {np.percentile(values, q):.2f}" for q in (50, 90, 95, 99))


def without_named(latent: np.ndarray, d: Directions) -> float:
    """The reading before the named directions' part outside the PCs was read (typicality.outside_pcs)."""
    nearest = nearest_distance(latent, d)
    return max(prior_distance(latent, d), strongest_direction(latent, d)[0], 0.0 if nearest is None else nearest)


def at_least_amber(readings: np.ndarray) -> float:
    return 100 * float(np.mean([band(r) >= 1 for r in readings]))


def report_typical(name: str, latents: np.ndarray, d: Directions) -> None:
    print(f"{name} ({len(latents)}):")
    terms = {"overall distance": lambda x: prior_distance(x, d),
             "strongest direction": lambda x: strongest_direction(x, d)[0],
             "nearest mapped w": lambda x: nearest_distance(x, d),
             "named, outside PCs": lambda x: (outside_pcs(x, d) or (None,))[0]}
    for term, of in terms.items():
        values = [of(x) for x in latents]
        if values[0] is not None:
            print(f"  {term:<20} {percentiles(np.array(values))}")
    before = np.array([without_named(x, d) for x in latents])
    after = np.array([reading(x, d).sigma for x in latents])
    print(f"  reading             {percentiles(after)}\n    {colour_shares(before)}  ->  {colour_shares(after)}")


def report_pushes(name: str, latents: np.ndarray, d: Directions) -> None:
    """Each latent with one slider at +-value, for every direction: what the meter reads, for the PCs and for the
    named directions apart."""
    groups = {"PCs": np.flatnonzero(d.explained > 0), "named": np.flatnonzero(d.explained <= 0)}
    for group, rows in groups.items():
        if not rows.size:
            continue
        print(f"{name}, one slider pushed ({len(rows)} {group}, both signs, on {len(latents)} latents):")
        for value in PUSHES:
            edited = [edited_latent(EditState(x, pushed(len(d), row, sign * value)), d)
                      for row in rows for sign in (-1.0, 1.0) for x in latents]
            readings = np.array([reading(x, d).sigma for x in edited])
            before = np.array([without_named(x, d) for x in edited])
            print(f"  +-{value:g} sigma: {percentiles(readings)}\n    {colour_shares(before)}  ->  "
                  f"{colour_shares(readings)}")
    rng = np.random.default_rng(0)  # the panel's Randomise: every slider from N(0, 1), within +-3
    readings = np.array([reading(edited_latent(EditState(x, tuple(np.clip(rng.standard_normal(len(d)), -3, 3))), d),
                                 d).sigma for x in latents])
    print(f"{name}, Randomise: {percentiles(readings)}   {colour_shares(readings)}")


def report_named(name: str, latents: np.ndarray, d: Directions, value: float = 3.0) -> None:
    """Each named slider at +value and -value on every latent: the reading's median and the share at least amber,
    without the named directions' term -> with it, and the share red with it."""
    print(f"{name}, each named slider at +-{value:g} sigma on {len(latents)} latents "
          f"(p50 and at least amber, before -> after; red after):")
    for row in np.flatnonzero(d.explained <= 0):
        for sign in (1.0, -1.0):
            edited = [edited_latent(EditState(x, pushed(len(d), row, sign * value)), d) for x in latents]
            before = np.array([without_named(x, d) for x in edited])
            after = np.array([reading(x, d).sigma for x in edited])
            print(f"  {d.labels[row][:40]:<40} {sign * value:+g}: p50 {np.median(before):.2f} -> {np.median(after):.2f}"
                  f"  amber+ {at_least_amber(before):3.0f}% -> {at_least_amber(after):3.0f}%"
                  f"  red {100 * np.mean([band(r) == 2 for r in after]):3.0f}%")


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


def save_named_grid(rt: Runtime, kind: str, d: Directions, bases: np.ndarray, value: float, path: Path) -> None:
    """One row per base latent: the unedited sample, then each named slider at +value; the readings printed."""
    rows = np.flatnonzero(d.explained <= 0)
    images = []
    print(f"{path}: columns unedited, {', '.join(d.labels[r].split(' → ')[-1] for r in rows)} at {value:+g} sigma;"
          f" readings without the named term / with it")
    for base in bases:
        edited = [base] + [edited_latent(EditState(base, pushed(len(d), row, value)), d) for row in rows]
        images += [rt.decode(kind, x) for x in edited]
        print("  " + " ".join(f"{without_named(x, d):.1f}/{reading(x, d).sigma:.1f}" for x in edited))
    save_png(image_grid(images, len(rows) + 1), path, scale=2)


@torch.inference_mode()
def pictures(rt: Runtime, ws: np.ndarray) -> np.ndarray:
    """(N, P) each w's picture at half size, flattened, in -1..1."""
    net = rt.model("gan").net
    return np.concatenate([torch.nn.functional.avg_pool2d(net.synthesize(torch.as_tensor(chunk, device=rt.device))
                                                          .clamp(-1, 1), 2).flatten(1).cpu().numpy()
                           for chunk in np.array_split(np.asarray(ws, np.float32), max(1, len(ws) // 128))])


def report_damage(rt: Runtime, name: str, latents: np.ndarray, d: Directions) -> None:
    """--damage: of the pushes reading each colour, the share broken, PCs apart from named sliders."""
    drawn = pictures(rt, d.anchors.points)
    square = np.sum(drawn**2, axis=1)

    def farthest(ws: np.ndarray) -> np.ndarray:  # pixel RMS to the nearest picture of a mapped w
        x = pictures(rt, ws)
        near = np.min(np.sum(x**2, axis=1)[:, None] - 2 * x @ drawn.T + square[None], axis=1)
        return np.sqrt(np.clip(near, 0, None) / x.shape[1])

    fresh = np.stack([rt.map_seed(seed, 1.0) for seed in range(100_000, 101_000)])
    limit = np.percentile(farthest(fresh), 95)
    cases = [(row, sign * value) for row in range(len(d)) for value in (2.0, 3.0, 4.5) for sign in (-1.0, 1.0)]
    named = np.array([d.explained[row] <= 0 for row, _ in cases for _ in latents])
    edited = np.stack([edited_latent(EditState(x, pushed(len(d), row, v)), d) for row, v in cases for x in latents])
    broken = farthest(edited) > limit
    before = np.array([band(without_named(x, d)) for x in edited])
    after = np.array([band(reading(x, d).sigma) for x in edited])
    print(f"{name}: one slider at +-2, +-3, +-4.5 on {len(latents)} samples; broken (farther than {limit:.3f} from "
          f"every mapped w's picture) among those reading green / amber / red:")

    def shares(pick: np.ndarray, bands: np.ndarray) -> str:
        return " / ".join(f"{100 * np.mean(broken[pick & (bands == k)]):.0f}% of {np.sum(pick & (bands == k))}"
                          for k in range(3))
    print(f"  PCs    {shares(~named, after)}\n  named  {shares(named, before)}  ->  {shares(named, after)}")


@torch.inference_mode()
def encoded(rt: Runtime, data_dir: Path, n: int, seed: int, held_out: bool = False) -> np.ndarray:
    """n images of the folder picked at random, encoded; held_out: of those the VAE's card says it held out."""
    vae = rt.model("vae")
    data = load_folder(data_dir, vae.resolution)
    images = data.images
    among = recorded_split(data, vae.card)[1].numpy() if held_out else np.arange(len(images))
    pick = np.random.default_rng(seed).choice(among, min(n, len(among)), replace=False)
    # in the order drawn: the first --pushed and --named of them were the first in the folder (sorted), nearly all
    # flags and letters in squares
    chunks = [vae.net.encode(to_tensor(images[c].numpy(), rt.device))[0].flatten(1).cpu().numpy()
              for c in np.array_split(pick, max(1, len(pick) // 256))]
    return np.concatenate(chunks).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--vae", default="weights/emoji-vae")
    ap.add_argument("--gan", nargs="*", default=["weights/emoji-faces-gan", "weights/emoji-gan"])
    ap.add_argument("--images", type=int, default=2000, help="training images to encode")
    ap.add_argument("--seeds", type=int, default=2000, help="GAN samples per psi")
    ap.add_argument("--pushed", type=int, default=100, help="latents of each kind to push sliders on")
    ap.add_argument("--named", type=int, default=50, help="latents of each kind to push each named slider on")
    ap.add_argument("--damage", type=int, default=0, help="GAN samples to measure broken pictures on (0: none)")
    ap.add_argument("--grid-dir", type=Path)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    rt = Runtime(args.device)
    print(f"thresholds (typicality.py): green below {TYPICAL_BELOW:g}, amber below {UNUSUAL_BELOW:g}, red from there")
    if args.grid_dir is not None:
        args.grid_dir.mkdir(parents=True, exist_ok=True)

    vae = rt.load(args.vae, lambda *_: None)
    latents = encoded(rt, args.data, args.images, seed=0)
    held_out = encoded(rt, args.data, args.images, seed=0, held_out=True)
    report_typical(f"VAE {args.vae}: encoded images of its folder", latents, vae.directions)
    report_typical(f"VAE {args.vae}: encoded images its training held out", held_out, vae.directions)
    report_pushes("VAE", latents[:args.pushed], vae.directions)
    report_named("VAE", latents[:args.named], vae.directions)
    report_named("VAE (held-out images)", held_out[:args.named], vae.directions)
    if args.grid_dir is not None:
        for i, base in enumerate(latents[:3]):
            save_grid(rt, "vae", vae.directions, base, [0, 1, 3, 6, 12, 17, 21], args.grid_dir / f"vae_{i}.png")
        for value in (3.0, -3.0):
            save_named_grid(rt, "vae", vae.directions, held_out[:8], value, args.grid_dir / f"vae_named_{value:+g}.png")

    for folder in args.gan:
        d = rt.load(folder, lambda *_: None).directions  # with the GAN's mapped w (edit.Anchors)
        for psi in (1.0, DEFAULT_PSI):
            ws = np.stack([rt.map_seed(seed, psi) for seed in range(args.seeds)])
            report_typical(f"GAN {folder}: samples at psi {psi:g}", ws, d)
        ws = np.stack([rt.map_seed(seed, 1.0) for seed in range(args.pushed)])
        report_pushes(f"GAN {folder} at psi 1", ws, d)
        samples = np.stack([rt.map_seed(seed, DEFAULT_PSI) for seed in range(max(args.named, args.damage, 12))])
        report_named(f"GAN {folder} at psi {DEFAULT_PSI:g}", samples[:args.named], d)
        if args.damage:
            report_damage(rt, f"GAN {folder} at psi {DEFAULT_PSI:g}", samples[:args.damage], d)
        if args.grid_dir is not None:
            stem = Path(folder).name
            rows = [0, 1, 2, 5, *np.flatnonzero(d.explained <= 0)[:3]]
            for i, seed in enumerate((3, 11)):
                save_grid(rt, "gan", d, rt.map_seed(seed, 1.0), rows, args.grid_dir / f"{stem}_{i}.png")
            save_named_grid(rt, "gan", d, samples[:12], 3.0, args.grid_dir / f"{stem}_named_+3.png")


if __name__ == "__main__":
    main()
