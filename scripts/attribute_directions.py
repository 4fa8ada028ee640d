"""Add named directions, learned from labelled images, to a trained VAE's and/or GAN's model folder.

    python scripts/attribute_directions.py --data DATA --by COLUMN --vae MY_VAE [--gan MY_GAN]
    python scripts/attribute_directions.py --data DATA --labels folders --by shape --gan MY_GAN

(from the repository root, with genimg installed, e.g. pip install -e ., or PYTHONPATH=.)

DATA is a folder of images; --labels gives each its class, as `genimg train gan --labels` reads it: a CSV file
(by default DATA/labels.csv) with a 'file' column (paths inside DATA) and the --by column, or 'folders' (each
image's sub-folder of DATA is its class, and --by only names the directions). Two classes A and B make one
direction, "COLUMN: A → B"; more make one per class X, "COLUMN: other → X", from all the other images to X's. A side
needs MIN_GROUP (10) images: a fifth of each class, chosen by file name, is held out to judge the fits (see
attribute_fits.py for how each direction is fitted and judged). The named rows are
appended after the PCA rows of each model's directions.safetensors and noted in its card.json; running again
replaces the rows of the same topics (the part before ": "), and keeps the others.

The bundled models' directions were made with --emoji (emoji_attributes.py: skin tone, style and the four
CATEGORIES, held out by emoji name) from scripts/build_emoji_dataset.py's folders:

    python scripts/attribute_directions.py --emoji --data EMOJI --by category \\
        --vae weights/emoji-vae --gan weights/emoji-gan --into-bundled
    python scripts/attribute_directions.py --emoji --data FACES --by subcategory \\
        --vae weights/emoji-vae --gan weights/emoji-faces-gan --gan-only --into-bundled
"""
from __future__ import annotations

import argparse
import json
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

import emoji_attributes
from attribute_fits import (GAN_SAMPLES, GAN_STEP, MIN_GROUP, OUTSIDE_HOW, VAE_HOW, Attribute, Classifier,
                            SampleSpace, encode, gan_attribute, gan_samples, latent_space, picture_space, thumbs,
                            vae_attribute)
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.edit import Directions
from genimg_gui.fileio import atomic_write_bytes
from genimg_gui.imaging import ImageLoadError
from genimg_gui.models.directions import OUTSIDE_SPREAD, load_directions, save_directions
from genimg_gui.models.latent_gan import LatentGenerator, same_decoder
from genimg_gui.models.weights import CARD_NAME, ModelFileError, is_spatial, load_model
from genimg_gui.train import TrainError, TrainUsageError
from genimg_gui.train.arg_types import parsed, positive_int
from genimg_gui.train.data import load_folder, name_skipped
from genimg_gui.train.labels import FOLDERS, check_csv, with_labels
from genimg_gui.typicality import measured_outside_spread
from genimg_gui.wording import counted

HELD_OUT = 0.2  # the share of each class held out to judge the fits
MIN_GAN_SAMPLES = 100
TRAINED_ON = "80% of the images (a fifth of each class held out, chosen by file name)"


class UsageError(Exception):
    """A mistake in what was typed: told in one line, exit code 2."""


@dataclass
class Labelled:
    """The images, which of them are held out, and the attributes to fit on them."""
    images: np.ndarray  # (N, R, R, 3) uint8
    test: np.ndarray    # (N,) bool
    attributes: list[Attribute]
    split: str          # how the held-out images were chosen, for the log
    trained_on: str     # the card's words for the images a VAE direction is fitted on


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, metavar="DIR", help="the folder of labelled images")
    p.add_argument("--labels", metavar="FILE|folders", help="a CSV file with a 'file' column (paths inside DIR) "
                   "and the --by column, or 'folders': each image's sub-folder of DIR is its class (default: "
                   "DIR/labels.csv)")
    p.add_argument("--by", metavar="COLUMN", help="the labels' column whose values the directions contrast; with "
                   "--labels folders, the word the directions are named by (default 'class')")
    p.add_argument("--vae", type=Path, metavar="DIR", help="a VAE's model folder: its directions are fitted on the "
                   "latents it encodes the images to, and written into it (not with --gan-only)")
    p.add_argument("--gan", type=Path, metavar="DIR", help="a GAN's model folder to add directions to: its samples "
                   "are judged on the --vae latent they draw (a GAN trained with --latent-of that VAE), else on "
                   "their pictures")
    p.add_argument("--gan-only", action="store_true", help="leave the VAE's directions as they are, and use it "
                   "only to judge the GAN's samples (a GAN trained on part of the VAE's data)")
    p.add_argument("--emoji", action="store_true", help="the bundled emoji models' attributes, from "
                   "build_emoji_dataset.py's labels: skin tone and style besides --by's (with --by category, only "
                   f"{', '.join(emoji_attributes.CATEGORIES)}), the emoji held out by name")
    p.add_argument("--into-bundled", action="store_true", help="allow writing into genimg's bundled models "
                   f"({BUNDLED_DIR}), as when rebuilding them; refused without it")
    p.add_argument("--gan-samples", type=sample_count, default=GAN_SAMPLES, metavar="N",
                   help=f"how many w to sample for a GAN's directions (default {GAN_SAMPLES:,})")
    p.add_argument("--threads", type=positive_int, default=2, metavar="N", help="CPU threads torch uses (default 2)")
    p.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    return p


def sample_count(text: str) -> int:
    """--gan-samples: enough that the highest- and lowest-scoring tails each hold several samples."""
    value = parsed(text, int, "a whole number")
    if value < MIN_GAN_SAMPLES:
        raise argparse.ArgumentTypeError(f"must be at least {MIN_GAN_SAMPLES}, not {value}")
    return value


def check_targets(args: argparse.Namespace) -> None:
    """The model folders the run writes into, checked before any work: named, and not the bundled ones unless
    --into-bundled says so."""
    if args.vae is None and args.gan is None:
        raise UsageError("name the model folders to add directions to: --vae DIR and/or --gan DIR")
    if args.gan_only and (args.vae is None or args.gan is None):
        raise UsageError("--gan-only writes only the GAN's directions, judged with the VAE: name both --vae and --gan")
    if args.dry_run or args.into_bundled:
        return
    for folder in (None if args.gan_only else args.vae, args.gan):
        if folder is not None and folder.resolve().is_relative_to(BUNDLED_DIR.resolve()):
            raise UsageError(f"{folder} is one of genimg's bundled models, whose directions the app ships: add "
                             "--into-bundled to rewrite them (as when rebuilding them), or name a copy of it")


def labels_source(args: argparse.Namespace) -> str:
    """--labels as given ('folders' or a CSV file, whose columns are checked), DATA/labels.csv by default."""
    if not args.data.is_dir():
        raise UsageError(f"--data {args.data}: no such folder; name the folder of labelled images")
    labels = args.labels or str(args.data / "labels.csv")
    if labels == FOLDERS:
        if args.emoji:
            raise UsageError("--emoji reads build_emoji_dataset.py's labels.csv, not --labels folders")
        return labels
    if not Path(labels).is_file():
        said = f"--labels {labels}" if args.labels else f"{args.data} has no labels.csv, and no --labels was given"
        raise UsageError(f"{said}: give a CSV file with a 'file' column and the --by column, or 'folders' (each "
                         "image's class its sub-folder of --data)")
    if not args.by:
        raise UsageError(f"--by: name the column of {labels} whose values the directions contrast")
    for column, option in [(args.by, "--by")] + [(c, "--emoji") for c in emoji_attributes.COLUMNS if args.emoji]:
        check_csv(Path(labels), column, option)
    return labels


def model(folder: Path | None, kind: str) -> tuple[torch.nn.Module | None, str]:
    """The network of a genimg model folder of that kind and its name, or (None, "") when none is named."""
    if folder is None:
        return None, ""
    net, card = load_model(folder)
    if card["kind"] != kind or is_spatial(net):
        raise UsageError(f"--{kind} {folder} holds a {card['architecture']}: name a {kind.upper()} trained with "
                         f"`genimg train {kind}`")
    return net.eval(), str(card.get("name", folder.name))


def labelled(args: argparse.Namespace, labels: str, resolution: int) -> Labelled:
    if args.emoji:
        rows, images = emoji_attributes.load_data(args.data, Path(labels))
        if images.shape[1] != resolution:
            raise UsageError(f"--emoji reads the images at the size they are stored ({images.shape[1]} px), and "
                             f"the models draw {resolution} px")
        test = emoji_attributes.held_out(rows)
        return Labelled(images, test, emoji_attributes.attributes(rows, test, args.by), emoji_attributes.HELD_OUT,
                        emoji_attributes.TRAINED_ON)
    way_out = "name another column with --by" if labels != FOLDERS else "give --labels a CSV file of classes"
    data, unmatched = with_labels(load_folder(args.data, resolution), labels, args.by or "class",
                                  needs=("a direction needs at least 2", way_out))
    if unmatched:
        print(f"note: {counted(unmatched, 'row')} of {labels} name no image found in {args.data}", file=sys.stderr)
    for line in name_skipped(data.skipped_files):
        print(f"note: {line}", file=sys.stderr)
    classes, ids = data.classes, data.labels.numpy()
    test = held_out_by_class(data.files, ids)
    return Labelled(data.images.numpy(), test, contrasts(args.by or "class", classes, ids), "a fifth of each class",
                    TRAINED_ON)


def held_out_by_class(files: list[str], ids: np.ndarray) -> np.ndarray:
    """True for a fifth of each class (at least one image), chosen by a hash of the file name: the same images
    every run, and every class judged."""
    test = np.zeros(len(files), bool)
    for c in np.unique(ids):
        rows = sorted(np.flatnonzero(ids == c), key=lambda i: (zlib.crc32(files[i].encode()), files[i]))
        test[rows[:max(1, round(HELD_OUT * len(rows)))]] = True
    return test


def contrasts(by: str, classes: tuple[str, ...], ids: np.ndarray) -> list[Attribute]:
    """Two classes A, B: "BY: A → B"; more: "BY: other → X" for each class X with enough images on both sides (a
    class with too few is left out, and said)."""
    counts = np.bincount(ids, minlength=len(classes))
    few = [f"{classes[i]!r} has {counted(int(n), 'image')}" for i, n in enumerate(counts) if n < MIN_GROUP]
    why = f"a direction needs at least {MIN_GROUP} images on each side, a fifth of them held out to judge it"
    if len(classes) == 2:
        if few:
            raise TrainError(f"{by}: {' and '.join(few)}; {why}: add images")
        a, b = classes
        return [Attribute(f"{by}: {a} → {b}", f"images whose {by} is {a!r} vs {b!r}", np.flatnonzero(ids == 0),
                          np.flatnonzero(ids == 1))]
    out = [Attribute(f"{by}: other → {value}", f"images whose {by} is {value!r} vs all the others",
                     np.flatnonzero(ids != i), np.flatnonzero(ids == i))
           for i, value in enumerate(classes) if counts[i] >= MIN_GROUP and len(ids) - counts[i] >= MIN_GROUP]
    if not out:
        raise TrainError(f"{by}: no class has {MIN_GROUP} images and the others as many; {why}")
    if few:
        print(f"note: left out: {by} {'; '.join(few)}; {why}", file=sys.stderr)
    return out


def topic(label: str) -> str:
    return label.split(": ")[0]


def write(folder: Path, named: list[tuple[str, dict]], notes: list[dict], how: str, dry_run: bool,
          latents: np.ndarray | None = None) -> None:
    """The named rows after the folder's PCA rows and its named rows of other topics, and their notes in its card;
    those of the topics made again go (an earlier run's). latents: a VAE's latents of the images (N, D), on which
    each named row's spread outside the PCs is measured for the typicality meter (a GAN's mapped w measure it at
    run time). A dry run writes nothing."""
    if not named:
        print(f"nothing written into {folder}: no attribute had enough images on each side, with some held out")
    if dry_run or not named:
        return
    card_path = folder / CARD_NAME
    card = json.loads(card_path.read_text(encoding="utf-8"))
    earlier = base_directions(folder, int(np.prod(card["latent_shape"])))
    remade = {topic(label) for label, _ in named}
    keep = [i for i, (label, share) in enumerate(zip(earlier.labels, earlier.explained))
            if share > 0 or topic(label) not in remade]
    d: Directions = earlier.subset(keep)
    kept_notes = [n for n in card.get("directions", {}).get("named", []) if n.get("label") in d.labels]
    for label, fit in named:
        d = d.with_direction(fit["vector"], fit["sigma"], label)
    card["directions"] = {**card.get("directions", {}), "count": len(d), "named": kept_notes + notes,
                          "named_how": how}
    if latents is not None:
        d = measured_outside_spread(d, latents)
        card["directions"][OUTSIDE_SPREAD] = OUTSIDE_HOW.format(images=f"the {len(latents)} labelled images", by="")
    save_directions(folder, d)
    atomic_write_bytes(card_path, (json.dumps(card, indent=2, ensure_ascii=False) + "\n").encode())
    print(f"wrote {counted(len(named), 'named direction')} into {folder}: {', '.join(label for label, _ in named)}")


def base_directions(folder: Path, dim: int) -> Directions:
    """The folder's directions; where it has none yet, its PCA ones made as the app makes them (written into the folder
    with the named rows, not by the load: --dry-run and a refusal leave it as it was)."""
    earlier = load_directions(folder, dim)
    if earlier is None:
        from genimg_gui.engine.runtime import Runtime
        earlier = Runtime("cpu").load(str(folder), lambda *_: None).directions
    return earlier


def run(args: argparse.Namespace) -> None:
    check_targets(args)
    labels = labels_source(args)
    torch.set_num_threads(args.threads)
    (vae, vae_name), (gan, _) = model(args.vae, "vae"), model(args.gan, "gan")
    data = labelled(args, labels, (vae if vae is not None else gan).cfg.resolution)
    pix = thumbs(data.images)
    lat = encode(vae, data.images) if vae is not None else None
    print(f"{len(data.images)} images{' encoded' if vae is not None else ''}; {data.test.mean():.0%} held out "
          f"({data.split})")
    if vae is not None:
        fit_vae(args, vae, data, lat, pix)
    if gan is not None:
        space = sample_space(gan, vae, vae_name, args.gan)
        fit_gan(args, gan, space, data, lat if space.on_latents else pix)
    if args.dry_run:
        print("--dry-run: nothing written")


def fit_vae(args: argparse.Namespace, vae, data: Labelled, lat: np.ndarray, pix: np.ndarray) -> None:
    named, notes = [], []
    for att in data.attributes:
        fit, note = vae_attribute(att, lat, pix, data.test, vae)
        named.append((att.label, fit))
        notes.append(note)
        print(f"VAE {att.label}: {note['method']}, held-out accuracy {note['held_out_accuracy']:.3f}; held-out "
              f"'from' images called 'to' by the pixel classifier {note['held_out_from_called_to_before']:.0%} → "
              f"{note['held_out_from_called_to_after_edit']:.0%} after moving {note['to_mean_in_sigma']} σ "
              f"(pixel classifier accuracy {note['pixel_judge_held_out_accuracy']:.3f})")
        print("    " + "; ".join(f"{m}: accuracy {r['held_out_accuracy']:.3f}, called 'to' after the edit "
                                  f"{r['held_out_from_called_to_after_edit']:.0%}" for m, r in note["methods"].items()))
    write(args.vae, named, notes, VAE_HOW.format(trained_on=data.trained_on), args.dry_run or args.gan_only, lat)


def sample_space(gan, vae, vae_name: str, gan_folder: Path) -> SampleSpace:
    """A GAN that draws in the VAE's latent space (its decoder is the VAE's, or a fine-tuned copy) is judged on the
    latent it draws, as the VAE's directions are fitted; any other GAN on its pictures."""
    if vae is not None and isinstance(gan, LatentGenerator) and same_decoder(gan.decoder.state_dict(),
                                                                             vae.decoder.state_dict()):
        return latent_space(gan, vae_name)
    if vae is not None:
        print(f"note: {gan_folder} does not draw in the VAE's latent space: its samples are judged on their "
              "pictures", file=sys.stderr)
    return picture_space(gan)


def fit_gan(args: argparse.Namespace, gan, space: SampleSpace, data: Labelled, features: np.ndarray) -> None:
    w, drawn = gan_samples(gan, args.gan_samples, 1, space)
    rng = np.random.default_rng(0)
    named, notes = [], []
    for att in data.attributes:
        judge = Classifier(features[att.from_rows], features[att.to_rows])
        fit, note = gan_attribute(att.label, judge, w, drawn, space, rng)
        named.append((att.label, fit))
        notes.append(note)
        called = note["held_out_from_called_to_after_edit"]
        print(f"GAN {att.label}: held-out accuracy {note['held_out_accuracy']:.3f}; held-out samples called 'to' "
              f"after +{GAN_STEP} σ: " + ("none was called 'from'" if called is None else f"{called:.0%} (0% before)"))
    write(args.gan, named, notes, space.how, args.dry_run)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        run(args)
    except (UsageError, TrainUsageError) as e:
        print(f"attribute_directions.py: error: {e}", file=sys.stderr)
        return 2
    except (TrainError, ModelFileError, ImageLoadError, OSError) as e:
        print(f"attribute_directions.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
