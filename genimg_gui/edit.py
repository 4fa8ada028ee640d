"""Edit state and history: plain numpy, shared by the UI, the CLI and the engine's tests.

An edit is a base latent plus one value per direction, in sigma units; the
latent to decode is base + sum_i value_i * sigma_i * direction_i.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True, eq=False)
class Directions:
    """K unit directions in a D-dimensional latent, with the spread along each."""
    mean: np.ndarray       # (D,)
    basis: np.ndarray      # (K, D), unit rows
    sigma: np.ndarray      # (K,), the slider's unit
    explained: np.ndarray  # (K,), variance fraction (0 where unknown)
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return self.basis.shape[0]


@dataclass(frozen=True, eq=False)
class EditState:
    base: np.ndarray             # flattened latent (D,)
    values: tuple[float, ...]    # one per direction, sigma units

    def with_values(self, values: tuple[float, ...]) -> "EditState":
        return replace(self, values=tuple(float(v) for v in values))

    def same_as(self, other: "EditState | None") -> bool:
        return other is not None and self.values == other.values and np.array_equal(self.base, other.base)


def edited_latent(state: EditState, directions: Directions | None) -> np.ndarray:
    """The latent the decoder sees for this state (float32, same shape as base)."""
    if directions is None or not any(state.values):
        return state.base.astype(np.float32, copy=True)
    coeffs = np.asarray(state.values, np.float32)[: len(directions)] * directions.sigma[: len(state.values)]
    return (state.base + coeffs @ directions.basis[: len(coeffs)]).astype(np.float32)


class History:
    """Linear undo/redo over edit states; a new edit after undo drops the redo tail."""

    def __init__(self, first: EditState) -> None:
        self._states = [first]
        self._index = 0

    @property
    def current(self) -> EditState:
        return self._states[self._index]

    def push(self, state: EditState) -> bool:
        """Record state unless it equals the current one; returns whether it was recorded."""
        if state.same_as(self.current):
            return False
        del self._states[self._index + 1:]
        self._states.append(state)
        self._index += 1
        return True

    def can_undo(self) -> bool:
        return self._index > 0

    def can_redo(self) -> bool:
        return self._index < len(self._states) - 1

    def undo(self) -> EditState:
        if self.can_undo():
            self._index -= 1
        return self.current

    def redo(self) -> EditState:
        if self.can_redo():
            self._index += 1
        return self.current

    def __len__(self) -> int:
        return len(self._states)
