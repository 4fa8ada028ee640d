"""The fits behind scripts/attribute_directions.py.

VAE: for each attribute a direction is fitted on the latent means of the training part of its two groups by
difference of means and by logistic regression, and the one whose edits work better on the held-out part is kept.
"Work" is judged independently of the latent: held-out "from" latents are moved to the "to" mean along the
direction, decoded, and a pixel-space classifier (logistic regression on 16x16 thumbnails) says which group the
result shows.
GAN (InterFaceGAN): many w are sampled, what the GAN draws for each is scored by an attribute classifier (on the
VAE latent it draws, for a GAN in that VAE's latent space; else on its picture's thumbnail), and a linear direction
is fitted in w between the highest- and lowest-scoring samples.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from genimg_gui.attributes import direction_from_examples, separation
from genimg_gui.models.gan import in_chunks, sample_zc
from genimg_gui.models.tensors import to_images, to_tensor

MIN_GROUP = 10  # images a side of an attribute needs: a fifth of them are held out to judge the fit
GAN_SAMPLES, GAN_TAIL, GAN_STEP = 20_000, 0.15, 2.0
VAE_HOW = ("scripts/attribute_directions.py: rows after the PCA ones (explained = 0). Each is fitted on the "
           "latent means of {trained_on} by difference of means and by logistic regression; "
           "kept is the one whose edits a pixel classifier (logistic regression on 16x16 thumbnails) more often "
           "calls 'to' when held-out 'from' latents are moved to the 'to' mean and decoded. sigma = the pooled "
           "within-group spread along the direction.")
# the card's words for a VAE's directions' outside_spread (typicality.measured_outside_spread)
OUTSIDE_HOW = ("the standard deviation of the latent means of {images} along each named row's part outside the PCA "
               "rows (square to them): the unit the typicality meter reads a push along that row in{by}")
GAN_HOW = ("scripts/attribute_directions.py, InterFaceGAN-style: w sampled, {scored}, "
           "a logistic regression in w between the highest- and lowest-scoring samples; sigma = the spread of "
           "all sampled w along the direction. held_out_from_called_to_after_edit: held-out samples the "
           "classifier calls 'from', moved edit_step_in_sigma along the direction.")


@dataclass
class Attribute:
    label: str
    data: str
    from_rows: np.ndarray  # indices into the data set
    to_rows: np.ndarray


@torch.inference_mode()
def encode(vae, images: np.ndarray, batch: int = 256) -> np.ndarray:
    return np.concatenate([vae.encode(to_tensor(images[i:i + batch]))[0].flatten(1).numpy()
                           for i in range(0, len(images), batch)])


@torch.inference_mode()
def decode(vae, latents: np.ndarray, batch: int = 256) -> np.ndarray:
    shape = vae.cfg.latent_shape
    return np.concatenate([to_images(vae.decode(torch.as_tensor(latents[i:i + batch]).view(-1, *shape)))
                           for i in range(0, len(latents), batch)])


def thumbs(images: np.ndarray) -> np.ndarray:
    """16x16 colour thumbnails (mean of blocks), flattened: the pixel classifier's input."""
    n, r = images.shape[:2]
    return images.reshape(n, 16, r // 16, 16, r // 16, 3).mean((2, 4)).reshape(n, 16 * 16 * 3) / 255.0


class Classifier:
    """A linear two-group classifier: logistic regression normal, threshold midway between the means."""

    def __init__(self, a: np.ndarray, b: np.ndarray, method: str = "linear") -> None:
        self.unit, self.sigma = direction_from_examples(a, b, method)
        self.threshold = (a.mean(0) + b.mean(0)) @ self.unit / 2

    def score(self, x: np.ndarray) -> np.ndarray:
        return x @ self.unit - self.threshold  # > 0: "to"

    def accuracy(self, a: np.ndarray, b: np.ndarray) -> float:
        """Balanced accuracy: the mean of the two groups' hit rates."""
        return float(((self.score(a) <= 0).mean() + (self.score(b) > 0).mean()) / 2)


def vae_attribute(att: Attribute, lat: np.ndarray, pix: np.ndarray, test: np.ndarray, vae) -> tuple[dict, dict]:
    """Fit both methods; keep the one whose held-out edits the pixel classifier calls "to" more often."""
    tr_a, tr_b = att.from_rows[~test[att.from_rows]], att.to_rows[~test[att.to_rows]]
    te_a, te_b = att.from_rows[test[att.from_rows]], att.to_rows[test[att.to_rows]]
    judge = Classifier(pix[tr_a], pix[tr_b])
    best: dict | None = None
    tried = {}
    for method in ("means", "linear"):
        clf = Classifier(lat[tr_a], lat[tr_b], method)
        d = separation(lat[tr_a], lat[tr_b], clf.unit, clf.sigma)
        moved = decode(vae, (lat[te_a] + d * clf.sigma * clf.unit).astype(np.float32))
        result = {"method": method, "vector": clf.unit, "sigma": clf.sigma, "to_mean_in_sigma": round(d, 2),
                  "held_out_accuracy": round(clf.accuracy(lat[te_a], lat[te_b]), 3),
                  "held_out_from_called_to_before": round(float((judge.score(pix[te_a]) > 0).mean()), 3),
                  "held_out_from_called_to_after_edit": round(float((judge.score(thumbs(moved)) > 0).mean()), 3)}
        tried[method] = {k: v for k, v in result.items() if k not in ("method", "vector", "sigma")}
        if best is None or result["held_out_from_called_to_after_edit"] > best["held_out_from_called_to_after_edit"]:
            best = result
    note = {"label": att.label, "data": att.data, "train": [len(tr_a), len(tr_b)], "held_out": [len(te_a), len(te_b)],
            "pixel_judge_held_out_accuracy": round(judge.accuracy(pix[te_a], pix[te_b]), 3),
            **{k: v for k, v in best.items() if k not in ("vector", "sigma")}, "methods": tried}
    return best, note


@dataclass(frozen=True)
class SampleSpace:
    """What a GAN's samples are judged on, and the words a card says it in."""
    features: Callable[[torch.Tensor], np.ndarray]  # w (B, w_dim) -> (B, F), under inference mode
    judge: str   # who scores the samples: "the emoji-vae latent classifier"
    drawn: str   # what it scores: "the VAE latent the GAN draws"
    scored: str  # the card's named_how's words for both
    on_latents: bool  # judged by a classifier of VAE latents (else of the images' thumbnails)

    @property
    def how(self) -> str:
        return GAN_HOW.format(scored=self.scored)


def latent_space(gan, vae_name: str) -> SampleSpace:
    """A latent GAN's samples judged on the VAE latent it draws, by a classifier fitted on its VAE's latents."""
    return SampleSpace(lambda w: gan_latent(gan, w).numpy(), f"the {vae_name} latent classifier",
                       "the VAE latent the GAN draws", f"the {vae_name} latent the GAN draws for each scored by the "
                       "VAE-latent attribute classifier (logistic regression on all labelled images)", True)


def picture_space(gan) -> SampleSpace:
    """Any GAN's samples judged on the picture it draws, by a classifier fitted on the images' thumbnails."""
    return SampleSpace(lambda w: thumbs(to_images(gan.synthesize(w))), "the pixel classifier",
                       "the picture the GAN draws", "the picture the GAN draws for each scored by a pixel "
                       "attribute classifier (logistic regression on 16x16 thumbnails of all labelled images)", False)


@torch.inference_mode()
def gan_samples(gan, n: int, seed: int, space: SampleSpace) -> tuple[np.ndarray, np.ndarray]:
    """(w, the features space judges for it), both flattened, for n seeded z."""
    z, c = sample_zc(gan, n, torch.Generator().manual_seed(seed))  # a conditional GAN's classes too
    ws, features = [], []
    for zs, cs in in_chunks(z, c, 500):
        w = gan.map(zs, 1.0, cs)
        ws.append(w.numpy())
        features.append(space.features(w))
    return np.concatenate(ws), np.concatenate(features)


def gan_latent(gan, w: torch.Tensor) -> torch.Tensor:
    return (gan.synthesize_latent(w) * gan.latent_std + gan.latent_mean).flatten(1)


def gan_attribute(label: str, judge: Classifier, w: np.ndarray, features: np.ndarray, space: SampleSpace,
                  rng: np.random.Generator) -> tuple[dict, dict]:
    """InterFaceGAN: fit in w between the samples the classifier scores highest and lowest."""
    score = judge.score(features)
    order = np.argsort(score)
    k = int(GAN_TAIL * len(w))
    low, high = order[:k], order[-k:]
    test = rng.random(len(w)) < 0.2
    clf = Classifier(w[low[~test[low]]], w[high[~test[high]]])
    sigma = float((w @ clf.unit).std())  # the slider unit: the spread of all w along it, as PCA's
    start = np.flatnonzero(test & (score <= 0))  # held-out samples the classifier calls "from"
    with torch.inference_mode():
        moved = torch.as_tensor(w[start] + GAN_STEP * sigma * clf.unit, dtype=torch.float32)
        after = judge.score(space.features(moved)) if len(start) else np.zeros(0)
    note = {"label": label, "method": "linear (logistic regression in w)",
            "data": f"{len(w)} sampled w (psi 1); the {int(GAN_TAIL * 100)}% {space.judge} scores "
                    f"highest vs lowest, on {space.drawn}",
            "held_out_accuracy": round(clf.accuracy(w[low[test[low]]], w[high[test[high]]]), 3),
            # None where the classifier calls no held-out sample "from": nothing to move (it was NaN, not JSON)
            "held_out_from_called_to_after_edit": round(float((after > 0).mean()), 3) if len(start) else None,
            "edit_step_in_sigma": GAN_STEP}
    return {"vector": clf.unit, "sigma": sigma}, note
