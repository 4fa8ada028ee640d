"""Class labels for a conditional GAN (`genimg train gan DIR --labels ...`).

Two sources: a CSV file with a `file` column (paths relative to DIR, as the folder
lists them) and a label column, or `folders`, where each image's first sub-folder
names its class (DIR/cats/a.png, DIR/dogs/b.png). Images without a label are
counted and left out, like unreadable ones; rows naming no usable image are counted.
"""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import torch

from . import TrainError
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
        raise TrainError(f"the labels ({where}) give {len(classes)} class(es) for the images found; "
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


def _csv_labels(path: Path, column: str) -> dict[str, str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = reader.fieldnames or []
            if "file" not in fields or column not in fields:
                want = "a 'file' column" if "file" not in fields else f"a column {column!r} (--label-column)"
                raise TrainError(f"{path} needs {want}; its columns are: {', '.join(fields) or 'none'}")
            return {row["file"].strip().replace("\\", "/"): (row[column] or "").strip() for row in reader}
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise TrainError(f"cannot read the labels file {path}: {e}") from None
