"""Start a conditional GAN from an unconditional run's checkpoint, so training with labels need not begin again.

    python scripts/add_classes.py RUN_DIR DATA --labels labels.csv --label-column category -o NEW_RUN_DIR
    genimg train gan DATA -o NEW_RUN_DIR --labels labels.csv --label-column category --resume [as RUN_DIR was run]

The new checkpoint starts close to what the old one drew: the mapping's first layer gets new
input columns for the class embedding, scaled small (half of their He init), and the
discriminator's class projection starts at zero. Training with --resume then teaches both
networks the classes. The optimiser state starts afresh (the shapes changed). The bundled
emoji-gan was made this way from its unconditional run (see its card's training command).
From a model folder rather than a checkpoint, `genimg train gan DATA --init MODEL_DIR --labels ...`
does the same (genimg_gui/train/finetune.py), counting its steps afresh.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from genimg_gui.earlier_run import CHECKPOINT_FILE
from genimg_gui.train.data import load_folder, split_holdout
from genimg_gui.train.finetune import with_classes
from genimg_gui.train.labels import describe_classes, with_labels
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
from genimg_gui.train.gan_recipe import GANRecipe
from genimg_gui.train.checkpoints import save_checkpoint
from genimg_gui.train.loop import TrainOptions


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run", type=Path, help="an unconditional run's folder (checkpoint.pt and card.json)")
    p.add_argument("data", type=Path, help="its training images")
    p.add_argument("--labels", required=True, help="a CSV file or 'folders', as for genimg train --labels")
    p.add_argument("--label-column", default="label")
    p.add_argument("-o", "--out", type=Path, required=True, help="the new run's folder")
    args = p.parse_args()
    card = json.loads((args.run / "card.json").read_text())
    options = card["training"]["options"]
    torch.manual_seed(int(options["seed"]))
    data, _ = with_labels(load_folder(args.data, int(card["resolution"])), args.labels, args.label_column)
    train_idx, _ = split_holdout(len(data), int(options["holdout"]), int(options["seed"]))
    counts = torch.bincount(data.labels[train_idx], minlength=len(data.classes)).tolist()
    print(f"classes: {describe_classes(data)}")
    extra = {**options["extra"], "classes": list(data.classes), "class_counts": counts}
    opts = TrainOptions(data=args.data, out=args.out, resolution=int(card["resolution"]), extra=extra)
    recipe = (LatentGANRecipe if "latent_of" in extra else GANRecipe)(opts, torch.device("cpu"))
    old = torch.load(args.run / CHECKPOINT_FILE, map_location="cpu", weights_only=True)
    for name in ("G", "G_ema"):  # the same embedding and new columns in both, as the EMA copy would have them
        getattr(recipe, name).load_state_dict(with_classes(old["recipe"][name], getattr(recipe, name).state_dict()))
    recipe.D.load_state_dict({**recipe.D.state_dict(), **old["recipe"]["D"]})
    if hasattr(recipe, "stats_ready"):
        recipe.stats_ready = True  # the latent statistics came with the generator's buffers
    args.out.mkdir(parents=True, exist_ok=True)
    # no --keep-best record: the best so far was a model without these classes
    # the run's options as its card holds them, with the classes: --resume checks a run against these (the new
    # folder has no card until the run writes one)
    run = {"kind": card["kind"], "options": {**options, "out": str(args.out), "labels": args.labels,
                                             "label_column": args.label_column, "extra": extra}}
    save_checkpoint(args.out, recipe, int(old["step"]), float(old["seconds"]), list(old.get("history", [])), best=None,
                    run=run)
    print(f"wrote {args.out / CHECKPOINT_FILE} at step {old['step']}: resume it with --labels {args.labels}")


if __name__ == "__main__":
    main()
