"""A picture too large to open (past genimg's limit on pictures, GENIMG_MAX_PIXELS) is not damaged: opened alone it
stays in File → Open recent, and a raised limit opens it from there. Opened with others (several chosen in Open
images…, or dropped), it left Open recent as a damaged file does, while the others opened and stayed."""
from __future__ import annotations

import numpy as np
from PIL import Image

from conftest import UI_TIMEOUT
from genimg_gui import imaging
from ui_helpers import drop, vae_items

LIMIT = 2000  # pixels: the 40×40 pictures are under it, the 60×60 one over


def pictures(folder) -> tuple[list[str], str]:
    """Two pictures under LIMIT and one over it, each its own grey."""
    small = []
    for i in range(2):
        path = folder / f"pic{i}.png"
        Image.fromarray(np.full((40, 40, 3), 60 * (i + 1), np.uint8)).save(path)
        small.append(str(path))
    big = folder / "big.png"
    Image.fromarray(np.full((60, 60, 3), 200, np.uint8)).save(big)
    return small, str(big)


def test_a_too_large_picture_opened_with_others_stays_in_open_recent_as_it_does_alone(
        qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(imaging, "MAX_PIXELS", LIMIT)
    small, big = pictures(tmp_path)
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as alone:
        drop(window, [big])
    assert "above the limit" in alone.args[0] and big in window.settings.recent_files()
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT) as together:
        drop(window, [small[0], big, small[1]])
    qtbot.waitUntil(lambda: len(vae_items(window)) == 2, timeout=UI_TIMEOUT)
    assert "big.png" in together.args[0] and "above the limit" in together.args[0]
    assert sorted(item.name for item in vae_items(window)) == ["pic0.png", "pic1.png"]
    assert set(window.settings.recent_files()) == {*small, big}  # the too-large one too: nothing is wrong with it
