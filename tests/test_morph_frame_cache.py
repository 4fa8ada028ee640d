"""A morph frame asked again is shown from the cache at once: the keyframes' masks were stacked and morphed, and the
frame's latent, mask and base hashed, at every frame asked (157 ms a frame played from the cache, for three masked
keyframes of a 2048 × 1536 photo). Now the keyframes are stacked once while they stay as they are, a new frame
morphs them once, and a frame decoded before costs neither."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.ui import morph_controller
from genimg_gui.ui.morph_controller import MORPH_TAG
from test_morph_ui import open_images, open_morph, settle, wait_frame


def counted(monkeypatch, name: str) -> list:
    """morph_controller's function name, each call counted (and made as before)."""
    calls, real = [], getattr(morph_controller, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(morph_controller, name, counting)
    return calls


def test_a_frame_played_again_is_neither_stacked_nor_morphed_again_until_a_keyframe_changes(
        qtbot, window, image_files, monkeypatch):
    doc = window.document
    items = open_images(qtbot, window, image_files[:3])
    rng = np.random.default_rng(0)
    for item in items:
        settle(qtbot, item)
        item.history.push(item.history.current.with_mask(rng.random(item.image.shape[:2], np.float32), False))
    asked = []
    doc.engine.submitted.connect(lambda r: asked.append(r) if isinstance(r, rq.Decode) and r.tag == MORPH_TAG
                                 else None)
    dialog, shown = open_morph(qtbot, window)
    for row in range(3):  # all three
        dialog.keyframes.item(row).setCheckState(Qt.CheckState.Checked)
    assert len(dialog.settings().item_ids) == 3
    dialog.frames.setValue(5)
    wait_frame(qtbot, shown, 0)
    stacked, morphed = counted(monkeypatch, "keyframe_layers"), counted(monkeypatch, "morph_layers")
    asked.clear()
    first = {}
    for index in range(1, 5):  # the first loop of Play: each frame decoded
        dialog.timeline.setValue(index)
        first[index] = wait_frame(qtbot, shown, index)
    assert len(asked) == 4 and len(morphed) == 4 and not stacked  # stacked as the dialog opened, not again
    for index in range(1, 5):  # the second loop: every frame from the cache, nothing stacked, morphed or decoded
        dialog.timeline.setValue(index)
        assert shown[-1][0] == index and shown[-1][1] is first[index]
    assert len(asked) == 4 and len(morphed) == 4 and not stacked

    # a new stroke on a keyframe is another morph: stacked again once, its frames decoded anew
    b = items[1]
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        doc.select(b.id)
        doc.commit_state(b.history.current.with_mask(np.ones(b.image.shape[:2], np.float32), False))
    qtbot.waitUntil(lambda: len(asked) == 5, timeout=UI_TIMEOUT)
    assert len(stacked) == 1 and asked[-1].mask is not None
    dialog.close()
