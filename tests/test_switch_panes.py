"""A GAN switch shows each sample's two Compare panes from one GAN at a time: "Generated" showed the new GAN's
sample as soon as its seed came back, while "Edited" (and the filmstrip's thumbnail) kept the old GAN's face until
its edit was drawn, seconds later behind the other samples' seeds."""
from __future__ import annotations

import numpy as np
import torch

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder
from genimg_gui.models.gan import Generator
from genimg_gui.ui.qimage import from_qimage
from test_switch_values import move
from ui_helpers import the_sample


def test_the_generated_pane_changes_with_the_edited_one_on_a_gan_switch(qtbot, window, tmp_path):
    doc = window.document
    item = the_sample(window)
    for seed in (21, 22):  # three samples open, as the tester had
        doc.generate(seed, 0.7, new_item=True)
        qtbot.waitUntil(lambda: any(i.seed == seed for i in doc.items.values()), timeout=UI_TIMEOUT)
    doc.select(item.id)
    move(qtbot, window, item, window.sliders.labels()[0], 2.0)
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    old_generated, old_edited = item.original.copy(), item.image.copy()
    panes: list[tuple[np.ndarray, np.ndarray]] = []

    def seen(*_) -> None:  # connected after the window's views: the canvas as the user sees it then
        if doc.current is item:
            panes.append((from_qimage(window.canvas.original), from_qimage(window.canvas.edited)))

    doc.current_changed.connect(seen)
    doc.image_changed.connect(seen)
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(other))
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    assert not np.array_equal(item.original, old_generated) and not np.array_equal(item.image, old_edited)
    assert np.array_equal(panes[-1][0], item.original) and np.array_equal(panes[-1][1], item.image)
    for generated, edited in panes:  # never the new GAN's sample beside the old GAN's edit
        assert np.array_equal(generated, old_generated) == np.array_equal(edited, old_edited)
