"""Copies of a brush stroke's mask for its previews, made whole only when no earlier one is free. Pure numpy.

A preview's mask crosses to the worker thread, which reads it while it draws, and the item keeps it as the state it
asked for: the stroke, painted in place, must never change it under them. Each preview copied the whole mask (12 MB
on a 2048 px photo, once a frame while the brush moved). A copy no one holds any longer (its decode drawn or
superseded, its state replaced) is brought up to date where the stroke changed since it was made, and sent again.
"""
from __future__ import annotations

import sys

import numpy as np


def _holders(arrays: list[np.ndarray], i: int) -> int:
    """How many references arrays[i] has, counted as _ALONE is: one expression for both, so the interpreter's own
    temporary references (the argument's) are the same in each."""
    return sys.getrefcount(arrays[i])


_ALONE = _holders([np.empty(0)], 0)  # an array held by its list alone


class MaskCopies:
    """The copies of one stroke's mask sent so far. A copy is free when only this list refers to it: no request,
    state, result or view of it (a view holds the array it views) is left anywhere that could read it."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask  # the stroke's, changed in place
        self.changes: list[tuple[int, int, int, int]] = []  # the boxes changed, in order, this stroke
        self._copies: list[np.ndarray] = []
        self._synced: list[int] = []  # how many of changes each copy has
        self.made = 0  # whole copies made, for tests and benchmarks

    def changed(self, box: tuple[int, int, int, int]) -> None:
        """The mask has changed within box (y0, y1, x0, x1)."""
        self.changes.append(box)

    def copy(self) -> np.ndarray:
        """An array of the mask's values as they are now, that nothing else refers to: a free earlier copy, brought up
        to date within the boxes changed since it was made, else a new one. The caller hands it on (made read-only
        by EditState.with_mask): it is changed again only once free."""
        for i in range(len(self._copies)):
            if _holders(self._copies, i) <= _ALONE:
                return self._update(i)
        self._copies.append(self.mask.copy())
        self._synced.append(len(self.changes))
        self.made += 1
        return self._copies[-1]

    def _update(self, i: int) -> np.ndarray:
        kept = self._copies[i]
        kept.flags.writeable = True  # its own data: read-only only while a state held it
        for y0, y1, x0, x1 in self.changes[self._synced[i]:]:
            kept[y0:y1, x0:x1] = self.mask[y0:y1, x0:x1]
        self._synced[i] = len(self.changes)
        return kept
