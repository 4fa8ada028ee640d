"""How well a GAN folder's discriminator (discriminator.safetensors) tells its generator's samples from
held-out real images: the figure in the bundled emoji-gan card's "discriminator" entry.

    python benchmarks/discriminator_accuracy.py --data DATA_DIR [--gan weights/emoji-gan]
        [--vae weights/emoji-vae] [--labels DATA_DIR/labels.csv --label-column category] [--auc]

Held-out images are the GAN's own split (rebuilt from its card), each called real when the logit is
above 0; as many samples (psi 1, a seeded draw) are called fake when it is below. No augmentation.
A conditional GAN needs --labels: the discriminator judges each image with its class, and the
samples with the held-out images' classes, shuffled. 0.5 is chance.

--auc also prints how well the discriminator ranks, whatever its threshold: the AUC (the chance that a
real image scores above a sample) of the held-out images against 512 samples at psi 1 and at the app's
psi, each judged alone, and of the training images against the same samples. The gap between the two
says how much it judges by the training images it has learnt rather than by what makes an image look
real; refining samples (models/refine.py) follows its judgement.
"""
from __future__ import annotations

import argparse
import copy
from collections.abc import Callable
from pathlib import Path

import torch

from genimg_gui.catalog import DEFAULT_PSI
from genimg_gui.models.gan import Discriminator, sample_zc
from genimg_gui.models.refine import judged_input, solo
from genimg_gui.models.tensors import as_pixels
from genimg_gui.models.weights import load_model
from genimg_gui.train.data import load_folder, recorded_split
from genimg_gui.train.finetune import DISCRIMINATOR_NAME, load_discriminator
from genimg_gui.train.labels import with_labels


@torch.no_grad()
def accuracy(gan, D, real: torch.Tensor, classes: torch.Tensor | None, seed: int = 3,
             draw: Callable[[torch.Tensor], torch.Tensor] | None = None) -> tuple[float, float]:
    """(share of real inputs called real, share of samples called fake). draw: w -> what D judges of a sample
    (default: a latent GAN's latent grid, a pixel GAN's image; benchmarks/discriminator_space.py passes its own)."""
    gen = torch.Generator().manual_seed(seed)
    fake_c = None if classes is None else classes[torch.randperm(len(classes), generator=gen)]
    w = gan.map(torch.randn(len(real), gan.cfg.z_dim, generator=gen), c=fake_c)
    fake = judged_input(gan, w) if draw is None else draw(w)
    return (D(real, classes) > 0).float().mean().item(), (D(fake, fake_c) < 0).float().mean().item()


def auc(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> float:
    """The chance that a real input scores above a sample (ties count half): 0.5 is chance, 1 a perfect ranking."""
    diff = real_logits.flatten()[:, None] - fake_logits.flatten()[None, :]
    return ((diff > 0).float() + 0.5 * (diff == 0).float()).mean().item()


@torch.no_grad()
def print_auc(gan, D, inputs: dict[str, tuple[torch.Tensor, torch.Tensor | None]], samples: int = 512) -> None:
    """AUC of each named set of real inputs against the same seeded samples, at psi 1 and the app's psi, each
    input judged alone, as refining judges it: with its minibatch-std channel, the discriminator's score would
    depend on which images share a batch."""
    D = solo(copy.deepcopy(D))
    z, c = sample_zc(gan, samples, torch.Generator().manual_seed(5))
    for psi in (1.0, DEFAULT_PSI):
        fake = D(judged_input(gan, gan.map(z, psi, c)), c)
        figures = ", ".join(f"{name} {auc(D(x, classes), fake):.3f}" for name, (x, classes) in inputs.items())
        print(f"AUC against {samples} samples at psi {psi:g}: {figures}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"), help="a latent GAN's VAE (its encoder)")
    p.add_argument("--labels", help="a conditional GAN's labels file (as given to genimg train --labels)")
    p.add_argument("--label-column", default="label")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--auc", action="store_true", help="also the AUC of held-out and of training images")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    gan, card = load_model(args.gan)
    latent = hasattr(gan, "synthesize_latent")
    D = Discriminator(gan.cfg, in_channels=gan.cfg.vae.latent_channels if latent else 3)
    if not load_discriminator(args.gan, D):
        raise SystemExit(f"{args.gan} has no {DISCRIMINATOR_NAME}")
    data = load_folder(args.data, card["resolution"])
    if args.labels:
        data, _ = with_labels(data, args.labels, args.label_column)
    train_idx, held_idx = recorded_split(data, card)
    if not len(held_idx):  # a folder too small to hold out enough: its run trained on every image, as its log said
        raise SystemExit(f"{args.gan} held out no images (its card's training.held_out is 0): its discriminator "
                         "saw every image, so none is left to judge it on")
    judged = judged_inputs(gan, data, args.vae if latent else None)
    x, classes = judged(held_idx)
    real, fake = accuracy(gan, D.eval(), x, classes)
    print(f"{len(x)} held-out images, as many samples: accuracy {(real + fake) / 2:.3f} "
          f"(real called real {real:.3f}, samples called fake {fake:.3f}; chance 0.5)")
    if args.auc:
        print_auc(gan, D, {"held-out images": judged(held_idx), "training images": judged(train_idx)})


def judged_inputs(gan, data, vae_dir: Path | None) -> Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """indices -> (the images as the discriminator was trained to see them, their classes or None)."""
    vae = load_model(vae_dir)[0] if vae_dir else None

    @torch.no_grad()
    def judged(idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        x = as_pixels(data.images[idx].permute(0, 3, 1, 2))
        if vae is not None:  # a latent GAN's discriminator judges normalised latent grids
            x = (vae.encode(x)[0] - gan.latent_mean) / gan.latent_std
        return x, (data.labels[idx] if gan.cfg.classes else None)
    return judged


if __name__ == "__main__":
    main()
