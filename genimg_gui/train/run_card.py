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
          held_out: int, batch_size: int, processes: int = 1) -> dict:
    """batch_size: the images a step trained on (data.batch_used), fewer than --batch-size when the training images
    were; the options keep the --batch-size given, which a --resume compares."""
    import platform
    return {
        "name": Path(opts.out).resolve().name,
        "training": {
            # the folder as a path that still finds it from elsewhere: "data", as typed, named nothing
            "data": opts.data_name or str(Path(opts.data).resolve()), "licence": opts.licence,
            # the Models tab's words for it (--data-name's own, else these): the path stays the record, in "data"
            **({} if opts.data_name else {"summary": folder_summary(len(data), str(Path(opts.data).resolve()))}),
            "images": len(data), "skipped": data.skipped,
            "held_out": held_out, "steps": steps,
            "batch_size": batch_size, "seconds": round(seconds, 1),
            "hardware": f"{device.type} ({platform.processor() or platform.machine()}, "
                        f"{counted(torch.get_num_threads(), 'thread')})" if device.type == "cpu"
                        else f"{device.type} ({torch.cuda.get_device_name() if device.type == 'cuda' else device})",
            "torch": torch.__version__, "seed": opts.seed, "processes": processes,
            "options": card_options(opts),
            **({"command": opts.command} if opts.command else {}),
        },
    }


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
