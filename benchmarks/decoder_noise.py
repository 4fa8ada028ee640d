"""Does a latent GAN's decoder ignore small latent errors, and do its samples come out as smooth as the data?

    python benchmarks/decoder_noise.py --data DATA --gan weights/emoji-faces-gan [--vae weights/emoji-vae]
        [--samples 256] [--psi 0.7] [--sheet OUT.png]

`genimg train gan --latent-of VAE --set decoder_noise=σ` teaches the GAN's copy of the VAE's decoder to draw
each training image from its latent grid with noise added (genimg_gui/train/decoder_denoising.py). This
prints, for the held-out images the GAN's card records (never trained on):

- noise: each image's grid as the VAE encodes it, with Gaussian noise of 0 to 0.3 latent std added, decoded
  by the VAE's decoder and by the GAN's: PSNR against the image (at 0: the reconstruction's);
- roughness: the mean absolute difference between neighbouring pixels, of the held-out images, of their VAE
  reconstructions, and of --samples GAN samples at --psi drawn through each decoder (the same grids).
  Mottle raises it above the data's; blur would lower it below.

--sheet writes 8 of those samples, through the VAE's decoder (top) and the GAN's (below), at 4x.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch
from PIL import Image

from genimg_gui.imaging import image_grid
from genimg_gui.models.gan import seeds_zc
from genimg_gui.models.tensors import as_pixels, to_images
from genimg_gui.models.weights import load_model
from genimg_gui.train.data import load_folder, recorded_split
from genimg_gui.train.metrics import psnr

NOISE = (0.0, 0.1, 0.2, 0.3)  # latent std; a generator's grids sit about 0.2 from what their images encode to
FIRST_SEED = 9000  # away from the README's grids and the blind tests'


def roughness(x: torch.Tensor) -> float:
    """Mean absolute difference between horizontally and vertically neighbouring pixels."""
    return ((x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., :, 1:] - x[..., :, :-1]).abs().mean()).item() / 2


@torch.inference_mode()
def noise_psnr(gan, vae, images: torch.Tensor) -> dict[float, tuple[float, float]]:
    """For each noise level: the PSNR (dB) of (the VAE decoder's, the GAN decoder's) drawings of the images."""
    grids = vae.encode(images)[0]
    gen = torch.Generator().manual_seed(0)
    out = {}
    for sigma in NOISE:
        noisy = grids + sigma * gan.latent_std * torch.randn(grids.shape, generator=gen)
        out[sigma] = (psnr(vae.decoder(noisy), images), psnr(gan.decoder(noisy), images))
    return out


@torch.inference_mode()
def sample_grids(gan, n: int, psi: float) -> torch.Tensor:
    """n samples' latent grids (un-normalised), seeds from FIRST_SEED, each of its seed's class."""
    z, c = seeds_zc(gan, range(FIRST_SEED, FIRST_SEED + n))
    return gan.synthesize_latent(gan.map(z, psi, c)) * gan.latent_std + gan.latent_mean


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-faces-gan"))
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"))
    p.add_argument("--samples", type=int, default=256)
    p.add_argument("--psi", type=float, default=0.7)
    p.add_argument("--sheet", type=Path)
    args = p.parse_args()
    (gan, card), (vae, _) = load_model(args.gan), load_model(args.vae)
    gan.eval(), vae.eval()
    data = load_folder(args.data, card["resolution"])
    held = as_pixels(data.images.permute(0, 3, 1, 2)[recorded_split(data, card)[1]])
    print(f"{args.gan}: decoder trained with noise up to {card['objective'].get('decoder_noise', 0)} latent std; "
          f"{len(held)} held-out images, {args.samples} samples at psi {args.psi}")
    for sigma, (theirs, mine) in noise_psnr(gan, vae, held).items():
        print(f"noise {sigma:.1f} std: PSNR of the held-out images: VAE's decoder {theirs:.2f} dB, GAN's {mine:.2f} dB")
    grids = sample_grids(gan, args.samples, args.psi)
    with torch.inference_mode():
        through_vae, through_gan = vae.decoder(grids), gan.decoder(grids)
        recon = vae.decoder(vae.encode(held)[0])
    print(f"roughness: held-out images {roughness(held):.4f}, their VAE reconstructions {roughness(recon):.4f}; "
          f"samples through the VAE's decoder {roughness(through_vae):.4f}, through the GAN's "
          f"{roughness(through_gan):.4f}")
    if args.sheet:
        tiles = list(to_images(through_vae[:8])) + list(to_images(through_gan[:8]))
        grid = image_grid(tiles, 8)
        Image.fromarray(grid).resize((grid.shape[1] * 4, grid.shape[0] * 4), Image.LANCZOS).save(args.sheet)


if __name__ == "__main__":
    main()
