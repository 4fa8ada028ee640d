"""Which files below a folder of training images are its images: one walk, shared by `genimg train` (train/data.py)
and the Train… dialog's count, so that both leave out the same model folders; and the training images an output
folder inside it holds, which both refuse to write a model among. Files and JSON only (no torch, no Qt: the dialog
imports it)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from .earlier_run import CARD_FILE, CHECKPOINT_FILE, MODEL_FILE, WRITTEN_FILES, earlier_run
from .image_files import IMAGE_SUFFIXES, link_failure


class DataFolderWalk:
    """One walk of a folder of training images, recursive, not following links to folders (as Path.rglob).

    Its images leave out the model folders below it (a genimg model or a training run written inside the data
    folder, whose sample grids are no training data) and `exclude` (the run's own output folder), but not root
    itself, whose images are the data whatever else it holds. After a walk, model_folders lists the model folders
    found other than exclude, and cut_short says whether look_at entries were seen before the walk ended."""

    def __init__(self, root: Path | str, exclude: Path | None = None, look_at: int | None = None) -> None:
        self.root = Path(root)
        self.model_folders: list[Path] = []
        # (path, why) of each link named as an image that leads nowhere (image_files.link_failure), outside the
        # folders left out: passed over by the walk, as by rglob, they went unsaid in a run's skipped files
        self.unreadable_links: list[tuple[Path, str]] = []
        self.cut_short = False
        self._exclude = None if exclude is None else exclude.resolve()
        self._look_at = look_at

    def images(self) -> Iterator[Path]:
        """The image files to train on, as the walk finds them (unsorted)."""
        seen = 0
        folders = [(self.root, self._in_exclude(self.root))]  # (folder, whether its files are left out)
        while folders:
            folder, left_out = folders.pop()
            try:
                entries = list(os.scandir(folder))
            except PermissionError:  # as rglob: a folder one may not read is passed over
                continue
            left_out = self._is_model_folder(folder, entries) or left_out  # one inside another is noted too
            for entry in entries:
                seen += 1
                if self._look_at is not None and seen > self._look_at:
                    self.cut_short = True
                    return
                if entry.is_dir(follow_symlinks=False):
                    path = Path(entry.path)
                    folders.append((path, left_out or self._in_exclude(path)))
                elif left_out or not _has_image_suffix(entry.name):
                    continue
                elif entry.is_symlink() and (why := link_failure(entry.path)):  # is_file raised on a loop
                    if not entry.name.startswith("."):  # unsaid, as the folder notes leave hidden files
                        self.unreadable_links.append((Path(entry.path), why))
                elif entry.is_file() and not (entry.is_symlink() and self._in_exclude(entry)):
                    yield Path(entry.path)

    def _is_model_folder(self, folder: Path, entries: list[os.DirEntry]) -> bool:
        """A model folder below root (is_model_folder); noted in model_folders unless it is exclude, which is the
        run's own."""
        if folder == self.root or not is_model_folder(folder, {e.name for e in entries}):
            return False
        if self._exclude is None or folder.resolve() != self._exclude:
            self.model_folders.append(folder)
        return True

    def _in_exclude(self, path: Path | os.DirEntry) -> bool:
        """Whether path, its links followed, lies in the excluded folder."""
        return self._exclude is not None and Path(path).resolve().is_relative_to(self._exclude)


def model_folder_name(kind: str, data: Path | str) -> str:
    """The name of the folder a run on these images saves its model in where none is given ("vae-cats"): `genimg
    train`'s in the current folder, the Train… dialog's in ~/genimg-models. The images folder's own name, of its path
    resolved first: typed as /x/cats/more/.. it was "vae-..", and "." named nothing. Images left empty in the dialog
    names no folder, not the current one (a GAN's Save to moved off a VAE's was ~/genimg-models/gan-<cwd's name>)."""
    return f"{kind}-{Path(data).resolve().name if str(data).strip() else 'images'}"


def is_model_folder(folder: Path, names: set[str] | None = None) -> bool:
    """Whether folder holds a model (a card beside its weights) or a run (a checkpoint), whose files are no training
    data. names: the folder's entries, when a walk has them (most folders hold neither file: no stat is made)."""
    if names is not None and not {CARD_FILE, CHECKPOINT_FILE} & names:
        return False
    run = earlier_run(folder)
    return run is not None and (run.resumable or {CARD_FILE, MODEL_FILE} <= set(run.files))


def nesting(out: Path | str, folder: Path | str) -> str:
    """How an output folder lies to another folder (the data's, the VAE's a GAN draws in), their links followed:
    "is", "is inside", "holds", or "" when neither holds the other; for the words of `genimg train`'s refusals."""
    mine, theirs = Path(out).expanduser().resolve(), Path(folder).expanduser().resolve()
    if mine == theirs:
        return "is"
    return "is inside" if mine.is_relative_to(theirs) else "holds" if theirs.is_relative_to(mine) else ""


def images_in_output(data: Path | str, out: Path | str, look_at: int | None = None) -> tuple[int, bool]:
    """How many of the images a run on data would train on lie in its output folder out, which the run leaves out
    of its images (and which then counts as a model folder, its images left out of every later run); and whether
    the count is whole (False: look_at entries were seen first). 0 unless out is a folder below data, and for one
    that a walk of data passes over (inside a model folder). A sample grid the run writes at out's top is no image
    of the data: a run killed outright after its first grid, before its first checkpoint, left one alone there."""
    root, folder = Path(data).expanduser().resolve(), Path(out).expanduser().resolve()
    if nesting(folder, root) != "is inside" or not folder.is_dir():
        return 0, True
    if any(is_model_folder(f) for f in (folder, *folder.parents) if f.is_relative_to(root) and f != root):
        return 0, True
    walk = DataFolderWalk(folder, look_at=look_at)
    found = sum(1 for path in walk.images() if path.parent != folder or path.name not in WRITTEN_FILES)
    return found, not walk.cut_short


def _has_image_suffix(name: str) -> bool:
    """image_files.is_image_file's test of the name; the walk's entry says whether it is a file, without a stat."""
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""  # as Path.suffix: ".png" alone has none
    return suffix.lower() in IMAGE_SUFFIXES


def count_images(folder: Path | str, enough: int, look_at: int = 2000) -> int | None:
    """How many images a run would train on below folder (DataFolderWalk's), counted up to enough; None when
    look_at entries were seen before either end: a count for the UI thread, which must not walk a big tree."""
    walk = DataFolderWalk(folder, look_at=look_at)
    found = 0
    for _ in walk.images():
        found += 1
        if found >= enough:
            return found
    return None if walk.cut_short else found
