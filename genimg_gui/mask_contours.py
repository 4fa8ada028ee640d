"""The lines where a mask crosses a level, placed between its pixels (marching squares). Pure numpy.

The mask's outline was the edge of the pixels at or above the level, so it could only step a whole pixel: along a
straight stroke, where the soft dabs' overlap moves the level's line by a few hundredths of a pixel between dabs, that
line crossed a row of pixel centres at every dab, and the outline was notched a pixel deep at each. Placed
between pixels, the outline moves as little as the mask does.
"""
from __future__ import annotations

import numpy as np

# a cell's corners, by the bit each has in its case number, and where each lies (x, y) within the cell
CORNERS = {1: (0, 0), 2: (1, 0), 4: (1, 1), 8: (0, 1)}  # top left, top right, bottom right, bottom left
# a cell's sides, each between two corners: top, right, bottom, left
SIDES = {"T": (1, 2), "R": (2, 4), "B": (8, 4), "L": (1, 8)}
SADDLE_JOINED = 16  # added to a case with two opposite corners on, where the cell's centre is on too: one strip


def _cuts(case: int) -> list[int]:
    """The sets of corners (bits) each line through a cell of this case cuts off from the others."""
    on = case & 15
    if on in (0, 15):
        return []
    if on in (5, 10):  # opposite corners on: the centre says whether they join (their off corners cut off) or not
        cut_on = not case & SADDLE_JOINED
        return [c for c in CORNERS if bool(on & c) == cut_on]
    ones = [c for c in CORNERS if on & c]
    return [on] if len(ones) <= 2 else [15 & ~on]  # one or two corners on, or one off


def _segment(cut: int, on: int) -> tuple[str, str]:
    """The sides the line cutting off corners cut goes from and to, ordered so that the on corners lie on its left."""
    first, second = [side for side, (a, b) in SIDES.items() if bool(cut & a) != bool(cut & b)]
    mid = {side: np.add(CORNERS[a], CORNERS[b]) / 2 for side, (a, b) in SIDES.items()}
    corner = next(c for c in CORNERS if cut & c)
    d, to_corner = mid[second] - mid[first], np.subtract(CORNERS[corner], mid[first])
    left = d[0] * to_corner[1] - d[1] * to_corner[0] < 0  # y down: negative is to the left
    return (first, second) if left == bool(on & corner) else (second, first)


SEGMENTS = {case: [_segment(cut, case & 15) for cut in _cuts(case)] for case in range(32)}


def contours(grid: np.ndarray, level: float = 0.5) -> list[np.ndarray]:
    """The closed lines where grid (H, W) crosses level, each (N, 2) of points (x, y), sample (i, j) at (j, i); a
    point lies between two samples where their values, taken as linear between them, reach level. grid must lie
    below level all along its border, so that every line closes."""
    h, w = grid.shape
    on = (grid >= level).view(np.uint8)  # bytes: a large photo's grid is a million cells, traced once a frame
    case = on[:-1, :-1] | (on[:-1, 1:] << 1) | (on[1:, 1:] << 2) | (on[1:, :-1] << 3)
    case -= 1  # cases 1 to 14 (the cells the line crosses) become 0 to 13, 0 wraps round to 255
    rows, cols = np.divmod(np.flatnonzero(case < 14), w - 1)
    kind = case[rows, cols] + 1
    saddle = (kind == 5) | (kind == 10)
    centre = grid[rows, cols] + grid[rows, cols + 1] + grid[rows + 1, cols] + grid[rows + 1, cols + 1]
    kind = kind + SADDLE_JOINED * (saddle & (centre >= 4 * level))
    across = h * (w - 1)  # sides along a row (numbered first), then sides down a column
    side_id = {"T": lambda i, j: i * (w - 1) + j, "B": lambda i, j: (i + 1) * (w - 1) + j,
               "L": lambda i, j: across + i * w + j, "R": lambda i, j: across + i * w + j + 1}
    starts, ends = [], []
    for k in np.unique(kind):
        i, j = rows[kind == k], cols[kind == k]
        for first, second in SEGMENTS[int(k)]:
            starts.append(side_id[first](i, j))
            ends.append(side_id[second](i, j))
    if not starts:
        return []
    starts, ends = np.concatenate(starts), np.concatenate(ends)
    order = np.argsort(starts)
    starts, ends = starts[order], ends[order]
    following = np.searchsorted(starts, ends).tolist()  # the segment that starts where each ends
    points = _crossings(grid, level, starts, across)
    lines, seen = [], bytearray(len(starts))
    for first in range(len(starts)):
        if seen[first]:
            continue
        walk, k = [], first
        while not seen[k]:
            seen[k] = 1
            walk.append(k)
            k = following[k]
        lines.append(points[walk])
    return lines


def _crossings(grid: np.ndarray, level: float, sides: np.ndarray, across: int) -> np.ndarray:
    """Where level is reached along each side (numbered as in contours), (N, 2) points (x, y)."""
    w = grid.shape[1]
    down = sides >= across
    i = np.where(down, (sides - across) // w, sides // (w - 1))
    j = np.where(down, (sides - across) % w, sides % (w - 1))
    a = grid[i, j]
    b = np.where(down, grid[np.minimum(i + 1, grid.shape[0] - 1), j], grid[i, np.minimum(j + 1, w - 1)])
    t = (level - a) / (b - a)  # one of a and b is below level and the other not: never 0 / 0
    return np.stack([j + np.where(down, 0.0, t), i + np.where(down, t, 0.0)], axis=1)
