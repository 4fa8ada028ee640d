"""A run's checkpoint: written every --checkpoint-every steps and at a stop, read by --resume, which first checks
that the options shaping the networks are those the run was started with (its card's)."""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from ..earlier_run import CHECKPOINT_FILE
from . import TrainError, TrainUsageError
from .resume_fit import LOADS_ANYWAY, saved_options, shape_differences, shape_flags
from .run_card import card_options

if TYPE_CHECKING:
    from .loop import Recipe, TrainOptions

# the network a kind's checkpoint holds (vae_recipe.state, gan_recipe.state), telling one copied from a run of the
# other kind, whose card does not say so, from a checkpoint of other settings
KIND_KEYS = {"vae": "net", "gan": "G"}


def load_optimizer(opt: torch.optim.Optimizer, state: dict, new_lr: bool) -> None:
    """Resume an optimiser (Adam's moments, its learning rates); with new_lr (--lr given on a resumed run)
    it keeps the rates it was built with, so --lr takes effect as --steps and --minutes do."""
    built_with = [group["lr"] for group in opt.param_groups]
    opt.load_state_dict(state)
    if new_lr:
        for group, lr in zip(opt.param_groups, built_with):
            group["lr"] = lr


def save_checkpoint(out: Path, recipe: Recipe, step: int, seconds: float, history: list[dict], best: dict | None,
                name: str = CHECKPOINT_FILE) -> None:
    tmp = out / f".{name}.tmp"
    torch.save({"step": step, "seconds": seconds, "recipe": recipe.state(), "history": history, "best": best}, tmp)
    tmp.replace(out / name)


def checkpoint_step(path: Path) -> int | None:
    """The step a checkpoint was saved at; None if it cannot be read."""
    try:
        return int(torch.load(path, map_location="cpu", weights_only=True)["step"])
    except (KeyError, TypeError, ValueError, RuntimeError, OSError, pickle.UnpicklingError):
        return None


def maybe_resume(opts: TrainOptions, out: Path, recipe: Recipe, log) -> tuple[int, float, list[dict], dict | None]:
    """(step, seconds, held-out history, --keep-best's best so far) to continue from; zeros for a fresh run."""
    path = out / CHECKPOINT_FILE
    if not opts.resume:
        return 0, 0.0, [], None
    if not path.is_file():
        # not refused: an elastic torchrun run is started with --resume in a new folder (README)
        log(f"nothing to resume in {out} (no {CHECKPOINT_FILE}): starting a new run")
        return 0, 0.0, [], None
    check_resume_fits(opts, recipe.kind, LOADS_ANYWAY)  # the classes too, now that the labels are read
    try:  # a damaged file, or a checkpoint of other settings (channels)
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except (EOFError, RuntimeError, ValueError, OSError, pickle.UnpicklingError) as e:
        raise TrainError(f"{path} cannot be read: it is damaged or not a checkpoint ({type(e).__name__}); start "
                         f"again from the model beside it with --init {out} and another -o, or --overwrite") from None
    check_checkpoint_kind(path, ckpt, recipe.kind)
    try:
        recipe.load_state(ckpt["recipe"])
    except (KeyError, RuntimeError, ValueError, TypeError) as e:
        check_resume_fits(opts, recipe.kind)  # every option that shapes the networks, named if one differs
        lines = [line.strip() for line in str(e).splitlines() if line.strip()]  # its detail follows a colon
        raise TrainError(f"{path} does not fit this run ({type(e).__name__}: {' '.join(lines[:2])[:300]}); resume "
                         "with the settings it was started with, or --overwrite to start over") from None
    log(f"resumed from step {ckpt['step']}")
    # older checkpoints kept no history and no best
    return int(ckpt["step"]), float(ckpt["seconds"]), list(ckpt.get("history", [])), ckpt.get("best")


def check_resume_fits(opts: TrainOptions, kind: str, flags: tuple[str, ...] | None = None) -> None:
    """Refuse a --resume whose options in flags (None: all) differ from those the run in opts.out was started with
    (its card's; its --set network settings as it was built, saved_options), naming each that differs. The
    command checks all but the classes before the images load (BEFORE_IMAGES), maybe_resume the classes, which
    come with the images, before the checkpoint loads."""
    saved = saved_options(Path(opts.out)) if opts.resume else None
    differ = shape_differences(saved, kind, card_options(opts), flags) if saved else []
    if differ:
        raise _misfit(Path(opts.out) / CHECKPOINT_FILE, differ)


def checkpoint_kind(ckpt: object) -> str | None:
    """The kind of run ("vae", "gan") that wrote a loaded checkpoint; None if it does not tell."""
    state = ckpt.get("recipe") if isinstance(ckpt, dict) else None
    kinds = [kind for kind, key in KIND_KEYS.items() if isinstance(state, dict) and key in state]
    return kinds[0] if len(kinds) == 1 else None


def check_checkpoint_kind(path: Path, ckpt: object, kind: str) -> None:
    """Refuse a checkpoint written by the other kind of run, named as a card of the other kind is (it read as
    "KeyError: 'net'")."""
    held = checkpoint_kind(ckpt)
    if held and held != kind:
        raise _misfit(path, [f"{shape_flags(held, {})['kind']} (now: {shape_flags(kind, {})['kind']})"],
                      "it was written by")


def _misfit(path: Path, differ: list[str], whose: str = "the run was started with") -> TrainUsageError:
    return TrainUsageError(f"{path} does not fit this run: {whose} {'; '.join(differ)}; resume "
                           "with the settings it was started with, or --overwrite to start over")
