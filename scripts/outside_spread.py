"""Measure a trained VAE's named directions' spread outside the PCs on its own training images, and add it to its
directions.safetensors (one written before it was measured, or whose named rows came from elsewhere).

    python scripts/outside_spread.py --vae MY_VAE --data DATA

(from the repository root, with genimg installed, e.g. pip install -e ., or PYTHONPATH=.)

The typicality meter reads a push along a named slider on the PCs it moves, and on its part outside them in the
spread of the model's latents there (typicality.outside_pcs). A GAN's mapped w give that spread at run time; a VAE
has no latents of its own then, so it is measured here and stored, one number per row (0 for the PCA rows). DATA is
the folder the VAE was trained on: the split its card records gives the training images, and the first 4,096 of them
(those `genimg train` makes the PCA rows of) are encoded to their latent means, as the PCA rows were. The file's
other tensors are written back as they were; scripts/attribute_directions.py measures it itself as it adds rows.

The bundled emoji-vae's were measured so, on scripts/build_emoji_dataset.py's folder:

    python scripts/outside_spread.py --vae weights/emoji-vae --data EMOJI --into-bundled
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from attribute_fits import OUTSIDE_HOW, encode
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.edit import named_rows
from genimg_gui.fileio import atomic_write_bytes
from genimg_gui.models.directions import OUTSIDE_SPREAD, load_directions, save_directions
from genimg_gui.models.weights import CARD_NAME, DIRECTIONS_NAME, ModelFileError, is_spatial, load_model
from genimg_gui.train.arg_types import positive_int
from genimg_gui.train.data import load_folder, recorded_split, with_mirrors
from genimg_gui.train.loop import WRITTEN_IMAGES
from genimg_gui.typicality import measured_outside_spread
from genimg_gui.wording import counted


class UsageError(Exception):
    """A mistake in what was typed: told in one line, exit code 2."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--vae", type=Path, required=True, metavar="DIR", help="the VAE's model folder, with named "
                   "directions in its directions.safetensors")
    p.add_argument("--data", type=Path, required=True, metavar="DIR", help="the folder it was trained on")
    p.add_argument("--into-bundled", action="store_true", help="allow writing into genimg's bundled models "
                   f"({BUNDLED_DIR}), as when rebuilding them; refused without it")
    p.add_argument("--threads", type=positive_int, default=2, metavar="N", help="CPU threads torch uses (default 2)")
    return p


def training_latents(net: torch.nn.Module, card: dict, data_dir: Path) -> np.ndarray:
    """(N, D) the latent means of the training images the VAE's PCA rows were made from (train/loop.py)."""
    trained_on = card.get("training", {}).get("images")
    if trained_on is None or "options" not in card["training"]:
        raise UsageError(f"{card.get('name', 'the VAE')}'s card records no training run, whose images to measure on: "
                         "scripts/attribute_directions.py measures the spread on the images it is given")
    data = load_folder(data_dir, net.cfg.resolution)
    if len(data) != trained_on:
        raise UsageError(f"--data {data_dir} holds {counted(len(data), 'image')}, and {card.get('name', 'the VAE')} "
                         f"was trained on {trained_on}: name the folder it was trained on")
    train, _ = recorded_split(data, card)
    images = data.images
    if card["training"]["options"].get("mirror"):
        images, _, train = with_mirrors(data, train)
    return encode(net, images[train[:WRITTEN_IMAGES]].numpy())


def run(args: argparse.Namespace) -> None:
    if args.vae.resolve().is_relative_to(BUNDLED_DIR.resolve()) and not args.into_bundled:
        raise UsageError(f"{args.vae} is one of genimg's bundled models, whose directions the app ships: add "
                         "--into-bundled to rewrite them (as when rebuilding them), or name a copy of it")
    torch.set_num_threads(args.threads)
    net, card = load_model(args.vae)
    if card["kind"] != "vae" or is_spatial(net):
        raise UsageError(f"--vae {args.vae} holds a {card['architecture']}: name a VAE trained with `genimg train vae`")
    directions = load_directions(args.vae, int(np.prod(card["latent_shape"])))
    if directions is None or not named_rows(directions):
        raise UsageError(f"{args.vae} has no named directions to measure: scripts/attribute_directions.py adds them")
    latents = training_latents(net.eval(), card, args.data)
    measured = measured_outside_spread(directions, latents)
    save_directions(args.vae, measured)
    card_path = args.vae / CARD_NAME
    card = json.loads(card_path.read_text(encoding="utf-8"))  # as written: load_model's copy orders its keys anew
    card["directions"] = {**card.get("directions", {}), OUTSIDE_SPREAD: OUTSIDE_HOW.format(
        images=f"the {len(latents)} training images the PCA rows were made from", by="; scripts/outside_spread.py")}
    atomic_write_bytes(card_path, (json.dumps(card, indent=2, ensure_ascii=False) + "\n").encode())
    print(f"measured on {counted(len(latents), 'training image')}; wrote into {args.vae / DIRECTIONS_NAME}:")
    for row in named_rows(measured):
        print(f"  {measured.labels[row]}: {measured.outside_spread_or_0[row]:.3f} (sigma {measured.sigma[row]:.3f})")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        run(args)
    except UsageError as e:
        print(f"outside_spread.py: error: {e}", file=sys.stderr)
        return 2
    except (ModelFileError, OSError) as e:
        print(f"outside_spread.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
