"""How well a GAN folder's discriminator (discriminator.safetensors) tells its generator's samples from
held-out real images: the figure in the bundled emoji-gan card's "discriminator" entry.

    python benchmarks/discriminator_accuracy.py --data DATA_DIR [--gan weights/emoji-gan]
        [--vae weights/emoji-vae] [--labels DATA_DIR/labels.csv --label-column category]

Held-out images are the GAN's own split (rebuilt from its card), each called real when the logit is
above 0; as many samples (psi 1, a seeded draw) are called fake when it is below. No augmentation.
A conditional GAN needs --labels: the discriminator judges each image with its class, and the
samples with the held-out images' classes, shuffled. 0.5 is chance.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import torch

from genimg_gui.models.gan import Discriminator
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
    if draw is None:
        draw = gan.synthesize_latent if hasattr(gan, "synthesize_latent") else gan.synthesize
    fake = draw(w)
    return (D(real, classes) > 0).float().mean().item(), (D(fake, fake_c) < 0).float().mean().item()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"), help="a latent GAN's VAE (its encoder)")
    p.add_argument("--labels", help="a conditional GAN's labels file (as given to genimg train --labels)")
    p.add_argument("--label-column", default="label")
    p.add_argument("--threads", type=int, default=2)
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
    _, held_idx = recorded_split(data, card)
    x = as_pixels(data.images[held_idx].permute(0, 3, 1, 2))
    if latent:
        vae, _ = load_model(args.vae)
        with torch.no_grad():
            x = (vae.encode(x)[0] - gan.latent_mean) / gan.latent_std  # what the discriminator was trained on
    classes = data.labels[held_idx] if gan.cfg.classes else None
    real, fake = accuracy(gan, D.eval(), x, classes)
    print(f"{len(x)} held-out images, as many samples: accuracy {(real + fake) / 2:.3f} "
          f"(real called real {real:.3f}, samples called fake {fake:.3f}; chance 0.5)")


if __name__ == "__main__":
    main()
