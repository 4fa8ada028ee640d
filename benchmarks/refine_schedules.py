"""Do two refining schedules (steps x step size, and the discriminator refining) draw the same samples, and
where not, which do judges prefer?

    python benchmarks/refine_schedules.py make [--gan weights/emoji-faces-gan] [--seeds 200] [--first-seed 20000]
        [--a 30,0.01] [--b 10,0.03] [--b-judge GAN_DIR] [--pairs DIR]
    python benchmarks/refine_schedules.py score DIR --answers R,SAME,L,...

`make`, per seed (models/refine.py, as Runtime.map_seed draws with Refine): the pixel RMS (0-255) between the
samples of schedules a and b, how many differ by more than DIFFERENT, and each schedule's median time. A
schedule of fewer, longer steps costs less; it is only worth having if it draws the same samples, or ones a
person finds as good. --b-judge refines b with the discriminator saved in another folder of the same GAN
(e.g. one trained on after the generator, `--set d_warmup`); without it both use the GAN's own. --pairs writes
the first PAIRS seeds whose samples differ as a grid of numbered pairs, each pair's sides in random order
(DIR/grid.png), and which side is which (DIR/key.json). A judge who has not opened the key says for each pair
which looks more like a real emoji (L, R or SAME); `score` counts the preferences for each schedule.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import image_grid
from genimg_gui.models import refine
from genimg_gui.models.gan import Discriminator, seed_class, seed_z
from skip_mixtures import timed

DIFFERENT = 5.0  # pixel RMS (0-255) above which two samples of a seed count as different drawings
PAIRS = 16
SHUFFLE = 7  # seeds the sides' order
TILE = 256


def schedule(text: str) -> tuple[int, float]:
    steps, size = text.split(",")
    return int(steps), float(size)


@torch.no_grad()
def refined_image(rt: Runtime, judge: Discriminator, seed: int, psi: float, steps: int,
                  size: float) -> tuple[np.ndarray, float]:
    """The seed's sample refined with this schedule and judge, and the seconds the refining took."""
    gen = rt.model("gan").net
    c, z = seed_class(gen, seed), seed_z(seed, gen.cfg.z_dim).to(rt.device)
    z, seconds = timed(lambda: refine.refine(gen, judge, z, psi, c, steps=steps, step_size=size))
    return rt.decode("gan", gen.map(z, psi, c)[0].float().cpu().numpy()), seconds


def pair_tile(number: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    sides = [Image.fromarray(x).resize((TILE, TILE), Image.Resampling.LANCZOS) for x in (left, right)]
    tile = Image.new("RGB", (2 * TILE + 20, TILE + 40), "white")
    for i, side in enumerate(sides):
        tile.paste(side, (10 + i * TILE, 30))
    ImageDraw.Draw(tile).text((12, 8), f"pair {number}:  L | R", fill=(200, 0, 0))
    return np.asarray(tile)


def write_pairs(out: Path, differing: list[tuple[int, dict[str, np.ndarray]]]) -> None:
    rng, tiles, key = random.Random(SHUFFLE), [], []
    for number, (s, images) in enumerate(differing[:PAIRS], 1):
        sides = ["a", "b"]
        rng.shuffle(sides)
        left, right = sides
        tiles.append(pair_tile(number, images[left], images[right]))
        key.append({"pair": number, "seed": s, "L": left, "R": right})
    out.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image_grid(tiles, 4)).save(out / "grid.png")
    (out / "key.json").write_text(json.dumps(key, indent=1))
    print(f"wrote {out / 'grid.png'} ({len(tiles)} pairs); which side is which is in key.json")


def make(args: argparse.Namespace) -> None:
    if args.b_judge and not (args.b_judge / refine.DISCRIMINATOR_FILE).is_file():
        raise SystemExit(f"{args.b_judge} holds no {refine.DISCRIMINATOR_FILE}")  # before the GAN takes seconds to load
    rt = Runtime(args.device)
    rt.load(str(args.gan), lambda *_: None)
    schedules = {"a": args.a, "b": args.b}
    own = rt.discriminator()
    judges = {"a": own, "b": refine.read_discriminator(args.b_judge, rt.model("gan").net) if args.b_judge else own}
    rms, times, differing = [], {"a": [], "b": []}, []
    for s in range(args.first_seed, args.first_seed + args.seeds):
        images = {}
        for name, (steps, size) in schedules.items():
            images[name], seconds = refined_image(rt, judges[name], s, args.psi, steps, size)
            times[name].append(seconds)
        rms.append(float(np.sqrt(np.mean((images["a"].astype(float) - images["b"]) ** 2))))
        if rms[-1] > DIFFERENT:
            differing.append((s, images))
    print(f"{args.gan} on {rt.device}, psi {args.psi}, seeds {args.first_seed}-{args.first_seed + args.seeds - 1}")
    for name, (steps, size) in schedules.items():
        judge = f", the discriminator of {args.b_judge}" if name == "b" and args.b_judge else ""
        print(f"schedule {name}: {steps} steps of {size:g}{judge}, "
              f"{1000 * np.median(times[name]):.0f} ms a seed (median)")
    print(f"pixel RMS between a's and b's sample of a seed: median {np.median(rms):.2f}; "
          f"{len(differing)} of {len(rms)} seeds differ by more than {DIFFERENT:g}")
    if args.pairs is not None and differing:
        write_pairs(args.pairs, differing)


def score(args: argparse.Namespace) -> None:
    key = json.loads((args.dir / "key.json").read_text())
    answers = [a.strip().upper() for a in args.answers.split(",")]
    if len(answers) != len(key):
        raise SystemExit(f"{len(key)} pairs, {len(answers)} answers")
    counts = {"a": 0, "b": 0, "same": 0}
    for pair, answer in zip(key, answers):
        counts[pair[answer] if answer in ("L", "R") else "same"] += 1
    print(f"preferred schedule a {counts['a']}, schedule b {counts['b']}, no preference {counts['same']}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("--gan", type=Path, default=Path("weights/emoji-faces-gan"))
    m.add_argument("--seeds", type=int, default=200)
    m.add_argument("--first-seed", type=int, default=20000, help="away from the README's and blind tests' seeds")
    m.add_argument("--psi", type=float, default=DEFAULT_PSI)
    m.add_argument("--a", type=schedule, default=(30, 0.01), help="steps,step size (default 30,0.01)")
    m.add_argument("--b", type=schedule, default=(10, 0.03), help="steps,step size (default 10,0.03)")
    m.add_argument("--b-judge", type=Path, metavar="GAN_DIR",
                   help="refine b with the discriminator saved in this folder of the same GAN")
    m.add_argument("--device", default="auto")
    m.add_argument("--pairs", type=Path, metavar="DIR", help="write the differing seeds as pairs to judge blind")
    s = sub.add_parser("score")
    s.add_argument("dir", type=Path)
    s.add_argument("--answers", required=True, help="L, R or SAME for each pair in order, comma-separated")
    args = p.parse_args()
    make(args) if args.command == "make" else score(args)


if __name__ == "__main__":
    main()
