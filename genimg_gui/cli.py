"""`genimg`: the headless twin of the app.

This module only parses arguments (the options several commands share are
cli_options.py's), so `genimg --help` answers without loading torch; the
commands themselves are in cli_info.py, cli_commands.py (encode),
cli_decode.py, cli_edit.py (generate, edit), cli_interpolate.py and
train/command.py (training). Written files are listed on stdout; progress and
errors go to stderr. Exit codes: 0 done, 1 something failed (the message
says what), 2 a command-line mistake, 130 interrupted, 141 stdout closed by its reader (`| head -1`: the files
are written all the same, and the run stops there; a full stdout, 1, said as such); a training run a
signal stopped, once it has saved, 128 + the signal's number (130 Ctrl+C,
143 kill, 129 a closed terminal).
"""
from __future__ import annotations

# first, before any other import: a Ctrl+C or kill while the modules below load (numpy among them) ends genimg in one
# line, not a traceback (startup_signals.py imports nothing the interpreter has not loaded, but signal)
from .startup_signals import Handlers, first_process, put_back, stops_end_at_once
_HANDLERS_BEFORE = stops_end_at_once()  # put back at the end of this module, as an import must leave them

import argparse
import os
import shlex
import sys
import time
from contextlib import suppress
from pathlib import Path

from . import __version__
from .catalog import DEFAULT_MODELS, DEFAULT_PSI, PSI_RANGE
# the Morph dialog's defaults and bounds
from .animation_files import SUGGESTED_SIDE
from .morph import DEFAULT_FPS, DEFAULT_FRAMES, DEFAULT_MODE, MAX_FRAMES, MODES
from .typed_options import Typed
from .train.arg_types import dash_values_joined
from .train.command import add_train_parser, stoppable
from .cli_args import before_command, fps_value, frame_count, out_file, picture_file, psi_value, scale_factor
from .cli_options import (class_arg, device_arg, draw_arg, edit_arg, fit_arg, images_arg, latent_scale_arg, model_arg,
                          recipe_arg, run_args, seed_list, seeds_arg)

# As in the app: refuse full unpickling anywhere torch.load is reached, and never download.
os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = "1"  # forced: an inherited "0" must not switch it off
os.environ["HF_HUB_OFFLINE"] = "1"


def _runs(name: str, module: str = "cli_commands"):
    """A handler that imports the command (and torch) only when it runs."""
    def run(args: argparse.Namespace) -> int:
        import importlib
        return getattr(importlib.import_module(f".{module}", __package__), name)(args)
    return run


class Parser(argparse.ArgumentParser):
    """argparse's parser, refusing a command line in rank 0 only of a torchrun group (as main() does its own
    refusals); its sub-commands' parsers are of this class too."""

    def error(self, message: str):
        if first_process():  # each process of a torchrun group refuses the same command line: one says why
            super().error(message)
        self.exit(2)


class TopParser(Parser):
    """`genimg`'s own parser: a mistake before the command word said with what to type instead
    (cli_args.before_command)."""

    typed: list[str] = []

    def parse_known_args(self, args=None, namespace=None):
        self.typed = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(self.typed, namespace)

    def error(self, message: str):
        commands = next(a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction))
        super().error(before_command(message, self.typed, list(commands)))


class CommandParser(Parser):
    """A sub-command's parser (and its own sub-commands'): refuses what it does not know itself, with its own usage
    and prefix ("genimg encode: error: unrecognized arguments: --psi 0.5"); argparse leaves that to the top-level
    parser, which showed "usage: genimg [-h] COMMAND ..." as if the command were mistyped."""

    def parse_known_args(self, args=None, namespace=None):
        args = dash_values_joined(list(sys.argv[1:] if args is None else args), self._option_string_actions)
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def build_parser() -> argparse.ArgumentParser:
    p = TopParser(prog="genimg", description="Generate and edit images through VAE/GAN latents.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=CommandParser)

    s = sub.add_parser("info", help="show a model's card: kind, sizes, training data, licence, metrics, directions",
                       description="Show each model's card: its kind and sizes, what it was trained on and under "
                                   "which licence, its held-out figures and its directions.")
    s.add_argument("models", nargs="*", metavar="MODEL",
                   help="model folders or files, or bundled models' names (default: the bundled "
                        f"{DEFAULT_MODELS['vae']} and {DEFAULT_MODELS['gan']})")
    latent_scale_arg(s)
    s.set_defaults(func=_runs("info", "cli_info"))

    s = sub.add_parser("encode", help="images -> VAE latents (NAME.npz) and reconstructions (NAME_recon.png)",
                       description="Encode each image with the VAE: write its latent as NAME.npz (for decode or the "
                                   "app) and its decode as NAME_recon.png.")
    images_arg(s)
    model_arg(s, "vae")
    run_args(s)
    fit_arg(s)
    latent_scale_arg(s)
    s.set_defaults(func=_runs("encode", "cli_encode"))

    s = sub.add_parser("decode", help="latents (.npz from encode, generate, edit or the app) -> PNGs",
                       description="Write NAME_decoded.png for each NAME.npz, decoded by the model given, "
                                   "else by the model the file records, where that can still be found (its "
                                   "recorded folder, else a bundled model of its name), else by the bundled "
                                   "model of the kind the file records (a VAE if none), with a note naming the "
                                   "model to pass. "
                                   "A masked edit shows inside its stored mask, the unedited latent outside.")
    s.add_argument("latents", nargs="+", type=Path, metavar="LATENT.npz|FOLDER",
                   help="latent files, or folders: a folder gives the .npz files in it by name, not those of its "
                        "subfolders, as encode takes a folder of pictures")
    models = s.add_mutually_exclusive_group()
    for kind in ("vae", "gan"):
        model_arg(models, kind, f"the {kind.upper()} the file records, if found, else the bundled "
                                 f"{DEFAULT_MODELS[kind]}")
    run_args(s)
    latent_scale_arg(s)
    s.set_defaults(func=_runs("decode", "cli_decode"))

    s = sub.add_parser("generate", help="GAN samples for seeds (seedNNNN.png), optionally edited",
                       description="Draw a sample with the GAN for each seed and write it as seedNNNN.png, "
                                   "moved along its directions with --edit or by a saved recipe with --recipe; "
                                   "the same seed always gives the same image.")
    model_arg(s, "gan")
    run_args(s)
    seeds_arg(s, "e.g. 0-7, 1,5,9 or 1 5 9 (default 0-7)", default=seed_list("0-7"))
    s.add_argument("--psi", type=psi_value, default=DEFAULT_PSI,
                   help=f"truncation, {PSI_RANGE[0]:g} to {PSI_RANGE[1]:g} as in the app: lower is more typical "
                        f"(default {DEFAULT_PSI:g})")
    class_arg(s)
    draw_arg(s)
    s.add_argument("--grid", type=picture_file, metavar="IMAGE",
                   help="also write all samples as one grid image: .png, .jpg or .webp, as its name ends")
    how = s.add_mutually_exclusive_group()
    edit_arg(how, required=False)
    recipe_arg(how)
    s.add_argument("--save-latents", action="store_true", help="also write seedNNNN.npz with w")
    s.set_defaults(func=_runs("generate", "cli_edit"))

    s = sub.add_parser("edit", help="encode images, move along VAE directions or apply a recipe, "
                                    "write NAME_edited.png",
                       description="Encode each image with the VAE, move its latent along the directions given "
                                   "with --edit (or as a recipe says) and write the decode as NAME_edited.png.")
    images_arg(s)
    model_arg(s, "vae")
    run_args(s)
    how = s.add_mutually_exclusive_group(required=True)
    edit_arg(how, required=False)
    recipe_arg(how)
    s.add_argument("--save-recipe", type=out_file, metavar="RECIPE.json",
                   help="also save the --edit values as a recipe (for the app or --recipe)")
    s.add_argument("--fit", choices=["crop", "letterbox"], default=None,
                   help="how non-square images fit (default: the recipe's, else crop)")
    s.add_argument("--save-latents", action="store_true", help="also write NAME_edited.npz")
    latent_scale_arg(s)
    s.set_defaults(func=_runs("edit", "cli_edit"))

    s = sub.add_parser("interpolate", help="morph through images (VAE) or seeds (GAN) -> GIF, WebP or MP4",
                       description="Encode the images with the VAE (or map the seeds with the GAN), walk "
                                   "through their latents in order and write the decoded frames.")
    images_arg(s, "*", "two or more images (VAE), or folders, in the order given")
    seeds_arg(s, "two or more GAN seeds instead, e.g. 3 8 21 or 3,8,21")
    s.add_argument("--psi", type=psi_value, default=DEFAULT_PSI, action=Typed,
                   help=f"GAN truncation, {PSI_RANGE[0]:g} to {PSI_RANGE[1]:g} (default {DEFAULT_PSI:g})")
    class_arg(s)
    draw_arg(s)
    model_arg(s, "vae")
    model_arg(s, "gan")
    s.add_argument("-o", "--out", type=out_file, required=True, metavar="FILE",
                   help="the animation: .gif, .webp or .mp4 (H.264)")
    s.add_argument("--frames", type=frame_count, default=DEFAULT_FRAMES,
                   help=f"frames in all, at least one per keyframe, at most {MAX_FRAMES} (default {DEFAULT_FRAMES})")
    s.add_argument("--fps", type=fps_value, default=float(DEFAULT_FPS),
                   help=f"frames per second (default {DEFAULT_FPS})")
    s.add_argument("--mode", choices=MODES, default=DEFAULT_MODE,
                   help=f"path between keyframes (default {DEFAULT_MODE}, as the Morph dialog: the in-between latents "
                        "stay as typical as the keyframes; linear is a straight line)")
    s.add_argument("--loop", action="store_true",
                   help="go on from the last keyframe back to the first, as the Morph dialog's Loop back to the "
                        "start, so each replay flows on from the last without a jump. A GIF or WebP replays "
                        "either way (without --loop it jumps from the last keyframe to the first); whether an MP4 "
                        "replays is its player's choice")
    s.add_argument("--scale", type=scale_factor, metavar="N",
                   help="enlarge every frame N times without smoothing, GIF, WebP and MP4 alike (default: as the "
                        f"Morph dialog, the frames' shorter side brought to {SUGGESTED_SIDE} px, ×4 for a 64-px "
                        "model, ×1 for a large photo; 1 keeps the model's size)")
    fit_arg(s)
    device_arg(s)
    latent_scale_arg(s)
    s.set_defaults(func=_runs("interpolate", "cli_interpolate"))

    add_train_parser(sub)
    return p


def stdout_closed() -> int:
    """Python's recipe for a closed stdout (docs: signal, "Note on SIGPIPE"): point stdout at devnull so the flush
    at exit raises no second BrokenPipeError, and exit as a tool SIGPIPE stopped does, 128 + 13."""
    _stdout_to_devnull()
    return 128 + 13


def _stdout_to_devnull() -> None:
    """stdout pointed at devnull, so that what it still holds is dropped at exit, not written (and failed) again."""
    with suppress(OSError, ValueError, AttributeError):  # a stdout with no file behind it (a test's) keeps its own
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    """Run a command line; its exit code. A Ctrl+C is answered alike whenever it comes: in the first second or two
    `import torch` is running, and one there ended in a raw traceback. Before the command begins, a Ctrl+C or kill
    ends it in one line with the signal's exit code (stopped_before_it_began)."""
    started = time.monotonic()  # `genimg train --minutes` counts from here: the user's wait began
    before = stops_end_at_once()  # while the command line is read, as while this module loaded
    try:
        return _run(argv, before, started)
    except KeyboardInterrupt:
        with suppress(OSError, ValueError):  # a closed or full stderr: the exit code says it alone
            print("genimg: interrupted", file=sys.stderr)
        return 130
    finally:
        put_back(before)


def _run(argv: list[str] | None, before: Handlers, started: float) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # --help, a usage error argparse has already explained, or a stop (its exit code)
        return int(e.code or 0)
    # as typed, for what records it (a trained model's card): one line a shell runs again
    args.command_line = shlex.join(["genimg", *(sys.argv[1:] if argv is None else argv)])
    args.started = started
    if args.command == "train":  # a stop while torch loads, or the images, writes nothing and exits as the run's do
        return stoppable(lambda: _call(args))
    put_back(before)  # Python's own from here: a Ctrl+C raises KeyboardInterrupt (main answers it), a kill kills
    return _call(args)


def _call(args: argparse.Namespace) -> int:
    """The command's function run (_told); a run that fails takes away the folders it made and left empty."""
    from .cli_folders import run_ended
    code = 1
    try:
        code = _told(args)
    finally:
        run_ended(failed=code != 0)
    return code


def _told(args: argparse.Namespace) -> int:
    """The command's function, its errors told and turned into exit codes."""
    from .cli_commands import (USAGE_ERRORS, USER_ERRORS, StdoutClosed, StdoutFailed,  # torch loads here
                               end_open_bar, say)
    from .cli_replaced import replaced_notes
    try:
        return args.func(args)
    except (StdoutClosed, BrokenPipeError):
        return stdout_closed()
    except StdoutFailed as e:  # full: said, with the file written whose name it could not list
        say(f"{_error_prefix(args.command)}: error: {e}")
        if e.written is not None:
            say(f"genimg: note: {e.written} was written, but its name could not be listed; the run stopped there")
        _stdout_to_devnull()  # as for a closed stdout: the flush at exit raises no second error
        return 1
    except USAGE_ERRORS as e:
        if first_process():
            say(f"genimg {args.command}: error: {e}")
        return 2
    except USER_ERRORS as e:
        say(f"{_error_prefix(args.command)}: error: {e}")
        return 1
    finally:  # a Ctrl+C's "genimg: interrupted" (main) on a line of its own, not after a bar stopped partway
        end_open_bar()
        hint = " (with --save-latents a run writes latents anew beside their pictures)"
        for note in replaced_notes(hint if hasattr(args, "save_latents") else ""):
            say(note)  # a run stopped partway has replaced files too


def _error_prefix(command: str) -> str:
    """Who a failure is told by: train's failures as its refusals ("genimg train: error: …", as USAGE_ERRORS are),
    one prefix for a run's log; the other commands' as their per-file errors ("genimg: error: …", for_each)."""
    return f"genimg {command}" if command == "train" else "genimg"


put_back(_HANDLERS_BEFORE)  # last: main() sets them again, and a module that imports this one keeps its own
if __name__ == "__main__":
    sys.exit(main())
