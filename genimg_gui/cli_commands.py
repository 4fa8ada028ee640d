"""The model command behind `genimg encode`, and the helpers every model command shares
(arguments: cli.py; loading the model: cli_models.py; info: cli_info.py; decode: cli_decode.py; generate and
edit: cli_edit.py; interpolate: cli_interpolate.py).

Models run through engine.runtime.Runtime, the code the app's worker runs; images
are read by imaging.py and latents written by the app's own export function, so
the CLI and the app give the same pixels and the same files. No Qt is imported.
"""
from __future__ import annotations

import errno
import os
import sys
import time
import uuid
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import torch

from .cli_folders import in_folder
from .cli_replaced import there_before, written
from .cli_names import MAX_NUMBERED_SAID, OutputStems, more_numbered_note, named_as_typed, shown_name
from .engine.requests import ModelInfo
from .fileio import StdoutFailed, fitted_name, name_max, why_not_written
from .engine import spatial
from .engine.runtime import Runtime
from .image_files import no_images_in
from .imaging import ImageLoadError, crop_note, open_read
from .small_pictures import small_note
from .animation_files import MAX_SIDE, max_scale
from .models.weights import ModelFileError
from .recipe import RecipeError
from .train import TrainError, TrainUsageError
from .export import export_png  # plain numpy + Pillow, shared with the app


class CLIError(Exception):
    """A mistake the user can fix (no such model, a file that does not fit); printed without a traceback."""


class UsageError(CLIError):
    """A mistake in what was typed (options that do not go together, an unknown class or direction name):
    exit code 2, as for the usage errors argparse reports, so scripts can tell it from a failed file."""


class OutputError(CLIError):
    """A file or folder of the output that cannot be written (writing): the run stops there, exit code 1."""


class OutputNameTooLong(CLIError):
    """An input's output name is too long for the file system (check_names, writing): that input fails and the
    batch goes on, exit code 1 at the end. Unlike a full disk, it concerns that one input: `genimg encode
    MMM….png b.png` stopped at the first, the second never encoded."""


class StdoutClosed(Exception):
    """stdout's reader went away (`genimg generate … | head -1`): the files are written all the same, so this is no
    failed file (as an OSError, for_each counted every seed after it as failed); cli.main stops the run quietly."""


# Mistakes in what was typed, whichever command found them: exit code 2 (cli.main).
USAGE_ERRORS = (UsageError, TrainUsageError)
# Printed as "genimg: error: ..." with exit code 1, or 2 for one of USAGE_ERRORS (cli.main).
USER_ERRORS = (CLIError, ModelFileError, ImageLoadError, TrainError, RecipeError, OSError, torch.OutOfMemoryError)
# What one bad input can raise; it is reported and the batch goes on.
ITEM_ERRORS = (ImageLoadError, ModelFileError, ValueError, FloatingPointError, OSError, OutputNameTooLong)
# An input file's too: a --scale its own size refuses (check_scale) while the other files take it. Seeds share the
# model's size, so generate's refusal holds for every seed and stays a usage error.
FILE_ERRORS = (*ITEM_ERRORS, UsageError)


def say(text: str, end: str = "\n") -> None:
    """text on stderr: progress, notes and errors. A stderr that takes nothing (closed: `2>&-`; full: `2>/dev/full`)
    drops it and the work goes on, its files listed on stdout and its exit code right: a progress line that could
    not be printed ended the run, exit 1, with nothing written and nothing said. A terminal bar left open is ended
    first (end_open_bar)."""
    if sys.stderr is None:  # no stderr at all: print would put the line on stdout, among the files written
        return
    end_open_bar()
    with suppress(OSError, ValueError):  # ValueError: a stderr closed by Python itself
        print(text, end=end, file=sys.stderr, flush=True)


def note_ignored(given: dict[str, bool], why: str) -> None:
    """A note on stderr for each option given (True) that this run has no use for: the command goes on without
    it, but --psi on images, say, had changed nothing without a word."""
    for option, is_given in given.items():
        if is_given:
            say(f"genimg: note: {option} ignored: {why}")


def show(text: object) -> None:
    """text on stdout, where the written files and `genimg info`'s cards go."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        raise StdoutClosed from None
    except OSError as e:
        raise StdoutFailed(why_not_written(e)) from None


def wrote(path: Path) -> None:
    try:  # a stdout that fails says which file it could not list
        show(path)
    except StdoutFailed as e:
        raise StdoutFailed(e.why, path) from None


PROGRESS_EVERY_S = 2.0  # on a pipe or log, a progress line once this long has passed since the last

# The Progress whose bar is drawn on a terminal without its newline yet (its pass stopped partway: a per-file error,
# a GPU out of memory, a Ctrl+C); None when the line is ended.
_open_bar: Progress | None = None


def end_open_bar() -> None:
    """The newline a bar that stopped partway never printed: the error after it was printed on the bar's own line
    ("… 2/3genimg: error: …"). say calls it before each line, cli._told as a command ends (a Ctrl+C's line)."""
    global _open_bar
    if _open_bar is not None:
        _open_bar = None
        say("")


class Progress:
    """A bar redrawn in place on a terminal; on a pipe or log, a line once PROGRESS_EVERY_S have passed since the
    last, and at the end (a line per quarter left a 600-frame morph silent for 49 s). With after_s, nothing at all
    until it has run that long, the end included: a step quick as a whole goes unsaid."""

    def __init__(self, total: int, label: str, width: int = 30, after_s: float = 0.0) -> None:
        self.total, self.label, self.width, self.after_s = total, label, width, after_s
        self.started = self.said_at = time.monotonic()
        self.shown = False

    def step(self, done: int) -> None:
        global _open_bar
        if not self.shown and time.monotonic() - self.started < self.after_s:
            return
        self.shown = True
        if sys.stderr is not None and not sys.stderr.closed and sys.stderr.isatty():
            if _open_bar is self:  # its own redraw goes on its line
                _open_bar = None
            filled = self.width * done // max(self.total, 1)
            say(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total}",
                end="\n" if done >= self.total else "")
            _open_bar = None if done >= self.total else self
        elif done >= self.total or time.monotonic() - self.said_at >= PROGRESS_EVERY_S:
            say(f"{self.label} {done}/{self.total}")
            self.said_at = time.monotonic()


class TilesOnStderr:
    """Runtime's tiles callback (engine.runtime.TileProgress): a Progress for each pass over a picture's tiles
    ("encoding tiles 3/25", "decoding tiles …"), once it has run PROGRESS_EVERY_S. A large photo through an SD VAE,
    tile by tile, took minutes without a word; a small one's tiles, done at once, would only crowd the output.
    prefix names what the tiles are of where no line said it before ("keyframe 2/5: ")."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.progress: Progress | None = None

    def __call__(self, doing: str, done: int, total: int) -> None:
        if done == 0 or self.progress is None:  # a pass begins: its time counts from here
            self.progress = Progress(total, f"{self.prefix}{doing} tiles", after_s=PROGRESS_EVERY_S)
        if done:
            self.progress.step(done)


# --- batches ---------------------------------------------------------------

def for_each(jobs: Sequence[tuple[str, Callable[[], None]]],
             item_errors: tuple[type[Exception], ...] = ITEM_ERRORS) -> int:
    """Run (label, job) pairs with an i/N line each; one that raises one of item_errors is reported and the rest
    go on. Returns the exit code: 1 if any failed."""
    failed = 0
    for i, (label, job) in enumerate(jobs, 1):
        if len(jobs) > 1:
            say(f"{i}/{len(jobs)} {shown_name(label)}")
        try:
            job()
        except item_errors as e:
            failed += 1
            # its file named as the progress line names it (the message's own line breaks, if any, kept)
            say(f"genimg: error: {named_as_typed(str(e), label)}")
    if failed and len(jobs) > 1:  # with one input its error line says it all
        say(f"genimg: {failed} of {len(jobs)} failed")
    return 1 if failed else 0


def per_file(paths: Sequence[Path], work: Callable[[Path, str], None],
             written_as: Callable[[str], tuple[str, ...]], out: Path) -> int:
    """for_each over files; work gets each path and a unique output stem (OutputStems: an input that fails takes
    none), once the names of the files it writes in out (written_as: their names for a stem) are found to fit the
    file system (check_names): NAME.npz was written, then NAME_recon.png was too long, half a pair left. An input
    numbered because another has its name is said once its files are written, with their names: said before the
    work, the note named files that an input which then failed never wrote. Past MAX_NUMBERED_SAID such notes, the
    rest are counted in one at the end."""
    stems = OutputStems(paths)
    numbered = 0

    def job(i: int) -> None:
        nonlocal numbered
        stem = stems.stem(i)
        check_names(out, written_as(stem))
        work(paths[i], stem)
        stems.written(i, stem)
        if note := stems.numbered_note(i, lambda stem: " and ".join(written_as(stem))):
            numbered += 1
            if numbered <= MAX_NUMBERED_SAID:
                say(note)

    code = for_each([(str(p), partial(job, i)) for i, p in enumerate(paths)], FILE_ERRORS)
    if numbered > MAX_NUMBERED_SAID:
        say(more_numbered_note(numbered - MAX_NUMBERED_SAID))
    return code


def check_names(folder: Path, names: Sequence[str]) -> None:
    """Refuse (OutputNameTooLong) an input one of whose output names is longer than folder's file system takes,
    before any of its files is written: both or neither."""
    for name in names:
        if len(os.fsencode(name)) > name_max(folder):
            raise OutputNameTooLong(f"{folder / name} cannot be written: the name is too long; "
                                    "give the input a shorter name")


@contextmanager
def writing(path: Path, probe: bool = False) -> Iterator[Path]:
    """path to write in the block, its folder made first (in_folder); the folder or file failing is an OutputError
    that names them and says why in words. It ends the run: the next file would fail alike (a folder that cannot be
    made or takes no files, a full disk), and a raw "[Errno 2] …" named the temp file or blamed the input image.
    What it wraps writes as the window's exports do (export.py, Recipe.save, animation_files.write_animation: a temp
    file renamed over path once whole, fileio.atomic_path), so a failed file leaves nothing half-written and no older
    file lost. A file there before the run, replaced, is said as the run ends (cli_replaced); probe: path itself is
    not written (check_writable)."""
    was_there = there_before(path)
    try:
        in_folder(path)
    except OSError as e:
        raise OutputError(f"{path.parent} cannot be made: {why_not_written(e, 'folders')}") from None
    try:
        yield path
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:  # that input's, not the run's: the next input goes on
            raise OutputNameTooLong(f"{path} cannot be written: {why_not_written(e)}") from None
        raise OutputError(f"{path} cannot be written: {why_not_written(e)}") from None
    if not probe:
        written(path, was_there)


# check_writable's probe: more than a file system keeps inside the file's own entry (ext4's and btrfs's inline
# data), so it asks for room on the disk as the output will
PROBE_BYTES = 4096


def check_writable(path: Path) -> None:
    """Fail now as writing(path) would fail later, in its words, for an output written once all the work is done: a
    200-frame morph was drawn for a minute before "/proc/m.gif cannot be written: /proc takes no new files". Makes
    path's folder (in_folder) and writes a small file in it, removed at once: a full disk takes no data, but an
    empty file needs no room (on tmpfs) and passed, and every seed was drawn before its grid could not be written."""
    with writing(path, probe=True) as out:
        probe = out.with_name(fitted_name(f".{out.name}", f".{uuid.uuid4().hex[:12]}.probe"))
        try:
            probe.write_bytes(bytes(PROBE_BYTES))
        finally:
            probe.unlink(missing_ok=True)


def read_image(path: Path) -> tuple[np.ndarray, tuple[int, int]]:
    """The image file's pixels and its (width, height) in the file (a large photo is read reduced), with the note
    the window logs when they are an animation's first frame (the frames after it were left out, unsaid). A folder
    here is one given with no pictures in it (cli_pictures)."""
    if path.is_dir():
        raise ImageLoadError(no_images_in(path, str(path)))
    read = open_read(path, name=str(path))  # named as typed: c/p.jpg and d/p.jpg were both "p.jpg"
    if read.note:
        say(f"genimg: note: {shown_name(read.note)}")  # it names the file
    return np.asarray(read.image), read.size


def check_scale(scale: int, size: tuple[int, int], what: str = "images") -> None:
    """--scale within the app's limit for written pictures (animation_files.max_scale): ×10000 of a 64-px image asked
    for about 12 GB and ended in a MemoryError. size is (width, height) before scaling; the cap alone, ×MAX_SCALE,
    is cli_args.scale_factor's, checked with the command line. The message gives the size scaled, the one refused."""
    if scale > (largest := max_scale(size)):
        raise UsageError(f"--scale {scale} makes the {size[0]}×{size[1]} {what} {size[0] * scale}×{size[1] * scale} "
                         f"px, larger than {MAX_SIDE} px a side: use at most {largest}")


def write_png(image: np.ndarray, path: Path, scale: int) -> None:
    """export_png at --scale, checked first; the path written goes to stdout."""
    check_scale(scale, image.shape[1::-1])
    with writing(path) as out:
        wrote(export_png(image, out, scale))


# --- commands --------------------------------------------------------------

def encoded(rt: Runtime, model: ModelInfo, path: Path, fit: str, prefix: str = "", reconstruct: bool = True
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """rt.encode of the image file, with the notes the window logs when a photo is scaled down to GENIMG_MAX_SIDE,
    cropped to its centre square or, under small_pictures.SMALL_SIDE px a side, enlarged (the written images were
    smaller than the photo, a part of it, or blocks of its few pixels, unsaid). A large photo's tiles are said on
    stderr as they take long (TilesOnStderr, prefix before them). reconstruct=False: no reconstruction (None), for
    a command that decodes the latent itself (edit, interpolate: a photo's tiled decode was done twice)."""
    image, (width, height) = read_image(path)
    fitted, latent, recon = rt.encode(image, fit, TilesOnStderr(prefix), reconstruct)
    small = small_note(width, height, fitted.shape[1::-1])  # a 1×1 picture was enlarged to 64×64 unsaid
    if model.spatial:  # the photo keeps its aspect: nothing is cropped (nor scaled down, if it is small)
        shrunk, parts = spatial.shrunk_note(str(path), (height, width), fitted.shape, rt.max_side), [small]
    else:
        shrunk, parts = "", [small, crop_note(width, height, fit, "use --fit letterbox")]
    said = "; ".join(part for part in parts if part)
    note = shrunk or (f"{path}: {said}" if said else "")
    if note:
        say(f"genimg: note: {shown_name(note)}")
    return fitted, latent, recon
