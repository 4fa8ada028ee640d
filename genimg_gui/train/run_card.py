"""What a finished (or stopped) run's model card records of its training: data, steps, time, hardware, options."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from ..catalog import folder_summary
from ..wording import counted
from .data import FolderData
from .labels import FOLDERS

if TYPE_CHECKING:
    from .loop import TrainOptions


def run_card(opts: TrainOptions, data: FolderData, device: torch.device, steps: int, seconds: float,
             held_out: int, batch_from: list[list[int]], processes: int = 1) -> dict:
    """batch_from: batches_from's, the images a step trained on (data.batch_used, fewer than --batch-size when the
    training images were) from the step each began at; the card's batch_size is the last, its batches each one's
    steps where a --resume with another --batch-size changed it. The options keep the --batch-size given, which a
    --resume compares."""
    import platform
    stretches = batch_steps(batch_from, steps)
    return {
        "name": Path(opts.out).resolve().name,
        "training": {
            # the folder as a path that still finds it from elsewhere: "data", as typed, named nothing
            "data": opts.data_name or str(Path(opts.data).resolve()), "licence": opts.licence,
            # the Models tab's words for it (--data-name's own, else these): the path stays the record, in "data"
            **({} if opts.data_name else {"summary": folder_summary(len(data), str(Path(opts.data).resolve()))}),
            "images": len(data), "skipped": data.skipped,
            "held_out": held_out, "steps": steps,
            "batch_size": batch_from[-1][1], "seconds": round(seconds, 1),
            **({"batches": [{"steps": n, "batch_size": batch} for n, batch in stretches]} if len(stretches) > 1
               else {}),
            "hardware": f"{device.type} ({platform.processor() or platform.machine()}, "
                        f"{counted(torch.get_num_threads(), 'thread')})" if device.type == "cpu"
                        else f"{device.type} ({torch.cuda.get_device_name() if device.type == 'cuda' else device})",
            "torch": torch.__version__, "seed": opts.seed, "processes": processes,
            "options": card_options(opts),
            **({"command": opts.command} if opts.command else {}),
        },
    }


def batches_from(earlier: list[list[int]], start: int, batch_size: int) -> list[list[int]]:
    """[[first step, images a step], …]: the batch each stretch of a run's steps trained on, a --resume from step
    start with another --batch-size (typed options win) beginning a stretch; earlier: the resumed checkpoint's
    record of it ([] for a new run, or a checkpoint that records none)."""
    earlier = [stretch for stretch in earlier if stretch[0] <= start]  # one its --steps, reached, never began
    if earlier and earlier[-1][1] == batch_size:
        return earlier
    return [*earlier, [start + 1, batch_size]]


def batch_steps(batch_from: list[list[int]], steps: int) -> list[tuple[int, int]]:
    """[(steps, images a step), …] of a model of `steps` steps (--keep-best's may be of fewer than the run's), from
    its first step; [] where the record does not reach back to it (a checkpoint older than the record)."""
    if not batch_from or batch_from[0][0] != 1:
        return []
    ends = [first - 1 for first, _ in batch_from[1:]] + [steps]
    return [(min(end, steps) - first + 1, batch) for (first, batch), end in zip(batch_from, ends) if first <= steps]


PATH_OPTIONS = ("data", "out", "init", "labels")  # folders and files, which the card records as absolute paths


def card_options(opts: TrainOptions) -> dict:
    """The options as the card records them, what a later --resume is compared with: paths absolute, as typed
    ("data", "x1") they name nothing once the card is read from another folder."""
    # holdout_typed: how the log words the held-out line, no option of the run; command: the card's own entry, which
    # a --resume typed otherwise must not count as a difference
    options = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(opts).items()
               if k not in ("holdout_typed", "command")}
    for key in PATH_OPTIONS:
        if options[key] and not (key == "labels" and options[key] == FOLDERS):  # "": not given; folders: no path
            options[key] = str(Path(options[key]).resolve())
    return options
