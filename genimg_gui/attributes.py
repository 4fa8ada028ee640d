"""Directions from examples: "from" and "to" latents -> a unit direction and its slider unit.

Plain numpy (no torch, no Qt), so the app can run it on the UI thread for a few
hundred latents. The user's own directions are saved and read by user_directions.py.
"""
from __future__ import annotations

import numpy as np

from .edit import Directions

METHODS = ("means", "linear")


def _groups(from_latents: np.ndarray, to_latents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(from_latents, np.float64)
    b = np.asarray(to_latents, np.float64)
    if a.size == 0 or b.size == 0:
        raise ValueError("a direction needs at least one 'from' and one 'to' example")
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"'from' latents have size {a.shape[1]} but 'to' latents {b.shape[1]}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("the example latents contain NaN or infinite numbers")
    return a, b


def direction_from_examples(from_latents: np.ndarray, to_latents: np.ndarray,
                            method: str = "means", l2: float = 0.1) -> tuple[np.ndarray, float]:
    """A unit vector (D,) pointing from the "from" examples (N, D) to the "to" examples (M, D),
    and sigma, the slider unit (slider_unit): the pooled within-group spread of the examples along
    it, so +1 sigma moves an image about as far as the examples of one group differ among
    themselves, but at least a third of the gap between the groups.

    method "means": the difference of the group means. "linear": the normal of a logistic
    regression separating the groups (L2-regularised, balanced classes; InterFaceGAN), which
    sees through noise the groups share (it weighs dimensions by how well they separate, not
    by how much the means differ). It needs many examples (hundreds for a 1024-d latent); with
    a handful, prefer "means". A large l2 turns "linear" into "means".

    On that scale the "to" mean sits separation(...) sigmas from the "from" mean (Cohen's d, at
    most 3): moving a typical "from" latent by that many sigmas lands it, on average, on the "to"
    mean along the direction."""
    a, b = _groups(from_latents, to_latents)
    if method == "means":
        vector = b.mean(0) - a.mean(0)
    elif method == "linear":
        vector = _logistic_normal(a, b, l2)
    else:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    norm = np.linalg.norm(vector)
    if not np.isfinite(norm) or norm < 1e-12:
        raise ValueError("the 'from' and 'to' examples do not differ: no direction between them")
    unit = vector / norm
    return unit.astype(np.float32), slider_unit(a, b, unit)


def slider_unit(from_latents: np.ndarray, to_latents: np.ndarray, vector: np.ndarray) -> float:
    """The slider's unit (sigma) along a unit vector: the pooled spread of the examples within their
    groups, or a third of the gap between the group means where that is more, so that the slider's
    +3 sigma end (its range) always reaches the other group. The gap wins where the groups barely
    vary along the direction: a linear classifier picks just such a direction (its examples sat
    16.7 within-group spreads apart, and +3 went 18 % of the way), and one example per group, or
    identical copies, have no spread at all."""
    a, b = _groups(from_latents, to_latents)
    pa, pb = a @ np.asarray(vector, np.float64), b @ np.asarray(vector, np.float64)
    dof = len(pa) + len(pb) - 2
    pooled = np.sqrt((np.sum((pa - pa.mean()) ** 2) + np.sum((pb - pb.mean()) ** 2)) / dof) if dof > 0 else 0.0
    unit = max(float(pooled), abs(float(pb.mean() - pa.mean())) / 3)
    return unit if unit > 0 else 1.0


def separation(from_latents: np.ndarray, to_latents: np.ndarray, vector: np.ndarray, sigma: float) -> float:
    """How many sigmas along vector the "to" mean sits from the "from" mean."""
    a, b = _groups(from_latents, to_latents)
    return float((b.mean(0) - a.mean(0)) @ np.asarray(vector, np.float64) / sigma)


def _logistic_normal(a: np.ndarray, b: np.ndarray, l2: float, steps: int = 400) -> np.ndarray:
    """Plain-numpy logistic regression by gradient descent with Nesterov momentum; the weight
    vector in the original coordinates. Inputs are centred and divided by one global scale (unit
    variance per dimension on average), which makes l2 mean the same for any latent and keeps the
    step size safe without changing the direction."""
    x = np.vstack([a, b])
    y = np.r_[np.zeros(len(a)), np.ones(len(b))]
    weight = np.where(y == 1, 0.5 / len(b), 0.5 / len(a))  # balanced: each group counts half
    centre = x.mean(0)
    scale = np.sqrt(np.mean((x - centre) ** 2)) or 1.0
    x = (x - centre) / scale
    # the loss's curvature is at most 0.25 * the largest eigenvalue of the weighted covariance
    top = _top_eigenvalue((x * weight[:, None]).T @ x)
    lr = 1.0 / (0.25 * top + l2)
    w = np.zeros(x.shape[1])
    bias = 0.0
    velocity, vbias = np.zeros_like(w), 0.0
    for _ in range(steps):
        look, lookb = w + 0.9 * velocity, bias + 0.9 * vbias
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ look + lookb, -30, 30)))
        err = weight * (p - y)
        velocity = 0.9 * velocity - lr * (x.T @ err + l2 * look)
        vbias = 0.9 * vbias - lr * err.sum()
        w, bias = w + velocity, bias + vbias
    return w / scale


def _top_eigenvalue(m: np.ndarray, iterations: int = 30) -> float:
    v = np.random.default_rng(0).standard_normal(m.shape[0])
    for _ in range(iterations):
        v = m @ v
        v /= np.linalg.norm(v) or 1.0
    return float(v @ m @ v)


def label_directions(latents: np.ndarray, labels: dict[str, np.ndarray], method: str = "means") -> Directions:
    """One direction per label, from the latents without it to those with it (labels: name ->
    bool mask over the N latents). The set's mean is the mean of all latents."""
    x = np.asarray(latents, np.float64).reshape(len(latents), -1)
    rows, sigmas = [], []
    for name, mask in labels.items():
        mask = np.asarray(mask, bool)
        if mask.shape != (len(x),):
            raise ValueError(f"label {name!r} marks {mask.shape} latents, not ({len(x)},)")
        vector, sigma = direction_from_examples(x[~mask], x[mask], method)
        rows.append(vector)
        sigmas.append(sigma)
    return Directions(x.mean(0).astype(np.float32), np.asarray(rows, np.float32).reshape(len(rows), x.shape[1]),
                      np.asarray(sigmas, np.float32), np.zeros(len(rows), np.float32), tuple(labels))
