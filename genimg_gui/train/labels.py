"""Class labels for a conditional GAN (`genimg train gan DIR --labels ...`).

Two sources: a CSV file with a `file` column (paths relative to DIR, as the folder
lists them) and a label column, or `folders`, where each image's first sub-folder
names its class (DIR/cats/a.png, DIR/dogs/b.png). Images without a label are
counted and left out, like unreadable ones; rows naming no usable image are counted.
"""
from __future__ import annotations

import csv
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator, TextIO

import torch

from ..wording import counted
from . import TrainError, TrainUsageError
from .data import FolderData

FOLDERS = "folders"
MAX_CLASSES = 1000


def with_labels(data: FolderData, source: str, column: str = "label") -> tuple[FolderData, int]:
    """(the labelled images with .labels and .classes set, rows of the source that matched no image)."""
    by_file = _folder_labels(data.files) if source == FOLDERS else _csv_labels(Path(source), column)
    keep = [i for i, f in enumerate(data.files) if by_file.get(f)]
    classes = sorted({by_file[data.files[i]] for i in keep})
    where = "sub-folders" if source == FOLDERS else f"column {column!r} of {source}"
    if len(classes) < 2:
        raise TrainError(f"the labels ({where}) give {counted(len(classes), 'class', 'classes')} for the images found; "
                         f"a conditional GAN needs at least 2 (or drop --labels)")
    if len(classes) > MAX_CLASSES:
        raise TrainError(f"the labels ({where}) give {len(classes)} classes; at most {MAX_CLASSES} are supported")
    skipped = dict(data.skipped_files)
    if len(keep) < len(data):
        kept_set = set(keep)
        skipped["without a label"] = [f for i, f in enumerate(data.files) if i not in kept_set]
    index = {name: i for i, name in enumerate(classes)}
    labels = torch.tensor([index[by_file[data.files[i]]] for i in keep], dtype=torch.long)
    unmatched = len(set(by_file) - set(data.files))
    kept = torch.tensor(keep, dtype=torch.long)
    return replace(data, images=data.images[kept], files=[data.files[i] for i in keep], skipped_files=skipped,
                   labels=labels, classes=tuple(classes)), unmatched


def describe_classes(data: FolderData) -> str:
    counts = torch.bincount(data.labels, minlength=len(data.classes)).tolist()
    return ", ".join(f"{name} {n}" for name, n in zip(data.classes, counts))


def _folder_labels(files: list[str]) -> dict[str, str]:
    """Each file in a sub-folder -> that sub-folder's name; files at the top level get none."""
    return {f: f.split("/")[0] for f in files if "/" in f}


def check_csv(path: Path, column: str) -> None:
    """The --labels file is CSV text with a 'file' column and the --label-column, checked before the data loads:
    another file or column is a mistake in what was typed (TrainUsageError), found before minutes of loading."""
    with _reading(path) as fh:
        _check_columns(path, csv.DictReader(fh).fieldnames or [], column)


def _csv_labels(path: Path, column: str) -> dict[str, str]:
    with _reading(path) as fh:
        reader = csv.DictReader(fh)
        _check_columns(path, reader.fieldnames or [], column)
        return {row["file"].strip().replace("\\", "/"): (row[column] or "").strip() for row in reader}


def _check_columns(path: Path, fields: list[str], column: str) -> None:
    if "file" not in fields or column not in fields:
        want = "a 'file' column" if "file" not in fields else f"a column {column!r} (--label-column)"
        raise TrainUsageError(f"{path} needs {want}; its columns are: {', '.join(fields) or 'none'}")


@contextmanager
def _reading(path: Path) -> Iterator[TextIO]:
    """The labels file open as text; a file that is not CSV text is the wrong file given (TrainUsageError)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            yield fh
    except UnicodeDecodeError as e:  # an image or other binary file given as --labels
        raise TrainUsageError(f"--labels {path} is not a CSV text file: byte {e.start} is not UTF-8 text") from None
    except csv.Error as e:
        raise TrainUsageError(f"--labels {path} is not a CSV file ({e})") from None
    except OSError as e:
        raise TrainError(f"cannot read the labels file {path}: {e.strerror or e}") from None
