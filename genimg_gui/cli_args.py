"""The argument types of `genimg`'s commands: each turns what was typed into a value, or refuses it with the
command line (exit 2) in words that say what is expected. Plain Python: `genimg --help` loads no numpy or torch
(what needs numpy or Pillow is imported inside the function)."""
from __future__ import annotations

import argparse
import difflib
import math
import os
import shlex
from pathlib import Path

from .catalog import DEFAULT_PSI, PSI_RANGE, bundled_models
from .fileio import blocking_file, name_max
from .train.arg_types import parsed


def edit_spec(text: str) -> tuple[str, float]:
    """'PC1=1.5' or '0=-2' -> (direction label or index, value in sigma), a value float32 holds, as a recipe's
    (recipe.beyond_float32)."""
    from .recipe import beyond_float32  # numpy: not for --help
    key, sep, value = text.partition("=")
    try:
        if not sep or not key.strip() or not math.isfinite(float(value)):
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected DIRECTION=SIGMA, e.g. PC1=1.5 or 0=-2") from None
    if why := beyond_float32(float(value)):
        raise argparse.ArgumentTypeError(f"{text!r}: {why}; a few σ is a strong edit")
    return key.strip(), float(value)


def psi_value(text: str) -> float:
    """--psi: a number in the range the app's ψ slider runs over (NaN or inf made every seed fail as NaN pixels, as
    a failed run; -1 or 5 wrote odd pictures without a word)."""
    low, high = PSI_RANGE
    try:
        value = float(text)
        if not low <= value <= high:  # NaN too
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number from {low:g} to {high:g}, e.g. "
                                         f"{DEFAULT_PSI:g} (lower is more typical)") from None
    return value


LATENT_SCALES = {"sd": 0.18215, "sdxl": 0.13025}  # models.sd_vae's SD_SCALE and SDXL_SCALE, without importing torch


def scale_option(scale: float) -> str:
    """The --latent-scale value that names this scale: sd, sdxl, else the number."""
    return next((k for k, v in LATENT_SCALES.items() if v == scale), f"{scale:g}")


def latent_scale(text: str) -> float:
    """'sd', 'sdxl' or a positive number: the latent scale of an SD VAE file."""
    try:
        value = LATENT_SCALES.get(text.strip().lower()) or float(text)
        if not (math.isfinite(value) and value > 0):
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected sd (0.18215), sdxl (0.13025) or a positive number") \
            from None
    return value


def out_folder(text: str) -> Path:
    """-o OUT_DIR: a folder, or one that can be made (a file in the way came out as '[Errno 17] File exists')."""
    path = Path(text)
    check_name_lengths(path, text)
    if (blocker := blocking_file(path)) == path:
        raise argparse.ArgumentTypeError(f"{text} is a file: name a folder to write into")
    if blocker is not None:
        raise argparse.ArgumentTypeError(f"{text} cannot be made: {blocker} is not a folder")
    return path


def out_file(text: str) -> Path:
    """A file to write (an animation, a grid, a recipe): not a folder, and in a folder that is or can be made."""
    path = Path(text)
    check_name_lengths(path, text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: name the file to write in it")
    if (blocker := blocking_file(path.parent)) is not None:
        raise argparse.ArgumentTypeError(f"{text} cannot be written: {blocker} is not a folder")
    return path


def check_name_lengths(path: Path, text: str) -> None:
    """Refuse an -o whose file or folder names are longer than the file system takes: asking whether it was a folder
    raised "OSError: [Errno 36] File name too long" with a traceback."""
    limit = name_max(path.parent)
    if any(len(os.fsencode(part)) > limit for part in path.parts):
        raise argparse.ArgumentTypeError(f"{text} cannot be written: the name is too long")


def picture_file(text: str) -> Path:
    """--grid: a file to write (out_file) whose suffix names a format it can be written in: g.jpg was written as a
    PNG named g.png, and a name without a suffix gained .png, unsaid."""
    from .export import PICTURE_FORMATS, suffixes_said  # numpy and Pillow: not for --help
    path = out_file(text)
    if path.suffix.lower() not in PICTURE_FORMATS:
        raise argparse.ArgumentTypeError(f"{text}: name a picture file ending in {suffixes_said()}")
    return path


def existing_path(text: str) -> Path:
    """--vae, --gan or --recipe: a path that is not there is a mistake in what was typed (exit 2, as a VAE given as
    --gan is), refused with the command line; what is there and will not load is a failed file (exit 1)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text} does not exist")
    return path


def recipe_file(text: str) -> Path:
    """--recipe: an existing_path, and a file: a folder was said in the OS's words as a failed file ("cannot read the
    recipe app: Is a directory", exit 1), where --save-recipe says it as a mistake in what was typed."""
    path = existing_path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: name the recipe (.json) in it")
    return path


def model_path(text: str) -> Path:
    """--vae or --gan: a model folder or file, or a bundled model's name (named_model); one not there is refused,
    with what its folder holds where that is a model's (`--vae run/best.pt` of a run that kept none), as
    `genimg info` and the window say it."""
    from .cli_names import named_as_typed  # numpy: not for --help
    from .not_a_model import missing_file_note
    path = listed_model(text)
    if note := missing_file_note(path):
        raise argparse.ArgumentTypeError(named_as_typed(note, text))
    return existing_path(text) if not path.exists() else path  # a path typed with its folder: not there, said so


def listed_model(text: str) -> Path:
    """`genimg info`'s MODEL: as named_model, a bare name that is neither a path nor a bundled model's (a typo,
    `emoji-vea`) refused as --vae refuses it, with the names it could have meant (info said only "emoji-vea does not
    exist", exit 1). A path typed with its folder is left to the run: one not there is a failed file of the batch."""
    path = named_model(text)
    if path.exists() or path.name != text:
        return path
    names = ", ".join(e.name for e in bundled_models())
    raise argparse.ArgumentTypeError(f"{text} does not exist, and is not a bundled model's name ({names})")


def named_model(text: str) -> Path:
    """A model as typed: the path, or where no such path is and it is a bare name, the bundled model of that name
    (`--gan emoji-gan`, `genimg info emoji-vae`), which a user who installed with pip can type without knowing
    where the package keeps weights/."""
    path = Path(text)
    if path.exists() or path.name != text:
        return path
    return next((Path(e.path) for e in bundled_models() if e.name == text), path)


def scale_factor(text: str) -> int:
    """--scale: 1 to morph.MAX_SCALE, whatever the pictures (cli_commands.check_scale: the side each may reach)."""
    from .animation_files import MAX_SCALE  # numpy and Pillow: not for --help
    value = parsed(text, int, f"a whole number from 1 to {MAX_SCALE}")  # 2.5 was "invalid scale_factor value"
    if value > MAX_SCALE:
        raise argparse.ArgumentTypeError(f"{value} is past the largest, ×{MAX_SCALE}: use at most {MAX_SCALE}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_SCALE}, not {value}")
    return value


def fps_value(text: str) -> float:
    from .animation_files import MIN_FPS  # numpy and Pillow: not for --help
    try:
        value = float(text)
        if not MIN_FPS <= value <= 100:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected frames per second from {MIN_FPS:g} to 100") from None
    return value


def frame_count(text: str) -> int:
    from .morph import MAX_FRAMES, MIN_FRAMES  # numpy and Pillow: not for --help
    try:
        value = int(text)
        if not MIN_FRAMES <= value <= MAX_FRAMES:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of frames from {MIN_FRAMES} to "
                                         f"{MAX_FRAMES}, as the Morph dialog takes") from None
    return value


def before_command(message: str, typed: list[str], commands: list[str]) -> str:
    """genimg's own refusal of a command line, with what to type instead where an option came before the command word
    (an option of genimg's own is only --version): `genimg --verison` and `genimg -v` were refused as "the following
    arguments are required: COMMAND", `genimg --vae emoji-vae encode …` as "invalid choice: 'emoji-vae'". A command
    word mistyped is said with the command it is close to (`genimg gen …`: "did you mean generate?"), where the advice
    on options put the typo after a placeholder ("genimg COMMAND gen --seeds 1 …")."""
    at = next((i for i, word in enumerate(typed) if word in commands), len(typed))
    if at == len(typed) and (mistyped := next((word for word in typed if word.isalpha()
                                               and close_command(word, commands)), None)):
        return f"unknown command {mistyped!r}: did you mean {close_command(mistyped, commands)}?"
    options = [word for word in typed[:at] if word.startswith("-") and word not in ("-h", "--help", "--version")]
    if not options:
        return message
    if version := next((word for word in options if word in ("-v", "-V", "-version")
                        or difflib.get_close_matches(word, ["--version"], cutoff=0.75)), None):
        return f"unrecognized option {version}: did you mean --version?"
    if at == len(typed) and not typed[0].startswith("-"):  # no options before a command: argparse lists the commands
        return message
    command = typed[at] if at < len(typed) else "COMMAND"
    return f"{message}; options go after the command: genimg {command} {shlex.join(typed[:at])} …"


def close_command(word: str, commands: list[str]) -> str:
    """The one command word starts with (`gen`, `encod`), else the one it is close to (`trian`, `genrate`); "" when
    none is, or several start so (`e`: encode or edit)."""
    started = [command for command in commands if command.startswith(word.lower())]
    if started:
        return started[0] if len(started) == 1 else ""
    return next(iter(difflib.get_close_matches(word.lower(), commands, n=1)), "")
