"""A mask's outline along a straight brush stroke is straight: it was notched at every dab. The outline was the edge
of the grid's cells at least half on, so it could only step a whole cell; where the soft dabs overlap, the mask's
half-on line moves by a few hundredths of a pixel between dabs, and wherever that line lay close to a row of cell
centres it crossed it at every dab. The outline is placed between the cells now, as straight as the mask is."""
from __future__ import annotations

import numpy as np
import pytest

from genimg_gui.mask_contours import contours

from editing_helpers import drag_across, open_image, settle

ROWS = (0.3, 0.36, 0.42, 0.48, 0.54, 0.6, 0.66)  # strokes at heights that fall differently between the grid's cells


def heights_along(path, columns: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
    """Where the outline crosses each column x (image pixels): its nearest crossing above centre and below."""
    starts, ends = [], []
    for polygon in path.toSubpathPolygons():
        points = np.array([(p.x(), p.y()) for p in polygon])
        starts.append(points)
        ends.append(np.roll(points, -1, axis=0))
    (x0, y0), (x1, y1) = np.concatenate(starts).T, np.concatenate(ends).T
    above, below = [], []
    for x in columns:
        crossing = (x0 - x) * (x1 - x) < 0
        ys = y0[crossing] + (y1 - y0)[crossing] * (x - x0[crossing]) / (x1 - x0)[crossing]
        above.append(ys[ys < centre].max())
        below.append(ys[ys > centre].min())
    return np.array(above), np.array(below)


def test_the_outline_of_a_straight_stroke_is_straight(qtbot, window, image_files):
    item = open_image(qtbot, window, image_files[1])
    settle(qtbot, window, item)
    h, w = item.image.shape[:2]
    window.mask_tool.brush.setChecked(True)
    radius = window.mask_tool.radius.value()
    wobbles = []
    for row in ROWS:
        drag_across(window.canvas, "edited", row, 0.1, 0.9)  # one stroke along a row, dabs half a radius apart
        qtbot.waitUntil(lambda: item.history.current.mask is not None)
        mask = item.history.current.mask
        centre = np.argmax(mask[:, w // 2])  # the row the stroke went along
        top, bottom = heights_along(window.canvas.mask_overlay.edge, np.linspace(0.3 * w, 0.7 * w, 57), centre)
        assert np.all(bottom - top > radius)  # the stroke's two sides, away from its round ends
        wobbles += [np.ptp(top), np.ptp(bottom)]
        cell = h / window.canvas.mask_overlay.grid.shape[0]
        window.document.undo()
        qtbot.waitUntil(lambda: item.history.current.mask is None)
    # the mask's own half-on line moves by a few hundredths of a pixel along the stroke, and so may the outline: it
    # stepped a whole cell of the grid it is traced on (an eighth of a pixel of this 32 px picture, 2 px of a photo's)
    assert max(wobbles) < cell / 2, f"the outline of a straight stroke wanders {max(wobbles):.3f} px up and down"


@pytest.mark.parametrize("joined", [False, True])
def test_the_outline_goes_between_cells_round_each_part_and_hole(joined):
    grid = np.zeros((12, 12), np.float32)
    grid[2:9, 2:9] = 1.0
    grid[4:7, 4:7] = 0.0  # a hole
    grid[9, 9] = 0.9  # touching the square's corner only: one part with it or apart, as the cell's centre says
    grid[8, 9] = grid[9, 8] = 0.3 if joined else 0.0
    lines = contours(grid, 0.5)
    assert len(lines) == (2 if joined else 3)  # the square's outside (with the corner, if joined), its hole
    for line in lines:  # each point on a line between two cells' centres, where the values reach half
        on_row, on_column = np.isclose(line[:, 1], np.round(line[:, 1])), np.isclose(line[:, 0], np.round(line[:, 0]))
        assert np.all(on_row | on_column) and len(line) >= 4
    outside, hole = sorted(lines, key=lambda line: line[:, 0].min())[:2]  # the lone corner, if apart, lies last
    assert (hole[:, 0].min(), hole[:, 0].max(), hole[:, 1].min(), hole[:, 1].max()) == (3.5, 6.5, 3.5, 6.5)
    assert outside[:, 0].min() == outside[:, 1].min() == 1.5
    assert outside[:, 0].max() == pytest.approx(9 + 0.4 / 0.9 if joined else 8.5)
