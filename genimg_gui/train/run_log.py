"""What a training run's log says at the start of the images it holds out and of its classes, its progress line,
and the final line naming the model written. No torch."""
from __future__ import annotations

from pathlib import Path

from ..catalog import not_measured
from ..holdout import SHARE, TRAIN_ON_THEM, held_out_size
from ..wording import counted, in_minutes


def held_out_short(images: int, holdout: int, typed: bool) -> str:
    """Why fewer than --holdout images were held out: "is more than a tenth" was said of a folder of under
    SHARE images too, where the reason is that none can be spared. --holdout is named only when the user typed it
    (typed): its default, 512, is no number they chose."""
    if images < SHARE:
        return f"fewer than {SHARE} images: none held out"
    if typed:
        return f"--holdout {holdout} is more than a tenth of {counted(images, 'image')}"
    return f"at most a tenth of {counted(images, 'image')}"


def held_out_why(images: int, held: int, holdout: int, typed: bool) -> str:
    """' (…)' after the count held out: why fewer than --holdout, or the --holdout typed; "" when neither."""
    if held < holdout:
        return f" ({held_out_short(images, holdout, typed)})"
    return f" (--holdout {holdout})" if typed else ""


def held_out_lines(images: int, held: int, holdout: int, typed: bool, unmeasured: str, keep_best: bool,
                   measures: bool = False, spared: str = "") -> list[str]:
    """The log's lines on the held-out images, said once at the start: how many (also --holdout's number, which a
    typed --holdout once left unsaid), why fewer than --holdout (at most a tenth of the folder), and unmeasured,
    the recipe's reason why they give it no figures ("" when they do); then that --keep-best will have nothing to
    rank, which it said only at the end of the run. typed: whether the user typed --holdout. measures: whether the
    recipe measures figures where enough are held out (a latent GAN, not a pixel one, whose held-out images a
    benchmark judges): then images too few to measure are only kept from training, and --holdout 0 is offered, as
    it is where it would help (budget.short_of_training), not beside --keep-best, which needs them. spared: why a run
    given no --holdout held none out (holdout.spared_by_default), "" where it did not spare them."""
    why = held_out_why(images, held, holdout, typed)
    lines = []
    if spared:
        lines.append(f"held out: none: the {counted(held_out_size(images), 'image')} the default --holdout would "
                     f"hold out (a tenth of {counted(images, 'image')}) are {spared}, so this run trains on them too "
                     "and reports no held-out figures")
    elif unmeasured:
        instead = f"; {TRAIN_ON_THEM}" if measures and not keep_best else ""
        lines.append(f"held out: {counted(held, 'image')}{why}, {unmeasured}: this run reports no held-out figures"
                     f"{instead}")
    elif held or images < SHARE:
        lines.append(f"held out: {counted(held, 'image')} for the figures{why}")
    elif typed:  # --holdout 0
        lines.append(f"held out: none{why}: this run reports no held-out figures")
    if keep_best and (unmeasured or not held):
        lines.append("--keep-best: with no held-out figures there is nothing to rank, so the run will keep the "
                     "last step's model")
    return lines


def describe_class_counts(classes: tuple[str, ...], counts: list[int], held: int) -> str:
    """'circle 14, grad 8, square 13 (training images; 3 more held out)': the counts the card's class_counts
    record, which the log gave with the held-out images in them."""
    named = ", ".join(f"{name} {n}" for name, n in zip(classes, counts))
    return f"{named} (training images; {held} more held out)" if held else named


def format_progress(step: int, total: int | None, ips: float, losses: dict[str, float], eta_s: float) -> str:
    """'step 40/200 | 38 img/s | mse=0.0123 kl=0.4567 | ETA 1.3 min' while --steps ends the run; total None when
    --minutes ends it first: 'step 40 | … | 0.9 min left', with no step count it will not reach."""
    loss_txt = " ".join(f"{k}={v:.4f}" for k, v in losses.items())
    if total is None:
        return f"step {step} | {ips:.0f} img/s | {loss_txt} | {in_minutes(eta_s)} left"
    return f"step {step}/{total} | {ips:.0f} img/s | {loss_txt} | ETA {in_minutes(eta_s)}"  # hours past 90 min


def final_line(out: Path, steps: int, metrics: dict, written: int | None = None) -> str:
    """'wrote OUT after N steps: held_out_precision_k3=0.41, …': the figures alone; the card and metrics.json
    say how they were measured, a paragraph that made this line several hundred characters long. written: the
    step of the model written, when --keep-best kept an earlier one ('wrote OUT: step 15's model, the best of
    20 steps: …'); the figures are its own."""
    numbers = {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    what = (f": step {written:,}'s model, the best of {counted(steps, 'step')}" if written not in (None, steps)
            else f" after {counted(steps, 'step')}")
    if set(numbers) <= {"held_out_images"}:  # a count alone ("held_out_images=9") read as the model's figure
        why = unmeasured(metrics)
        return f"wrote {out}{what}" + (f": held-out figures not measured: {why}" if why else "")
    return f"wrote {out}{what}: " + ", ".join(f"{k}={v}" for k, v in numbers.items())


def unmeasured(metrics: dict) -> str:
    """Why a model's metrics hold no held-out figures, in a few words (the card says the rest): the recipe's reason
    up to its bracket, none held out, or "" when the metrics say nothing of held-out images."""
    if why := not_measured(metrics.get("held_out")):
        return why.split(" (")[0]
    return "no images held out" if metrics.get("held_out_images") == 0 else ""
