"""Would a discriminator that judges decoded pixels see what is wrong with emoji-gan's samples sooner
than one that judges latent grids, as the GAN's own does? A person sees the smudges in pixels.

    python benchmarks/discriminator_space.py --data DATA --space pixels [--steps 1000] [--every 250]
        [--gan weights/emoji-gan] [--labels DATA/labels.csv --label-column category] [--threads 1]
        [--r1-gamma G] [--augment-p 1|0|auto] [--save JUDGE_DIR]

A fresh discriminator trains alone against the GAN, which stays unchanged (as `--set d_warmup` does),
with the latent GAN recipe's own step: non-saturating loss, lazy R1 (--r1-gamma; the recipe's γ = 1 suits
the 1,024 numbers of a latent grid, 0.05 the 12,288 of an image), DiffAugment (translation and cutout on
the grid; colour too on pixels), the data's categories. Both spaces judge images that went through the
GAN's decoder the same way: training images encoded and decoded, samples decoded, so the VAE's blur is
no tell. Every --every steps it prints its held-out accuracy: the GAN's 512 held-out images (real when
the logit is above 0) and as many samples at psi 1 with the same categories, shuffled (fake when below).
0.5 is chance. The pixel discriminator has the widths a 64px pixel GAN's would have at half the
generator width (32 to 256 channels), about as many parameters as the latent one.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from genimg_gui.models.weights import load_model
from genimg_gui.train.augment import diff_augment
from genimg_gui.train.decoder_adversary import pixel_discriminator
from genimg_gui.train.data import batches, load_folder, recorded_split
from genimg_gui.train.finetune import DISCRIMINATOR_NAME, architecture_settings, save_discriminator
from genimg_gui.train.inputs import TrainingInputs
from genimg_gui.train.labels import with_labels
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
from genimg_gui.train.loop import TrainOptions

from discriminator_accuracy import accuracy  # beside this script in benchmarks/: one definition of accuracy



class PixelJudged(LatentGANRecipe):
    """The latent GAN recipe with its discriminator moved from the latent grid to the decoded image."""

    def build(self, opts: TrainOptions) -> tuple[torch.nn.Module, torch.nn.Module]:
        G, _ = super().build(opts)
        return G, pixel_discriminator(opts.resolution, G.cfg.classes)

    @torch.no_grad()
    def real_input(self, batch: torch.Tensor) -> torch.Tensor:
        return self.G.decoder(super().real_input(batch) * self.G.latent_std + self.G.latent_mean)

    def fake_input(self, w: torch.Tensor) -> torch.Tensor:
        return self.G.synthesize(w)

    def augment(self, x: torch.Tensor) -> torch.Tensor:
        return diff_augment(x)


def held_out_accuracy(recipe: LatentGANRecipe, real: torch.Tensor, classes: torch.Tensor | None) -> float:
    """Mean of (held-out inputs called real, as many samples called fake): discriminator_accuracy.py's
    definition and sample draw, with the samples drawn into the space this discriminator judges."""
    recipe.D.eval()
    real_ok, fake_ok = accuracy(recipe.G, recipe.D, real, classes, draw=recipe.fake_input)
    recipe.D.train()
    return (real_ok + fake_ok) / 2


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--space", choices=["latent", "pixels"], required=True)
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"), help="the GAN's VAE (its encoder)")
    p.add_argument("--labels", help="a conditional GAN's labels file (as given to genimg train --labels)")
    p.add_argument("--label-column", default="label")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--every", type=int, default=250)
    p.add_argument("--r1-gamma", type=float, help="default: 1 for latent grids, 0.05 for pixels")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--augment-p", default="1", help="the chance DiffAugment applies to each input (the recipe's "
                   "augment_p: 1, the default, augments every one; 0 none; auto adapts, as ADA)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--save", type=Path, help="write the trained discriminator here (a judge for blind_test.py)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    gan, card = load_model(args.gan)
    data = load_folder(args.data, card["resolution"])
    if args.labels:
        data, _ = with_labels(data, args.labels, args.label_column)
    train_idx, held_idx = recorded_split(data, card)
    gamma = args.r1_gamma if args.r1_gamma is not None else (1.0 if args.space == "latent" else 0.05)
    opts = TrainOptions(data=args.data, out=Path(tempfile.mkdtemp()), lr=args.lr, resolution=card["resolution"],
                        extra={**architecture_settings(card), "latent_of": str(args.vae), "r1_gamma": gamma,
                               "classes": list(gan.cfg.classes),
                               "augment_p": args.augment_p,  # "auto" or a number, as AugmentChance reads it
                               "class_counts": card["training"]["options"]["extra"].get("class_counts")})
    recipe = (PixelJudged if args.space == "pixels" else LatentGANRecipe)(opts, torch.device("cpu"))
    recipe.G.load_state_dict(gan.state_dict())
    recipe.stats_ready, recipe.d_solo_until = True, args.steps  # its latent statistics came with it
    images = data.images.permute(0, 3, 1, 2).contiguous()
    inputs = TrainingInputs(recipe, images, torch.device("cpu"))
    held_real = recipe.real_input(inputs.batch(held_idx))
    held_classes = data.labels[held_idx] if gan.cfg.classes else None
    print(f"{args.space}: discriminator of {sum(p.numel() for p in recipe.D.parameters()):,} parameters, "
          f"R1 γ {gamma}, lr {args.lr}, augmentation {recipe.augment_chance.describe()}, {args.threads} thread(s); "
          f"step 0: held-out accuracy "
          f"{held_out_accuracy(recipe, held_real, held_classes):.3f}", flush=True)
    t0 = time.monotonic()
    for step, idx in enumerate(batches(len(train_idx), 32, seed=0), 1):
        if step > args.steps:
            break
        mine = train_idx[idx]
        losses = recipe.step(inputs.batch(mine), step, data.labels[mine] if gan.cfg.classes else None)
        if step % args.every == 0:
            print(f"step {step}: held-out accuracy {held_out_accuracy(recipe, held_real, held_classes):.3f}, "
                  f"loss {losses['d']:.3f}, {(time.monotonic() - t0) / step:.2f} s/step", flush=True)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        save_discriminator(args.save, recipe.D)
        print(f"wrote {args.save / DISCRIMINATOR_NAME}")


if __name__ == "__main__":
    main()
