"""The rules for `genimg train -o`, checked before any work: apart from the data folder, its images and the VAE a
GAN draws in; a folder, not a file; and an earlier run there named by --resume or --overwrite, or refused.
No torch but for a folder that holds a run (its checkpoint's step)."""
from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

from ..data_folder import images_in_output, nesting
from ..earlier_run import CHECKPOINT_FILE, earlier_run, resumable_beside
from ..fileio import blocking_file
from . import TrainUsageError


def check_output(out: Path, resume: bool, overwrite: bool) -> None:
    """Refuse, before any work, to write over an earlier run in OUT that the command does not mention: a
    --resume forgotten after Ctrl+C would start the run over in its folder and lose it."""
    check_not_a_file(out)
    if overwrite or (resume and (out / CHECKPOINT_FILE).is_file()):
        return  # before earlier_run, which reads the card for its steps: a --resume has read it (resumable_card)
    if (found := earlier_run(out)) is None:
        if resume:  # held by now: a live run's first steps are refused as such (holding_output), not as no run
            check_something_to_resume(out)
        return
    from .checkpoints import checkpoint_step  # torch: only for a folder that holds a run
    if found.resumable and (step := checkpoint_step(out / CHECKPOINT_FILE)) is not None:
        found = replace(found, steps=step)  # later than the card's after a run killed outright
    if resume:
        raise TrainUsageError(f"{out} holds {found.describe()} but no {CHECKPOINT_FILE} to resume: add --overwrite "
                              f"instead of --resume to replace it, or start from its model with --init {out} "
                              "and another -o")
    raise TrainUsageError(f"{out} already holds {found.describe()}: add --resume to go on from it, or --overwrite "
                          "to replace it")


def check_not_a_file(out: Path) -> None:
    """-o, or a folder it would be made in, being a file is refused before the data loads (after it, the model's
    write failed; a file above -o came out as "[Errno 20] Not a directory"), in encode's words (cli_args.out_folder)."""
    if (blocker := blocking_file(out)) == out:
        raise TrainUsageError(f"-o {out} is a file: name a folder to write the model in (new, or an earlier run's)")
    if blocker is not None:
        raise TrainUsageError(f"-o {out} cannot be made: {blocker} is not a folder")


def check_out_folder(out: Path, args: argparse.Namespace) -> None:
    """The rules for -o, checked before the run holds the folder (makes it, locks it) and before the data loads:
    apart from the data folder and the training images, and from the VAE a GAN draws in; a folder, not a file.
    The Train… dialog says the same of its Save to (ui/train_memory.save_to_warning)."""
    check_out_of_data(out, args.data, args.kind)
    check_out_of_images(out, args.data)
    if args.kind == "gan":  # a VAE's --latent-of is refused as such (command.check_gan_options)
        check_out_of_latent_vae(out, args.latent_of)
    check_not_a_file(out)
    if args.resume and not out.exists():  # a folder that is there is checked once held (check_output)
        check_something_to_resume(out)


def check_something_to_resume(out: Path) -> None:
    """--resume where -o holds no run is refused before any work: a mistyped -o, or a folder that never held a run,
    started a new run from step 0 with one line of its log saying so, and whoever meant to go on from hours of
    training found out only at its end. Starting anew is one word away (leave out --resume). Checked of a missing -o
    before the run holds (makes) it, of one holding no run's files once held (check_output, which refuses a run
    without a checkpoint in its own words). Under torchrun --max-restarts every attempt runs the same command line,
    so the first one's --resume starts anew there (checkpoints.maybe_resume says so)."""
    if os.environ.get("TORCHELASTIC_MAX_RESTARTS", "0") != "0":
        return
    near = resumable_beside(out)
    meant = f" (did you mean -o {near}?)" if near else ""
    held = "does not exist" if not out.exists() else f"holds no run to go on from (no {CHECKPOINT_FILE})"
    raise TrainUsageError(f"-o {out} {held}: --resume has nothing to continue{meant}; to start a new run there, "
                          "leave out --resume")


def check_out_of_data(out: Path, data: Path, kind: str) -> None:
    """-o naming the data folder, or a folder holding it: the run leaves its output folder out of the data (its
    sample grids are no training data), so it found no image in a folder of them."""
    if (how := nesting(out, data)) not in ("is", "holds"):
        return
    what = "is the data folder" if how == "is" else f"holds the data folder {data}"
    raise TrainUsageError(f"-o {out} {what}: write the model to another folder, or to a sub-folder of the data "
                          f"(e.g. -o {data / f'{kind}-model'}), which the run leaves out of its images")


def check_out_of_images(out: Path, data: Path) -> None:
    """-o naming a sub-folder of the data that holds some of its images: the run left them out of its images with
    one line of its log, and its model made the folder a model folder, left out of every later run."""
    if found := images_in_output(data, out)[0]:
        raise TrainUsageError(f"-o {out} holds {found:,} of the training images: write the model to another folder "
                              "or an empty sub-folder")


def check_out_of_latent_vae(out: Path, vae: Path | None) -> None:
    """-o naming the folder of the VAE the GAN draws in (--latent-of), or a folder inside it or holding it: an
    --overwrite there deleted the VAE's files at its start and wrote the GAN in their place, and a GAN beside its
    VAE reads as one mixed model. (-o naming --init's folder is fine-tuning in place: --init is read first.)"""
    if vae is None or not (how := nesting(out, vae)):
        return
    what = "is the --latent-of VAE's folder" if how == "is" else f"{how} the --latent-of VAE's folder {vae}"
    raise TrainUsageError(f"-o {out} {what}: write the GAN to a folder of its own, apart from the VAE it draws in")
