"""Latent directions: PCA of a model's latent distribution, cached beside its weights.

A direction set is plain numpy: `mean` (D,), `basis` (K, D) with unit rows,
`sigma` (K,) the standard deviation along each row (the slider's unit), and
`explained` (K,) the fraction of variance each explains; optionally `outside_spread` (K,), the
latents' spread along each named row's part outside the PCA rows (Directions.outside_spread).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from ..edit import Directions
from ..file_damage import damage_reason
from ..wording import listed
from .weights import DIRECTIONS_NAME, ModelFileError, atomic_path


# a spread below this fraction of the latents' largest magnitude is float32 rounding, not variation
ROUNDING = 1e-6
TENSORS = frozenset({"mean", "basis", "sigma", "explained"})  # every directions file holds these
OUTSIDE_SPREAD = "outside_spread"  # ... and this one where named rows' spreads were measured (Directions')
MENDED = "copy it again from where the model came from, or delete it to have the directions estimated"


def pca(samples: torch.Tensor, k: int) -> Directions:
    """Top-k principal directions of samples (N, D) via SVD of the centred data. Directions along which the
    samples do not vary are left out, so a model whose latents are all alike (one picture learnt from, a collapsed
    GAN) has none: a slider along them would move nothing, and their share of no variance is 0/0 (NaN)."""
    x = samples.double().flatten(1)
    mean = x.mean(0)
    _, s, vh = torch.linalg.svd(x - mean, full_matrices=False)
    var = s.pow(2) / max(1, x.shape[0] - 1)
    noise = (ROUNDING * float(x.abs().max())) ** 2 if x.numel() else 0.0
    k = min(k, int((var > noise).sum()))
    explained = (var[:k] / var.sum()).numpy() if k else np.zeros(0)
    labels = tuple(f"PC{i + 1} ({100 * e:.1f}%)" for i, e in enumerate(explained))
    return Directions(mean.float().numpy(), vh[:k].float().numpy(), var[:k].sqrt().float().numpy(),
                      explained.astype(np.float32), labels)


def save_directions(folder: Path, d: Directions) -> None:
    arrays = {"mean": d.mean, "basis": d.basis, "sigma": d.sigma, "explained": d.explained}
    if d.outside_spread is not None:
        arrays[OUTSIDE_SPREAD] = d.outside_spread
    # safetensors writes the raw buffer: a Fortran-ordered array (SVD output) would be stored transposed
    with atomic_path(Path(folder) / DIRECTIONS_NAME) as tmp:
        save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()},
                  str(tmp), metadata={"labels": "\n".join(d.labels)})


def load_directions(folder: Path, dim: int, latent: str = "") -> Directions | None:
    """The cached directions, or None if there are none; a mismatched cache is an error, which says how the card
    makes the latent (latent: "4×32×32 at resolution 128"), since a card edited by hand may be what is wrong."""
    path = Path(folder) / DIRECTIONS_NAME
    if not path.is_file():
        return None
    try:
        t = load_file(str(path))
        from safetensors import safe_open
        with safe_open(str(path), "np") as f:
            labels = tuple((f.metadata() or {}).get("labels", "").split("\n"))
    except Exception as e:  # safetensors raises several types for corrupt files
        raise ModelFileError(f"{path} is not a readable directions file ({damage_reason(e, path)})") from None
    if missing := sorted(TENSORS - set(t)):
        raise ModelFileError(f"{path} is damaged: it lacks the tensor(s) {', '.join(missing)} that every directions "
                             f"file holds ({', '.join(sorted(TENSORS))}); {MENDED}")
    if t["basis"].ndim != 2 or t["basis"].shape[1] != dim:
        made = f" ({latent}, as the model's card.json gives it: if that is wrong, correct the card)" if latent else ""
        raise ModelFileError(f"{path} holds directions of size {t['basis'].shape} for a latent of {dim}{made}")
    if problem := _length_problem(t):
        raise ModelFileError(f"{path} is damaged: {problem}; {MENDED}")
    if not all(np.isfinite(t[name]).all() for name in ("mean", "basis", "sigma", "explained")):
        return None  # NaN shares written by a pca() that divided no variance by none: recomputed and rewritten
    if len(labels) != t["basis"].shape[0]:
        labels = tuple(f"PC{i + 1}" for i in range(t["basis"].shape[0]))
    if still := [label for label, sigma in zip(labels, t["sigma"]) if sigma == 0]:
        # pca() leaves such rows out: a slider whose σ is 0 moved nothing, and the typicality meter divided by it
        raise ModelFileError(f"{path} is damaged: its sigma is 0 for {listed(still, 3)}, and a slider whose σ is 0 "
                             f"cannot move the picture; {MENDED}")
    mean, basis, sigma, explained = (np.asarray(t[k], np.float32) for k in ("mean", "basis", "sigma", "explained"))
    return Directions(mean, basis, sigma, explained, labels, outside_spread=_outside_spread(t))


def stored_labels(folder: Path) -> tuple[str, ...]:
    """The labels a model folder's directions file records, read from its header alone; () where it has none or
    cannot be read (load_directions says why, when that model is loaded)."""
    from safetensors import safe_open
    try:
        with safe_open(str(Path(folder) / DIRECTIONS_NAME), "np") as f:
            labels = (f.metadata() or {}).get("labels", "")
    except Exception:  # no file, or a damaged one: safetensors raises several types
        return ()
    return tuple(labels.split("\n")) if labels else ()


def _length_problem(tensors: dict[str, np.ndarray]) -> str:
    """What is wrong with the lengths of mean, sigma and explained beside a (K, D) basis, in words; "" if nothing. A
    sigma cut short had made an edit along the rows past its end move nothing, silently; a mean of the wrong length
    broke the typicality meter at every slider move."""
    rows, size = tensors["basis"].shape
    wanted = {"mean": (size, f"one number per latent value ({size})"),
              "sigma": (rows, f"one number per direction ({rows})"),
              "explained": (rows, f"one number per direction ({rows})")}
    for name, (length, what) in wanted.items():
        if tensors[name].shape != (length,):
            found = tensors[name]
            said = f"{found.size} numbers" if found.ndim == 1 else f"an array of shape {found.shape}"
            return f"its {name} holds {said} where it must hold {what}"
    return ""


def _outside_spread(tensors: dict[str, np.ndarray]) -> np.ndarray | None:
    """The file's outside_spread; None where it has none (written before it was measured), or one that is not a
    non-negative number per row: it only lets the typicality meter read named pushes further, and the file's
    directions are whole without it."""
    spread = tensors.get(OUTSIDE_SPREAD)
    if spread is None or spread.shape != tensors["sigma"].shape or not np.all(np.isfinite(spread) & (spread >= 0)):
        return None
    return spread
