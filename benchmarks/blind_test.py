"""A blind test of the GAN's samples: can a person pick them out from real emoji?

    python benchmarks/blind_test.py make --data DATA --out DIR [--gan weights/emoji-gan] [--psi 0.7]
        [--first-seed 5000] [--scale 2] [--draw own|skip-mixtures|refine | --judge JUDGE_DIR --best-of 16]
    python benchmarks/blind_test.py score DIR --picked 3,7,12,...

`make` shuffles N GAN samples (fresh seeds, not the ones the README shows) with N held-out
training images (of --real-of's split, to compare two GANs beside the same real ones) into one
numbered grid, DIR/grid.png, and keeps the answer in DIR/key.json.
Look at the grid without opening the key, write down the numbers you take for generated,
then `score` prints how many samples passed for real emoji and how many real emoji were taken
for generated. The picks may be any number: a judge not told how many tiles are generated can mark each tile
it would not take for a real emoji, which asks what the issue asks (a grid a person takes for emoji) rather
than forcing 24 picks among clean samples. A generator a person cannot tell from the data scores near 50 % either way;
the figure is a person's judgement made repeatable, not a metric to optimise. With --judge, each sample
is the best of --best-of draws by a discriminator trained to tell this GAN's samples from the data
(discriminator_space.py --save): does choosing among the GAN's samples find ones that pass? A person who has
seen a grid is no longer blind to its samples: judge a model again with another --first-seed
(and --seed, which picks the real images and the shuffle). --scale enlarges each 64-pixel tile: at 4, mottled
strokes a grid at 2 hides show plainly. The score says which scale the person judged at, since figures at
different scales do not compare.

`make --alone generated` puts the N samples alone in the grid, the issue's own words ("a sample grid a person takes
for emoji"), and `--alone real` N held-out images alone, the control: the same question about a grid of real emoji
says how many tiles a judge rejects of anything. A judge of either is told the same (what the images are, not
whether any is generated), marks each tile it would not take for a finished one, and `score` counts those.
`score` also counts the samples that passed by class, for a GAN with classes (each tile's class is in the key).
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from genimg_gui import seed_draws
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import image_grid
from genimg_gui.models.gan import Discriminator, seed_class, seeds_zc
from genimg_gui.models.tensors import to_images
from genimg_gui.models.weights import load_model, read_card
from genimg_gui.train.data import load_folder, recorded_split
from genimg_gui.train.finetune import DISCRIMINATOR_NAME, load_discriminator

SCALE = 2  # keys written before --scale used this
FIRST_SEED = 5000  # away from the seeds in the README's grids


@torch.no_grad()  # not inference_mode: --draw refine takes gradients through the generator
def gan_samples(gan_dir: Path, n: int, psi: float, first_seed: int = FIRST_SEED, judge: Path | None = None,
                best_of: int = 1, draw: str = seed_draws.OWN) -> np.ndarray:
    """The samples of seeds first_seed.. as the app draws them (`draw`), or with a judge, each the best of
    `best_of` draws of its seed."""
    seeds = range(first_seed, first_seed + n)  # the app's seeds, each of its own class if it has classes
    if judge is None:  # through the app's own Runtime: the samples a person sees
        rt = Runtime("cpu")
        rt.load(str(gan_dir), lambda *_: None)
        return np.stack([rt.decode("gan", rt.map_seed(s, psi, None, draw)) for s in seeds])
    gan, _ = load_model(gan_dir)
    _, c = seeds_zc(gan, seeds)
    judge_net = read_judge(judge, gan)  # once, not per seed
    z = torch.cat([judged_z(gan, judge_net, s, best_of, psi) for s in seeds])
    return to_images(gan(z, psi, c))


def read_judge(folder: Path, gan: torch.nn.Module) -> Discriminator:
    """The discriminator `benchmarks/discriminator_space.py --space latent --save FOLDER` trained against this
    latent GAN: it judges the generator's latent grids."""
    judge = Discriminator(gan.cfg, in_channels=gan.cfg.vae.latent_channels).eval()
    if not load_discriminator(folder, judge):
        raise SystemExit(f"{folder} holds no {DISCRIMINATOR_NAME}")
    return judge


def judged_z(gan: torch.nn.Module, judge: Discriminator, seed: int, best_of: int, psi: float) -> torch.Tensor:
    """Of `best_of` z drawn from the seed's stream (the first is the seed's own z), the one whose sample the
    judge calls most real: discriminator rejection sampling at its simplest (Azadi et al. 2019)."""
    stream = torch.Generator().manual_seed(seed)
    z = torch.cat([torch.randn(1, gan.cfg.z_dim, generator=stream) for _ in range(best_of)])
    c = seed_class(gan, seed)
    c = None if c is None else c.repeat(best_of)
    realness = judge(gan.synthesize_latent(gan.map(z, psi, c)), c)
    return z[int(realness.argmax())].unsqueeze(0)


def held_out_images(data: Path, gan_dir: Path, n: int, seed: int) -> np.ndarray:
    """Real images the GAN never trained on, from the split its card records (the emoji GAN's is its VAE's:
    the same 512 of the same folder; emoji-faces-gan's, a tenth of the faces)."""
    card = read_card(gan_dir)
    folder = load_folder(data, card["resolution"])
    _, held = recorded_split(folder, card)
    pick = held[torch.randperm(len(held), generator=torch.Generator().manual_seed(seed))[:n]]
    return folder.images[pick].numpy()


def numbered(tile: np.ndarray, number: int, scale: int) -> np.ndarray:
    im = Image.fromarray(tile).resize((tile.shape[1] * scale, tile.shape[0] * scale), Image.Resampling.LANCZOS)
    ImageDraw.Draw(im).text((3, 2), str(number), fill=(200, 0, 0))
    return np.asarray(im)


def tile_classes(gan_dir: Path, seeds: dict[int, int]) -> dict[int, str]:
    """Each generated tile's class, by name (the one its seed draws in the app), so the score can say which
    classes pass; none for a GAN without classes."""
    card = read_card(gan_dir)
    names = card.get("config", {}).get("classes") or []
    if not names:
        return {}
    gan, _ = load_model(gan_dir)
    return {tile: names[int(seed_class(gan, seed))] for tile, seed in seeds.items()}


def make(args: argparse.Namespace) -> None:
    alone = args.alone
    tiles = []
    if alone != "real":
        fake = gan_samples(args.gan, args.n, args.psi, args.first_seed, args.judge, args.best_of, args.draw)
        tiles += [(t, args.first_seed + i) for i, t in enumerate(fake)]  # a sample's tile holds its seed
    if alone != "generated":
        tiles += [(t, None) for t in held_out_images(args.data, args.real_of or args.gan, args.n, args.seed)]
    random.Random(args.seed).shuffle(tiles)
    args.out.mkdir(parents=True, exist_ok=True)
    grid = image_grid([numbered(t, i + 1, args.scale) for i, (t, _) in enumerate(tiles)], 8)
    Image.fromarray(grid).save(args.out / "grid.png")
    seeds = {i + 1: seed for i, (_, seed) in enumerate(tiles) if seed is not None}
    key = {"generated": list(seeds), "classes": tile_classes(args.gan, seeds),
           "gan": str(args.gan), "real_of": str(args.real_of or args.gan), "psi": args.psi, "n": args.n,
           "first_seed": args.first_seed, "scale": args.scale,
           **({"judge": str(args.judge), "best_of": args.best_of} if args.judge else {}),
           **({} if args.judge else {"draw": args.draw})}
    if alone:
        key["alone"] = alone
    (args.out / "key.json").write_text(json.dumps(key, indent=2))
    print(f"wrote {args.out / 'grid.png'} ({len(tiles)} tiles); the answer is in key.json")


def score(args: argparse.Namespace) -> None:
    key = json.loads((args.dir / "key.json").read_text())
    generated = set(key["generated"])
    picked = {int(p) for p in args.picked.split(",") if p.strip()}
    caught, false_alarms, n = len(picked & generated), len(picked - generated), key["n"]
    first = key.get("first_seed", FIRST_SEED)  # keys written before --first-seed used the default
    if key.get("alone"):
        what = (f"{key['gan']}'s samples at psi {key['psi']}, seeds {first}-{first + n - 1}"
                if key["alone"] == "generated" else f"held-out images of {key['real_of']} (the control)")
        print(f"{what}, alone: {n - len(picked)} of {n} tiles were taken for finished ones "
              f"({(n - len(picked)) / n:.0%}); tiles at {key.get('scale', SCALE)}x")
    else:
        print(f"{key['gan']} at psi {key['psi']}, seeds {first}-{first + n - 1}: {n - caught} of {n} samples passed "
              f"for real emoji ({(n - caught) / n:.0%}); {false_alarms} of {n} real emoji were taken for generated "
              f"({false_alarms / n:.0%}); accuracy {(caught + n - false_alarms) / (2 * n):.0%} (chance: 50 %); "
              f"tiles at {key.get('scale', SCALE)}x")
    print_by_class(key.get("classes", {}), picked)


def print_by_class(classes: dict[str, str], picked: set[int]) -> None:
    """How many samples of each class passed (keys written before classes were recorded have none)."""
    by_class: dict[str, list[int]] = {}
    for tile, name in classes.items():
        by_class.setdefault(name, []).append(int(tile) not in picked)
    for name, passed in sorted(by_class.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {name}: {sum(passed)} of {len(passed)} passed")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("--data", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    m.add_argument("--psi", type=float, default=0.7)
    m.add_argument("-n", type=int, default=24, help="samples, and as many real images")
    m.add_argument("--seed", type=int, default=0, help="which real images, and the shuffle")
    m.add_argument("--real-of", type=Path, help="the real images from this GAN's held-out split of --data (default:"
                   " --gan's), so that two GANs are judged beside the same real emoji")
    m.add_argument("--first-seed", type=int, default=FIRST_SEED, help="the samples' seeds start here")
    m.add_argument("--scale", type=int, default=SCALE, help="each tile enlarged this many times")
    m.add_argument("--judge", type=Path, help="a folder discriminator_space.py --save wrote: each sample is the "
                   "one of --best-of draws from its seed that this discriminator calls most real")
    m.add_argument("--best-of", type=int, default=16)
    m.add_argument("--alone", choices=("generated", "real"), help="only the samples in the grid, or only the real "
                   "images (the control), each judged without the other beside it")
    m.add_argument("--draw", choices=seed_draws.DRAWS, default=seed_draws.OWN,
                   help="each sample as the app draws its seed so (seed_draws.py; default %(default)s, plain, "
                        "as the grids judged before the app refined by default)")
    s = sub.add_parser("score")
    s.add_argument("dir", type=Path)
    s.add_argument("--picked", required=True, help="the numbers you took for generated (with --alone: the ones you "
                   "would not take for finished ones), comma-separated")
    args = p.parse_args()
    make(args) if args.command == "make" else score(args)


if __name__ == "__main__":
    main()
