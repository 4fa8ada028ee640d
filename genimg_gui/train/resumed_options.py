"""What a plain `genimg train --resume` takes from the run it goes on from: the options its card (or checkpoint)
records where none was typed, so the run goes on as it was started; check_resume_fits then refuses only options
typed otherwise."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..typed_options import typed


def resumed_card(card: dict | None, kind: str) -> dict | None:
    """The card of the run --resume goes on from (checkpoints.resumable_card), if it is one of this kind with its
    network recorded: a plain --resume gets its resolution and network settings, as --init gets a start model's."""
    if card is None or card.get("kind") != kind or not isinstance(card.get("config"), dict) \
            or not isinstance(card.get("resolution"), int):
        return None
    return card


def take_resumed_options(args: argparse.Namespace, card: dict | None) -> list[str]:
    """--resume: the run's --batch-size, --holdout, --seed, --latent-of, --labels and --label-column where they
    were not typed, and its --mirror and --keep-best, as its card records them (it has the resolution and --set
    network settings taken too: resumed_card); only options typed otherwise are then refused (check_resume_fits).
    Returns them as typed, for the log line that says so."""
    from .labels import FOLDERS  # torch: not for --help
    training = card.get("training") if card and card.get("kind") == args.kind else None
    options = training.get("options") if isinstance(training, dict) else None
    if not isinstance(options, dict):
        return []
    latent_of, labels = (options.get("extra") or {}).get("latent_of"), options.get("labels")
    taken = [*_take_numbers(args, options), *_take_switches(args, options)]
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


def _take_numbers(args: argparse.Namespace, options: dict) -> list[str]:
    """The run's --batch-size, --holdout and --seed where none was typed: the other two decide which images it
    held out, so a plain --resume with the defaults mixed images it trained on into the held-out figures."""
    taken = []
    for dest in ("batch_size", "holdout", "seed"):
        value = options.get(dest)
        lowest = 1 if dest == "batch_size" else 0
        if typed(args, dest) or not isinstance(value, int) or value < lowest or value == getattr(args, dest):
            continue
        setattr(args, dest, value)
        args.typed = {*getattr(args, "typed", ()), dest}  # as the run's: its log names the --holdout, as typed then
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
