"""GUI-thread time of one brush dab, as the brush made it before and makes it now, at 512 × 512 and 2048 × 1536.

    python benchmarks/brush.py [--dabs 60] [--radius 20]

old: what MaskController.paint did at every dab: soft_brush (a copy of the whole mask), a new MaskOverlay (the
whole mask resized to the edge grid, tinted, its edge traced) and EditState.with_mask (the whole mask rounded, the
preview's copy).
new: what it does now: brush_into (the dab painted into the stroke's mask), the rounded copy and the overlay
changed within the dab's box (MaskOverlay.repaint_box). "new + frame" adds what comes once a frame, however many
dabs came in between: the edge traced when the canvas is drawn and the preview's copy of the rounded mask (one per
event-loop pass; MaskCopies: a whole copy only while no earlier one is free, the last preview's held as the item's
asked state holds it). Each stroke of --dabs dabs walks across the picture; the medians are in ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import deque
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from genimg_gui.edit import EditState  # noqa: E402
from genimg_gui.mask_copies import MaskCopies  # noqa: E402
from genimg_gui.masking import brush_into, rounded_mask, soft_brush  # noqa: E402
from genimg_gui.ui.mask_overlay import MaskOverlay  # noqa: E402

SIZES = ((512, 512), (1536, 2048))  # (H, W)


def dab_points(size: tuple[int, int], dabs: int) -> list[tuple[float, float]]:
    """A stroke across the middle of the picture, in pixels."""
    h, w = size
    return [(w * (0.2 + 0.6 * i / dabs), h * (0.4 + 0.2 * i / dabs)) for i in range(dabs)]


def old_stroke(size: tuple[int, int], dabs: int, radius: float) -> list[float]:
    state = EditState(np.zeros(8, np.float32), ())
    mask = np.zeros(size, np.float32)
    times = []
    for x, y in dab_points(size, dabs):
        t0 = time.perf_counter()
        mask = soft_brush(mask, x, y, radius, 0.5, 1.0)
        MaskOverlay(mask).edge  # made whole, its edge traced as it was made
        state.with_mask(mask, False)
        times.append(time.perf_counter() - t0)
    return times


def new_stroke(size: tuple[int, int], dabs: int, radius: float) -> tuple[list[float], list[float]]:
    state = EditState(np.zeros(8, np.float32), ())
    mask = np.zeros(size, np.float32)
    rounded = mask.copy()
    previews = MaskCopies(rounded)
    asked: deque[EditState] = deque(maxlen=1)  # the item's asked state: it holds the last preview's mask
    overlay = MaskOverlay(mask)
    dab, framed = [], []
    for x, y in dab_points(size, dabs):
        t0 = time.perf_counter()
        box = brush_into(mask, x, y, radius, 0.5, 1.0)
        y0, y1, x0, x1 = box
        rounded[y0:y1, x0:x1] = rounded_mask(mask[y0:y1, x0:x1])
        previews.changed(box)
        overlay.repaint_box(mask, box)
        t1 = time.perf_counter()
        overlay.edge  # the canvas drawn
        asked.append(state.with_mask(previews.copy(), False, rounded=True))  # the preview asked
        t2 = time.perf_counter()
        dab.append(t1 - t0)
        framed.append(t2 - t0)
    return dab, framed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dabs", type=int, default=60)
    parser.add_argument("--radius", type=float, default=20.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])  # QBitmap and QRegion need one, kept while they are made
    for size in SIZES:
        old = old_stroke(size, args.dabs, args.radius)
        new, framed = new_stroke(size, args.dabs, args.radius)
        ms = [1000 * statistics.median(t) for t in (old, new, framed)]
        print(f"{size[1]}×{size[0]}, radius {args.radius:g} px, {args.dabs} dabs: median ms per dab: old {ms[0]:.1f}, "
              f"new {ms[1]:.2f}, new + frame {ms[2]:.1f} (old / new + frame: {ms[0] / ms[2]:.0f}×)")
    app.processEvents()


if __name__ == "__main__":
    main()
