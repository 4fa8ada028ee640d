"""A direction made from examples in the real window: whatever the method, the slider's +3σ end takes the "from"
images to the "to" images (a linear classifier's unit once covered a fifth of the way)."""
from __future__ import annotations

import numpy as np
import pytest

from genimg_gui.imaging import open_image
from test_directions_ui import RED, BLUE, define, write_group


@pytest.mark.parametrize("method", ["means", "linear"])
def test_the_slider_end_reaches_the_other_group(qtbot, window, reference, tmp_path, method):
    red = write_group(tmp_path / "red", "red", RED, 10, 1)
    blue = write_group(tmp_path / "blue", "blue", BLUE, 10, 2)
    purple = write_group(tmp_path / "purple", "purple", (170, 40, 190), 10, 5)
    define(qtbot, window, "red → blue", red, blue)  # a named direction to keep the new one apart from
    define(qtbot, window, "red → purple", red, purple, keep_fixed=True, method=method)
    d = window.document.directions("vae")
    row, sigma = d.basis[-1].astype(np.float64), float(d.sigma[-1])

    def along(paths) -> float:
        return float(np.mean([reference.encode_latent(np.asarray(open_image(p)), "crop") @ row for p in paths]))
    gap = along(purple) - along(red)
    assert gap > 0 and gap <= 3 * sigma * (1 + 1e-4)  # +3σ from the red images reaches the purple ones
    reported = float(window.status.currentMessage().split("sit ")[1].split("σ")[0])
    assert reported == pytest.approx(gap / sigma, abs=0.06) and reported <= 3.0
