"""What a plain `genimg train --resume` takes from the run it goes on from: the options its card (or checkpoint)
records where none was typed, so the run goes on as it was started; check_resume_fits then refuses only options
typed otherwise."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..earlier_run import SHAPE_SETTINGS, typed_setting
from ..typed_options import typed
from . import TrainError
from .settings import GAN_SETTINGS, VAE_SETTINGS


def resumed_card(card: dict | None, kind: str) -> dict | None:
    """The card of the run --resume goes on from (checkpoints.resumable_card), if it is one of this kind with its
    network recorded: a plain --resume gets its resolution and network settings, as --init gets a start model's."""
    if card is None or card.get("kind") != kind or not isinstance(card.get("config"), dict) \
            or not isinstance(card.get("resolution"), int):
        return None
    return card


def take_resumed_options(args: argparse.Namespace, card: dict | None) -> list[str]:
    """--resume: the run's --batch-size, --steps, --holdout, --seed, --sample-every, --checkpoint-every,
    --latent-of, --labels, --label-column, --data-name, --licence and --precision where they were not typed, and
    its --mirror and --keep-best, and its other --set settings (RESUMED_SETTINGS), as its card
    records them (it has the resolution and --set network settings taken too: resumed_card); only options typed
    otherwise are then refused (check_resume_fits). Returns them as typed, for the log line that says so. Not
    taken: --minutes (this run's own), --device and --threads (the machine's), and --lr (the checkpoint's
    optimiser keeps the learning rates)."""
    from .labels import FOLDERS  # torch: not for --help
    training = card.get("training") if card and card.get("kind") == args.kind else None
    options = training.get("options") if isinstance(training, dict) else None
    if not isinstance(options, dict):
        return []
    latent_of, labels = (options.get("extra") or {}).get("latent_of"), options.get("labels")
    taken = [*_take_numbers(args, options), *_take_words(args, options), *_take_switches(args, options),
             *_take_settings(args, options)]
    if args.latent_of is None and latent_of:
        args.latent_of = Path(latent_of)
        taken.append(f"--latent-of {latent_of}")
    if args.labels is None and labels:
        args.labels = labels
        taken.append(f"--labels {labels}")
    if args.label_column is None and args.labels not in (None, FOLDERS) and options.get("label_column"):
        args.label_column = options["label_column"]
        taken.append(f"--label-column {args.label_column}")
    return taken


# the numbers a --resume takes, in the order the log names them, with the least each may be
NUMBERS = {"batch_size": 1, "steps": 1, "holdout": 0, "seed": 0, "sample_every": 1, "checkpoint_every": 1}
WORDS = ("data_name", "licence", "precision")  # as NUMBERS, the strings


def _take_numbers(args: argparse.Namespace, options: dict) -> list[str]:
    """The run's NUMBERS where none was typed: --holdout and --seed decide which images it held out, so a plain
    --resume with the defaults mixed images it trained on into the held-out figures; --sample-every and
    --checkpoint-every fell back to 500, and a run sampled every 20 steps wrote no grid until its end."""
    taken = []
    for dest, lowest in NUMBERS.items():
        value = options.get(dest)
        if typed(args, dest) or not isinstance(value, int) or value < lowest or value == getattr(args, dest):
            continue
        if dest == "steps" and args.minutes is not None:  # `--resume --minutes 30`: train on for that long, not
            continue                                    # stop at once at the steps the run had reached
        setattr(args, dest, value)
        args.typed = {*getattr(args, "typed", ()), dest}  # as the run's: its log names the --holdout, as typed then
        taken.append(f"--{dest.replace('_', '-')} {value}")
    return taken


def _take_words(args: argparse.Namespace, options: dict) -> list[str]:
    """The run's WORDS where none was typed: its card's --data-name and --licence became the folder's path and
    "unknown" after a plain --resume, and its --precision fell back to auto."""
    from .command import PRECISIONS
    taken = []
    for dest in WORDS:
        value = options.get(dest)
        if typed(args, dest) or not isinstance(value, str) or not value or value == getattr(args, dest) \
                or (dest == "precision" and value not in PRECISIONS):
            continue
        setattr(args, dest, value)
        taken.append(f"--{dest.replace('_', '-')} {value}")
    return taken


def _take_switches(args: argparse.Namespace, options: dict) -> list[str]:
    """The run's --mirror and --keep-best, kept on: neither moves an image between the training and held-out
    ones, so either may be switched on by a resume too; --keep-best off would write the last step's model over
    the best one kept so far."""
    taken = []
    for dest in ("mirror", "keep_best"):
        if options.get(dest) is True and not getattr(args, dest):
            setattr(args, dest, True)
            taken.append(f"--{dest.replace('_', '-')}")
    return taken


# every --set setting of a run but its network's shape (resumed_card takes those): a plain --resume trains on as the
# run did, so it takes them where none is typed, for the recipe, its card and its log line. Taking only those a GAN's
# checkpoint restores dropped the rest: a resume of a run of --set r1_gamma=1 and ema=0.9995 trained on with 0.05 and
# 0.999, and a VAE's --set kl_weight went back to the default
RESUMED_SETTINGS = tuple(key for key in (*GAN_SETTINGS, *VAE_SETTINGS) if key not in SHAPE_SETTINGS)


def _take_settings(args: argparse.Namespace, options: dict) -> list[str]:
    """The run's RESUMED_SETTINGS where no --set of them was typed, as it trained with them (a GAN's checkpoint
    restores some, such as lecam, but its card's options no longer had them, nor did the log line on what the resume
    took; the others, such as r1_gamma and kl_weight, were lost)."""
    extra = options.get("extra") if isinstance(options.get("extra"), dict) else {}
    typed_keys = {item.partition("=")[0] for item in args.set}
    taken = []
    for key in RESUMED_SETTINGS:
        if key in extra and key not in typed_keys:
            value = extra[key]
            item = f"{key}={value}" if value == "auto" else typed_setting(key, value)  # as --set takes "auto"
            args.set = [*args.set, item]
            taken.append(f"--set {item}")
    return taken


def with_taken_named(refused: TrainError, taken: list[str]) -> TrainError:
    """A refusal of the run, with the options it names that a --resume took from the run (taken: as
    take_resumed_options returns them): the line naming them is said only once the run is accepted, so
    "--labels x.csv: no such file" of a --labels nobody typed says where it came from."""
    named = [option for option in taken if re.search(rf"{re.escape(option.split()[0])}(?![\w-])", str(refused))]
    if not named:
        return refused
    return type(refused)(f"{refused} (this --resume took the run's {', '.join(named)})")
