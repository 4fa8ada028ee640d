"""The name and the identity of a model folder's weights file, torch-free: the worker tells models apart by it, and
the window's folder watch tells a folder trained again from one whose weights were only written again (a copy or a
checkout over it)."""
from __future__ import annotations

import filecmp
import hashlib
from pathlib import Path

WEIGHTS_NAME = "model.safetensors"
# the card's record of the weights it was written for (their weights_digest): a card whose weights were swapped or
# trained over in place describes other weights, and the load says so (card_describes_other_weights)
CARD_DIGEST = "weights_sha256"


def weights_digest(folder: Path | str) -> str:
    """The SHA-256 of a model folder's weights: two copies of one model are one model (their slider edits
    count the same directions), and a folder trained again in place is another."""
    digest = hashlib.sha256()
    with open(Path(folder) / WEIGHTS_NAME, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def same_weights(folder: Path | str, other: Path | str) -> bool:
    """Whether two model folders hold the same weights, byte for byte (one weights_digest), told cheaply enough for
    the window's start: files of two sizes by their sizes alone, and two of one size (a model and the same network
    trained on) mostly by their first blocks, so only two copies of one model are read through."""
    try:
        return filecmp.cmp(Path(folder, WEIGHTS_NAME), Path(other, WEIGHTS_NAME), shallow=False)
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
