"""The user's own directions on disk: saved per model (by its weights, not its name) under the user data folder, in
the same safetensors layout as a model's directions.safetensors, with what their file records beside them (the model's
identity and folder, each row's examples, the directions still to be made again). Plain numpy (no torch, no Qt).
The window's side (loading, saving, following the files) is ui/user_direction_files.py; the maths of a direction,
attributes.py.
"""
from __future__ import annotations

import glob
import json
import os
import re
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save_file

from .edit import Directions
from .fileio import atomic_path
from .paths import data_dir

IDENTITY_KEY = "weights"  # a user directions file's metadata: the weights_digest of their model
FOLDER_KEY = "folder"     # ... the folder their model was loaded from, when they were last saved
# ... each row's examples ({"from": [paths], "to": [paths], "method", "keep_fixed"}, or null): the directions are
# the model's latent space's, so after its folder is trained again in place they are made again from these
EXAMPLES_KEY = "examples"
# ... the identity of the old weights whose directions were made again for these (direction_remake): a file that
# holds it stays, empty, once its last row is deleted, so that they are not made again at the next launch
REMADE_KEY = "remade_from"
# ... the directions of those old weights not made again yet (each {"label", "from", "to", "method", "keep_fixed"}):
# genimg closed while they were being made, and the next load of these weights makes them
REMAKING_KEY = "remaking"


class DirectionsFileError(ValueError):
    """A user directions file cannot be used; the message says why."""


def user_directions_folder(create: bool = True) -> Path:
    """The folder of the user's own directions, one file per model (created, unless create is False: asking
    whether a file lies in it makes none)."""
    folder = data_dir() / "directions"  # GENIMG_DATA_DIR, or the platform's user data folder
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def user_directions_file(model_name: str, identity: str) -> Path:
    """Where the user's own directions for a model live: one file per model, known by its weights (identity, their
    weights_digest) as slider values are, not by its name, which two training runs of one name share while their
    latent spaces differ. The file already saved for these weights, whatever name it took (a copy of the model with
    a card of another name is the same model), else one named by the model and its digest's start:
    my-vae-3f2a9c01b7de.safetensors. The folder is not made (save_user_directions makes it): made to read a file
    that is not there, a read-only data folder failed every model's load with "[Errno 30] Read-only file system"."""
    folder, short = user_directions_folder(create=False), identity[:12]
    for path in sorted(folder.glob(f"*-{glob.escape(short)}.safetensors")):
        if saved_identity(path) == identity:
            return path
    return folder / f"{_safe_name(model_name)}-{short}.safetensors"


def legacy_directions_file(model_name: str) -> Path:
    """Where directions were saved before their file recorded the model's weights: by the model's name alone."""
    return user_directions_folder(create=False) / f"{_safe_name(model_name)}.safetensors"


def _safe_name(model_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", model_name).strip("._") or "model"


def saved_identity(path: Path) -> str | None:
    """The identity of the model whose directions the file holds (save_user_directions' identity); None for a file
    saved before it was recorded, or one that cannot be read."""
    try:
        with safe_open(str(path), "np") as f:
            return (f.metadata() or {}).get(IDENTITY_KEY) or None
    except (SafetensorError, OSError, ValueError):
        return None


def saved_folder(path: Path) -> str:
    """The folder the model of the user directions file at path was loaded from when they were last saved
    (FOLDER_KEY); "" for a file that records none, or one that cannot be read."""
    try:
        with safe_open(str(path), "np") as f:
            return (f.metadata() or {}).get(FOLDER_KEY, "")
    except (SafetensorError, OSError, ValueError):
        return ""


def claim_legacy_directions(model_name: str, identity: str, dim: int) -> Directions | None:
    """The directions saved under this model's name alone, before files recorded whose weights they were made on,
    moved into this model's own file (user_directions_file): the first model of that name to load takes them, as
    it would have seen them before, and another model of that name no longer does. None when there is no such
    file; one that does not fit a latent of size dim raises DirectionsFileError and stays for a model it fits."""
    legacy = legacy_directions_file(model_name)
    if not legacy.is_file() or saved_identity(legacy) is not None:  # none, or a new file whose name looks like it
        return None
    rows = load_user_directions(legacy, dim)
    if rows is None:  # gone since (another window took it)
        return None
    try:
        save_user_directions(user_directions_file(model_name, identity), rows, identity)
        legacy.unlink(missing_ok=True)
    except OSError:  # a read-only folder: the rows show all the same, and the old file stays, as before
        pass
    return rows


def save_user_directions(path: Path, directions: Directions, identity: str = "", folder: str = "",
                         examples: Mapping[bytes, dict] | None = None, remade_from: str = "",
                         remaking: Sequence[tuple[str, dict]] = ()) -> None:
    """Write directions (typically only the user's own rows) atomically, with the identity of the model they were
    made on (ModelInfo.identity: the weights' SHA-256), which only a test leaves out, the folder it was loaded from,
    the examples each row was made from (examples: row_key(row) -> its examples; a row not there has none), the
    identity of the weights whose directions were made again for these (REMADE_KEY) and those of them not made yet
    (remaking: (label, its examples) each; REMAKING_KEY)."""
    arrays = {"mean": directions.mean, "basis": directions.basis, "sigma": directions.sigma,
              "explained": directions.explained}
    metadata = {"labels": "\n".join(directions.labels)}
    if identity:
        metadata[IDENTITY_KEY] = identity
    if folder:
        metadata[FOLDER_KEY] = os.path.realpath(folder)
    if remade_from:
        metadata[REMADE_KEY] = remade_from
    if remaking:
        metadata[REMAKING_KEY] = json.dumps([{"label": label, **made} for label, made in remaking])
    rows = [(examples or {}).get(row_key(row)) for row in directions.basis]
    if any(rows):
        metadata[EXAMPLES_KEY] = json.dumps(rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}, str(tmp),
                  metadata=metadata)


def row_key(row: np.ndarray) -> bytes:
    """A row as the files know it (merged_user_directions) and its examples are keyed: its float32 bytes, which a
    rename leaves as they are."""
    return np.ascontiguousarray(row, np.float32).tobytes()


def user_examples(path: Path) -> dict[bytes, dict]:
    """The examples each row of the file was made from (row_key(row) -> {"from", "to", "method", "keep_fixed"}),
    for the rows whose examples it holds; {} for no file, one saved before examples were kept, or one that cannot
    be read (load_user_directions says why)."""
    return {key: made for _, key, made in saved_rows(path) if made is not None}


def saved_rows(path: Path) -> list[tuple[str, bytes, dict | None]]:
    """Each row of the file as (label, row_key, its examples or None where they were not kept), whatever the size of
    its latent: the folder's new weights may have another (direction_remake). [] for no file, or one that cannot be
    read (load_user_directions says why)."""
    try:
        with safe_open(str(path), "np") as f:
            basis = f.get_tensor("basis")
            meta = f.metadata() or {}
    except (SafetensorError, OSError, ValueError):
        return []
    if basis.ndim != 2:
        return []
    try:
        rows = json.loads(meta.get(EXAMPLES_KEY, "null"))
    except ValueError:
        rows = None
    if not isinstance(rows, list) or len(rows) != len(basis):  # saved before examples were kept, or damaged
        rows = [None] * len(basis)
    return [(label, row_key(row), made if _examples_ok(made) else None)
            for label, row, made in zip(_labels(meta.get("labels", ""), len(basis)), basis, rows)]


def _labels(text: str, k: int) -> tuple[str, ...]:
    """A file's k labels from its metadata's text; numbered when they do not match its rows."""
    labels = tuple(text.split("\n")) if k else ()
    return labels if len(labels) == k else tuple(f"direction {i + 1}" for i in range(k))


def remade_from(path: Path) -> str:
    """The identity of the old weights whose directions were made again for the file's (REMADE_KEY), or ""."""
    try:
        with safe_open(str(path), "np") as f:
            return (f.metadata() or {}).get(REMADE_KEY, "")
    except (SafetensorError, OSError, ValueError):
        return ""


def to_remake(path: Path) -> list[tuple[str, dict]]:
    """The directions the file records as not made again yet for its weights (REMAKING_KEY), as (label, its
    examples); [] for none, or a file that cannot be read."""
    try:
        with safe_open(str(path), "np") as f:
            rows = json.loads((f.metadata() or {}).get(REMAKING_KEY, "[]"))
    except (SafetensorError, OSError, ValueError):
        return []
    if not isinstance(rows, list):
        return []
    return [(row["label"], {k: v for k, v in row.items() if k != "label"}) for row in rows
            if _examples_ok(row) and isinstance(row.get("label"), str)]


def _examples_ok(made: object) -> bool:
    return (isinstance(made, dict) and all(isinstance(made.get(side), list) for side in ("from", "to"))
            and all(isinstance(p, str) for side in ("from", "to") for p in made[side]))


def earlier_weights_file(folder: str, identity: str) -> Path | None:
    """The user directions file last saved for other weights loaded from this folder: the model it held before it
    was trained again in place (as identity's). None when there is none, or only files saved before their folder
    was recorded."""
    folder = os.path.realpath(folder)
    found = []
    for path in user_directions_folder(create=False).glob("*.safetensors"):
        try:
            with safe_open(str(path), "np") as f:
                meta = f.metadata() or {}
            if meta.get(FOLDER_KEY) == folder and meta.get(IDENTITY_KEY) not in (None, identity):
                found.append((path.stat().st_mtime_ns, path))
        except (SafetensorError, OSError, ValueError):  # not a directions file, or gone as we looked
            continue
    return max(found)[1] if found else None


def merged_user_directions(before: Directions, after: Directions, on_disk: Directions | None) -> Directions:
    """One window's change to its rows (before -> after: rows added, deleted or renamed) applied to the rows on
    disk, which another genimg window may have changed since: writing `after` as it was lost that window's
    changes. A row is known by its vector, which a rename leaves as it is."""
    if on_disk is None:
        return after
    was = {row.tobytes(): label for row, label in zip(before.basis, before.labels)}
    now = {row.tobytes(): label for row, label in zip(after.basis, after.labels)}
    merged = on_disk
    for i in reversed(range(len(on_disk))):
        key = on_disk.basis[i].tobytes()
        if key in was and key not in now:
            merged = merged.without(i)
        elif key in was and now.get(key, was[key]) != was[key]:
            merged = merged.renamed(i, now[key])
    there = {row.tobytes() for row in merged.basis}
    added = [i for i, row in enumerate(after.basis) if row.tobytes() not in was and row.tobytes() not in there]
    return merged.appended(after.subset(added)) if added else merged


def load_user_directions(path: Path, dim: int) -> Directions | None:
    """The directions saved at path, or None if there is no file; a file that does not fit a
    latent of size dim raises DirectionsFileError."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        with safe_open(str(path), "np") as f:
            t = {k: f.get_tensor(k) for k in f.keys()}
            text = (f.metadata() or {}).get("labels", "")
    except (SafetensorError, OSError, ValueError) as e:
        raise DirectionsFileError(f"{path} is not a readable directions file ({e})") from None
    missing = [k for k in ("mean", "basis", "sigma", "explained") if k not in t]
    if missing:
        raise DirectionsFileError(f"{path} lacks {', '.join(missing)}")
    basis = t["basis"]
    if basis.ndim != 2 or basis.shape[1] != dim or t["mean"].shape != (dim,):
        raise DirectionsFileError(f"{path} holds directions of size {basis.shape} for a latent of {dim}")
    k = basis.shape[0]
    if t["sigma"].shape != (k,) or t["explained"].shape != (k,):
        raise DirectionsFileError(f"{path}: sigma and explained must hold one number per direction ({k})")
    return Directions(t["mean"], basis, t["sigma"], t["explained"], _labels(text, k))
