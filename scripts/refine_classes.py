"""Make a conditional GAN's classes finer without starting again: each new class starts as its parent.

    python scripts/refine_classes.py MODEL_DIR --labels labels.csv --coarse category --fine subcategory -o NEW_DIR
    genimg train gan DATA --init NEW_DIR --labels labels.csv --label-column subcategory [as before]

A generator conditioned on ten emoji categories draws smudges where a category holds many unlike
things (Food & Drink is fruit, dishes and cups). Conditioning on the 99 sub-categories gives each
class one kind of thing, but a GAN from scratch costs this CPU 13 hours. So the new model starts as
the old one: a sub-category's embedding, truncation centre and discriminator projection are copies
of its category's, so every sub-category draws exactly what its category drew, and training
teaches the networks to tell them apart. A fine label's parent is the coarse label most of its
rows carry; the class frequencies are counted from the labels file.
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

import torch

from genimg_gui.models.weights import ModelFileError, build_network, load_model, read_tensors, save_model, save_tensors
from genimg_gui.train import TrainError
from genimg_gui.train.finetune import DISCRIMINATOR_NAME
from genimg_gui.train.labels import csv_labels


def parents(labels: Path, coarse: str, fine: str) -> tuple[dict[str, str], Counter]:
    """(each fine label -> its most common coarse label, how many images carry each fine label), read as
    genimg train reads a labels file (a missing column is a clear error; rows without both labels are left out)."""
    coarse_of, fine_of = csv_labels(labels, coarse), csv_labels(labels, fine)
    seen: dict[str, Counter] = defaultdict(Counter)
    for file, name in fine_of.items():
        if name and coarse_of.get(file):
            seen[name][coarse_of[file]] += 1
    return ({name: c.most_common(1)[0][0] for name, c in seen.items()},
            Counter({name: sum(c.values()) for name, c in seen.items()}))


@torch.no_grad()
def refined_state(state: dict[str, torch.Tensor], rows: torch.Tensor, freq: torch.Tensor) -> dict[str, torch.Tensor]:
    """A conditional generator's state whose class i is a copy of its old class rows[i], drawn as often as freq[i]."""
    return {**state, "embed.weight": state["embed.weight"][rows].clone(),
            "w_avg": state["w_avg"][rows].clone(), "class_freq": freq / freq.sum()}


def refine(model: Path, labels: Path, coarse: str, fine: str, out: Path) -> list[str]:
    """Write `out`, `model` with the fine classes; returns them (sorted, as genimg train orders classes)."""
    net, card = load_model(model)
    old = list(net.cfg.classes)
    parent, counts = parents(labels, coarse, fine)
    unknown = sorted({p for p in parent.values() if p not in old})
    if unknown:
        raise SystemExit(f"{model} has no class {unknown[0]!r}; its classes are: {', '.join(old)}")
    new = sorted(parent)
    fresh = build_network({**card, "config": {**card["config"], "classes": new}})
    rows = torch.tensor([old.index(parent[name]) for name in new])  # each new class's parent, by index
    freq = torch.tensor([float(counts[name]) for name in new])
    fresh.load_state_dict(refined_state(net.state_dict(), rows, freq))
    refined = {"from": coarse, "to": fine, "model": card.get("name", "")}
    training = {**card.get("training", {}), "refined_classes": refined}
    save_model(out, fresh, {**card, "training": training})
    d_path = model / DISCRIMINATOR_NAME
    if d_path.is_file():
        d_state = read_tensors(d_path)
        d_state["project.weight"] = d_state["project.weight"][rows].clone()
        save_tensors(out / DISCRIMINATOR_NAME, d_state)  # as written: half precision already
    return new


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", type=Path, help="a conditional GAN's model folder")
    p.add_argument("--labels", type=Path, required=True, help="a CSV file with both label columns")
    p.add_argument("--coarse", required=True, help="the column the model's classes came from")
    p.add_argument("--fine", required=True, help="the column of the finer classes")
    p.add_argument("-o", "--out", type=Path, required=True, help="the new model folder")
    args = p.parse_args()
    try:
        new = refine(args.model, args.labels, args.coarse, args.fine, args.out)
    except (TrainError, ModelFileError) as e:
        raise SystemExit(f"refine_classes: {e}") from None
    print(f"wrote {args.out} with {len(new)} classes: train it with --init {args.out} "
          f"--labels {args.labels} --label-column {args.fine}")


if __name__ == "__main__":
    main()
