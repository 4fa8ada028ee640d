"""The training loop shared by `genimg train vae` and `genimg train gan`.

A Recipe (vae_recipe.py, gan_recipe.py) knows its networks and losses; this
loop owns what every run needs: batches, the step/minute budget, a progress
line with images/s (of the last minutes: pace.py) and ETA, periodic sample
grids, held-out figures (evaluations.py) and checkpoints, --resume, Ctrl+C (or
kill, or a closed terminal) that saves before exiting, and the final model folder.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol

import numpy as np
import torch

from ..earlier_run import RESUME_HINT, forget_earlier_run
from ..holdout import HOLDOUT, spared_by_default
from ..imaging import save_png
from ..models.device import native_bf16_cpu, pick_device
from ..models.tensors import as_pixels
from ..models.weights import CARD_NAME, read_card
from ..wording import counted
from . import StoppedEarly, TrainError, TrainUsageError
from .distributed import World, barrier, finish, init_world
from .budget import Budget
from .evaluations import Evaluations, keep_if_best, restore_best
from .finetune import fine_tune_licence, started_from
from .data import (FolderData, batch_used, batches, count_skipped, describe_model_folders, load_folder,
                   name_skipped, run_split, with_mirrors)
from .inputs import TrainingInputs
from .labels import with_labels
from .network_memory import built_recipe, ran_out_at
from .pace import Pace
from .checkpoints import maybe_resume, rng_state, run_record, save_checkpoint
from .out_lock import first_missing, remove_if_empty
from .run_card import batches_from, run_card
from .run_end import tell, write_model, write_model_folder
from .run_log import describe_class_counts, final_line, format_progress, held_out_lines
from .stopping import GuardedLog, LogClosed, exit_code, nothing_written, stop_signals_interrupt, to_stderr

# the training images the model folder is written with: a VAE encodes them for its PCA directions
WRITTEN_IMAGES = 4096


@dataclass
class TrainOptions:
    data: Path
    out: Path
    resolution: int = 64
    batch_size: int = 32
    steps: int = 20_000
    minutes: float | None = None  # of this run, resumed or not
    lr: float | None = None
    seed: int = 0
    device: str = "auto"
    threads: int | None = None
    sample_every: int = 500
    checkpoint_every: int = 500
    holdout: int = HOLDOUT
    holdout_typed: bool = False  # whether the user typed --holdout, which the log then names (run_log.py)
    resume: bool = False
    overwrite: bool = False  # replace an earlier run in `out` (out_checks.check_output refuses it otherwise)
    init: str = ""  # a model folder to start from instead of random weights (finetune.py); "" for none
    data_name: str = ""  # what the data is, for the model card
    licence: str = "unknown"  # the training data's licence, for the model card
    precision: str = "auto"  # auto: bf16 autocast on CUDA and AMX CPUs, fp32 elsewhere (resolved_precision)
    labels: str = ""  # a conditional GAN's labels: a CSV file, or "folders" (labels.py); "" for none
    label_column: str = "label"  # the CSV column holding each image's class
    extra: dict = field(default_factory=dict)  # recipe-specific settings (--set key=value)
    keep_best: bool = False  # write the model of the best held-out evaluation, not the last step's
    mirror: bool = False  # also train on each training image flipped left-right (data.with_mirrors)
    command: str = ""  # the command line as typed ("genimg train gan data -o g4 …"), for the card; "" from code


class Recipe(Protocol):
    kind: str

    # what step() trains on for these uint8 images, computed once per image (inputs.py); None: pixels
    def cached_inputs(self, images: torch.Tensor) -> torch.Tensor | None: ...
    def step(self, batch: torch.Tensor, step: int, labels: torch.Tensor | None = None) -> dict[str, float]: ...
    def samples(self) -> np.ndarray: ...
    def evaluate(self, held_out: torch.Tensor) -> dict[str, float]: ...
    # why this many held-out images (1 or more) give evaluate() no figures, "" when they do; said once at the start
    @staticmethod
    def unmeasured(images: int) -> str: ...
    # why this many held-out images are too few for what the run holds them out for (its figures, or a pixel GAN's
    # benchmark), "" when enough. A staticmethod: the class is asked before the split (a default --holdout spares
    # them: holdout.spared_by_default)
    @staticmethod
    def too_few(images: int) -> str: ...
    def score(self, figures: dict[str, float]) -> float | None: ...
    def describe_score(self, score: float) -> str: ...  # score() as the log says it: "held-out PSNR 9.34 dB"
    def state(self) -> dict: ...
    def load_state(self, state: dict) -> None: ...
    def init_from(self, folder: Path) -> tuple[dict, str]: ...
    # measured: the held-out figures of the model written, where the run evaluated its step ({} if it did not);
    # unmeasured: why the run left them unmeasured (a stop: evaluations.STOPPED), "" to measure them if need be
    def export(self, out: Path, card: dict, train: torch.Tensor, held_out: torch.Tensor,
               measured: dict[str, float], unmeasured: str = "") -> dict: ...


def describe_data(data: FolderData, folder: Path) -> list[str]:
    """The data found, then a line per reason for skipping files, naming them."""
    skipped = f", {count_skipped(data.skipped_files)}" if data.skipped_files else ""
    models = describe_model_folders(data.model_folders)
    return [f"{counted(len(data), 'image')} from {Path(folder).resolve()}{skipped}{models}",
            *name_skipped(data.skipped_files)]


def describe_capped_batch(batch: int, batch_size: int, images: int, processes: int) -> str:
    """The log's line on a batch the training images capped (batch_used), said once at the start."""
    share = f", {batch // processes} per process" if processes > 1 else ""
    whole = "all" if batch == images else f"of the {images:,}"
    return (f"batch: {counted(batch, 'image')} a step{share}, {whole} there are to train on "
            f"(--batch-size {batch_size} is more)")


def to_stdout(line: str) -> None:
    """The one line a finished run prints on stdout, naming the model folder written, as other commands list
    the files they wrote there."""
    print(line, flush=True)


def train(opts: TrainOptions, make_recipe: Callable[[TrainOptions, torch.device], Recipe],
          log: Callable[[str], None] = to_stderr, result: Callable[[str], None] = to_stdout,
          resumed: dict | None = None, began: float | None = None) -> Path:
    """Run a recipe to its budget and write the model folder; returns its path. log takes the run's log,
    result its final line. A run a stop signal ended writes its folder too, then raises StoppedEarly. resumed: the
    card of the run a --resume goes on from, as the command read it (maybe_resume reads it when not given).
    began: time.monotonic() when the command started, which --minutes counts from (None: from this call).

    Under torchrun every process runs this; rank 0 alone writes (see distributed.py)."""
    budget = Budget(opts.minutes, time.monotonic() if began is None else began)
    world = init_world()
    if opts.batch_size % world.size:
        raise TrainUsageError(f"--batch-size {opts.batch_size} does not split evenly over {world.size} processes")
    log = GuardedLog(log if world.is_main else (lambda _msg: None))  # a closed log stops the run (LogClosed)
    if opts.threads:
        torch.set_num_threads(opts.threads)
    torch.manual_seed(opts.seed)  # the same initial weights in every process
    device = _device(opts, world)
    data = load_folder(opts.data, opts.resolution, exclude=Path(opts.out))
    unmatched = 0
    if opts.labels:
        data, unmatched = with_labels(data, opts.labels, opts.label_column, warn=log)
    precision = resolved_precision(opts.precision, device)
    found, *skipped = describe_data(data, opts.data)
    log(f"data: {found}; device: {device} ({precision}); processes: {world.size}")
    for line in skipped:
        log(line)
    # a --resume goes on with the split it began with, which its card records (typed, or the default's)
    spared = "" if opts.holdout_typed or opts.resume else spared_by_default(len(data), opts.holdout,
                                                                            make_recipe.too_few)
    if spared:  # recorded so: a --resume and a benchmark's recorded_split hold out none either
        opts = replace(opts, holdout=0)
    extra, train_idx, held_idx = run_split(opts, data, resumed)  # by class where the images have labels
    opts = replace(opts, extra=extra)
    if data.classes:
        counts = torch.bincount(data.labels[train_idx], minlength=len(data.classes)).tolist()
        opts = replace(opts, extra={**opts.extra, "classes": list(data.classes), "class_counts": counts})
    pixels, labels_of = data.images, data.labels
    if opts.mirror:
        pixels, labels_of, train_idx = with_mirrors(data, train_idx)
    batch_size = batch_used(len(train_idx), opts.batch_size, world.size)  # a step's images, all processes together
    # the recipe is given the batch a step trains on (a GAN's EMA decays per image: gan_recipe.default_ema);
    # before the held-out line, which says whether it measures anything; a network too large for the memory said so
    recipe = built_recipe(make_recipe, replace(opts, batch_size=batch_size), device)
    unmeasured = recipe.unmeasured(len(held_idx)) if len(held_idx) else ""
    for line in held_out_lines(len(data), len(held_idx), opts.holdout, opts.holdout_typed, unmeasured,
                               opts.keep_best, measures=not recipe.unmeasured(HOLDOUT), spared=spared):
        log(line)
    if data.classes:
        log(f"classes: {describe_class_counts(data.classes, counts, len(held_idx))}"
            + (f" ({counted(unmatched, 'row')} of the labels file named no usable image)"
               if unmatched else ""))
    held_out = as_pixels(data.images[held_idx].permute(0, 3, 1, 2))
    if opts.mirror:
        log(f"mirror: {len(train_idx) // 2} training images and their left-right mirrors, {len(train_idx)} in all")
    if batch_size < opts.batch_size:
        log(describe_capped_batch(batch_size, opts.batch_size, len(train_idx), world.size))
    images = pixels.permute(0, 3, 1, 2).contiguous()  # (N, 3, R, R) uint8
    torch.manual_seed(opts.seed + 1000 * world.rank)  # different noise per process
    out = Path(opts.out)
    start, elapsed, history, best, evaluation_s, earlier = maybe_resume(opts, out, recipe, log, resumed, world.rank,
                                                                        device)
    batch_from = batches_from(earlier, start, batch_size)  # a --resume may train at another --batch-size
    budget.steps_before = start  # the few-steps advice counts the run's steps in all
    evals = Evaluations(recipe, held_out, history, log, bool(len(held_idx)) and not unmeasured, evaluation_s)
    run = run_record(opts, recipe.kind, batch_from)  # the classes read: --resume takes it, the card lost
    if start and start >= opts.steps:  # "resumed from step 126" then "wrote … after 126 steps" left it unsaid
        log(f"--steps {opts.steps:,} already reached at step {start:,}: nothing to train; pass a larger --steps "
            "(it counts the resumed steps too)")
    origin = _maybe_init(opts, recipe, start, log)
    created = first_missing(out)  # removed again if the run is stopped before its first step
    out.mkdir(parents=True, exist_ok=True)  # once --init has been read: a damaged one left an empty folder behind
    if opts.overwrite and world.is_main:  # after --init has read its model, which may be the one replaced
        forget_earlier_run(out)
    inputs = TrainingInputs(recipe, images, device)
    t0, done, step = time.monotonic() - elapsed, start, start + 1
    save = world.is_main
    pace = Pace()
    pace.mark(0)
    stopped: KeyboardInterrupt | None = None
    ran_out = False  # whether --minutes ended the training
    told: Exception | None = None  # why the final line could not be printed (stdout closed or full)
    with stop_signals_interrupt(log) as saving:
        try:
            for step, idx in enumerate(batches(len(train_idx), batch_size, opts.seed, start), start + 1):
                # --steps counts resumed steps, --minutes only this run's: "train N more minutes" must not stop at once
                if step > opts.steps:
                    break
                # the first step trains whatever the budget: a run must not stop before it began
                out_of_time, log_closed = _stop_flags(budget, step > start + 1, world, device, log.closed,
                                                      evals.reserve())
                if log_closed:  # a line it wrote found no reader: save as on Ctrl+C rather than lose the run
                    raise LogClosed
                if out_of_time:
                    ran_out = True
                    break
                step_began = time.monotonic()
                mine = train_idx[world.shard(idx)]
                batch = inputs.batch(mine)
                labels = labels_of[mine].to(device) if labels_of is not None else None
                with precision_context(precision, device):
                    losses = recipe.step(batch, step, labels)
                budget.stepped(step, step_began)
                done = step
                if pace.report_due(step, start + 1):
                    pace.mark((step - start) * batch_size)
                    _report(log, step, opts, batch_size, pace.images_per_s(), budget.spent(), losses, evals.reserve())
                if save and step % opts.sample_every == 0:
                    save_png(recipe.samples(), out / "samples.png")
                    log(f"sample grid at step {step}: {out / 'samples.png'}")
                # a --minutes run times one at its first step: the budget keeps that long for the last
                if save and (step % opts.sample_every == 0 or (opts.minutes and evals.untimed())):
                    best = _measure(opts, out, evals, best, step, time.monotonic() - t0, pace)
                # --minutes times the end's writing once, after this step's evaluation as the end writes after its
                # own; with no figures here export must not measure them: the budget counts evaluations apart
                if save and budget.untimed():
                    figures = evals.figures_at(step)
                    rehearsal_s = budget.rehearse(lambda folder, n: write_model(
                        folder, recipe,
                        run_card(opts, data, device, step, time.monotonic() - t0, len(held_idx), batch_from),
                        as_pixels(images[train_idx[:n]]), held_out, figures, "" if figures else "rehearsal",
                        lambda: save_checkpoint(folder, recipe, step, 0.0, history, best, run=run)),
                        len(train_idx[:WRITTEN_IMAGES]))
                    pace.skip(rehearsal_s)
                    if budget.keep(evals.reserve()) >= 1:  # under a second is not worth a line
                        log(budget.keeping(evals.reserve()))
                    # this step's evaluation, if it had one (a --minutes run's first, to time it), is spent
                    if short := budget.short_of_training(evals.reserve(), evals.reserve() if figures else 0.0):
                        log(short)
                if save and step % opts.checkpoint_every == 0:
                    save_checkpoint(out, recipe, step, time.monotonic() - t0, history, best, run=run,
                                    evaluation_s=evals.seconds, rng=rng_state(device))
        except KeyboardInterrupt as stop:
            stopped = stop
            by = f" by {stop}" if str(stop) else ""  # SIGTERM/SIGHUP name themselves; Ctrl+C does not
            if done == 0:  # an untrained model would be written, and block a rerun as an earlier run of 0 steps
                log(f"\n{nothing_written(stop)}")
                save = False
            else:
                log(f"\ninterrupted{by} at step {done}: saving a checkpoint and the model{RESUME_HINT}")
        except (RuntimeError, MemoryError) as e:  # out of memory: in words, the last checkpoint kept (else raised)
            raise ran_out_at(e, step, out, device, batch_size, world.is_main, created) from None
        saving()  # a stop signal from here on waits for the save
        rng = rng_state(device)  # as the last step left it: the end's evaluation draws numbers a longer run would not
        try:  # out of memory as the end is measured or written: in words as at a step, the earlier model whole
            # a stop saves at once: an evaluation that is not quick is left out (a latent GAN's took 87 s on a CPU)
            left_out = evals.stopped_at(done) if save and stopped is not None else ""
            if save and not left_out and not evals.figures_at(done):
                evals.run(done, time.monotonic() - t0)  # the figures written are the final model's: the curve ends so
            if save:
                # --resume goes on from the last step
                save_checkpoint(out, recipe, done, time.monotonic() - t0, history, best, run=run,
                                evaluation_s=evals.seconds, rng=rng)
                kept = restore_best(out, evals, best, done, said_unranked=bool(unmeasured) or not len(held_idx),
                                    unmeasured=left_out) if opts.keep_best else None
                written = kept["step"] if kept else done  # --keep-best may have restored an earlier step's model
                # the card's steps and time are the model's: an earlier step's, kept, trained for fewer
                seconds = (evals.seconds_at(written) if written != done else None) or time.monotonic() - t0
                card = run_card(opts, data, device, written, seconds, len(held_idx), batch_from, world.size)
                card["training"]["precision"] = precision  # what auto meant on this machine
                # whether a stop ended it: the Train… dialog says a stopped run's folder is one Start continues
                card["training"]["stopped"] = stopped is not None
                if origin:
                    card["training"]["started_from"] = origin
                    card["training"]["licence"] = fine_tune_licence(card["training"], origin)
                if kept:
                    card["training"]["kept"] = kept
                if written != done:
                    card["training"]["run_steps"] = done  # --resume goes on from there (checkpoint.pt)
                curve = {"history": history} if history else {}
                metrics = write_model_folder(out, recipe, card, as_pixels(images[train_idx[:WRITTEN_IMAGES]]),
                                             held_out, evals.figures_at(written), left_out if written == done else "",
                                             curve)
                if ran_out and not origin and (few := budget.few_steps(done)):  # --init's model is trained already
                    log(few)
                told = tell(result, final_line(out, done, metrics, written), out)
                if stopped is not None:
                    log(f"stopped early at step {done}: the model so far and its checkpoint are in {out}{RESUME_HINT}")
        except (RuntimeError, MemoryError) as e:
            raise ran_out_at(e, done, out, device, batch_size, world.is_main, created) from None
    if done == 0 and created and world.is_main:
        remove_if_empty(out, created)
    barrier()
    finish()
    if told is not None:  # everything is saved: the CLI exits as for any closed (141) or full (1) stdout
        raise told
    if stopped is not None:  # saved, yet not finished: the exit code tells a script so
        raise StoppedEarly(exit_code(stopped))
    return out


def resolved_precision(precision: str, device: torch.device) -> str:
    """What --precision means on this device: auto is bf16 mixed precision on CUDA and on a CPU with bf16
    matrix units (AMX), fp32 elsewhere."""
    if precision != "auto":
        return precision
    return "bf16" if device.type == "cuda" or (device.type == "cpu" and native_bf16_cpu()) else "fp32"


def precision_context(precision: str, device: torch.device):
    """bf16 autocast for "bf16", none for "fp32" (resolved_precision's answers, never "auto"). bf16 needs no
    loss scaling (unlike fp16) and keeps fp32's range."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")


def _device(opts: TrainOptions, world: World) -> torch.device:
    try:
        device = pick_device(opts.device)
    except RuntimeError as e:  # a device this machine lacks
        raise TrainError(str(e)) from None
    if device.type == "cuda" and world.size > 1:
        device = torch.device("cuda", world.local_rank)
        torch.cuda.set_device(device)
    return device


def _stop_flags(budget: Budget, may_stop: bool, world: World, device: torch.device, log_closed: bool,
                evaluation_s: float = 0.0) -> tuple[bool, bool]:
    """Whether --minutes is spent, keeping time for the end (budget.py; a --minutes 3 run spent its last 0.9 min
    on a held-out evaluation, and ended after 3.9), and whether the log (rank 0's alone) has closed; rank 0 decides
    for all, so every process stops at the same step. may_stop: False for the run's first step, which trains."""
    over = may_stop and budget.over(evaluation_s)
    if world.size == 1:
        return over, log_closed
    flags = torch.tensor([float(over), float(log_closed)], device=device)  # NCCL only moves GPU tensors
    torch.distributed.broadcast(flags, src=0)
    return bool(flags[0].item()), bool(flags[1].item())


def _report(log, step, opts, batch_size, ips, spent, losses, evaluation_s: float = 0.0) -> None:
    """The progress line; spent: seconds of this run (resumed or not), which --minutes counts (and which ends with
    the last held-out evaluation: _stop_flags). When --minutes will stop the run first, the line leaves out
    --steps, which it will not reach (20,000 when not typed). evaluation_s: how long one held-out evaluation
    takes, which the ETA of --steps counts for those to come (every --sample-every steps, and the last step's).
    batch_size: the images a step trains on (batch_used), which may be fewer than --batch-size."""
    evaluations = opts.steps // opts.sample_every - step // opts.sample_every + bool(opts.steps % opts.sample_every)
    steps_left_s = (opts.steps - step) * batch_size / max(ips, 1e-9) + evaluations * evaluation_s
    time_left_s = 60 * opts.minutes - spent if opts.minutes else float("inf")
    if time_left_s < steps_left_s:
        log(format_progress(step, None, ips, losses, max(time_left_s, 0.0)))
    else:
        log(format_progress(step, opts.steps, ips, losses, steps_left_s))


def _measure(opts: TrainOptions, out: Path, evals: Evaluations, best: dict | None, step: int, seconds: float,
             pace: Pace) -> dict | None:
    """A held-out evaluation as training goes (the log shows when a run reaches a quality bar; metrics.json keeps
    the curve), its time left out of the images/s; --keep-best's best so far."""
    figures = evals.run(step, seconds)
    pace.skip(evals.seconds or 0.0)
    if opts.keep_best:
        best = keep_if_best(out, evals.recipe, figures, best, step, seconds, evals.history, evals.seconds)
    return best


def _maybe_init(opts: TrainOptions, recipe: Recipe, start: int, log) -> dict:
    """--init on a fresh run: load the model folder's weights; what the card records of it (also when a
    resumed run's checkpoint already holds them, as the card is written anew at the end of every run)."""
    if not opts.init:
        return {}
    if start:
        return started_from(read_card(Path(opts.init))) if (Path(opts.init) / CARD_NAME).is_file() else {}
    card, loaded = recipe.init_from(Path(opts.init))
    origin = started_from(card)
    log(f"starting from {opts.init} ({origin['steps']} steps): its {loaded}")
    return origin
