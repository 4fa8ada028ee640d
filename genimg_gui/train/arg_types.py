"""The types of `genimg train`'s options, for argparse: each refuses a value in words ("--steps: must be a whole
number, 1 or more, not 'abc'"), where a bare ValueError let argparse name the function ("invalid positive_int
value"). The window's command line checks --device and --threads with them too (app.py), and --scale
reads its number with `parsed` (cli_args). And how a value starting with '-' is read as its option's value, for
both command lines (dash_values_joined). No torch."""
from __future__ import annotations

import argparse
import math
import re

from ..seed_draws import MAX_SEED

DEVICES = "auto, cpu, cuda, cuda:N (N: the GPU's number, from 0) or mps"


def parsed(text: str, kind: type[int] | type[float], expected: str) -> int | float:
    """text as kind, else refused in words: a ValueError let argparse name the function ("invalid positive_int…")."""
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {expected}, not {text!r}") from None


def positive_int(text: str) -> int:
    value = parsed(text, int, "a whole number, 1 or more")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


# --steps and the step counts beside it: 178 times the bundled models' longest run (56,089 steps), 10 years of a
# step every 32 ms; 99999999999999999999 ran, its ETA 22916919194459396.0 h, its card holding a 20-digit number
MAX_STEPS = 10_000_000


def step_count(text: str) -> int:
    """--steps, --sample-every, --checkpoint-every: 1 to MAX_STEPS, as `genimg generate` takes at most 10,000 seeds."""
    value = positive_int(text)
    if value > MAX_STEPS:
        raise argparse.ArgumentTypeError(f"at most {MAX_STEPS:,} steps, not {value:,}")
    return value


def resolution(text: str) -> int:  # --resolution: argparse checks its choices
    return parsed(text, int, "32, 64, 128 or 256")


def held_out_count(text: str) -> int:
    """--holdout: -1 held out all but one image, silently."""
    value = parsed(text, int, "a whole number, 0 (none) or more")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (none) or more, not {value}")
    return value


def seed_number(text: str) -> int:
    """--seed: one the app's seed box and `genimg generate --seeds` take too (a huge one was a traceback)."""
    value = parsed(text, int, f"a whole number from 0 to {MAX_SEED}")
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_SEED}, not {value}")
    return value


def positive_float(text: str) -> float:
    """A budget such as --minutes: 0 or less would write an untrained model (and NaN is no budget)."""
    value = parsed(text, float, "a number above 0")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {text}")
    return value


# --minutes: a year, as --steps stops at MAX_STEPS; 1e12 (1.9 million years) and inf were taken as a run's time
MAX_MINUTES = 365 * 24 * 60


def minutes(text: str) -> float:
    """--minutes: above 0, at most MAX_MINUTES (the Train… dialog's Time for this run takes at most a day)."""
    value = positive_float(text)
    if value > MAX_MINUTES:
        raise argparse.ArgumentTypeError(f"at most {MAX_MINUTES:,} minutes (a year), not {text}")
    return value


def learning_rate(text: str) -> float:
    """--lr: Adam refuses 0 or less only once the recipe builds it, with a traceback; and 0 read as 'not given'."""
    value = parsed(text, float, "a number above 0, e.g. 0.0002")
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a number above 0, e.g. 0.0002, not {text}")
    return value


def device_name(text: str) -> str:
    """--device: one torch names, checked here, as torch's own refusal lists a dozen device types genimg never
    runs on."""
    if not is_device_name(text):
        # `CPU`, `Cuda:0`: torch's names are lower case (in brackets, as wording.close_name: the message goes on)
        mean = f" (did you mean {text.lower()}?)" if is_device_name(text.lower()) else ""
        raise argparse.ArgumentTypeError(f"{text!r} is not a device{mean}: use {DEVICES}")
    return text


def is_device_name(text: str) -> bool:
    """Whether text names a device genimg runs on (auto too), as --device and the saved device are checked."""
    return re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", text) is not None


def dash_values_joined(args: list[str], options: dict[str, argparse.Action]) -> list[str]:
    """`--edit -1=2` as `--edit=-1=2`: a word starting with '-' after an option that takes one value is that value.
    argparse takes only plain negative numbers so (-2, -0.5), and read `--psi -1e-1` or `--class -a` as an unknown
    option: "argument --edit: expected one argument". A word starting with '--', or with a short option (-o, -h: `-oout`
    is -o out), is still an option: `--edit -o out` forgot the value, and argparse says so."""
    shorts = {name for name in options if len(name) == 2 and name[1] != "-"}
    joined: list[str] = []
    for i, word in enumerate(args):
        if word == "--":  # the rest are positionals, whatever they start with
            return joined + args[i:]
        before = options.get(joined[-1]) if joined else None
        if (before is not None and before.nargs is None and word.startswith("-") and not word.startswith("--")
                and word[:2] not in shorts):
            joined[-1] += word if joined[-1] in shorts else f"={word}"  # argparse's own forms: -o-x, --edit=-1=2
        else:
            joined.append(word)
    return joined
