"""Class labels for a conditional GAN (`genimg train gan DIR --labels ...`).

Two sources: a CSV file with a `file` column (paths inside DIR: relative to it, as the
folder lists them or with a leading "./", or absolute; "/" or "\\" between folders) and a label column,
or `folders`, where each image's first sub-folder names its class (DIR/cats/a.png, DIR/dogs/b.png). Images
without a label are counted and left out, like unreadable ones; rows naming no usable image are counted.
"""
from __future__ import annotations

import collections
import csv
import posixpath
import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, TextIO

import torch

from ..export import file_kind
from ..wording import counted, listed
from . import TrainError, TrainUsageError
from .data import FolderData

FOLDERS = "folders"
MAX_CLASSES = 1000
NAMED_CONFLICTS = 3  # files the warning about rows with different labels names; the rest are counted
# what at least 2 classes are needed for, and the way out: genimg train's words (scripts/attribute_directions.py,
# which reads labels as train does, gives its own)
GAN_NEEDS = ("a conditional GAN needs at least 2", "drop --labels")


def with_labels(data: FolderData, source: str, column: str = "label",
                warn: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
                needs: tuple[str, str] = GAN_NEEDS) -> tuple[FolderData, int]:
    """(the labelled images with .labels and .classes set, rows of the source that matched no image).
    warn is told of files a CSV gives different labels in different rows (conflicting_rows); needs: what the
    classes are for and what else to do, for the refusal of fewer than 2 (GAN_NEEDS)."""
    root = data.root  # a CSV's absolute paths are taken relative to it
    if source == FOLDERS:
        by_file, written = _folder_labels(data.files), {}
    else:
        written = _csv_rows(Path(source), column, root, warn)  # the file as the folder lists it -> (as written, label)
        by_file = {name: label for name, (_, label) in written.items()}
    keep = [i for i, f in enumerate(data.files) if by_file.get(f)]
    classes = sorted({by_file[data.files[i]] for i in keep})
    in_folder = set(data.files)
    unmatched = [row for name, (row, _) in written.items() if name not in in_folder]
    if len(classes) < 2:
        why = _too_few_classes(data, source, column, classes, len(keep), unmatched, len(written), root, needs)
        # --labels folders on a folder of no sub-folders is a mistake in what was typed, found before any work: exit 2,
        # as a --labels file without its label column; a data folder whose labels give one class fails the run
        raise (TrainUsageError if _no_sub_folders(data, source) else TrainError)(why)
    if len(classes) > MAX_CLASSES:
        raise TrainError(f"the labels ({_where(source, column)}) give {len(classes)} classes; at most "
                         f"{MAX_CLASSES} are supported")
    skipped = dict(data.skipped_files)
    if len(keep) < len(data):
        kept_set = set(keep)
        skipped["without a label"] = [f for i, f in enumerate(data.files) if i not in kept_set]
    index = {name: i for i, name in enumerate(classes)}
    labels = torch.tensor([index[by_file[data.files[i]]] for i in keep], dtype=torch.long)
    kept = torch.tensor(keep, dtype=torch.long)
    return replace(data, images=data.images[kept], files=[data.files[i] for i in keep], skipped_files=skipped,
                   labels=labels, classes=tuple(classes)), len(unmatched)


def _where(source: str, column: str) -> str:
    return "sub-folders" if source == FOLDERS else f"column {column!r} of {source}"


def _too_few_classes(data: FolderData, source: str, column: str, classes: list[str], labelled: int,
                     unmatched: list[str], rows: int, root: Path | None, needs: tuple[str, str] = GAN_NEEDS) -> str:
    """Why the labels give fewer than 2 classes, in terms that show what to change: the class they give and to how
    many of the images, the others counted (they would be left out); a CSV whose paths name no image gets an
    example of each side, as its rows and the folder's names differ in a way one can see."""
    folder = str(root) if root is not None else "the image folder"
    need = f"{needs[0]} (or {needs[1]})"
    if _no_sub_folders(data, source):
        return (f"--labels folders takes each image's class from its sub-folder of {folder}, but all "
                f"{counted(len(data), 'image')} found sit at its top level, none in a sub-folder: put the images "
                f"of each class in a sub-folder of their own (cats/a.png, dogs/b.png)")
    if source == FOLDERS:
        return _one_folder_class(data, folder, needs)
    given = _classes_given(_where(source, column), classes, labelled, len(data))
    if not unmatched:
        return f"{given}; {need}"
    return (f"{given}: {len(unmatched):,} of its {counted(rows, 'row')} name no image found in "
            f"{folder} (such as {unmatched[0]!r}, where the images are named like {data.files[0]!r}: paths "
            f"relative to {folder}); {need}")


def _no_sub_folders(data: FolderData, source: str) -> bool:
    """--labels folders given a folder whose images all sit at its top level: no class to take from anywhere."""
    return source == FOLDERS and not any("/" in f for f in data.files)


def _classes_given(where: str, classes: list[str], labelled: int, images: int) -> str:
    """"the labels (…) give 1 class, 'circle', to 1 of the 20 images found (the other 19, without a label, would be
    left out)": "give 1 class for the images found" left the images it leaves out uncounted."""
    found = counted(images, "image")
    if not classes:
        return f"the labels ({where}) give none of the {found} found a class"
    if labelled == images:
        return f"the labels ({where}) give 1 class, {classes[0]!r}, to the {found} found"
    return (f"the labels ({where}) give 1 class, {classes[0]!r}, to {labelled:,} of the {found} found (the other "
            f"{images - labelled:,}, without a label, would be left out)")


def _one_folder_class(data: FolderData, folder: str, needs: tuple[str, str] = GAN_NEEDS) -> str:
    """--labels folders found one sub-folder with images: name it, and the top-level images it leaves without a
    class, so that what to move where can be seen (a folder of classes one level down reads as one class)."""
    (name, count), = collections.Counter(f.split("/")[0] for f in data.files if "/" in f).items()
    nested = next((f.rsplit("/", 1)[0] for f in data.files if f.count("/") > 1), "")
    inside = f": folders inside it, such as {nested!r}, are part of its class" if nested else ""
    loose = sum("/" not in f for f in data.files)
    top = f", and {counted(loose, 'image')} at the top level of {folder}, without a class" if loose else ""
    return (f"--labels folders found 1 class, {name!r} ({counted(count, 'image')}{inside}){top}; {needs[0]}: put "
            f"the images of each class in a sub-folder of their own (cats/a.png, dogs/b.png), or {needs[1]}")


def describe_classes(data: FolderData) -> str:
    counts = torch.bincount(data.labels, minlength=len(data.classes)).tolist()
    return ", ".join(f"{name} {n}" for name, n in zip(data.classes, counts))


def _folder_labels(files: list[str]) -> dict[str, str]:
    """Each file in a sub-folder -> that sub-folder's name; files at the top level get none."""
    return {f: f.split("/")[0] for f in files if "/" in f}


def check_csv(path: Path, column: str, option: str = "--label-column") -> None:
    """The --labels file is CSV text with a 'file' column and the --label-column, checked before the data loads:
    another file or column is a mistake in what was typed (TrainUsageError), found before minutes of loading.
    option: the option that named the column, which the refusal names."""
    with _reading(path) as fh:
        _check_columns(path, csv.DictReader(fh).fieldnames or [], column, option)


def csv_labels(path: Path, column: str, root: Path | None = None) -> dict[str, str]:
    """Each row's file as the folder lists it -> its label (scripts/refine_classes.py reads two columns so)."""
    return {name: label for name, (_, label) in _csv_rows(path, column, root).items()}


def _csv_rows(path: Path, column: str, root: Path | None,
              warn: Callable[[str], None] | None = None) -> dict[str, tuple[str, str]]:
    """Each row's file as the folder lists it -> (the file as the row writes it, its label); where rows name a file
    more than once the last one counts, and warn, if given, is told of those that differ in their label."""
    with _reading(path) as fh:
        reader = csv.DictReader(fh)
        _check_columns(path, reader.fieldnames or [], column)
        rows = [((row["file"] or "").strip(), (row[column] or "").strip()) for row in reader]
    named = [(_as_listed(written, root), written, label) for written, label in rows]
    if warn is not None and (conflicts := conflicting_rows(path, [(name, label) for name, _, label in named])):
        warn(conflicts)
    return {name: (written, label) for name, written, label in named}


def conflicting_rows(path: Path, rows: list[tuple[str, str]]) -> str:
    """"labels.csv: 2 files have more than one row with different labels; the last row is used: a.png (happy, sad),
    …", or "" when no file has two labels (rows repeating a file's label are no conflict): a second row was
    silently taken over the first."""
    labels_of: dict[str, list[str]] = {}
    for name, label in rows:
        labels_of.setdefault(name, [])
        if label not in labels_of[name]:
            labels_of[name].append(label)
    conflicts = [(name, labels) for name, labels in labels_of.items() if len(labels) > 1]
    if not conflicts:
        return ""
    shown = listed([f"{name} ({', '.join(label or 'no label' for label in labels)})" for name, labels in conflicts],
                   NAMED_CONFLICTS)
    return (f"{path}: {counted(len(conflicts), 'file')} {'has' if len(conflicts) == 1 else 'have'} more than one "
            f"row with different labels; the last row is used: {shown}")


def _as_listed(written: str, root: Path | None) -> str:
    """A CSV row's path as load_folder lists the file: "./a/b.png", "a\\b.png" and an absolute path to a file
    below root all name "a/b.png" (a path outside root stays as written, and matches nothing)."""
    name = written.replace("\\", "/")
    if Path(name).is_absolute() and root is not None:
        try:
            return Path(name).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:  # a file outside the folder
            return name
    return posixpath.normpath(name) if name else name


def _check_columns(path: Path, fields: list[str], column: str, option: str = "--label-column") -> None:
    if "file" not in fields or column not in fields:
        want = "a 'file' column" if "file" not in fields else f"a column {column!r} ({option})"
        raise TrainUsageError(f"{path} needs {want}; its columns are: {', '.join(fields) or 'none'}")


@contextmanager
def _reading(path: Path) -> Iterator[TextIO]:
    """The labels file open as text; a file that is not CSV text is the wrong file given (TrainUsageError)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            yield fh
    except UnicodeDecodeError as e:  # an image or other binary file given as --labels
        if kind := file_kind(path):  # named as a recipe's reader names a file of the wrong kind
            raise TrainUsageError(f"--labels {path} is {kind}, not a CSV file: give a CSV file with a 'file' column, "
                                  "or 'folders' (each image's class its sub-folder)") from None
        raise TrainUsageError(f"--labels {path} is not a CSV text file: byte {e.start} is not UTF-8 text") from None
    except csv.Error as e:
        raise TrainUsageError(f"--labels {path} is not a CSV file ({e})") from None
    except OSError as e:
        raise TrainError(f"cannot read the labels file {path}: {e.strerror or e}") from None
