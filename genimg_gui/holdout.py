"""How many of a folder's images a training run holds out for its figures: the run's rule (train/data.py) and the
Train… dialog's note on a folder too small to hold any out. No torch, no Qt."""
from __future__ import annotations

HOLDOUT = 512  # `genimg train --holdout`'s default, which the Train… dialog's runs use
SHARE = 10  # at most one image in SHARE is held out, so a small folder keeps most of its images to learn from


def held_out_size(images: int, holdout: int = HOLDOUT) -> int:
    """Images held out of a folder of this many usable ones (none under SHARE: no held-out figures)."""
    return min(holdout, images // SHARE)
