"""Argument parsing for `genimg train vae|gan DIR`."""
from __future__ import annotations

import argparse
import json
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..catalog import latent_of_to_type, recorded_latent_of
from ..cli_args import model_path
from ..data_folder import model_folder_name
from ..earlier_run import CHECKPOINT_FILE
from ..holdout import HOLDOUT
from ..startup_signals import first_process
from ..typed_options import Typed, typed
from . import StoppedEarly, TrainError, TrainUsageError
from .arg_types import (DEVICES, MAX_MINUTES, MAX_STEPS, device_name, held_out_count, learning_rate, minutes,
                        positive_int, resolution, seed_number, step_count)
from .out_checks import check_out_folder, check_output
from .out_lock import holding_output
from .resumed_options import resumed_card, take_resumed_options, with_taken_named
from .settings import GAN_SETTINGS, VAE_SETTINGS, check_setting, check_together, unknown_setting
from .stopping import GuardedLog, exit_code, main_log, nothing_written, stop_signals_interrupt

if TYPE_CHECKING:  # torch: imported where the run starts, not for --help
    from .loop import TrainOptions

# said at the start of a pixel GAN's run on a CPU: the README and the Train… dialog said it wants a GPU, the run
# nothing (the Train… dialog says the last words in its own, ui/train_run.py LATENT_OF_ADVICE)
PIXEL_GAN_ON_CPU = ("this GAN draws pixels, which learns slowly without a GPU (this run trains on the CPU): train a "
                    "VAE on these images first and pass --latent-of VAE (its folder) to train the GAN in its latent "
                    "space, far faster")
PRECISIONS = ("auto", "fp32", "bf16")  # --precision's choices; loop.resolved_precision says what auto means
DEFAULT_LABEL_COLUMN = "label"


def add_train_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a VAE or GAN on a folder of images",
                       description="Train a VAE or a GAN on the images of a folder and write a model folder "
                                   "(weights, card, samples) that the app and every command open.")
    p.add_argument("kind", choices=["vae", "gan"], help="the kind of model: a VAE (encodes and decodes images) or "
                                                        "a GAN (draws new ones)")
    p.add_argument("data", type=Path, metavar="DIR", help="folder of images (searched recursively)")
    p.add_argument("-o", "--out", type=Path, help="model folder to write (default: ./<kind>-<folder>)")
    p.add_argument("--resolution", type=resolution, choices=[32, 64, 128, 256],
                   help="default: 64, or --init's, or the --latent-of VAE's (a --resume: the run's)")
    # Typed: a --resume takes the run's batch size unless one is typed (take_resumed_options)
    p.add_argument("--batch-size", type=positive_int, default=32, action=Typed,
                   help="images per training step (default: %(default)s; a --resume: the run's); fewer need less "
                        "memory")
    # Typed, as the options below marked so: a --resume takes the run's unless one is typed (take_resumed_options)
    p.add_argument("--steps", type=step_count, default=20_000, action=Typed,
                   help=f"total steps, counting resumed ones, at most {MAX_STEPS:,} (default: %(default)s; a "
                        "--resume: the run's)")
    p.add_argument("--minutes", type=minutes,
                   help="end this many minutes after this run's command started, the model written (whichever "
                        f"comes first), at most {MAX_MINUTES:,}")
    p.add_argument("--lr", type=learning_rate, help="learning rate (default: VAE 0.001, GAN 0.0002)")
    # Typed: a --resume takes the run's seed, which picked its held-out images, unless one is typed
    p.add_argument("--seed", type=seed_number, default=0, action=Typed,
                   help="seed for the starting weights, the held-out images and the order of the images "
                        "(default: %(default)s; a --resume: the run's)")
    p.add_argument("--device", type=device_name, default="auto",
                   help=f"{DEVICES} (default: %(default)s: a CUDA GPU, else mps, else the CPU)")
    p.add_argument("--threads", type=positive_int, help="CPU threads for torch (default: torch's own choice)")
    p.add_argument("--sample-every", type=step_count, default=500, action=Typed,
                   help="steps between sample grids (OUT/samples.png) and held-out evaluations (default: %(default)s; "
                        "a --resume: the run's)")
    p.add_argument("--checkpoint-every", type=step_count, default=500, action=Typed,
                   help="steps between saves of OUT/checkpoint.pt, which --resume goes on from (default: %(default)s; "
                        "a --resume: the run's)")
    # Typed: the log names --holdout only when it was typed (TrainOptions.holdout_typed), not its default
    p.add_argument("--holdout", type=held_out_count, default=HOLDOUT, action=Typed,
                   help="images held out for metrics (default: %(default)s, and at most a tenth of the folder, none "
                        "where that is too few to measure; the log says how many; a --resume: the run's)")
    again = p.add_mutually_exclusive_group()  # what to do with an earlier run in OUT; without either, it is refused
    again.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    again.add_argument("--overwrite", action="store_true",
                       help="replace the model and checkpoint an earlier run left in OUT with a new run's")
    p.add_argument("--keep-best", action="store_true",
                   help="write the model of the best held-out evaluation (every --sample-every steps; a VAE's PSNR, "
                        "a latent GAN's precision and recall) instead of the last step's; OUT/best.pt holds it "
                        "(a --resume of a run started with it keeps it)")
    p.add_argument("--mirror", action="store_true",
                   help="also train on each training image flipped left-right, which doubles a small folder; "
                        "for things a mirror leaves themselves (faces, animals), not for text or clocks (a --resume "
                        "of a run started with it keeps it)")
    # model_path: a bundled model's name too, as --vae and --gan take it (`--init emoji-gan --latent-of emoji-vae`)
    p.add_argument("--init", type=model_path, metavar="MODEL_DIR",
                   help="start from this model folder's weights instead of random ones (fine-tuning), or a bundled "
                        "model's name; its architecture comes with it. A GAN folder's discriminator comes too, if it "
                        "kept one")
    p.add_argument("--latent-of", type=model_path, metavar="VAE_DIR",
                   help="gan only: draw in this VAE's latent space and paint through its decoder "
                        "(trains far faster, samples as sharp as the VAE); a folder or a bundled VAE's name")
    p.add_argument("--labels", metavar="CSV|folders",
                   help="gan only: train a conditional GAN on these classes: a CSV file with a 'file' column "
                        "(paths of files in DIR, relative or absolute) and --label-column, or 'folders' "
                        "(each image's sub-folder)")
    p.add_argument("--label-column", help=f"with --labels CSV: the column with each image's class "
                                          f"(default: {DEFAULT_LABEL_COLUMN})")
    p.add_argument("--data-name", default="", action=Typed,
                   help="what the data is, for the model card (default: the folder's path; a --resume: the run's)")
    p.add_argument("--licence", default="unknown", action=Typed,
                   help="the data's licence, for the model card (default: %(default)s; a --resume: the run's)")
    p.add_argument("--precision", choices=PRECISIONS, default="auto", action=Typed,
                   help="auto: bf16 mixed precision on CUDA and on CPUs with bf16 matrix units (AMX), fp32 elsewhere "
                        "(a --resume: the run's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                   help=f"a setting of the network or its training, e.g. --set channels=[32,64,128]; vae: "
                        f"{', '.join(VAE_SETTINGS)}; gan: {', '.join(GAN_SETTINGS)} (defaults: docs/training.md, "
                        "'Options')")
    p.set_defaults(func=run_train)


def parse_settings(items: list[str], allowed: tuple[str, ...]) -> dict:
    """--set KEY=JSON items as a dict; a typo in a key, or a value out of its range, is an error, not a setting
    silently ignored or trained with."""
    extra = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise TrainUsageError(f"--set {item!r}: expected KEY=JSON with KEY one of {', '.join(allowed)}")
        if key not in allowed:
            raise TrainUsageError(f"--set {item!r}: {unknown_setting(key, allowed)}")
        try:  # the one word a setting takes (augment_p=auto) need not be quoted as JSON
            extra[key] = value if value == "auto" else json.loads(value)
        except json.JSONDecodeError:
            raise TrainUsageError(f"--set {item!r}: {value!r} is not JSON (e.g. 0.001 or [32,64,128])") from None
        extra[key] = check_setting(key, extra[key], value)
    return extra


def check_machine(data: Path, device: str) -> None:
    """The data folder and the device are there, before the data loads (a device this machine lacks failed after
    the images had loaded, as a failed run)."""
    from ..models.device import pick_device
    if not data.is_dir():
        raise TrainUsageError(f"{data} is {'a file' if data.exists() else 'not there'}: give a folder of images")
    try:
        pick_device(device)
    except RuntimeError as e:
        raise TrainUsageError(f"--device: {e}") from None


def check_gan_options(args: argparse.Namespace) -> None:
    """--latent-of, --labels and --label-column: only for a GAN, and --labels with a file that is there."""
    if args.latent_of and args.kind != "gan":
        raise TrainUsageError("--latent-of is for `genimg train gan`: it names the VAE whose latent space the GAN "
                              "draws in")
    # before check_labels, whose "add --labels" would send a VAE's run to the refusal below
    for option, given in (("--labels", args.labels), ("--label-column", args.label_column)):
        if given is not None and args.kind != "gan":
            raise TrainUsageError(f"{option} is for `genimg train gan`: a VAE is not conditioned on classes")
    check_labels(args.labels, args.label_column)


def check_labels(labels: str | None, column: str | None) -> None:
    """A labels file that is not there or not a CSV with the columns asked for, or a --label-column that nothing
    would read, before the data loads."""
    from .labels import FOLDERS, check_csv
    if column is not None and labels in (None, FOLDERS):
        raise TrainUsageError(f"--label-column names a column of a --labels CSV file; "
                              f"{'--labels folders takes the classes from sub-folders' if labels else 'add --labels'}")
    if labels in (None, FOLDERS):
        return
    if not Path(labels).is_file():
        what = "is a folder" if Path(labels).is_dir() else "no such file"
        raise TrainUsageError(f"--labels {labels}: {what}; give a CSV file with a 'file' column, or 'folders' "
                              "(each image's class its sub-folder)")
    check_csv(Path(labels), column or DEFAULT_LABEL_COLUMN)


def latent_of_card(folder: Path) -> dict:
    """The card of the VAE --latent-of names, checked to be one before the data loads."""
    from ..models.weights import ModelFileError, read_card
    try:
        card = read_card(folder)
    except ModelFileError as e:
        raise TrainUsageError(f"--latent-of: {e}") from None
    if card["architecture"] != "ConvVAE":
        raise TrainUsageError(f"--latent-of {folder} is {model_words(card)}: it must name a VAE trained with "
                              "`genimg train vae`" + (f", such as the one it draws in: --latent-of {vae}"
                                                      if (vae := latent_of_to_type(card)) else ""))
    return card


def model_words(card: dict) -> str:
    """What a model is, in plain words, where --latent-of needs a VAE of genimg's own (its network's class name,
    "holds a LatentGenerator", said nothing to whoever typed it)."""
    if source := card.get("source"):  # converted from another program's file (an SD VAE, TAESD, a StyleGAN2 pickle)
        return f"a {card['kind'].upper()} converted from {source.get('file', 'another program')}"
    if vae := recorded_latent_of(card):
        return f"a GAN (it draws in the latent space of the VAE {Path(vae).name})"
    return "a GAN (it draws in pixels)" if card["kind"] == "gan" else f"a {card['kind'].upper()}"


def latent_of_resolution(folder: Path) -> int:
    """The resolution of the VAE --latent-of names."""
    return int(latent_of_card(folder)["resolution"])


def check_latent_of(folder: Path, resolution: int, extra: dict) -> None:
    """--latent-of names a VAE of this resolution, and --set channels (or their default) reach its latent grid,
    checked before the data loads (the recipe checks both again)."""
    from ..models.vae import VAEConfig
    from .latent_gan_recipe import generator_channels
    card = latent_of_card(folder)
    if (of_vae := int(card["resolution"])) != resolution:
        raise TrainUsageError(f"--latent-of {folder} is a VAE of {of_vae}px; this run trains at {resolution}px: "
                              f"give --resolution {of_vae}")
    try:
        side = VAEConfig.from_dict(card["config"]).latent_shape[1]
    except (KeyError, TypeError, ValueError):  # a damaged card: the recipe's load of the VAE says what is wrong
        return
    generator_channels(extra, side)


def stoppable(run: Callable[[], int]) -> int:
    """run() (`genimg train`, from torch's import on) with Ctrl+C, kill and a closed terminal stopping it cleanly
    before the training loop takes them over (loop.py): the output folder's lock released and a folder made for the
    run removed on the way out (holding_output), a line that says so, and the signal's exit code (130, 143, 129),
    as a stop at the first step. They killed it outright while the images loaded: the lock stayed, the folder with
    it, and the Train… dialog read a crash."""
    log = GuardedLog(main_log)  # rank 0's alone under torchrun, as the loop's; a closed one: the stop goes on, unsaid
    with stop_signals_interrupt(log):
        try:
            return run()
        except KeyboardInterrupt as stop:
            log(nothing_written(stop))
            return exit_code(stop)


def run_train(args: argparse.Namespace) -> int:
    check_machine(args.data, args.device)
    out = args.out or Path(model_folder_name(args.kind, args.data))
    check_out_folder(out, args)
    # the lines on how the run starts (a stale lock taken over, the options a --resume takes), said once it is
    # accepted: said before a refusal, "taking over from an earlier genimg train" read as if the run were starting
    notes: list[str] = []
    # rank 0 alone holds the folder under torchrun (RANK: no group is joined yet), as it alone writes there
    with holding_output(out, notes.append) if first_process() else nullcontext():
        return _train_held(args, out, notes)


def _train_held(args: argparse.Namespace, out: Path, notes: list[str]) -> int:
    """run_train once the output folder is held: the checks that read it, then the notes on how the run starts
    (rank 0's alone under torchrun), then the run."""
    from .checkpoints import resumable_card
    from .loop import train

    # the run's card, else its checkpoint's record of it; refused without either
    card = resumable_card(out, notes.append) if args.resume and (out / CHECKPOINT_FILE).is_file() else None
    if taken := take_resumed_options(args, card):
        notes.append(f"resuming with the run's {', '.join(taken)}")
    try:
        opts, recipe = _checked_options(args, out, card, notes)
    except TrainError as refused:  # one of the options taken, which no line has named yet, is said in it
        raise with_taken_named(refused, taken) from None
    for note in notes:
        main_log(note)
    try:
        # the card read above: the loop checks the classes against it; --minutes counts from the command's start
        train(opts, recipe, resumed=card, began=getattr(args, "started", None))
    except StoppedEarly as stop:  # the loop has said so, and how to resume
        return stop.exit_code
    return 0


def _checked_options(args: argparse.Namespace, out: Path, card: dict | None,
                     notes: list[str]) -> tuple[TrainOptions, type]:
    """The run's TrainOptions and recipe, once every option checked before the images load is fine (else the
    refusal); notes gets the resolution a --latent-of VAE gave."""
    from .gan_recipe import GANRecipe
    from .checkpoints import check_resume_fits
    from .loop import TrainOptions
    from .resume_fit import BEFORE_IMAGES, latent_space
    from .vae_recipe import VAERecipe

    from .finetune import architecture_settings, check_start_network, init_card
    from .latent_gan_recipe import LatentGANRecipe

    from ..models.device import pick_device

    check_gan_options(args)
    recipe = VAERecipe if args.kind == "vae" else LatentGANRecipe if args.latent_of else GANRecipe
    if recipe is GANRecipe and pick_device(args.device).type == "cpu":
        notes.append(PIXEL_GAN_ON_CPU)
    if args.keep_best and (recipe is GANRecipe or args.holdout == 0):
        raise TrainUsageError("--keep-best ranks held-out figures: it needs --holdout above 0 and, for a GAN, "
                              "--latent-of (a pixel GAN reports none)")
    extra = parse_settings(args.set, recipe.settings)
    check_output(out, args.resume, args.overwrite)
    start = init_card(args.init, args.kind, args.latent_of) if args.init else None
    # the network as the run resumed was built (a run from --init took it from its start model), else --init's,
    # unless --set says otherwise (and then check_resume_fits or init_from says what differs)
    start = resumed_card(card, args.kind) if args.resume and not start else start
    if start:
        extra = {**architecture_settings(start), **extra}
    if args.init:  # before the images load: a network the model cannot start is a mistake in what was typed
        check_start_network(args.init, start, extra)
    if args.latent_of:
        extra.update(latent_space(args.latent_of))  # its folder, and its weights' digest (a resume compares it)
        check_together(extra)  # a pixel GAN's recipe refuses decoder settings alone: they need --latent-of
    resolution = args.resolution or (int(start["resolution"]) if start else None)
    of_vae = resolution is None and args.latent_of is not None  # then the run trains at its VAE's resolution
    resolution = resolution or (latent_of_resolution(args.latent_of) if of_vae else 64)
    opts = TrainOptions(
        data=args.data, out=out,
        resolution=resolution, batch_size=args.batch_size, steps=args.steps, minutes=args.minutes,
        lr=args.lr, seed=args.seed, device=args.device, threads=args.threads,
        sample_every=args.sample_every, checkpoint_every=args.checkpoint_every,
        holdout=args.holdout, holdout_typed=typed(args, "holdout"),
        resume=args.resume, overwrite=args.overwrite, init=str(args.init or ""), data_name=args.data_name,
        licence=args.licence, precision=args.precision, labels=str(args.labels or ""),
        label_column=args.label_column or DEFAULT_LABEL_COLUMN, extra=extra,
        keep_best=args.keep_best, mirror=args.mirror, command=getattr(args, "command_line", ""))
    # before the images load, and before check_latent_of: a resumed run's differences are named in one message
    check_resume_fits(opts, recipe.kind, card, BEFORE_IMAGES)
    if args.latent_of:
        check_latent_of(args.latent_of, resolution, extra)
    if of_vae:
        notes.append(f"resolution: {resolution}px, that of the --latent-of VAE")
    return opts, recipe
