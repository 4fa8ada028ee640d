"""scripts/screenshot.py: the README's screenshot is of the real window with the edit it describes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def test_the_screenshot_shows_the_window_at_its_size_with_the_edit_drawn(tmp_path):
    out = tmp_path / "shot.png"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot.py"), "--out", str(out)],
                         capture_output=True, text=True, timeout=300, env={"QT_QPA_PLATFORM": "offscreen",
                                                                           "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    # the sliders as the window shows them after the worker's results came back
    assert "noto-grinning-face.png moved -0.80σ along PC1 (" in run.stdout
    assert "+2.00σ along style: Google → Twitter" in run.stdout
    shot = np.asarray(Image.open(out).convert("RGB"))
    assert shot.shape == (800, 1280, 3)
    # the canvas's two panes differ: the edited face is not the original drawn again
    original, edited = shot[150:550, 15:420], shot[150:550, 440:845]
    assert np.abs(original.astype(int) - edited).mean() > 5
