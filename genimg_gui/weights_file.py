"""The name and the identity of a model folder's weights file, torch-free: the worker tells models apart by it, and
the window's folder watch tells a folder trained again from one whose weights were only written again (a copy or a
checkout over it)."""
from __future__ import annotations

import hashlib
from pathlib import Path

WEIGHTS_NAME = "model.safetensors"


def weights_digest(folder: Path | str) -> str:
    """The SHA-256 of a model folder's weights: two copies of one model are one model (their slider edits
    count the same directions), and a folder trained again in place is another."""
    digest = hashlib.sha256()
    with open(Path(folder) / WEIGHTS_NAME, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
