"""A run's checkpoint: written every --checkpoint-every steps and at a stop, read by --resume, which first checks
that the options shaping the networks and the held-out split are those the run was started with (its card's, or
those the checkpoint records when the card is gone)."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from ..earlier_run import CARD_FILE, CHECKPOINT_FILE, saved_card
from ..file_damage import damage_reason
from ..models.state_files import misfits
from . import TrainError, TrainUsageError
from .finetune import ARCHITECTURE_SETTINGS
from .resume_fit import LOADS_ANYWAY, retrained_vae, saved_options, shape_differences, shape_flags
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
                name: str = CHECKPOINT_FILE, run: dict | None = None, evaluation_s: float | None = None,
                rng: dict | None = None) -> None:
    """run: run_record's, what --resume reads when the card is gone (a run killed outright writes none);
    evaluation_s: how long the run's last held-out evaluation took, which a resumed --minutes run keeps time for;
    rng: rng_state's, the random numbers' state a --resume goes on with (None: not kept)."""
    tmp = out / f".{name}.tmp"
    torch.save({"step": step, "seconds": seconds, "recipe": recipe.state(), "history": history, "best": best,
                "run": run, "evaluation_s": evaluation_s, "rng": rng}, tmp)
    tmp.replace(out / name)


def rng_state(device: torch.device) -> dict:
    """The state of torch's random numbers in this process (the CPU's, and the device's on CUDA), which a checkpoint
    keeps: a --resume that seeded anew drew the noise of the run's first steps again (every torchrun restart too)."""
    state = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def restore_rng(saved: object, seed: int, rank: int, start: int, device: torch.device) -> None:
    """Go on with the random numbers a checkpoint saved at step start kept (rng_state's). Only rank 0 writes, so
    it alone gets its own back; the other processes, and every process resuming a checkpoint written before one
    kept them, seed with the step mixed in: noise unlike the opening steps', and unlike each other's."""
    torch.manual_seed(seed + 1000 * rank + 1_000_003 * start)
    if rank or not isinstance(saved, dict):
        return
    if isinstance(cpu := saved.get("cpu"), torch.Tensor):
        torch.set_rng_state(cpu)
    if device.type == "cuda" and isinstance(cuda := saved.get("cuda"), torch.Tensor):
        torch.cuda.set_rng_state(cuda, device)


def run_record(opts: TrainOptions, kind: str, batch_from: list[list[int]]) -> dict:
    """What a checkpoint records of its run's options, as its card does (card_options), and the batch each stretch
    of its steps trained on (run_card.batches_from), which a --resume goes on from."""
    return {"kind": kind, "options": card_options(opts), "batches": batch_from}


def recorded_batches(ckpt: dict) -> list[list[int]]:
    """A checkpoint's run_record batches, [] where it records none (older) or not as whole numbers."""
    run = ckpt.get("run")
    batches = run.get("batches") if isinstance(run, dict) else None
    fine = isinstance(batches, list) and all(
        isinstance(b, list) and len(b) == 2 and all(isinstance(n, int) and n > 0 for n in b) for b in batches)
    return [list(b) for b in batches] if fine else []


def card_to_resume(out: Path) -> dict | None:
    """The card --resume takes the run's options from: OUT's card.json, else the card fields its checkpoint records
    (checkpoint_card); None when neither has them."""
    card = saved_card(out)
    return card if _has_options(card) else checkpoint_card(out)


def resumable_card(out: Path, log) -> dict:
    """card_to_resume's card, or why the run in OUT cannot be resumed: without its options a plain --resume
    would go on with other ones (another --holdout mixing trained images into the held-out figures) unchecked."""
    path = out / CARD_FILE
    if _has_options(card := saved_card(out)):
        return card
    lost = f"{path} is missing" if not path.exists() else f"{path} is damaged (it holds no run's options)"
    if (recorded := checkpoint_card(out)) is None:
        raise TrainError(f"{lost}, and {out / CHECKPOINT_FILE} does not record the options the run was started "
                         "with, which --resume keeps: put the run's card.json back, or start over with --overwrite")
    log(f"{lost}: resuming with the options the run was started with, as {out / CHECKPOINT_FILE} records them")
    return recorded


def checkpoint_card(out: Path) -> dict | None:
    """The card fields --resume reads (kind, resolution, config, training.options) as OUT's checkpoint records
    them (run_record); None for a checkpoint written before it recorded them, or one that cannot be read."""
    path = out / CHECKPOINT_FILE
    try:
        stat = path.stat()
        run = _recorded_run(str(path), stat.st_mtime_ns, stat.st_size)
        kind, options = str(run["kind"]), dict(run["options"])
        resolution = int(options["resolution"])
    except (OSError, KeyError, TypeError, ValueError):
        return None
    extra = options.get("extra") or {}
    config = {key: extra[key] for key in ARCHITECTURE_SETTINGS.get(kind, ()) if key in extra}
    return {"kind": kind, "resolution": resolution, "config": config, "training": {"options": options}}


@functools.lru_cache(maxsize=4)
def _recorded_run(path: str, _mtime_ns: int, _size: int) -> object:
    """A checkpoint's run record, read once per version of the file: the command and maybe_resume ask for it
    several times, and a GAN's checkpoint takes a while to load."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True).get("run")
    except Exception:  # noqa: BLE001 - damaged or not a checkpoint (garbled bytes raise an IndexError): no record
        return None


def _has_options(card: dict | None) -> bool:
    training = card.get("training") if isinstance(card, dict) else None
    return isinstance(card, dict) and isinstance(card.get("kind"), str) and isinstance(training, dict) \
        and isinstance(training.get("options"), dict)


def checkpoint_step(path: Path) -> int | None:
    """The step a checkpoint was saved at; None if it cannot be read."""
    try:
        return int(torch.load(path, map_location="cpu", weights_only=True)["step"])
    except Exception:  # noqa: BLE001 - damaged or not a checkpoint, however its reading fails
        return None


def maybe_resume(opts: TrainOptions, out: Path, recipe: Recipe, log, card: dict | None = None, rank: int = 0,
                 device: torch.device = torch.device("cpu")
                 ) -> tuple[int, float, list[dict], dict | None, float | None, list[list[int]]]:
    """(step, seconds, held-out history, --keep-best's best so far, the seconds its last held-out evaluation took,
    the batch each stretch of its steps trained on: recorded_batches) to continue from; zeros (None, []) for a fresh
    run. card: the run's card (card_to_resume's) as the command read it; None: read here (a run started from code).
    A resumed run goes on with the random numbers the checkpoint kept (restore_rng: this process's rank, device)."""
    path = out / CHECKPOINT_FILE
    if not opts.resume:
        return 0, 0.0, [], None, None, []
    if not path.is_file():
        # the command refuses it (check_something_to_resume) but under torchrun --max-restarts, whose runs are
        # started with --resume in a new folder (README), and a run started from code
        log(f"nothing to resume in {out} (no {CHECKPOINT_FILE}): starting a new run")
        return 0, 0.0, [], None, None, []
    card = card if card is not None else card_to_resume(out)
    check_resume_fits(opts, recipe.kind, card, LOADS_ANYWAY)  # the classes too, now that the labels are read
    try:  # a damaged file, or a checkpoint of other settings (channels)
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - a damaged file fails in many ways (an IndexError for garbled bytes)
        raise TrainError(f"{path} cannot be read: it is damaged or not a checkpoint ({damage_reason(e, path)}); "
                         f"start again from the model beside it with --init {out} and another -o, or --overwrite"
                         ) from None
    check_checkpoint_kind(path, ckpt, recipe.kind)
    try:
        recipe.load_state(ckpt["recipe"])
    except (KeyError, RuntimeError, ValueError, TypeError) as e:
        check_resume_fits(opts, recipe.kind, card)  # every option that shapes the networks, named if one differs
        held = ckpt.get("recipe") if isinstance(ckpt, dict) else None  # the KeyError may be its own
        raise TrainError(f"{path} does not fit this run ({_unfitting(recipe, held, e)}); resume "
                         "with the settings it was started with, or --overwrite to start over") from None
    log(f"resumed from step {ckpt['step']}")
    restore_rng(ckpt.get("rng"), opts.seed, rank, int(ckpt["step"]), device)
    # older checkpoints kept no history, no best and no evaluation time
    took = ckpt.get("evaluation_s")
    return (int(ckpt["step"]), float(ckpt["seconds"]), list(ckpt.get("history", [])), ckpt.get("best"),
            float(took) if isinstance(took, (int, float)) else None, recorded_batches(ckpt))


def _unfitting(recipe: Recipe, state: object, e: Exception) -> str:
    """What in a checkpoint's recipe state does not fit this run's: each network's missing, unexpected and
    wrongly shaped tensors (load_strict's words, not load_state_dict's "Error(s) in loading state_dict"), else the
    part it lacks, else that its training state (an optimiser's) is not this run's."""
    if not isinstance(state, dict):
        return "it holds no training state of a genimg run"
    nets = {key: net for key in state
            if isinstance(net := getattr(recipe, key, None), torch.nn.Module) and isinstance(state[key], dict)}
    found = [f"in {key}, {'; '.join(problems)}" for key, net in nets.items() if (problems := misfits(net, state[key]))]
    if found:
        return "; ".join(found)
    if isinstance(e, KeyError):
        return f"its training state lacks its {e.args[0]} part" if e.args else "part of its training state is missing"
    return "its training state (its optimiser's) is not this run's"


def check_resume_fits(opts: TrainOptions, kind: str, card: dict | None, flags: tuple[str, ...] | None = None) -> None:
    """Refuse a --resume whose options in flags (None: all) differ from those the run in opts.out was started with
    (its card, card_to_resume's, read once by the command; its --set network settings as it was built,
    saved_options), naming each that differs. The command checks all but the classes before the images load
    (BEFORE_IMAGES), maybe_resume the classes, which come with the images, before the checkpoint loads. A latent
    GAN's VAE trained again in its folder since (retrained_vae) is refused too."""
    saved = saved_options(card) if opts.resume else None
    options = card_options(opts)
    differ = shape_differences(saved, kind, options, flags) if saved else []
    if differ:
        raise _misfit(Path(opts.out) / CHECKPOINT_FILE, differ)
    if saved and (flags is None or "latent_of" in flags) and (why := retrained_vae(saved, options)):
        raise TrainUsageError(why)


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
