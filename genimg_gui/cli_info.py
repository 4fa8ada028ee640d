"""`genimg info`: the model cards as the Models tab shows them, plus the directions --edit can name."""
from __future__ import annotations

import argparse
import textwrap
from functools import partial
from pathlib import Path

from .catalog import hardware_text, latent_size_text, licence_text, lineage_rows, metrics_text, stopped_text
from .cli_args import listed_model
from .cli_commands import UsageError, for_each, show
from .cli_models import load_into, model_folder
from .engine.requests import ModelInfo
from .engine.runtime import Runtime
from .wording import NO_SPREAD, counted, names_said

INFO_WIDTH = 110  # columns `genimg info` wraps a long value (training data, how a metric was measured) to


def info(args: argparse.Namespace) -> int:
    folders = [model_named(text) for text in args.models] or [model_folder(kind, None) for kind in ("vae", "gan")]

    def card(folder: Path) -> None:
        show(describe(load_into(Runtime("cpu"), folder, args.latent_scale)))

    return for_each([(str(f), partial(card, f)) for f in folders])


def model_named(text: str) -> Path:
    """cli_args.listed_model, its refusal a usage error (exit 2) as --vae's; checked here, not as MODEL's argparse
    type, so that `genimg info --device cuda` is refused for --device, not for "cuda" as a model's name."""
    try:
        return listed_model(text)
    except argparse.ArgumentTypeError as e:
        raise UsageError(str(e)) from None


def describe(m: ModelInfo) -> str:
    """The model card as the Models tab shows it, plus the directions --edit can name."""
    card, training = m.card, m.card.get("training", {})
    rows = [("kind", f"{m.kind.upper()} ({card.get('architecture', '?')})"),
            ("resolution", f"{card.get('resolution', '?')} px"),
            ("latent", latent_size_text(m.latent_size, card.get("latent_shape", [m.latent_size]))),
            ("parameters", f"{m.parameters:,}"),
            ("training data", training.get("data", "not recorded")),
            ("licence", licence_text(training))]
    if "steps" in training:
        # a model --keep-best kept from an earlier step than the run's last
        best_of = f" (--keep-best: the best of {training['run_steps']})" if "run_steps" in training else ""
        steps = training["steps"]
        steps = counted(steps, "step") if isinstance(steps, int) else f"{steps} steps"  # not "1 steps"
        rows.append(("training", f"{steps} {_of_batches(training)}{_capped(training)}{best_of}, "
                                 f"{training.get('seconds', '?')} s on {hardware_text(training)}"))
    if stopped := stopped_text(training):
        rows.append(("ended", f"{stopped} (--resume goes on from its checkpoint)"))
    rows += lineage_rows(card)
    # one figure a line, as the Models tab shows them; marked where the weights are not the card's
    figures, how = metrics_text(card.get("metrics", {}), bool(m.other_weights))
    rows.append(("metrics", figures))
    if how:
        rows.append(("measured", how))
    if m.classes:
        rows.append(("classes", f"{len(m.classes)}, --class takes a name or an index: " + names_said(m.classes)))
    rows.append(("directions", f"{len(m.directions)}, in σ units; --edit takes a label or an index"
                 if len(m.directions) else NO_SPREAD))
    lines = [f"{m.name}  ({m.path})"] + [_row(k, v) for k, v in rows]
    d = m.directions
    width = max(map(len, d.labels), default=0)  # σ in one column, however long a named direction's label
    lines += [f"  {i:>4}  {label:<{width}}  σ = {s:.4g}" for i, (label, s) in enumerate(zip(d.labels, d.sigma))]
    return "\n".join(lines)


def _of_batches(training: dict) -> str:
    """'of 32 images', or '(40 of 20 images, 5 of 8)' for a run resumed with another --batch-size (the card's
    batches): '45 steps of 8 images' said so of all 45."""
    batches = training.get("batches")
    if isinstance(batches, list) and len(batches) > 1 and all(isinstance(b, dict) for b in batches):
        said = [f"{b['steps']:,} of {b.get('batch_size', '?')}" if isinstance(b.get("steps"), int)
                else f"? of {b.get('batch_size', '?')}" for b in batches]
        return f"({said[0]} images, {', '.join(said[1:])})"
    return f"of {training.get('batch_size', '?')} images"


def _capped(training: dict) -> str:
    """' (--batch-size 32 was more than the training images)' where they capped the batch a step trained on (the
    card's batch_size, against the --batch-size its options record); "" otherwise."""
    given, used = (training.get("options") or {}).get("batch_size"), training.get("batch_size")
    if isinstance(given, int) and isinstance(used, int) and given > used:
        return f" (--batch-size {given} was more than the training images)"
    return ""


def _row(key: str, value: str) -> str:
    """"  key            value", the value wrapped to INFO_WIDTH columns under itself, line breaks kept."""
    indent = " " * 17
    wrapped = [textwrap.fill(part, INFO_WIDTH, initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False) if part else ""
               for part in str(value).split("\n")]
    return f"  {key:<15}" + "\n".join(wrapped)[len(indent):]
