"""`--minutes` as the user times it: from the command's start to its end.

The minutes the user waits hold more than the training steps: before the first step, torch's import, the images
read and the networks built; after the last, the held-out evaluation of the model written, its checkpoint, the model
folder and its sample grid. A `--minutes 3` latent GAN, which counted from its first step and kept time for the
last evaluation alone, as the first step had timed it, ended after 211 s. The budget counts from the command's start
and stops training in time for all that follows: the evaluation as the last one took (each one re-times it: a
trained model's can be slower than the first step's), the writing as a rehearsal at the first step timed it, and a
step as the last one took (a step begun just in time would end one step late).

A VAE's writing is nearly all the encoding of up to 4,096 training images for its PCA directions (154 s of them for
the bundled emoji-vae on one CPU thread, against 4 s for the rest): rehearsed with them all, it took 2.5 minutes of a
--minutes 10. So the rehearsal writes with 256 of the images, then with 64, and scales the time per image between
the two to the number the end encodes (the encoding is linear in it), with a margin as the scaled part is an
estimate; a run of 256 images or fewer writes with them all, timed as before. A GAN's writing encodes none: both
writes take as long, and the time kept is theirs (its noise scaled).

The first step's evaluation is spent, and the end's kept besides: not the same one counted twice, as any step after
the first writes a model that needs its own. So a budget that an evaluation and the writing nearly fill trains one
step, which the log says at the first step (short_of_training), with the --minutes to give, and again at the end.
The --minutes to give (enough) are the run's fixed time and 100 steps at its pace: the steps' average from the
second step's start to the last one's end, as the user timed them (the last step's time alone was a shared CPU's
luck: a --minutes 1 VAE of 6.9 s a step was told 8 minutes, where 100 steps take 12). Before a second step there is
no pace: the first step's time holds torch's start-up (a busy 2-core machine's first step took 26 s, the next ones
8 s, and 0.4 s with --threads 1), and 100 of them told a run of 1 minute to give 44. Then the advice is twice the
fixed time, and says that it is no more than that (UNPACED).
"""
from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from ..holdout import NO_HOLDOUT_ADVICE
from ..wording import counted, duration

# a run trains at least this share of its --minutes, or the log says at its first step that it will hardly train
TRAINING_SHARE = 0.25
# fewer steps than this leave a model from scratch untrained: a GAN's samples and a VAE's reconstructions are
# still noise and grey blurs (the bundled models trained for tens of thousands)
FEW_STEPS = 100
# what the advice adds where the run has timed no step after its first (enough)
UNPACED = (" (twice what the start, the first step and the end take: the first step, slowed by the start-up, tells "
           "nothing of how long the next ones take)")
# the rehearsal writes with this many of the end's images, then with this many (the larger first: a first write's
# one-off costs then make the time per image larger, never smaller, and the budget keeps more, never less)
REHEARSED_IMAGES = (256, 64)
# what the time per image scaled to the end's images is multiplied by: a guess on a busy machine must not be short
SCALED_MARGIN = 1.25


@dataclass
class Budget:
    """A run's --minutes (None: no time limit), counted from began (time.monotonic() at the command's start)."""
    minutes: float | None
    began: float
    writing_s: float | None = None  # the checkpoint, model folder and sample grid written at the end, once timed
    step_s: float = 0.0  # the last step's time
    fixed_s: float = 0.0  # what the run spends whatever it trains: its start, its first step's timings, its end
    steps_before: int = 0  # the steps of the run a --resume goes on from, which count towards FEW_STEPS
    paced_from_s: float | None = None  # seconds into the run when its second step began (stepped)
    last_step: tuple[int, float] | None = None  # the last step trained and the seconds into the run it ended at

    def spent(self) -> float:
        """Seconds since the command started."""
        return time.monotonic() - self.began

    def stepped(self, step: int, began: float) -> None:
        """Step `step` ended; began: time.monotonic() as it began. Keeps its time (step_s) and what the pace needs."""
        self.step_s = time.monotonic() - began
        if step == self.steps_before + 2:  # the first step's evaluation and rehearsal are the run's, not its pace
            self.paced_from_s = began - self.began
        self.last_step = (step, self.spent())

    def pace_s(self) -> float:
        """Seconds a step took, all the loop did between steps counted (progress lines, sample grids): the average
        from the run's second step to its last, or the last step's time (step_s) before a second one ended."""
        if self.paced_from_s is None or self.last_step is None:
            return self.step_s
        step, ended_s = self.last_step
        return (ended_s - self.paced_from_s) / max(1, step - self.steps_before - 1)

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

    def rehearse(self, write: Callable[[Path, int], object], images: int) -> float:
        """Time write(folder, n), the end's writing given n of its images (images: as many as the end gives it),
        into folders thrown away after; the seconds the rehearsal took. Above REHEARSED_IMAGES[0] images the
        writing is timed with two shares of them and the time per image scaled (the module's docstring). The
        random numbers drawn are given back, so that a run's draws do not depend on whether it has a --minutes."""
        rng = torch.get_rng_state()
        began = time.monotonic()
        many, few = REHEARSED_IMAGES
        if images <= many:
            self.writing_s = _timed(write, images)
        else:
            many_s, few_s = _timed(write, many), _timed(write, few)
            per_image = max(0.0, (many_s - few_s) / (many - few))  # a GAN's noise may make it below 0
            self.writing_s = few_s + SCALED_MARGIN * per_image * (images - few)
        torch.set_rng_state(rng)
        return time.monotonic() - began

    def keeping(self, evaluation_s: float) -> str:
        """The log's line on the time kept at the end (keep)."""
        writing = duration(self.writing_s or 0.0)
        # the writing alone: its time is the time kept, said once ("keeping 2.2 s … for writing the model (2.2 s)")
        what = (f"the held-out figures of the model written ({duration(evaluation_s)}) and for writing it ({writing})"
                if evaluation_s else "writing the model")
        return f"--minutes: keeping {duration(self.keep(evaluation_s))} at the end for {what}"

    def short_of_training(self, evaluation_s: float, evaluated_s: float = 0.0) -> str:
        """Said at the first step, once the end is timed: "" when the run trains a fair share of its --minutes,
        else that it will hardly train and the --minutes to give (a --minutes 2 latent GAN whose evaluation took
        60 s trained one step, said nothing of it, and wrote a model whose samples were noise). evaluation_s: the
        end's evaluation (0: none); evaluated_s: the one the first step spent (0: none).

        --holdout 0 is offered beside the --minutes only where the held-out evaluations are a real share of the
        time: where leaving them out would by itself give the run its fair share (the bar above). A --minutes 0.1
        run whose evaluations took 118 ms was told to give --holdout 0, which would have trained no longer."""
        self.fixed_s = self.spent() + self.keep(evaluation_s)
        left = 60 * (self.minutes or 0.0) - self.fixed_s
        fair_s = TRAINING_SHARE * 60 * (self.minutes or 0.0)
        if not self.minutes or left >= fair_s:
            return ""
        time_left = f"about {duration(left)}" if left >= 1 else "no time"
        kept = "the held-out figures and for writing the model" if evaluation_s else "writing the model"
        instead = f", {NO_HOLDOUT_ADVICE}" if evaluation_s and left + evaluation_s + evaluated_s >= fair_s else ""
        return (f"--minutes {self.minutes:g} leaves {time_left} to train: the start and the first step took "
                f"{duration(self.spent())}, and the end keeps {duration(self.keep(evaluation_s))} for {kept}. "
                f"{self.advice()}{instead}")

    def paced(self) -> bool:
        """Whether a step after the run's first has been timed: before one, the run has no pace to go by."""
        return self.paced_from_s is not None and self.last_step is not None

    def enough(self) -> int:
        """--minutes that train for at least as long as the run spends on all else (fixed_s, its first step
        included) and, once paced, up to FEW_STEPS steps in all (a resumed run's steps count) at the run's pace
        (pace_s); always more than the --minutes given (a run ended at 13 steps of --minutes 1 was told "Give
        --minutes 1 or more", the budget's overhead alone having been weighed). Not paced, the first step's time is
        no pace: it holds the start-up (the module's docstring)."""
        needed = 2 * self.fixed_s
        if self.paced():
            after_the_first = max(0, FEW_STEPS - self.steps_before - 1)  # fixed_s holds the run's first step
            needed = max(needed, self.fixed_s + after_the_first * self.pace_s())
        return max(1, math.ceil(needed / 60), math.floor(self.minutes or 0.0) + 1)

    def advice(self) -> str:
        """"Give --minutes N or more" (enough), saying how little it rests on where the run has no pace yet."""
        return f"Give --minutes {self.enough()} or more" + ("" if self.paced() else UNPACED)

    def few_steps(self, steps: int) -> str:
        """The log's note on a model that --minutes ended after fewer than FEW_STEPS steps in all (steps: a resumed
        run's count), "" for more. A resumed run says its steps in all, not as though this run trained them all."""
        if steps >= FEW_STEPS:
            return ""
        trained = (f"{counted(steps, 'step')} in all ({counted(steps - self.steps_before, 'step')} in this run)"
                   if self.steps_before else f"{counted(steps, 'step')} only")
        return (f"trained for {trained} before --minutes {self.minutes:g} ran out: too few to learn much from the "
                f"images, so the model's samples may still look like noise. {self.advice()}")


def _timed(write: Callable[[Path, int], object], images: int) -> float:
    """Seconds write(folder, images) took into a folder thrown away after."""
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="genimg-rehearsal-") as folder:
        write(Path(folder), images)
    return time.monotonic() - began
