"""An inversion under way, as a tester used it: a model load waiting behind it, and a double-click on Invert."""
from __future__ import annotations

import os

import torch
from PySide6.QtCore import Qt

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder
from genimg_gui.engine import requests as rq
from genimg_gui.models.gan import Generator
from test_inversion_ui import inverting, open_image
from test_switch_values import double_click_row


def test_cancel_says_what_it_kept_before_the_load_that_waited_and_stays_under_the_pointer(qtbot, window,
                                                                                        image_files, tmp_path):
    """Cancel's "Cancelled the inversion of … kept …" was replaced within 0.3 s by the messages of the GAN load
    that waited behind the run: it now comes first, the load's joined after it. Cancel jumped left as the "will
    load" note appeared, and a click aimed at it missed."""
    doc, status = window.document, window.status
    torch.manual_seed(5)
    other = os.path.realpath(make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    window.model_list.list_model(other)
    previews = inverting(qtbot, window, image_files[0])
    item, cancel_at = doc.current, status.cancel.mapTo(status, status.cancel.rect().topLeft())
    double_click_row(qtbot, window, "other-gan")
    qtbot.waitUntil(status.waiting.isVisible, timeout=UI_TIMEOUT)
    assert "other-gan will load when the current inversion ends" in status.waiting.toolTip()
    assert status.cancel.mapTo(status, status.cancel.rect().topLeft()) == cancel_at
    with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda m: "invert the picture" in m) as switch:  # the load's last word
        qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)
    assert doc.models["gan"].name == "other-gan" and not previews[-1].final
    cancelled = (f"Cancelled the inversion of {image_files[0].name} at step {previews[-1].step}: kept its last "
                 f"preview (pixel error {previews[-1].loss:.4f}) as “{item.name}”")
    assert status.currentMessage() == f"{cancelled}. {switch.args[0]}"


def test_a_double_click_on_invert_starts_one_run_and_the_button_says_why_it_waits(qtbot, window, image_files):
    """A double-click on "Invert current image" inverted the photo twice ("…, inverted 3" and "…, inverted 4").
    While a picture is being inverted the button is greyed out, for it and for the inversion on its way, its
    tooltip saying why; it comes back once the run ends, and for a picture edited since (another picture)."""
    doc, panel = window.document, window.gan_panel
    source = open_image(qtbot, window, image_files[1])
    panel.steps.setValue(2000)
    plain_tip, asked = panel.invert_button.toolTip(), []
    doc.engine.submitted.connect(lambda r: asked.append(r) if isinstance(r, rq.Invert) else None)
    qtbot.mouseClick(panel.invert_button, Qt.MouseButton.LeftButton)  # a double-click's first press
    qtbot.mouseDClick(panel.invert_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.invert_button, Qt.MouseButton.LeftButton)  # and a third, for good measure
    assert len(asked) == 1 and not panel.invert_button.isEnabled()
    assert panel.invert_button.toolTip().startswith(f"{source.name} is being inverted")
    qtbot.waitUntil(lambda: doc.current is not source, timeout=UI_TIMEOUT)  # its starting guess, on screen
    assert not panel.invert_button.isEnabled()
    doc.select(source.id)
    assert not panel.invert_button.isEnabled()
    with qtbot.waitSignal(doc.image_changed, timeout=UI_TIMEOUT):
        window.sliders.sliders[0].setValue(300)  # the photo edited: another picture to invert
    qtbot.waitUntil(panel.invert_button.isEnabled, timeout=UI_TIMEOUT)
    assert panel.invert_button.toolTip() == plain_tip
    window.undo_action.trigger()  # the photo as it is being inverted again
    assert not panel.invert_button.isEnabled()
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    assert panel.invert_button.isEnabled() and len(asked) == 1
