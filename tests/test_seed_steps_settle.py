"""A sample's drawing settles once it is shown: seed keys pressed just after another GAN arrived (its samples being
drawn again) left item.requested_seq above item.shown_seq for good. The sample stepped to made the switch's redraw of
the old one stale, and the redraw, answered, was dropped, yet still counted as the drawing on its way: anything waiting
for the picture to be drawn (an export) waited for ever."""
from __future__ import annotations

import os

import torch
from PySide6.QtCore import Qt

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder
from genimg_gui.engine import requests as rq
from genimg_gui.models.gan import Generator
from widget_helpers import focused


def test_seed_keys_just_after_a_gan_switch_settle(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 50)
    doc, panel = window.document, window.gan_panel
    item = doc.current
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: not doc.samples.pending and item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    asked, ended = [], set()
    doc.engine.submitted.connect(lambda r: asked.append(r.seq) if isinstance(r, rq.Decode) and r.tag == item.id
                                 else None)
    doc.engine.done.connect(ended.add)
    torch.manual_seed(5)
    other = os.path.realpath(make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(other)
    box = focused(qtbot, panel.seed)
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    window.filmstrip.setFocus()
    qtbot.waitUntil(lambda: len(item.history) == 2 and not doc.samples.pending and asked and asked[-1] in ended,
                    timeout=UI_TIMEOUT)  # the newest drawing asked of the sample has come back
    assert item.shown_seq >= item.requested_seq  # was 9 >= 10: the redraw asked at 10, answered, dropped
