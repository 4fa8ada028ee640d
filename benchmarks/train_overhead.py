"""Images/s of `genimg train` against a bare torch loop of the same network, in the same run.

    python benchmarks/train_overhead.py [--kind vae|gan|latent-gan] [--steps 30] [--resolution 64] [--threads N]
                                        [--precision auto|fp32|bf16]

The bare loop is the recipe's own optimisation step on batches already in
memory: what remains is the command's overhead (batching from the uint8 store,
progress lines, sample grids and checkpoints at their default intervals).
Both use the same batch size and steps; the command's figure excludes its
start-up (reading the folder) and its final export, which it reports separately.

--kind latent-gan (a GAN in --latent-of's latent space, by default the bundled
VAE's, 64px) trains on latents the command encodes once per image, the first
time a batch draws it (its figure includes that first epoch's encoding); the
bare loop steps on latents too, and a third figure is the same loop encoding
each pixel batch afresh, as the command did before it kept them.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from genimg_gui.train.command import PRECISIONS
from genimg_gui.train.gan_recipe import GANRecipe
from genimg_gui.models.tensors import as_pixels
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
from genimg_gui.train.loop import TrainOptions, precision_context, resolved_precision, train
from genimg_gui.train.vae_recipe import VAERecipe

CPU = torch.device("cpu")


def make_folder(root: Path, n: int, size: int) -> None:
    rng = np.random.default_rng(0)
    for i in range(n):
        img = np.full((size, size, 3), 255, np.uint8)
        x, y = rng.integers(0, size // 2, 2)
        img[y:y + size // 3, x:x + size // 3] = rng.integers(0, 255, 3)
        Image.fromarray(img).save(root / f"{i}.png")


def bare_loop(recipe, batch: torch.Tensor, steps: int, precision: str) -> float:
    """Images/s of the recipe's step alone, in the precision the command resolves to (bf16 on an AMX CPU)."""
    t0 = time.perf_counter()
    for step in range(1, steps + 1):
        with precision_context(precision, CPU):
            recipe.step(batch, step)
    return steps * batch.shape[0] / (time.perf_counter() - t0)


def command_loop(opts: TrainOptions, recipe_cls) -> float:
    """Images/s of the train() loop alone: between its first and last progress lines."""
    marks: list[tuple[int, float]] = []  # (step, time) of each progress line

    def log(msg: str) -> None:
        if msg.startswith("step "):
            marks.append((int(msg.split()[1].split("/")[0]), time.perf_counter()))

    train(opts, recipe_cls, log=log)
    (s0, t0), (s1, t1) = marks[0], marks[-1]
    return (s1 - s0) * opts.batch_size / (t1 - t0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kind", choices=["vae", "gan", "latent-gan"], default="vae")
    p.add_argument("--latent-of", default="weights/emoji-vae", help="the VAE of --kind latent-gan")
    p.add_argument("--steps", type=int, default=51)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument("--threads", type=int)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--precision", choices=PRECISIONS, default="auto", help="as genimg train's")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    recipe_cls = {"vae": VAERecipe, "gan": GANRecipe, "latent-gan": LatentGANRecipe}[args.kind]
    extra = {"latent_of": args.latent_of} if args.kind == "latent-gan" else {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        make_folder(data, 256, args.resolution)
        bare, cmd, uncached = [], [], []
        precision = resolved_precision(args.precision, CPU)
        for r in range(args.repeats):
            opts = TrainOptions(data, Path(tmp) / f"out{r}", resolution=args.resolution, batch_size=args.batch_size,
                                steps=args.steps, holdout=16, threads=args.threads, extra=extra,
                                precision=args.precision)
            torch.manual_seed(0)
            pixels = torch.randint(0, 256, (args.batch_size, 3, args.resolution, args.resolution), dtype=torch.uint8)
            as_float = as_pixels(pixels)
            recipe = recipe_cls(opts, CPU)
            cached = recipe.cached_inputs(pixels)
            bare.append(bare_loop(recipe, as_float if cached is None else cached, args.steps, precision))
            if cached is not None:
                uncached.append(bare_loop(recipe_cls(opts, CPU), as_float, args.steps, precision))
            cmd.append(command_loop(opts, recipe_cls))
    b, c = statistics.median(bare), statistics.median(cmd)
    print(f"{args.kind} at {args.resolution}px, batch {args.batch_size}, {args.steps} steps, "
          f"{torch.get_num_threads()} threads, {precision}, median of {args.repeats}:")
    print(f"  bare torch loop   {b:8.1f} img/s")
    print(f"  genimg train      {c:8.1f} img/s")
    print(f"  overhead          {b / c:8.2f}x  (goal <= 1.2x)")
    if uncached:
        u = statistics.median(uncached)
        print(f"  bare loop encoding each batch {u:8.1f} img/s: kept latents make a step {b / u:.2f}x as fast, "
              f"the command (encoding each image once) {c / u:.2f}x")


if __name__ == "__main__":
    main()
