"""How typical a latent is for its model, from the model's directions alone (plain numpy).

The directions' PCA rows with their sigmas, plus an isotropic spread for what those rows do not
capture, describe the latent distribution as a Gaussian (PriorModel). Two measures come from it:
prior_distance, the overall distance (the GAN inversion's prior is its square), and the
typicality meter's reading, which also looks at the single direction that strays furthest, at how
far out the latent lies along the named directions' parts that the PCA rows leave out (in the spread
of a GAN's mapped w there, or of a VAE's training latents as its directions file holds it) and, where
the directions carry a GAN's mapped w (edit.Anchors), at how far the nearest of them lies.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

import numpy as np

from .edit import Anchors, Directions

# The meter's colours: green below TYPICAL_BELOW sigma, amber below UNUSUAL_BELOW, red from there (band).
# Measured by benchmarks/typicality.py (2000 encoded training images of emoji-vae, 2000 emoji-faces-gan
# samples; 100 of each with one slider at a time pushed, both signs; the meter reads the PCs):
#   reading of  encoded training images  p50 1.85  p95 3.67  p99 4.69   green 85.5%, red 3.9%
#               GAN samples at psi 1     p50 1.93  p95 3.17  p99 3.81   green 93.0%, red 0.7%
#               GAN samples at psi 0.7   p50 1.78  p95 2.80  p99 3.50   green 95.7%, red 0.1%
#   one PC slider at +-3 sigma    p50 3.13 (VAE) / 3.14 (GAN)   at least amber 59% / 59%
#   one PC slider at +-4.5 sigma  p50 4.50 / 4.50               red 70% / 71%, at least amber 91% / 95%
#   one named slider at +-4.5     p50 3.23 / 2.93               at least amber 65% / 49% (its unit is the
#                                                               spread within its groups, often less than the data's;
#                                                               the GAN's now reads 5.91, red 99%, the VAE's 4.22,
#                                                               at least amber 77%: OUTSIDE_PCS_UNIT)
#   Randomise (all sliders)       p50 3.34 / 3.13               green 30% / 39% (its pictures smear visibly; with the
#                                                               terms below the GAN's read 4.82, green 1%)
# (the rest start on the other side of the mean along that direction). In its grids a picture shows
# smears from ~3 sigma along one direction and is broken at 4.5. One slider at +-3 (its default range's
# end) on an image at 0 along it reads 3.0: amber. The price: the VAE's own training images have heavy
# tails (PC4, PC7 reach 4-5 sigma), so 14% of them read "unusual", which along those directions they
# are; 95% green would take 3.75, where a +-3 push reads green two times in three.
TYPICAL_BELOW = 3.0
UNUSUAL_BELOW = 4.0
# The sliders run from -SLIDER_SPAN to +SLIDER_SPAN sigma (the window's); `genimg --edit` past it is noted.
SLIDER_SPAN = 3.0
OFF_DISTRIBUTION = "off-distribution: images may break"  # the meter's word for its red band
# The distance to the nearest mapped w reads in units of SPACING_PER_SIGMA times the mapped w's own spacing (the
# median distance from one to its nearest other; 4.33 on emoji-faces-gan, 6.74 on emoji-gan), measured on the face
# GAN as benchmarks/nearest_sample.py does (1000 fresh mapped w, 200 seeds, and inversions of 200 steps at
# editability 0.5; "step" is how far a 1-sigma step on a PC slider moves the picture, over a sample's):
#   fresh mapped w (psi 1)              p50 1.08  p95 1.90  p99 3.11   meter green 93.3% -> 92.9%, red 0.1% -> 0.2%
#   (emoji-gan: psi 1 p99 1.6, psi 0.7 p99 1.2; its meter colours unchanged)
#   refined samples (psi 0.7, the app's)   p50 1.02  p95 1.46  p99 1.80   meter green 94.5% either way
#   inverted: samples 0, 1       1.9, 1.9 (step 1.0, 1.3)   an emoji, Noto's grinning face  2.4 (step 0.4)
#             a sample tile, colours swapped and noised      3.1 (step 2.0, pixel MSE 0.06): amber
#             a drawn smiley photo, a drawn landscape     4.5, 4.8 (step 3.7, 2.8): red; the directions read 1.7, 1.8
# At 1.0 the smiley read 4.04, one rounding from amber, and the tile green; at 0.8 fresh psi-1 samples turned red 5x
# as often (0.5%).
SPACING_PER_SIGMA = 0.9
# That unit suits the face GAN, whose w lie in clusters with empty space between: their nearest distances spread
# widely (the 99th percentile of each mapped w's distance to its nearest other, Anchors.outlying, is 3.19 times the
# median). emoji-gan's lie evenly, within 1.43 times it, and there a w half as far again from every mapped w is
# already further out than any the GAN draws: PC1, PC2 and PC3 at +3 sigma on its seed 0 (psi 0.7) drew a smear of
# red and black blotches, 2.6 spacings from every mapped w (the farthest mapped w lies 1.7 from its nearest), and
# read 2.9 by the spacing: the meter said amber, "3.9σ on PC2 (unusual)". So the distance also reads on the spread
# of those nearest distances, 1 at their median and OUTLYING_READS at their 99th percentile, on in a line beyond;
# the larger of the two readings counts (in_spacing). emoji-gan's meter, before -> after (20 seeds at psi 0.7 for
# the pushes; pictures looked at):
#   fresh mapped w (psi 1, 1000)   green 93.8% -> 93.1%, red 0.3% -> 0.5%; own and refined samples at psi 0.7 green
#                                  100% either way
#   PC1..PC3 at +3 sigma           red 5% -> 100% (blotches, all)       at -3 sigma  30% -> 90% (people, smeared)
#   PC1, PC2 at +3 / -3 sigma      red 5% / 20% -> 65% / 80%
#   one PC at +-3 (16 PCs, both signs)   red 7.5% -> 8.3%
#   pictures inverted into it (benchmarks/nearest_sample.py, its six)   0.7-0.9 spacings from a mapped w: unchanged
# The face GAN reads as it did: its spread reads lower than its spacing wherever either passes 0.5.
OUTLYING_READS = TYPICAL_BELOW
# A named slider (or the user's) showed only on the PCs it moves, and the face GAN's cat-face has 0.69 of its length
# outside its 16 PCs: at +3 sigma (its End) on a sample at psi 0.7 it blotched the face and read 2.6, typical. Nor did
# the nearest mapped w tell: the push moves w 9.5 (3 x 3.18), 2.6 in the spacing's unit (0.9 x 4.33) and 2.2 on their
# spread, where fresh samples lie up to 12 from every mapped w (p99 3.1); that distance reads a push by its length in
# w, whichever way it goes, and cat-face's sigma is among the GAN's smallest. So the meter also reads, for each row
# that is no PCA row, how far the latent lies along its part outside the PCs (square to every PCA row: no PC slider
# moves it), in OUTSIDE_PCS_UNIT standard deviations of the model's latents along it (outside_pcs; the Gaussian's even
# leftover spread is 0.4-0.65 of the mapped w's). benchmarks/typicality.py, before -> after:
#   emoji-faces-gan  fresh samples   psi 1 (2000)  green 92.8% -> 91.8%, red 0.7% either way; psi 0.7  95.7% -> 95.4%
#     each named slider at +-3 sigma on 50 samples at psi 0.7   at least amber 62% -> 93%, red 8% -> 50%
#     cat-face +3 / -3  at least amber 10% / 14% -> 94% / 82% (p50 2.62 -> 3.80); face-negative +-3 11% -> 100%
#     face-tongue +-3 red 100% (p50 6.1: its part outside the PCs spreads least); face-neutral-skeptical, mostly
#     within the PCs, at least amber 54% -> 62%
#   emoji-gan        fresh psi 1  green 92.3% -> 91.8%; psi 0.7 99.3% -> 99.2%
#     each named slider at +-3 sigma  at least amber 4.5% -> 94%, red 0.2% -> 57% (p50 1.7-2.5 before; its pictures
#     turn to blobs in the target's colours)
#   one PC slider at +-3 / +-4.5 sigma (psi 1)  red 29.7% / 87.2% (face GAN), 19.2% / 75.2% (emoji-gan) either way;
#     at least amber at +-3 77.4% -> 77.7%, 56.6% -> 57.0% (samples whose own part lies out)
# Whether a colour now means for a named slider what it means for a PC: one slider at +-2, +-3 and +-4.5 sigma on 50
# face-GAN samples (psi 0.7), and the share of each colour's pictures that are broken (farther, pixel RMS, from every
# mapped w's picture than 95% of fresh samples): PCs green 24% / amber 33% / red 48%; named 29 / 40 / 55% -> 28 / 29 /
# 50% (emoji-gan, whose varied samples make the measure weaker: PCs 4 / 6 / 10%; named 7 / 18 / 12% -> 7 / 8 / 10%).
# Grids looked at (16 refined samples, each named slider at +3; by eye, blotched or smeared): face-costume 12,
# cat-face 7, face-negative 6, face-tongue 4, face-concerned and face-smiling 3, face-hand and -neutral-skeptical 2.
# Read in 1.0 standard deviation, fresh psi-1 samples read green 87.0% (face GAN) and 90.0% (emoji-gan); in 1.5,
# cat-face at +3 read at least amber on 64% of the samples.
# A VAE has no latents of its own at run time: its named rows' spread there is measured where they are made, on its
# training latents, and kept in its directions file (Directions.outside_spread: scripts/attribute_directions.py, and
# scripts/outside_spread.py for rows made before; emoji-vae's on the 4096 training images of its PCA rows), read in the
# same unit. emoji-vae's is 2.4-3.1 times the even leftover (1.75-2.29 against 0.74), and 0.22-0.49 of each row's
# length lies outside its 16 PCs. benchmarks/typicality.py, before -> after (images in random order: the VAE figures
# above took the first ones of the folder, mostly flags):
#   encoded images (2000)  green 85.5% -> 83.7%, red 3.9% -> 4.0%; held out of its training (512)  green 85.0% ->
#     83.2%, red 4.9% either way
#   one named slider at +-3 sigma (100 images)  at least amber 28.8% -> 55.9%, red 9.2% -> 17.8%; at +-4.5  45.3% ->
#     76.6% (p50 2.87 -> 4.22); one PC slider at +-3  at least amber 60.6% -> 62.5%; Randomise green 40% -> 36%
#   each named slider at +-3 on 50 held-out images, at least amber: Smileys, Animals, Food  18-36% -> 56-84%; skin
#     tone 18-28% -> 38-48%; style and Flags, whose parts outside the PCs are the shortest (0.27, 0.22), 18-26% ->
#     20-28%
# Grids looked at (8 held-out images and a drawn smiley, each named slider at +-3): Animals and Food smear or wash out
# either way and now read amber or red; Smileys at -3 tints blue and blurs (now amber), at +3 rings the picture in a
# glow (still green on most); style and Flags change pictures cleanly and stay green. Read in 1.0 standard deviation,
# held-out images read green 79.3% (named pushes at least amber 69%); in 1.5, 84.8% (43%).
OUTSIDE_PCS_UNIT = 1.25


def band(sigma: float) -> int:
    """0 typical, 1 unusual, 2 off-distribution: the meter's colour of a reading, judged on the value it shows
    (one decimal), so "3.0σ" is never called typical, as a ±3σ slider read 2.9999997 a third of the time."""
    shown = round(sigma, 1)
    return 0 if shown < TYPICAL_BELOW else 1 if shown < UNUSUAL_BELOW else 2


@dataclass(frozen=True, eq=False)
class PriorModel:
    """The Gaussian the directions describe: spread sigma along each PCA row (explained > 0; all
    rows when none say), and a total variance `typical` of what those rows leave out (0: none)."""
    basis: np.ndarray  # (K, D) float64, the PCA rows
    sigma: np.ndarray  # (K,) float64
    typical: float     # expected squared norm of the residual off the PCA rows
    rows: np.ndarray   # (K,) int, where the PCA rows are among the directions

    @classmethod
    def of(cls, directions: Directions) -> "PriorModel":
        """The typical residual comes from the explained fractions (total variance = sum sigma^2 /
        sum explained); when they are unknown, each remaining dimension is assumed to vary like the
        smallest sigma."""
        pca = directions.explained > 0
        if not pca.any():
            pca = np.ones(len(directions), bool)
        basis = directions.basis[pca].astype(np.float64)
        sigma = directions.sigma[pca].astype(np.float64)
        k, dim = basis.shape
        explained = float(directions.explained[pca].sum())
        if 0 < explained < 1:
            typical = float(np.sum(sigma**2) * (1 - explained) / explained)
        else:
            typical = float((dim - k) * sigma.min() ** 2)
        return cls(basis, sigma, max(typical, 0.0) if dim > k else 0.0, np.flatnonzero(pca))

    def spread(self, vectors: np.ndarray) -> np.ndarray:
        """(K',) the standard deviation of the distribution along each unit row of vectors (K', D):
        sigma for a PCA row, a mix of the sigmas and the residual's spread for any other."""
        on = np.asarray(vectors, np.float64) @ self.basis.T  # (K', K)
        off = np.clip(1 - np.sum(on**2, axis=1), 0, None)   # the share of each row off the PCA rows
        per_dim = self.typical / max(self.basis.shape[1] - self.basis.shape[0], 1)
        return np.sqrt(on**2 @ self.sigma**2 + off * per_dim)


def latent_rows(latent: np.ndarray, directions: Directions) -> np.ndarray:
    """(N, D): the latent as one row, or a spatial latent (C, h, w) with per-channel directions as
    one row per latent pixel (each a C-vector), centred on the directions' mean."""
    x = np.asarray(latent, np.float64)
    dim = directions.basis.shape[1]
    rows = x.reshape(dim, -1).T if x.ndim == 3 and x.shape[0] == dim and x.size != dim else x.reshape(1, -1)
    return rows - directions.mean


def prior_distance(latent: np.ndarray, directions: Directions) -> float:
    """How far a latent sits from the model's latent distribution, in sigma units: about 1 for a
    typical latent (an encoded training image, an untruncated GAN sample), below 1 towards the
    mean (truncation), and growing as edits push it off the data the decoder was trained on.
    Being an average over every direction, it hardly moves when one direction is pushed far
    (see reading, for the meter).

    Two parts, weighted equally: the RMS of the coordinates along the PCA rows divided by their
    sigma, and the norm of what the PCA rows do not capture, relative to its typical size (PriorModel):
    d = sqrt((mean_k (c_k / sigma_k)^2 + |r|^2 / typical) / 2).
    A spatial latent is measured pixel by pixel, and the distances are averaged over the pixels."""
    prior = PriorModel.of(directions)
    centred = latent_rows(latent, directions)  # (N, D)
    coords = centred @ prior.basis.T
    inside = np.mean((coords / prior.sigma) ** 2, axis=1)
    if prior.typical <= 0:
        return float(np.mean(np.sqrt(inside)))
    residual = centred - coords @ prior.basis
    return float(np.mean(np.sqrt((inside + np.sum(residual**2, axis=1) / prior.typical) / 2)))


def strongest_direction(latent: np.ndarray, directions: Directions) -> tuple[float, int]:
    """(distance, row): the PCA row along which the latent lies furthest out, in standard deviations of
    the distribution along it (PriorModel.spread: its sigma), and how far. Named rows are left out: an
    attribute's direction parts two groups (smileys from the rest), so the images of the smaller group
    lie far out along it by design. The first picture of the app, an unedited smiley, read "3.2σ on
    category: other → Smileys & Emotion (unusual)"; a push along a named slider shows on the PCA rows it
    moves, and on its part outside them (outside_pcs). A spatial latent is measured per latent
    pixel, RMS over the pixels."""
    prior = PriorModel.of(directions)
    z = latent_rows(latent, directions) @ prior.basis.T / prior.sigma  # (N, K)
    per_row = np.sqrt(np.mean(z**2, axis=0))
    best = int(np.argmax(per_row))
    return float(per_row[best]), int(prior.rows[best])


def nearest_distance(latent: np.ndarray, directions: Directions) -> float | None:
    """How far the latent lies from the nearest of the directions' anchors (a GAN's mapped w), in their spacing
    (SPACING_PER_SIGMA): about 1 for a mapped w; None without anchors. The directions' Gaussian is one cloud,
    but a conditional GAN's w lie in a cloud per class with empty space between, and a photo inverted into the
    face GAN ended in it: 1.7 sigma by the directions, typical, where a slider step moved it three times as far
    as a sample (a GAN draws only near where it was trained)."""
    anchors = directions.anchors
    if anchors is None or anchors.spacing <= 0 or np.size(latent) != anchors.points.shape[1]:
        return None
    x = np.asarray(latent, np.float64).reshape(-1)
    # |p - x|² = |p|² - 2 p·x + |x|²: one matrix-vector product on each slider move, where (points - x) built an
    # (N, D) array (2-7 ms at D = 512); rounding may take a point's own distance a hair below 0. einsum, not `@`:
    # BLAS splits it over threads that sleep between slider moves, and waking them while the worker decodes took
    # 10-28 ms a call where einsum's one thread took 0.5
    square = float(np.min(anchors.square_norms - 2 * np.einsum("nd,d->n", anchors.points, x))) + float(x @ x)
    return in_spacing(float(np.sqrt(max(square, 0.0))), anchors)


def in_spacing(nearest: float, anchors: Anchors) -> float:
    """A distance to the nearest anchor as the meter reads it: in SPACING_PER_SIGMA times the anchors' spacing, or on
    the spread of their own nearest distances where that reads further (OUTLYING_READS)."""
    by_spacing = nearest / (SPACING_PER_SIGMA * anchors.spacing)
    if anchors.outlying <= anchors.spacing:  # too few anchors to tell how their distances spread
        return by_spacing
    by_spread = 1 + (OUTLYING_READS - 1) * (nearest - anchors.spacing) / (anchors.outlying - anchors.spacing)
    return max(by_spacing, by_spread)


def outside_pcs(latent: np.ndarray, directions: Directions) -> tuple[float, int] | None:
    """(distance, row): how far the latent lies along the part of a named direction (or the user's) that the PCA rows
    leave out, in OUTSIDE_PCS_UNIT standard deviations of the model's latents along that part, for the row where it
    lies furthest; None where no row has such a part with a spread known. A push along a named slider moves the PCs
    only by its part within them: cat-face at +3 sigma on the face GAN blotched a face and read 2.6, typical, where
    its part outside them (half of it) went 4.7 standard deviations out. PC sliders never move it (it is square to
    every PCA row). The directions' Gaussian guesses that spread as the leftover variance spread evenly
    (PriorModel.typical): about half of what the model's latents show along a named direction's part outside the PCs.
    The spread is a GAN's mapped w's (its anchors) where there are some, else as measured where the directions were
    made (Directions.outside_spread: a VAE's training latents, measured_outside_spread)."""
    if np.size(latent) != directions.basis.shape[1]:  # a spatial latent read per pixel: its rows are the channels
        return None
    parts = _outside_parts(directions)
    if not len(parts.rows):
        return None
    x = np.asarray(latent, np.float64).reshape(-1) - directions.mean
    per_row = np.abs(np.einsum("kd,d->k", parts.units, x)) / parts.unit_sigma  # einsum: see nearest_distance
    best = int(np.argmax(per_row))
    return float(per_row[best]), int(parts.rows[best])


MIN_OUTSIDE = 1e-6  # a row with less of its length outside the PCs lies within their span: it shows on them


def measured_outside_spread(directions: Directions, latents: np.ndarray) -> Directions:
    """directions with outside_spread measured on the model's latents (N, D): their standard deviation along each
    named row's part outside the PCA rows (0 for a PCA row, and for a row within their span), which outside_pcs
    reads a latent in where there are no anchors. A VAE has no latents of its own at run time; where its named rows
    are made, its training images' latents are at hand."""
    rows, units, norms = _named_outside(directions)
    x = np.asarray(latents, np.float64).reshape(len(latents), -1)
    along = (x - x.mean(0)) @ units.T  # (N, K')
    spread = np.zeros(len(directions), np.float32)
    spread[rows] = np.where(norms > MIN_OUTSIDE, np.std(along, axis=0, ddof=1), 0.0)  # ddof 1, as Anchors' np.cov
    return replace(directions, outside_spread=spread if spread.any() else None)


@dataclass(frozen=True)
class _OutsideParts:
    rows: np.ndarray        # (K',) the directions' non-PCA rows with a part outside the PCs that the latents vary along
    units: np.ndarray       # (K', D) that part, at unit length
    unit_sigma: np.ndarray  # (K',) what reads 1 sigma along it: OUTSIDE_PCS_UNIT times the latents' spread


# per Directions, made at its first reading and gone with it: the anchors' spread along each part costs K' * D^2
# (4 ms at D = 512), where each slider move then projects the latent alone
_outside_cache: weakref.WeakKeyDictionary[Directions, _OutsideParts] = weakref.WeakKeyDictionary()


def _outside_parts(directions: Directions) -> _OutsideParts:
    parts = _outside_cache.get(directions)
    if parts is None:
        rows, units, norms = _named_outside(directions)
        anchors = directions.anchors
        if anchors is not None and anchors.covariance is not None:
            spread = anchors.spread(units)
        else:  # a VAE's, stored in its directions file; 0 where none was measured (its user's own rows)
            spread = directions.outside_spread_or_0[rows].astype(np.float64)
        keep = (norms > MIN_OUTSIDE) & (spread > 0)
        parts = _OutsideParts(rows[keep], units[keep], OUTSIDE_PCS_UNIT * spread[keep])
        _outside_cache[directions] = parts
    return parts


def _named_outside(directions: Directions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, units, norms): the non-PCA rows, their parts outside the PCA rows' span at unit length (K', D), and
    those parts' lengths (K',)."""
    prior = PriorModel.of(directions)
    rows = np.setdiff1d(np.arange(len(directions)), prior.rows)
    named = directions.basis[rows].astype(np.float64)
    outside = named - (named @ prior.basis.T) @ prior.basis  # (K', D)
    norms = np.linalg.norm(outside, axis=1)
    return rows, outside / np.maximum(norms, 1e-12)[:, None], norms


@dataclass(frozen=True)
class Reading:
    """The typicality meter's reading: sigma, and the label of the direction that sets it (None when
    the overall distance does)."""
    sigma: float
    direction: str | None


def reading(latent: np.ndarray, directions: Directions) -> Reading:
    """The largest of the overall distance, the strongest single direction, the named directions' parts outside the
    PCs (where their spread is known) and (with anchors) the distance to the nearest mapped w. The overall distance
    alone averages a slider pushed far away with every direction left alone: one PC at 4.5 sigma, which breaks the
    picture, read ~1.4 (benchmarks/typicality.py)."""
    overall = prior_distance(latent, directions)
    strongest, row = strongest_direction(latent, directions)
    nearest = nearest_distance(latent, directions)
    outside = outside_pcs(latent, directions)
    if outside is not None and outside[0] > max(overall, strongest, nearest or 0.0):
        return Reading(outside[0], directions.labels[outside[1]].split(" (")[0])
    if nearest is not None and nearest > max(overall, strongest):
        return Reading(nearest, None)
    if strongest >= overall:
        return Reading(strongest, directions.labels[row].split(" (")[0])
    return Reading(overall, None)
