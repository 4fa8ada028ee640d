"""Milliseconds per training step in fp32 and in bf16 mixed precision, on this machine's CPU (or --device).

    python benchmarks/train_precision.py [--kind latent-gan|gan|vae] [--channels 512,256,128] [--threads 1]

The same recipe object steps on the same batch, in rounds that alternate the two precisions (so that other
work on the machine slows both alike), through the training loop's own precision_context; the first round
of each is a warm-up. It prints the medians, their ratio, whether this CPU has bf16 matrix units (AMX, where
`--precision auto` picks bf16) and whether any bf16 loss was not finite. --kind latent-gan (the default)
trains in the bundled VAE's latent space, as the bundled GAN does; --channels sets a GAN's widths.
"""
from __future__ import annotations

import argparse
import math
import statistics
import time

import torch

from genimg_gui.models.device import native_bf16_cpu, pick_device
from genimg_gui.train.gan_recipe import GANRecipe
from genimg_gui.models.tensors import as_pixels
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
from genimg_gui.train.loop import TrainOptions, precision_context
from genimg_gui.train.vae_recipe import VAERecipe

RECIPES = {"vae": VAERecipe, "gan": GANRecipe, "latent-gan": LatentGANRecipe}


def timed_rounds(recipe, batch: torch.Tensor, device: torch.device, rounds: int, steps: int) -> dict[str, list]:
    """Seconds of each step, and every loss, per precision; rounds alternate fp32 and bf16."""
    times: dict[str, list[float]] = {"fp32": [], "bf16": []}
    losses: dict[str, list[float]] = {"fp32": [], "bf16": []}
    step = 0
    for r in range(rounds + 1):
        for precision in times:
            for _ in range(steps):
                step += 1  # every 4th step of a GAN adds R1, so each round of 4 holds one
                t0 = time.perf_counter()
                with precision_context(precision, device):
                    out = recipe.step(batch, step)
                if device.type == "cuda":
                    torch.cuda.synchronize()
                if r:  # round 0 warms up both
                    times[precision].append(time.perf_counter() - t0)
                    losses[precision] += list(out.values())
    return {"times": times, "losses": losses}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kind", choices=list(RECIPES), default="latent-gan")
    p.add_argument("--latent-of", default="weights/emoji-vae", help="the VAE of --kind latent-gan")
    p.add_argument("--channels", help="a GAN's widths, e.g. 512,256,128 (default: the recipe's)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--steps", type=int, default=4, help="steps per round")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = pick_device(args.device)
    extra = {"latent_of": args.latent_of} if args.kind == "latent-gan" else {}
    if args.channels:
        extra["channels"] = [int(c) for c in args.channels.split(",")]
    opts = TrainOptions("unused", "unused", resolution=args.resolution, batch_size=args.batch_size, extra=extra)
    recipe = RECIPES[args.kind](opts, device)
    pixels = torch.randint(0, 256, (args.batch_size, 3, args.resolution, args.resolution), dtype=torch.uint8)
    cached = recipe.cached_inputs(pixels)
    batch = (as_pixels(pixels) if cached is None else cached).to(device)
    got = timed_rounds(recipe, batch, device, args.rounds, args.steps)
    fp32, bf16 = (statistics.median(got["times"][k]) for k in ("fp32", "bf16"))
    bad = sum(not math.isfinite(v) for v in got["losses"]["bf16"])
    print(f"{args.kind} at {args.resolution}px, batch {args.batch_size}, channels {args.channels or 'default'}, "
          f"{device}, {torch.get_num_threads()} threads, bf16 matrix units (AMX): {native_bf16_cpu()}; "
          f"medians of {args.rounds * args.steps} steps each:")
    print(f"  fp32   {fp32 * 1000:7.0f} ms/step  {args.batch_size / fp32:6.1f} img/s")
    print(f"  bf16   {bf16 * 1000:7.0f} ms/step  {args.batch_size / bf16:6.1f} img/s  ({bad} losses not finite)")
    print(f"  bf16 is {fp32 / bf16:.2f}x as fast")


if __name__ == "__main__":
    main()
