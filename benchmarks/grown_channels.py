"""A generator grown wider (`genimg train gan --init MODEL --set channels=[...]`): does it draw what the model
drew, and how far have a run's new channels come into play?

    python benchmarks/grown_channels.py --gan weights/emoji-gan --channels 512,256,128 [--run RUN_DIR]

First the largest pixel difference between the model's images and its grown copy's (64 seeds, psi 1 and
0.7; images in [-1, 1]). With --run (a run grown from that model), the root mean square of the weights
into its old and its new channels, layer by layer, in the EMA generator of RUN_DIR/checkpoint.pt: new
channels start at zero (finetune.widened), so the ratio says how much of the added width training has
put to use.
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import torch
from torch import nn

from genimg_gui.models.weights import load_model
from genimg_gui.train.finetune import widened

SEEDS = 64


@torch.no_grad()
def largest_difference(gan: nn.Module, grown: nn.Module) -> dict[float, float]:
    """psi -> the largest |pixel| difference between the two generators' images of the same z and classes."""
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(SEEDS, gan.cfg.z_dim, generator=gen)
    c = gan.draw_classes(SEEDS, gen)
    return {psi: float((gan(z, psi, c) - grown(z, psi, c)).abs().max()) for psi in (1.0, 0.7)}


def weights_into(state: dict[str, torch.Tensor], old: nn.Module) -> list[tuple[str, float, float]]:
    """(layer, rms of the weights into the old channels, into the new ones) for each layer that was widened."""
    rows = []
    for name, before in old.state_dict().items():
        after = state[name]
        if name.endswith("weight") and after.shape[0] > before.shape[0]:
            rows.append((name, float(after[:before.shape[0]].pow(2).mean().sqrt()),
                         float(after[before.shape[0]:].pow(2).mean().sqrt())))
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    p.add_argument("--channels", required=True, help="the grown widths, e.g. 512,256,128")
    p.add_argument("--run", type=Path, help="a run grown from --gan (its checkpoint.pt is read)")
    args = p.parse_args()
    gan, _ = load_model(args.gan)
    grown = type(gan)(replace(gan.cfg, channels=tuple(int(c) for c in args.channels.split(","))))
    grown.load_state_dict(widened(gan.state_dict(), grown))
    gan.eval(), grown.eval()
    for psi, diff in largest_difference(gan, grown).items():
        print(f"grown from {list(gan.cfg.channels)} to {list(grown.cfg.channels)}: largest pixel difference "
              f"at psi {psi:g}: {diff:.1e}")
    if args.run:
        checkpoint = torch.load(args.run / "checkpoint.pt", map_location="cpu", weights_only=True)
        print(f"{args.run} at step {checkpoint['step']}: rms of the weights into the old / new channels")
        for name, old_rms, new_rms in weights_into(checkpoint["recipe"]["G_ema"], gan):
            print(f"  {name:26s} {old_rms:.4f} / {new_rms:.4f}  ({new_rms / old_rms:.0%})")


if __name__ == "__main__":
    main()
