"""How many of a folder's images a training run holds out for its figures: the run's rule (train/data.py) and the
Train… dialog's note on a folder too small to hold any out. No torch, no Qt."""
from __future__ import annotations

from typing import Callable

HOLDOUT = 512  # `genimg train --holdout`'s default, which the Train… dialog's runs use
SHARE = 10  # at most one image in SHARE is held out, so a small folder keeps most of its images to learn from
# the fewest held-out images whose precision/recall (a latent GAN's figures) mean anything. Each image's neighbourhood
# reaches its k-th nearest: among 4 images that spans the set, so precision reads about 1.0 whatever the samples
# (samples unlike the images: 1.0), and recall moves in steps of 0.25 (samples drawn like the images themselves gave
# 0.35 +- 0.29 from one draw to the next). From 32 a draw's recall varies by about 0.06, from 16 by about 0.1:
# coarse, as the bundled face GAN's 26 held-out faces were, but a curve that says whether the run is learning.
# A pixel GAN's held-out images, which benchmarks/discriminator_accuracy.py judges against as many samples, need as
# many: of 4 (and 4 samples), its accuracy moves in steps of 1/8 with a standard error of about 0.18 at chance (0.5),
# of 16 about 0.09.
MIN_HELD_OUT = 16


def held_out_size(images: int, holdout: int = HOLDOUT) -> int:
    """Images held out of a folder of this many usable ones (none under SHARE: no held-out figures)."""
    return min(holdout, images // SHARE)


def spared_by_default(images: int, holdout: int, too_few: Callable[[int], str]) -> str:
    """Why a run given no --holdout holds none out: the images it would hold out are too few for what the run holds
    them out for, so it trains on them too (a folder of 30 lost 3 images to no figure at all). too_few: the
    recipe's, why this many held-out images are too few ("" when they are enough): a latent GAN's precision/recall
    and a pixel GAN's discriminator benchmark need MIN_HELD_OUT, a VAE's figures one. "" where the images are held
    out."""
    held = held_out_size(images, holdout)
    return too_few(held) if held else ""
# a --minutes budget too short for training's other way out (train/budget.py short_of_training); the Train… dialog,
# which has no --holdout field, finds it in the log by these words and says it as a terminal's (ui/train_run.py)
NO_HOLDOUT_ADVICE = "or --holdout 0 to train without held-out figures"
# the held-out images of a run too few to measure, of a recipe that measures more (train/run_log.py held_out_lines);
# the Train… dialog, with no --holdout field, says it as a terminal's (ui/train_run.py)
TRAIN_ON_THEM = "--holdout 0 would train on them too"
