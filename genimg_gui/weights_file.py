"""The name and the identity of a model folder's weights file, torch-free: the worker tells models apart by it, and
the window's folder watch tells a folder trained again from one whose weights were only written again (a copy or a
checkout over it).

A digest is read once per weights file as it stands (held_digest): the worker's load, the folder watch and the
window's latent files (through the worker) all ask it of one file, and an SD VAE's 300 MB take the better part of a
second each time."""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

WEIGHTS_NAME = "model.safetensors"
# the card's record of the weights it was written for (their weights_digest): a card whose weights were swapped or
# trained over in place describes other weights, and the load says so (card_describes_other_weights)
CARD_DIGEST = "weights_sha256"

Signature = tuple[int, int] | None  # the weights file's size and modification time; None while it is missing

# (real path of a weights file, its inode, size and modification time) -> its digest: a file written again is another
# key. Not bounded: a run sees a handful of weights files. Filled and read by the worker, the watch's thread and the
# window, hence the lock.
_held: dict[tuple[str, int, int, int], str] = {}
_held_lock = threading.Lock()


def weights_digest(folder: Path | str) -> str:
    """The SHA-256 of a model folder's weights: two copies of one model are one model (their slider edits
    count the same directions), and a folder trained again in place is another."""
    digest = hashlib.sha256()
    with open(Path(folder) / WEIGHTS_NAME, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weights_signature(folder: Path | str) -> Signature:
    """(size, modification time) of the folder's weights file: what changes when it is trained again. The
    directions file beside it is left out: genimg writes one beside the weights it converts or trains."""
    try:
        stat = Path(folder, WEIGHTS_NAME).stat()
    except OSError:  # renamed over as we looked, or not written yet
        return None
    return stat.st_size, stat.st_mtime_ns


def held_digest(folder: Path | str) -> str:
    """weights_digest of the weights the folder holds now, read only where this file, as it stands (its real path,
    inode, size and modification time), was not read before in this run: a loaded model's weights were read by its load
    (ModelInfo.identity), so a latent file it made is judged without reading them again. Raises OSError as
    weights_digest does."""
    key = _held_key(folder)
    with _held_lock:
        known = _held.get(key) if key is not None else None
    if known is not None:
        return known
    digest = weights_digest(folder)
    if key is not None and _held_key(folder) == key:  # not written over as it was read: these weights' digest
        with _held_lock:
            _held[key] = digest
    return digest


def held_digest_or_none(folder: Path | str) -> str | None:
    """held_digest, or None where no weights file can be read in the folder (none there, gone as it was looked at):
    the worker's answer to the window and latent_model's judge of a latent file alike."""
    try:
        return held_digest(folder)
    except OSError:
        return None


def digest_if_read(folder: Path | str) -> str | None:
    """held_digest's answer where this weights file, as it stands, was read before in this run; None where it was not,
    or there is none. It reads no weights: the window judges latent files by it, and leaves the reading to its
    worker."""
    key = _held_key(folder)
    with _held_lock:
        return _held.get(key) if key is not None else None


def _held_key(folder: Path | str) -> tuple[str, int, int, int] | None:
    path = os.path.realpath(Path(folder, WEIGHTS_NAME))  # a folder or file reached by a link: the same weights
    try:
        stat = os.stat(path)
    except OSError:  # no weights file: weights_digest says so
        return None
    return path, stat.st_ino, stat.st_size, stat.st_mtime_ns  # the inode: another file renamed over it


def same_weights(card: dict, folder: Path | str, other_card: dict, other: Path | str) -> bool:
    """Whether two model folders hold the same weights as their cards tell it: both record one weights_digest
    (CARD_DIGEST) and their weights files are of one size. Told without reading the weights, so the window's
    start may ask it of each remembered folder; a card that records no digest (written before cards did, or by
    hand) tells nothing: False."""
    recorded, other_recorded = card.get(CARD_DIGEST), other_card.get(CARD_DIGEST)
    if not isinstance(recorded, str) or not isinstance(other_recorded, str):
        return False
    if recorded.strip().lower() != other_recorded.strip().lower():
        return False
    try:  # a file of another size is surely other weights, whatever its card says
        return Path(folder, WEIGHTS_NAME).stat().st_size == Path(other, WEIGHTS_NAME).stat().st_size
    except OSError:  # no weights file (not a genimg folder, or gone)
        return False


def card_describes_other_weights(card: dict, digest: str) -> bool:
    """Whether the card records the digest of other weights than these (another model's file copied over its own,
    or a fine-tune in place); False for a card that records none (written before cards did, or by hand)."""
    recorded = card.get(CARD_DIGEST)
    return isinstance(recorded, str) and recorded.strip().lower() != digest


def other_weights_note(name: str) -> str:
    """What a load says, once, when its card describes other weights (card_describes_other_weights)."""
    return (f"{name}: {WEIGHTS_NAME} is not the file its card was written for: the card's training data, steps and "
            "figures describe other weights")
