"""Edit state and directions: plain numpy, shared by the UI, the CLI and the engine's tests.

An edit is a base latent plus one value per direction, in sigma units; the
latent to decode is base + sum_i value_i * sigma_i * direction_i. An optional
soft mask limits the edit to part of the image: the edited and the unedited
decodes are blended in pixel space (masking.blend).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from .masking import rounded_mask
from .wording import listed, quoted, quoted_list


class AmbiguousDirection(ValueError):
    """A direction name that is the topic of several directions ('category' of 'category: other → Flags', …)."""


@dataclass(frozen=True, eq=False)
class Anchors:
    """Latents the model draws (a GAN's mapped w of sampled z), and how far apart they lie: the typicality meter
    asks how far a latent lies from the nearest (typicality.nearest_distance). A photo inverted into the face GAN
    ended 17 units from every mapped w, where they lie 4 apart, and the directions' Gaussian still called it typical."""
    points: np.ndarray        # (N, D) float64, as the latents measured: a product of float32 and float64 made a copy
    spacing: float            # the median distance from a point to its nearest other
    square_norms: np.ndarray  # (N,) |p|², kept: a latent's distances are then one matrix-vector product
    # the 99th percentile of the distances from a point to its nearest other: how far the loneliest 1 % of the points
    # lie, which sets the meter's unit where they lie evenly (typicality.in_spacing); 0: too few points to tell
    outlying: float = 0.0
    # (D, D) the points' covariance: their spread along any direction, where the directions' Gaussian, which keeps
    # only the PCA rows, guesses the rest as one even spread (typicality.outside_pcs); None: too few points to tell
    covariance: np.ndarray | None = None

    @classmethod
    def of(cls, points: np.ndarray) -> "Anchors":
        x = np.ascontiguousarray(points, np.float64)
        sq = np.sum(x ** 2, axis=1)
        nearest = np.empty(len(x))
        for start in range(0, len(x), 256):  # (256, N) distances at a time: 4 MB, not (N, N)
            block = x[start:start + 256]
            d2 = sq[start:start + 256, None] - 2 * block @ x.T + sq[None]
            d2[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf  # not itself
            nearest[start:start + len(block)] = np.sqrt(np.clip(d2.min(axis=1), 0, None))
        if len(x) < 2:
            return cls(x, 0.0, sq)
        return cls(x, float(np.median(nearest)), sq, float(np.percentile(nearest, 99)), np.cov(x, rowvar=False))

    def spread(self, vectors: np.ndarray) -> np.ndarray:
        """(K,) the points' standard deviation along each unit row of vectors (K, D)."""
        v = np.asarray(vectors, np.float64)
        return np.sqrt(np.clip(np.einsum("kd,de,ke->k", v, self.covariance, v), 0, None))


@dataclass(frozen=True, eq=False)
class Directions:
    """K unit directions in a D-dimensional latent, with the spread along each.

    The PCA rows come first (explained > 0); named or user directions appended
    after them have explained = 0 and need not be orthogonal to anything."""
    mean: np.ndarray       # (D,)
    basis: np.ndarray      # (K, D), unit rows
    sigma: np.ndarray      # (K,), the slider's unit
    explained: np.ndarray  # (K,), variance fraction (0 where unknown)
    labels: tuple[str, ...]
    anchors: Anchors | None = None  # where the model's latents lie, beyond the Gaussian above; None: unknown
    # (K,) the model's latents' standard deviation along each named row's part outside the PCA rows, measured where
    # the rows were made (typicality.measured_outside_spread: a VAE, which has no anchors to measure it on at run
    # time); 0 where not measured (a PCA row, the user's own rows). None: none stored (a file written before they were)
    outside_spread: np.ndarray | None = None

    def __len__(self) -> int:
        return self.basis.shape[0]

    def _with_rows(self, basis: np.ndarray, sigma: np.ndarray, explained: np.ndarray,
                   labels: Sequence[str], outside_spread: np.ndarray) -> "Directions":
        # none measured is None, as loaded from a file without them: saved, it gains no tensor of 0s
        spread = np.asarray(outside_spread, np.float32) if np.any(outside_spread) else None
        return Directions(self.mean, np.ascontiguousarray(basis, np.float32), np.asarray(sigma, np.float32),
                          np.asarray(explained, np.float32), tuple(labels), self.anchors, spread)

    @property
    def outside_spread_or_0(self) -> np.ndarray:
        """(K,) outside_spread, 0 where none was measured (or none stored)."""
        return np.zeros(len(self), np.float32) if self.outside_spread is None else self.outside_spread

    def with_direction(self, vector: np.ndarray, sigma: float, label: str) -> "Directions":
        """A copy with one more direction (normalised to unit length) at the end, its outside_spread not measured."""
        unit = _unit(vector, self.basis.shape[1])
        if not (np.isfinite(sigma) and sigma > 0):
            raise ValueError(f"sigma must be a positive number, not {sigma}")
        return self._with_rows(np.vstack([self.basis, unit[None]]), np.append(self.sigma, sigma),
                               np.append(self.explained, 0.0), self.labels + (label,),
                               np.append(self.outside_spread_or_0, 0.0))

    def appended(self, other: "Directions") -> "Directions":
        """A copy with all of other's rows after ours (our mean is kept)."""
        if other.basis.shape[1] != self.basis.shape[1]:
            raise ValueError(f"directions of size {other.basis.shape[1]} do not fit a latent of {self.basis.shape[1]}")
        return self._with_rows(np.vstack([self.basis, other.basis]), np.append(self.sigma, other.sigma),
                               np.append(self.explained, other.explained), self.labels + other.labels,
                               np.append(self.outside_spread_or_0, other.outside_spread_or_0))

    def renamed(self, i: int, label: str) -> "Directions":
        labels = list(self.labels)
        labels[self._check(i)] = label
        return self._with_rows(self.basis, self.sigma, self.explained, labels, self.outside_spread_or_0)

    def without(self, i: int) -> "Directions":
        keep = np.arange(len(self)) != self._check(i)
        return self._with_rows(self.basis[keep], self.sigma[keep], self.explained[keep],
                               [lab for lab, k in zip(self.labels, keep) if k], self.outside_spread_or_0[keep])

    def subset(self, indices: Sequence[int]) -> "Directions":
        idx = [self._check(i) for i in indices]
        rows = self.basis[idx].reshape(len(idx), self.basis.shape[1])  # no rows too: a (0, D) basis
        return self._with_rows(rows, self.sigma[idx], self.explained[idx], [self.labels[i] for i in idx],
                               self.outside_spread_or_0[idx])

    def index_of(self, label: str) -> int:
        """The row with this label; failing an exact match, a case-insensitive match of the
        name before ' (' (so 'pc1' finds 'PC1 (12.3%)'), then of a named direction's topic before ':' ('skin tone'
        finds 'skin tone: lighter → darker'); '->' is read as '→'. Raises ValueError, like list.index;
        AmbiguousDirection when the topic is several directions'."""
        return label_index(self.labels, label)

    def orthogonalized(self, i: int, against: Sequence[int]) -> "Directions":
        """A copy whose i-th row is projected orthogonal to the rows `against`, re-normalised:
        moving along it leaves the projections on those directions unchanged (conditional
        editing, as InterFaceGAN's). Its sigma is kept, so a slider step moves as far as before."""
        i = self._check(i)
        others = [self._check(j) for j in against if j != i]
        row = self.basis[i].astype(np.float64)
        if others:
            row = _outside(row, self.basis[others].astype(np.float64))
        if np.linalg.norm(row) < 1e-6:
            holding = _holding(self.basis[i].astype(np.float64), self.basis[others].astype(np.float64))
            names = [self.labels[others[j]] for j in holding]
            raise ValueError(f"{quoted(self.labels[i])} "
                             + (f"lies within {quoted(names[0])}" if len(names) == 1 else
                                f"is a mix of {quoted_list(names, 3)}")
                             + ", which it should be kept apart from")
        basis = self.basis.copy()
        basis[i] = row / np.linalg.norm(row)
        spread = self.outside_spread_or_0.copy()
        spread[i] = 0.0  # measured along the row as it was: its part outside the PCs is another now
        return self._with_rows(basis, self.sigma, self.explained, self.labels, spread)

    def _check(self, i: int) -> int:
        if not -len(self) <= i < len(self):
            raise IndexError(f"direction {i} does not exist (there are {len(self)})")
        return i % len(self)


def _holding(row: np.ndarray, rows: np.ndarray) -> list[int]:
    """The fewest of rows that row (unit length, within their span) lies within, the one that holds most of it first:
    each next the one that leaves least of it outside, until less than a thousandth is. Named in a refusal: "lies
    within the directions it should be kept apart from" left the user to guess which one it made again."""
    picked: list[int] = []
    outside = 1.0
    while outside > 1e-3 and len(picked) < len(rows):
        left = {j: float(np.linalg.norm(_outside(row, rows[picked + [j]])))
                for j in range(len(rows)) if j not in picked}
        best = min(left, key=left.__getitem__)
        picked.append(best)
        outside = left[best]
    return picked


def _outside(row: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """row's part outside the span of rows (n, D)."""
    q, _ = np.linalg.qr(rows.T)  # (D, n) orthonormal span
    return row - q @ (q.T @ row)


def _unit(vector: np.ndarray, dim: int) -> np.ndarray:
    v = np.asarray(vector, np.float64).ravel()
    if v.size != dim:
        raise ValueError(f"a direction of size {v.size} does not fit a latent of {dim}")
    norm = np.linalg.norm(v)
    if not np.isfinite(norm) or norm == 0:
        raise ValueError("a direction must be a finite, non-zero vector")
    return (v / norm).astype(np.float32)


@dataclass(frozen=True, eq=False)
class EditState:
    base: np.ndarray             # flattened latent (D,)
    values: tuple[float, ...]    # one per direction, sigma units
    mask: np.ndarray | None = None  # (H, W) float32 in [0, 1] at the decoded resolution; None = everywhere
    # the mask began as the edit everywhere, its first stroke an erase on a picture with no mask: edits apply outside
    # the erased part. Kept from what the user did, not read off the pixels: a frame painted along the border and a
    # blob erased from the middle can be the same mask
    mask_erased: bool = False

    def with_values(self, values: tuple[float, ...]) -> "EditState":
        return replace(self, values=tuple(float(v) for v in values))

    def with_mask(self, mask: np.ndarray | None, erased: bool | None = None, rounded: bool = False) -> "EditState":
        """A copy with this mask (None: edit everywhere), stored as a read-only float32 copy: states
        in the history share it, so painting must make a new array, never change this one.
        Values are rounded to 1/255 steps, what a recipe's mask PNG holds, so a saved recipe
        blends exactly as the app did (a 0.002 difference flips the rounding of some pixels).
        erased: whether the mask began by erasing (mask_erased); None keeps this state's.
        rounded: mask is already rounded_mask's, a float32 array no one changes while anything holds it: kept as it
        is (a brush stroke rounds only what each dab changed; rounding a photo's whole mask took 22 ms a dab; its
        previews reuse a copy only once nothing refers to it, MaskCopies)."""
        if mask is not None:
            mask = mask if rounded else rounded_mask(mask)
            if mask.ndim != 2:
                raise ValueError(f"a mask is (H, W), not {mask.shape}")
            mask.flags.writeable = False
        erased = self.mask_erased if erased is None else erased
        return replace(self, mask=mask, mask_erased=mask is not None and bool(erased))

    def same_as(self, other: "EditState | None") -> bool:
        return (other is not None and _same_values(self.values, other.values)
                and np.array_equal(self.base, other.base) and _same_mask(self.mask, other.mask)
                and self.mask_erased == other.mask_erased)


def _same_values(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Equal values, a missing one counting as 0: a state made before a direction was added has no value for it,
    and the same state with a 0 there (the sliders' values, once the new one shows) is no new step. Counted apart,
    a click on a slider of another image recorded a no-op step named "Edit"."""
    n = max(len(a), len(b))
    return a + (0.0,) * (n - len(a)) == b + (0.0,) * (n - len(b))


def _same_mask(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))


def shift(base: np.ndarray, steps: Sequence[tuple[float, float, np.ndarray]]) -> np.ndarray:
    """base + sum value * sigma * vector, in float32, accumulated row by row in the order
    given and skipping zero values. The app (edited_latent) and recipes (Recipe.apply) both
    come here so that the same edit gives the same latent bit for bit, hence the same pixels.
    A spatial latent (C, h, w) takes per-channel vectors (C,): added to every latent pixel."""
    latent = np.array(base, np.float32)
    # an edit float32 cannot hold gives inf, which the decode refuses in words (Runtime: a NaN/inf latent);
    # numpy's overflow RuntimeWarning came first, naming this line
    with np.errstate(over="ignore", invalid="ignore"):
        for value, sigma, vector in steps:
            if value:
                latent += np.float32(value) * np.float32(sigma) * _broadcastable(vector, latent.shape)
    return latent


def fits(latent: np.ndarray, directions: Directions) -> bool:
    """Whether directions apply to this latent: the same size, or per-channel on a (C, h, w) grid.
    A latent of a model just replaced (its item not yet re-encoded) does not fit."""
    return fits_size(np.shape(latent), directions.basis.shape[1])


def fits_size(shape: Sequence[int], dim: int) -> bool:
    """Whether vectors of dim numbers apply to a latent of this shape (see fits)."""
    return int(np.prod(shape)) == dim or (len(shape) == 3 and shape[0] == dim)


def _broadcastable(vector: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A direction shaped to add to a latent of this shape: as the latent, or (C, 1, 1) for (C, h, w)."""
    v = np.asarray(vector, np.float32).ravel()
    if v.size == int(np.prod(shape)):
        return v.reshape(shape)
    if len(shape) == 3 and v.size == shape[0]:
        return v.reshape(-1, 1, 1)
    raise ValueError(f"a direction of size {v.size} does not fit a latent of shape {tuple(shape)}")


def edited_latent(state: EditState, directions: Directions | None) -> np.ndarray:
    """The latent the decoder sees for this state (float32, same shape as base)."""
    if directions is None:
        return state.base.astype(np.float32, copy=True)
    rows = zip(state.values, directions.sigma, directions.basis)  # zip: extra values or rows are ignored
    return shift(state.base, list(rows))


def values_along(state: EditState, directions: Directions) -> tuple[float, ...]:
    """The state's slider values, exactly one per direction: a direction added since the state was made is at 0
    (edited_latent's zip skips it alike)."""
    values = state.values[:len(directions)]
    return values + (0.0,) * (len(directions) - len(values))


def label_index(labels: Sequence[str], label: str) -> int:
    """Directions.index_of on bare labels (the rules are told there)."""
    if label in labels:
        return labels.index(label)
    key = _match_key(label)
    short = [_match_key(_short_name(lab)) for lab in labels]
    if key in short:
        return short.index(key)
    matches = _topic_rows(short, key)
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = listed([_short_name(labels[i]) for i in matches], len(matches))
        raise AmbiguousDirection(f"{label!r} matches {len(matches)} directions: {names}; name one")
    raise ValueError(f"no direction {label!r}")


def _topic_rows(short_names: Sequence[str], key: str) -> list[int]:
    """The rows whose short name (lower case) has the topic key before its ':' ('skin tone' of 'skin tone: lighter
    → darker')."""
    return [i for i, name in enumerate(short_names) if name.split(":")[0].strip() == key]


def typed_name(text: str) -> str:
    """A direction's name as the user typed it (a rename, New direction's name box), made a label: outer spaces gone,
    "->" written as the labels' "→", which a keyboard lacks and the CLI reads "->" as (_match_key): "warm -> cool"
    was kept as typed, and shown so."""
    return re.sub(r"\s*->\s*", " → ", text.strip())


def _match_key(name: str) -> str:
    """A name as label_index compares it: lower case, outer spaces gone, "->" read as the labels' "→" (which a
    keyboard lacks: `--edit "subcategory: other -> face-smiling"=2` found no direction)."""
    return re.sub(r"\s*(?:->|→)\s*", " → ", name.strip().lower())


def _short_name(label: str) -> str:
    """The name before ' (': 'PC2' of 'PC2 (6.2%)'."""
    return label.split(" (")[0].strip()


def clashing_label(labels: Sequence[str], name: str, skip: int | None = None) -> str | None:
    """The label, of a row other than `skip`, that name would be taken for, else None: two sliders of one name
    cannot be told apart, and a value follows its name to another model (shared_rows). Taken for means the same
    label once case and outer spaces are set aside, or a row that index_of (as `genimg --edit NAME=…` does) finds
    by the name or by its short name ("pc2" and "PC2 (mine)" are PC2's when "PC2 (6.2%)" is a row)."""
    key = name.strip().casefold()
    same = next((label for i, label in enumerate(labels) if i != skip and label.strip().casefold() == key), None)
    if same is not None:
        return same
    others = [label for i, label in enumerate(labels) if i != skip]
    found = (_found(others, query) for query in (name, _short_name(name)))
    return next((label for label in found if label is not None), None)


def _found(labels: Sequence[str], name: str) -> str | None:
    """The label index_of would find for name among labels; the first of several a topic names (naming a direction
    after a shared topic would take it from them)."""
    try:
        return labels[label_index(labels, name)]
    except AmbiguousDirection:
        return labels[_topic_rows([_match_key(_short_name(lab)) for lab in labels], _match_key(name))[0]]
    except ValueError:
        return None


def shared_rows(old: Directions, new: Directions) -> dict[int, int]:
    """old row -> new row of the named directions (explained 0) both sets hold under one label. An attribute means
    the same in any model, its unit being its groups' spread in each; a principal component does not (PC1 of one
    model's latents is not PC1 of another's), nor does a row past the labels."""
    named = named_row_by_label(new)
    return {i: named[label] for i, label in enumerate(old.labels) if old.explained[i] == 0 and label in named}


def named_rows(directions: Directions) -> list[int]:
    """The rows of the named directions (explained 0): the model's attribute directions and the user's own, not the
    principal components."""
    return [i for i in range(len(directions)) if directions.explained[i] == 0]


def named_row_by_label(directions: Directions) -> dict[str, int]:
    """label -> row of each named direction (named_rows): those another model's rows can be matched to by label."""
    return {directions.labels[i]: i for i in named_rows(directions)}


def reexpressed(state: EditState, rows: dict[int, int], size: int,
                start: Sequence[float] | None = None) -> EditState:
    """state's slider values moved to another model's size directions along rows (shared_rows); the rest take
    start's values (a step's parent's in that model: what the step moved along the others is no change there),
    else 0. The base and mask stay."""
    values = list(start) if start is not None else [0.0] * size
    for i, value in enumerate(state.values):
        if i in rows:
            values[rows[i]] = value
    return state.with_values(tuple(values))


def without_direction(state: EditState, directions: Directions, i: int) -> EditState:
    """The same edit once row i is deleted from directions: its share (value * sigma * row) moves
    into base and its value is dropped, so the latent, hence the image, stays the same (up to
    float32 rounding, as the sum is taken in another order). Under a mask base is also what shows
    outside it, so there the share is dropped instead: moved into base, it spread the edit over the
    whole picture; dropped, outside the mask stays the unedited decode, and inside loses that part."""
    values = list(state.values)
    if not 0 <= i < len(values):
        return state
    value = values.pop(i)
    folded = value and state.mask is None
    base = shift(state.base, [(value, directions.sigma[i], directions.basis[i])]) if folded else state.base
    return replace(state, base=base, values=tuple(values))
