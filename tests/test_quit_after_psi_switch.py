"""The quit question after a GAN switch: a sample edited (and exported, or not), then given another ψ (a new picture,
never exported), then another GAN loaded. The question left it out, and Discard dropped it unwarned; switched back,
it was named again. The step that drew the new ψ kept the PC1 value, and in the other GAN it was compared with itself
as the sample's unedited picture: the same step, so no edit."""
from __future__ import annotations

import pytest
import torch

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder
from genimg_gui.models.gan import Generator

from test_masked_edits import settle
from test_open_latents import load
from test_quit_other_models import quit_asked
from test_switch_values import double_click_model, move
from ui_helpers import exports_written, the_sample


@pytest.mark.parametrize("exported", [True, False])
def test_a_sample_edited_then_given_another_psi_is_named_after_a_switch_and_back(
        qtbot, window, tmp_path, monkeypatch, exported):
    doc, panel = window.document, window.gan_panel
    sample = the_sample(window)
    move(qtbot, window, sample, window.sliders.labels()[0], 0.5)
    settle(qtbot, sample)
    if exported:
        window.exports.export_png(str(tmp_path / "exported.png"))
        exports_written(qtbot, window)
    steps = len(sample.history.nodes())
    panel.psi.setValue(37)
    panel.psi.sliderReleased.emit()  # the drag let go at ψ 0.37: one step
    qtbot.waitUntil(lambda: sample.psi == 0.37 and len(sample.history.nodes()) == steps + 1, timeout=UI_TIMEOUT)
    settle(qtbot, sample)
    said = f"The edited sample “{sample.name}” has not been exported."
    assert quit_asked(window, monkeypatch) == [said]

    torch.manual_seed(5)
    load(qtbot, window, make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    settle(qtbot, sample)
    assert not any(sample.history.current.values)  # the PC1 edit is kept for the first GAN, not shown here
    assert quit_asked(window, monkeypatch) == [said]  # it was left out here
    double_click_model(qtbot, window, "tiny-gan")
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)
    settle(qtbot, sample)
    assert quit_asked(window, monkeypatch) == [said]
