"""Quality figures for model cards: PSNR and SSIM on [-1, 1] tensors, and the precision/recall of
nearest neighbours (Kynkäänniemi et al. 2019) for a generator's samples in some feature space."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..wording import counted

SSIM_WINDOW = 7  # the side of SSIM's uniform window, in pixels, which a VAE card's "how" names


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean per-image PSNR in dB for images in [-1, 1] (peak-to-peak 2)."""
    mse = (a.clamp(-1, 1) - b.clamp(-1, 1)).pow(2).flatten(1).mean(1).clamp_min(1e-10)
    return float((10 * torch.log10(4.0 / mse)).mean())


def ssim(a: torch.Tensor, b: torch.Tensor, window: int = SSIM_WINDOW) -> float:
    """Mean SSIM (uniform window, per channel) for images in [-1, 1], computed in [0, 1]."""
    a, b = (a.clamp(-1, 1) + 1) / 2, (b.clamp(-1, 1) + 1) / 2
    pool = lambda x: F.avg_pool2d(x, window, 1)  # noqa: E731
    mu_a, mu_b = pool(a), pool(b)
    var_a = pool(a * a) - mu_a ** 2
    var_b = pool(b * b) - mu_b ** 2
    cov = pool(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return float(s.mean())


def reconstruction_figures(recon: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """A VAE's held-out figures as its model card and training log show them: PSNR (dB) and SSIM."""
    return {"held_out_psnr_db": round(psnr(recon, target), 2), "held_out_ssim": round(ssim(recon, target), 4)}


def reconstruction_how(held_out: int, images: int, resolution: int, seed: int) -> str:
    """How reconstruction_figures measured a VAE, for its card's "how", as a latent GAN's card says how its
    precision/recall were: on which images, at what size, and what PSNR and SSIM compare. The Models tab gives it
    as the figures' tooltip and `genimg info` under them."""
    held = counted(held_out, "held-out image")
    return (f"PSNR and SSIM of the {held} at {resolution} px ({held_out:,} of the folder's {images:,} images, "
            f"picked at random by the run's seed {seed} and never trained on), each encoded to its latent mean and "
            "decoded, against the original. PSNR: from the mean squared error of each image's pixels in -1..1 "
            "(peak to peak 2), in dB, averaged over the images; SSIM: of pixels in 0..1 in a uniform "
            f"{SSIM_WINDOW}x{SSIM_WINDOW} window, for each colour channel, averaged over the windows, channels and "
            "images.")


def knn_radii(feats: torch.Tensor, k: int) -> torch.Tensor:
    d = torch.cdist(feats, feats)
    return d.kthvalue(k + 1, dim=1).values  # +1: the point itself is at distance 0


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> tuple[float, float]:
    """Fraction of fakes inside the real manifold, and of reals inside the fake manifold."""
    r_real, r_fake = knn_radii(real, k), knn_radii(fake, k)
    d = torch.cdist(fake, real)  # (F, R)
    precision = (d <= r_real.unsqueeze(0)).any(1).float().mean()
    recall = (d.T <= r_fake.unsqueeze(0)).any(1).float().mean()
    return float(precision), float(recall)


def nearest_label_agreement(ref: torch.Tensor, ref_labels: torch.Tensor, query: torch.Tensor,
                            query_labels: torch.Tensor, classes: int) -> list[float]:
    """Per class: the fraction of its queries whose nearest reference has the same label, i.e. how
    often a conditional generator's samples of class k land among real images of class k (nan for a
    class without queries)."""
    nearest = torch.cdist(query, ref).argmin(1)
    hit = (ref_labels[nearest] == query_labels).float()
    return [float(hit[query_labels == k].mean()) if (query_labels == k).any() else float("nan")
            for k in range(classes)]


def mean_distance(feats: torch.Tensor) -> float:
    """The mean L2 distance between two different rows (nan for fewer than two)."""
    return float(torch.pdist(feats).mean()) if len(feats) > 1 else float("nan")


def class_variety(samples: torch.Tensor, sample_labels: torch.Tensor, ref: torch.Tensor, ref_labels: torch.Tensor,
                  classes: int) -> list[float]:
    """Per class: how far apart two of its samples are, over how far apart two of its real images are. About 1
    when a class is as varied as its data; near 0 when it collapsed to one image, which precision and recall
    over all classes hardly show when the class is small."""
    return [mean_distance(samples[sample_labels == k]) / mean_distance(ref[ref_labels == k]) for k in range(classes)]

