"""The options several `genimg` commands share, added to their parsers alike: seeds, models, images or folders,
a GAN's class and draw, fit, an SD VAE's latent scale, the output folder, scale and device, edits and recipes.
The parsers themselves are built in cli.py; the values' types and checks are cli_args.py's."""
from __future__ import annotations

import argparse
from pathlib import Path

from . import seed_draws
from .catalog import DEFAULT_MODELS
from .cli_args import edit_spec, latent_scale, model_path, out_folder, recipe_file, scale_factor
from .train.arg_types import DEVICES, device_name
from .typed_options import Typed

MAX_SEEDS = 10_000
IMAGES = "IMAGE or FOLDER"  # encode, edit and interpolate take folders of pictures too (cli_pictures)


def seed_list(text: str) -> list[int]:
    """'0-7', '1,5,9' or a mix ('0-3,10') -> seeds in the order given."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            lo, _, hi = part.strip().partition("-")
            first, last = int(lo), int(hi or lo)
            if max(first, last) > seed_draws.MAX_SEED:  # the app's seed box and random seeds go no further
                raise argparse.ArgumentTypeError(seed_draws.too_large(str(max(first, last))))
            if 0 <= last < first:  # else read as "not seeds at all"
                raise argparse.ArgumentTypeError(f"{part.strip()} runs backwards: did you mean {last}-{first}?")
            if not 0 <= first <= last:
                raise ValueError
            seeds += range(first, last + 1)
            if len(seeds) > MAX_SEEDS:
                raise argparse.ArgumentTypeError(f"at most {MAX_SEEDS} seeds per run")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected seeds like 0-7 or 1,5,9 (0 to {seed_draws.MAX_SEED})") from None
    return seeds


class SeedList(argparse.Action):
    """--seeds as one or more words, each as seed_list reads it ('0-3', '1,5,9', or '1 2 3'), into one flat list:
    generate and interpolate read seeds the same way (generate took only one word and refused '1 2 3')."""

    def __call__(self, parser, namespace, groups, option_string=None) -> None:
        seeds = [s for group in groups for s in group]
        if len(seeds) > MAX_SEEDS:
            parser.error(f"argument {option_string}: at most {MAX_SEEDS} seeds per run")
        setattr(namespace, self.dest, seeds)


def seeds_arg(p: argparse.ArgumentParser, help_text: str, default: list[int] | None = None) -> None:
    p.add_argument("--seeds", type=seed_list, nargs="+", action=SeedList, default=default, metavar="SEEDS",
                   help=help_text)


def model_arg(p: argparse._ActionsContainer, kind: str, default: str = "") -> None:
    other = "an SD VAE or TAESD file" if kind == "vae" else "a StyleGAN2 .pkl"
    default = default or f"the bundled {DEFAULT_MODELS[kind]}"  # named: two GANs are bundled
    p.add_argument(f"--{kind}", type=model_path, metavar="MODEL",
                   help=f"{kind.upper()} model folder, {other}, or a bundled model's name (default: {default})")


def images_arg(p: argparse.ArgumentParser, nargs: str = "+", help_text: str = "image files, or folders") -> None:
    p.add_argument("images", nargs=nargs, type=Path, metavar=IMAGES,
                   help=f"{help_text}: a folder gives the pictures in it by name, not those of its subfolders, as "
                        "a folder dropped on the window opens them")


def class_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--class", dest="gan_class", metavar="CLASS",
                   help="a GAN trained with --labels, or a conditional StyleGAN2 pickle: draw this class (a name "
                        "or index, see `genimg info`); default: each seed draws its own")


def draw_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--draw", choices=seed_draws.DRAWS, default=seed_draws.DEFAULT_DRAW, action=Typed,
                   help="how a seed is drawn, as the app's Draw buttons: its own z; skip-mixtures, its first "
                        "sample that is not a blend of two faces (cleaner, nearer the training images); refine, "
                        "its z refined by the GAN's own discriminator (fewer smears, seeds mostly keep their "
                        "faces, about 0.15 s a seed on a CPU). A GAN that cannot draw so draws its own z "
                        f"(default: {seed_draws.DEFAULT_DRAW})")


def fit_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fit", choices=["crop", "letterbox"], default="crop", action=Typed,
                   help="how non-square images fit (default crop)")


def latent_scale_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--latent-scale", type=latent_scale, metavar="SCALE",
                   help="an SD VAE file's latent scale: sd (SD 1.x/2.x, 0.18215), sdxl (0.13025) or a number")


def run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--out", type=out_folder, required=True, metavar="OUT_DIR", help="folder to write to")
    p.add_argument("--scale", type=scale_factor, default=1, metavar="N",
                   help="upscale written PNGs N times, smoothed (Lanczos); at most 8 and 4096 px a side")
    device_arg(p)


def device_arg(p: argparse.ArgumentParser) -> None:
    """--device, checked as `genimg train` checks it (the machine's devices are checked once torch loads)."""
    p.add_argument("--device", type=device_name, default="auto", help=f"{DEVICES} (auto: cuda → mps → cpu)")


def edit_arg(p: argparse._ActionsContainer, required: bool) -> None:
    p.add_argument("--edit", type=edit_spec, action="append", default=[], required=required,
                   metavar="DIRECTION=SIGMA", help="move along a direction, by label (PC1) or index (0); repeatable")


def recipe_arg(p: argparse._ActionsContainer) -> None:
    p.add_argument("--recipe", type=recipe_file, metavar="RECIPE.json",
                   help="apply an edit recipe saved by the app or by --save-recipe (directions, strengths, mask)")
