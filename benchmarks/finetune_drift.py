"""How far a run going on from a latent GAN moved it: `genimg train`'s held-out precision/recall of the
model folder, of each generator in run checkpoints (raw G and its EMA, with how far their layers moved),
and of the folder's generator with random moves of given sizes, the yardstick for those distances.

    python benchmarks/finetune_drift.py --data DATA_DIR [--gan weights/emoji-gan] [--vae weights/emoji-vae]
        [--labels DATA_DIR/labels.csv --label-column category] [--checkpoint RUN/best.pt ...] [--noise 0.001 0.003]

The figures are the training log's (LatentGANRecipe.evaluate: 512 samples, psi 1, against the run's
512 held-out images, split as `genimg train` splits them with its default seed), so a checkpoint's
figures here equal those its run logged. A layer's move is |new - old| / |old| over its weights and
biases; a random move of size s adds noise of s times each tensor's standard deviation.
"""
from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import torch

from genimg_gui.models.tensors import as_pixels
from genimg_gui.models.weights import load_model
from genimg_gui.train.data import load_folder, split_holdout
from genimg_gui.train.labels import with_labels
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
from genimg_gui.train.loop import TrainOptions


def trainable(state: dict) -> dict[str, torch.Tensor]:
    """The generator's trained tensors: weights and biases, not the frozen decoder nor buffers."""
    return {k: v for k, v in state.items() if k.endswith(("weight", "bias")) and not k.startswith("decoder.")}


def layer_moves(state: dict, start: dict) -> list[float]:
    return [float((state[k] - v).norm() / v.norm()) for k, v in trainable(start).items() if v.norm() > 0]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"), help="the VAE the GAN draws in")
    p.add_argument("--labels", default="")
    p.add_argument("--label-column", default="label")
    p.add_argument("--holdout", type=int, default=512)
    p.add_argument("--checkpoint", type=Path, nargs="*", default=[], help="checkpoint.pt or best.pt of runs")
    p.add_argument("--noise", type=float, nargs="*", default=[0.001, 0.003])
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    data = load_folder(args.data, 64)
    if args.labels:
        data, _ = with_labels(data, args.labels, args.label_column)
    train_idx, held_idx = split_holdout(len(data), args.holdout, 0)
    images = data.images.permute(0, 3, 1, 2).contiguous()
    held = as_pixels(images[held_idx])
    extra = {"latent_of": str(args.vae)}
    if data.classes:
        extra |= {"classes": list(data.classes),
                  "class_counts": torch.bincount(data.labels[train_idx], minlength=len(data.classes)).tolist()}
    recipe = LatentGANRecipe(TrainOptions(args.data, Path("unused"), extra=extra), torch.device("cpu"))
    class_freq = recipe.G_ema.class_freq.clone()  # this data's, as the run drew classes

    def figures(state: dict) -> str:
        recipe.G_ema.load_state_dict(state)
        recipe.G_ema.class_freq.copy_(class_freq)
        f = recipe.evaluate(held)
        return f"precision {f['held_out_precision_k3']:.3f}, recall {f['held_out_recall_k3']:.3f}"

    start = load_model(args.gan)[0].state_dict()
    print(f"{args.gan}: {figures(start)}")
    for path in args.checkpoint:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
        for name in ("G_ema", "G"):
            moves = layer_moves(ckpt["recipe"][name], start)
            print(f"{path} step {ckpt['step']} {name}: {figures(ckpt['recipe'][name])}; layers moved "
                  f"median {statistics.median(moves):.2%}, max {max(moves):.2%}")
    for size in args.noise:
        for seed in (1, 2):
            gen = torch.Generator().manual_seed(seed)
            noisy = {**start, **{k: v + size * v.std() * torch.randn(v.shape, generator=gen)
                                 for k, v in trainable(start).items() if v.numel() > 1}}
            print(f"random move {size:.1%} (seed {seed}): {figures(noisy)}")


if __name__ == "__main__":
    main()
