"""A run's held-out evaluations: said before they start, timed, logged and kept as a curve (the history); and
--keep-best's choice, at the end, of the model to write.

One evaluation can take a minute or more (a latent GAN's 512 samples through its generator and the VAE's encoder
on a busy CPU), so the log says so before it starts, and its time is kept (in the checkpoint too): a --minutes
budget keeps that long for the last one, and a stop skips one that is not quick rather than keep the user
waiting, the card then saying that the figures were not measured.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import torch

from ..earlier_run import BEST_FILE
from ..wording import counted, duration, in_minutes
from .checkpoints import save_checkpoint

if TYPE_CHECKING:
    from .loop import Recipe

QUICK_S = 5.0  # an evaluation known to take at most this long still measures the model a stop writes
STOPPED = "stopped"  # why a stopped run's model has no figures, as its log, card and metrics.json say it


@dataclass
class Evaluations:
    """The held-out evaluations of one run. measures: whether the recipe gives figures for these held-out images
    (none held out, too few, a pixel GAN: no); seconds: how long the last one took, this run's or, until it makes
    one, the resumed checkpoint's (None: not known)."""
    recipe: Recipe
    held_out: torch.Tensor
    history: list[dict]
    log: Callable[[str], None]
    measures: bool
    seconds: float | None = None

    def run(self, step: int, run_seconds: float) -> dict[str, float]:
        """Measure the model at this step (run_seconds of training in all: a resumed run's too, as the history
        keeps them); its figures, logged and kept in the history. Said first: the log, and the Train… dialog's bar,
        went quiet for as long as it took."""
        if not self.measures:
            return {}
        took = f"; the last took {duration(self.seconds)}" if self.seconds is not None else ""
        self.log(f"measuring held-out figures at step {step} ({counted(len(self.held_out), 'held-out image')}"
                 f"{took})…")
        began = time.monotonic()
        figures = self.recipe.evaluate(self.held_out)
        self.seconds = time.monotonic() - began
        if figures:
            self.history.append({"step": step, "minutes": round(run_seconds / 60, 2), **figures})
            values = ", ".join(f"{k}={v}" for k, v in figures.items())
            # how long it took, not only when: "after 0.2 min" of one that took a minute read as its own time
            # "of training in all": "4.9 min into the run" was said 1.5 minutes into a resumed one
            self.log(f"held-out at step {step} ({in_minutes(run_seconds)} of training in all; took "
                     f"{duration(self.seconds)}): {values}")
        return figures

    def untimed(self) -> bool:
        """Whether an evaluation the run would make has never been timed: a --minutes run then times one at its
        first step, to know how long to keep for the last."""
        return self.measures and self.seconds is None

    def reserve(self) -> float:
        """Seconds a --minutes budget keeps for the evaluation of the model written (0 when there is none)."""
        return (self.seconds or 0.0) if self.measures else 0.0

    def stopped_at(self, step: int) -> str:
        """At a stop: measure the model written if it was not and that is quick; "" when its figures are there (or
        the recipe measures none), else STOPPED, said in the log (the card says it too: export's unmeasured)."""
        if not self.measures or self.figures_at(step):
            return ""
        if self.seconds is not None and self.seconds <= QUICK_S:
            return ""  # the caller measures it, as at the end of a run
        took = f" (they take about {duration(self.seconds)})" if self.seconds is not None else ""
        self.log(f"held-out figures not measured: {STOPPED}{took}")
        return STOPPED

    def figures_at(self, step: int) -> dict[str, float]:
        """The held-out figures of one evaluated step ({} if it was not evaluated)."""
        entry = next((h for h in reversed(self.history) if h["step"] == step), {})
        return {k: v for k, v in entry.items() if k not in ("step", "minutes")}

    def seconds_at(self, step: int) -> float | None:
        """The training time at an evaluated step, as the history records it (in minutes); None if it does not."""
        return next((60 * h["minutes"] for h in reversed(self.history) if h["step"] == step), None)


def keep_if_best(out: Path, recipe: Recipe, figures: dict[str, float], best: dict | None, step: int,
                 seconds: float, history: list[dict], evaluation_s: float | None) -> dict | None:
    """--keep-best: checkpoint this step as OUT/best.pt when its figures beat the best so far; the new best.
    A GAN's figures rise and fall by several points between evaluations, so the last step is seldom its best."""
    score = recipe.score(figures) if figures else None
    if score is None or (best is not None and score < best["score"]):  # a tie: the later, longer-trained model
        return best
    best = {"step": step, "score": score}
    save_checkpoint(out, recipe, step, seconds, history, best, name=BEST_FILE, evaluation_s=evaluation_s)
    return best


def restore_best(out: Path, evals: Evaluations, best: dict | None, done: int, said_unranked: bool = False,
                 unmeasured: str = "") -> dict | None:
    """--keep-best at the end of a run: load OUT/best.pt into the recipe if it beats the last step (measured by the
    caller, unless a stop left it unmeasured: then the best evaluated is kept); what the card records of the model
    kept, None when there is nothing to rank. said_unranked: the start of the run said so already
    (held_out_lines), which the end then does not repeat."""
    recipe, log = evals.recipe, evals.log
    last = evals.figures_at(done)
    score = recipe.score(last) if last else None
    if score is None and (best is None or not unmeasured):
        if unmeasured:
            log(f"--keep-best: no step was measured before the run was {unmeasured}, so it keeps the last step's "
                "model")
        elif not said_unranked:
            log("--keep-best: this run has no held-out figures to rank, so it keeps the last step's model")
        return None
    the_last = {"step": done, "score": round(score, 4), **last} if score is not None else None
    if score is not None and (best is None or best["score"] <= score):
        log(f"--keep-best: the last step's model is the best evaluated ({recipe.describe_score(score)})")
        return the_last
    kept = torch.load(out / BEST_FILE, map_location="cpu", weights_only=True) if (out / BEST_FILE).is_file() else {}
    if kept.get("best") != best:  # deleted, or written by a run that stopped before its next checkpoint
        log(f"--keep-best: {out / BEST_FILE} no longer holds step {best['step']}, so the run keeps the last "
            "step's model")
        return the_last
    recipe.load_state(kept["recipe"])
    last_said = (f"the last step's {recipe.describe_score(score)}" if score is not None
                 else f"the last step not measured: {unmeasured}")
    log(f"--keep-best: keeping step {best['step']}'s model ({recipe.describe_score(best['score'])}; {last_said})")
    return {"step": best["step"], "score": round(best["score"], 4), **evals.figures_at(best["step"])}
