"""`--minutes` as the user times it: from the command's start to its end.

The minutes the user waits hold more than the training steps: before the first step, torch's import, the images
read and the networks built; after the last, the held-out evaluation of the model written, its checkpoint, the model
folder and its sample grid. A `--minutes 3` latent GAN, which counted from its first step and kept time for the
last evaluation alone, as the first step had timed it, ended after 211 s. The budget counts from the command's start
and stops training in time for all that follows: the evaluation as the last one took (each one re-times it: a
trained model's can be slower than the first step's), the writing as a rehearsal at the first step took, and a step
as the last one took (a step begun just in time would end one step late).
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from .evaluations import duration


@dataclass
class Budget:
    """A run's --minutes (None: no time limit), counted from began (time.monotonic() at the command's start)."""
    minutes: float | None
    began: float
    writing_s: float | None = None  # the checkpoint, model folder and sample grid written at the end, once timed
    step_s: float = 0.0  # the last step's time

    def spent(self) -> float:
        """Seconds since the command started."""
        return time.monotonic() - self.began

    def keep(self, evaluation_s: float) -> float:
        """Seconds kept at the end: the evaluation of the model written (evaluation_s, 0 when there is none), then
        its writing."""
        return evaluation_s + (self.writing_s or 0.0)

    def over(self, evaluation_s: float) -> bool:
        """Whether one more step would end past the time the end needs (the first step trains all the same: the
        caller does not ask before it)."""
        return bool(self.minutes) and self.spent() + self.step_s + self.keep(evaluation_s) > 60 * self.minutes

    def untimed(self) -> bool:
        """Whether a --minutes run has still to time its writing (it rehearses it once, at its first step)."""
        return bool(self.minutes) and self.writing_s is None

    def rehearse(self, write: Callable[[Path], object]) -> None:
        """Time write(folder), the end's writing, into a folder thrown away after; the random numbers drawn are
        given back, so that a run's draws do not depend on whether it has a --minutes."""
        rng = torch.get_rng_state()
        began = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="genimg-rehearsal-") as folder:
            write(Path(folder))
        self.writing_s = time.monotonic() - began
        torch.set_rng_state(rng)

    def keeping(self, evaluation_s: float) -> str:
        """The log's line on the time kept at the end (keep)."""
        writing = duration(self.writing_s or 0.0)
        what = (f"the held-out figures of the model written ({duration(evaluation_s)}) and for writing it ({writing})"
                if evaluation_s else f"writing the model ({writing})")
        return f"--minutes: keeping {duration(self.keep(evaluation_s))} at the end for {what}"
