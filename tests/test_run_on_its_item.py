"""A gesture (a run of seed keys, of ψ keys, of slider keys) is a step of the item it was made on, also when another
item becomes current by code before it rests: an image whose encoding comes back, a sample closed. The views show
the new item's values with their signals blocked, so the run went on, and at its rest asked for its step on the new
item: over a VAE picture a stray new sample, the first item left showing a seed its History lacked."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from test_seed_steps import settled, step_labels, the_sample
from ui_helpers import drop_and_wait, vae_items

NEVER_RESTS_MS = 60_000  # the run goes on until something ends it


def focused(qtbot, window, tab, widget):
    window.tabs.setCurrentWidget(tab)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    return widget


def an_image_comes_in(qtbot, window) -> object:
    """A picture opened earlier comes back encoded, and is made current (as any opened image is): the new item."""
    doc, before = window.document, set(window.document.items)
    doc.open_array(np.full((32, 32, 3), 128, np.uint8), "grey.png")
    qtbot.waitUntil(lambda: len(doc.items) > len(before), timeout=UI_TIMEOUT)
    [new] = [i for i in doc.items.values() if i.id not in before]
    return new


def test_a_run_of_seed_keys_is_a_step_of_its_sample_when_an_opened_image_becomes_current(qtbot, window, monkeypatch):
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", NEVER_RESTS_MS)
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    start = item.seed
    box = focused(qtbot, window, panel, panel.seed)
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    grey = an_image_comes_in(qtbot, window)
    assert doc.current is grey and box.text() == "—"
    panel.finish_gestures()  # whatever ends the run later (an undo, a click) finds nothing left to end
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    assert len(doc.items) == 2, "a stray sample of a random seed came for the VAE picture"
    assert item.seed == start + 3 and item.name == f"seed {start + 3}"
    assert item.drawn[item.history.current_id].seed == start + 3  # its History's step is the picture it shows
    assert len(grey.history) == 1
    window.filmstrip.select(item.id)
    doc.select(item.id)
    assert box.value() == start + 3 and step_labels(window, item)[-1] == f"seed {start + 3}"


def test_a_run_of_psi_keys_is_a_step_of_its_sample_when_a_new_sample_becomes_current(qtbot, window, monkeypatch):
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", NEVER_RESTS_MS)
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    psi = focused(qtbot, window, panel, panel.psi)
    start = psi.value()
    for _ in range(3):
        qtbot.keyClick(psi, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    doc.generate(7, 0.5, new_item=True)  # by code, as Send to VAE editor or an inversion makes an item
    qtbot.waitUntil(lambda: len(doc.items) == 2 and settled(window, doc.current), timeout=UI_TIMEOUT)
    other = doc.current
    panel.finish_gestures()
    qtbot.waitUntil(lambda: settled(window, item) and settled(window, other), timeout=UI_TIMEOUT)
    assert round(item.psi * 100) == start - 3 and len(item.history) == 2
    assert (other.seed, other.psi, len(other.history)) == (7, 0.5, 1)


def test_a_run_of_slider_keys_is_a_step_of_its_picture_when_another_becomes_current(qtbot, window, image_files,
                                                                                    monkeypatch):
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", NEVER_RESTS_MS)
    doc = window.document
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    slider = focused(qtbot, window, window.slider_tab, window.sliders.sliders[0])
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    grey = an_image_comes_in(qtbot, window)
    assert doc.current is grey
    window.sliders.finish_gesture()
    assert item.history.current.values[0] == 0.3 and len(item.history) == 2
    assert len(grey.history) == 1 and not any(grey.history.current.values)


def test_closing_a_sample_mid_run_leaves_the_next_one_as_it_was(qtbot, window, monkeypatch):
    """Closed by code (the toolbar's Close takes no focus), the run went on over the next sample, and asked for the
    seed that one showed: Reopen brought the closed sample back without the run's step."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", NEVER_RESTS_MS)
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    start = item.seed
    panel.new_button.click()
    qtbot.waitUntil(lambda: len(doc.items) == 2 and settled(window, doc.current), timeout=UI_TIMEOUT)
    other = doc.current
    seed = other.seed
    doc.select(item.id)
    box = focused(qtbot, window, panel, panel.seed)
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    doc.close_item()
    assert doc.current is other
    panel.finish_gestures()
    qtbot.waitUntil(lambda: settled(window, other), timeout=UI_TIMEOUT)
    assert list(doc.items.values()) == [other]
    assert (other.seed, len(other.history)) == (seed, 1)
    assert doc.reopen_closed() is item and item.seed == start + 3 and len(item.history) == 2
