"""The Generate tab on the real window and tiny GAN: a run of keys or wheel notches on ψ is one History step, as on
the Sliders tab; what its controls and History's class steps say."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.seed_draws import Drawn
from genimg_gui.ui.gan_panel import ANY_CLASS
from genimg_gui.ui.history_words import describe_sample
from widget_helpers import focused, wheel


def steps(item) -> int:
    return len(list(item.history.nodes()))


def settled(window, item) -> bool:
    return not window.document.samples.pending and item.shown_seq >= item.requested_seq


def shown(window) -> np.ndarray:
    from genimg_gui.ui.qimage import from_qimage

    return from_qimage(window.canvas.edited)


def test_a_run_of_keys_on_psi_is_one_history_step_shown_live_as_a_drag_is(qtbot, window, reference, monkeypatch):
    """Right ×5 on ψ made five History rows (ψ 0.74 … ψ 0.78), where the same presses on a Sliders-tab slider,
    or a drag of ψ, made one."""
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the user is quicker than the rest
    panel, doc = window.gan_panel, window.document
    item = doc.current
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    before, start = steps(item), panel.psi.value()
    psi = focused(qtbot, panel.psi)
    for _ in range(5):
        qtbot.keyClick(psi, Qt.Key.Key_Right)
    assert psi.value() == start + 5
    live = reference.decode("gan", reference.map_seed(item.seed, (start + 5) / 100, None, item.draw))
    qtbot.waitUntil(lambda: np.array_equal(shown(window), live), timeout=UI_TIMEOUT)  # shown as the keys go
    assert steps(item) == before  # nothing recorded mid-run; Undo would take the run back, its step unnamed yet
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo"
    window.filmstrip.setFocus()  # the run ends as the focus goes (or the keys rest, or another key comes)
    qtbot.waitUntil(lambda: steps(item) == before + 1 and settled(window, item), timeout=UI_TIMEOUT)
    assert item.psi == (start + 5) / 100 and window.undo_action.text().endswith(f"ψ {(start + 5) / 100:.2f}")
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 50)  # a pause ends a run too
    psi = focused(qtbot, panel.psi)
    for key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Left):
        qtbot.keyClick(psi, key)
    qtbot.waitUntil(lambda: steps(item) == before + 2 and settled(window, item), timeout=UI_TIMEOUT)
    assert item.psi == (start + 4) / 100
    monkeypatch.setattr("genimg_gui.ui.slider_runs.WHEEL_REST_MS", 50)
    for _ in range(3):
        wheel(psi, 1)
    qtbot.waitUntil(lambda: steps(item) == before + 3 and settled(window, item), timeout=UI_TIMEOUT)
    assert item.psi == psi.value() / 100 != (start + 4) / 100
    qtbot.wait(200)  # time for more steps, were any coming
    assert steps(item) == before + 3


def test_psi_and_random_seed_say_what_they_do(window):
    """At ψ 0, "every seed draws the same average picture" was untrue of a conditional GAN with Class Any (each
    seed draws its own class's average); Random seed was the tab's one control without a tooltip."""
    panel = window.gan_panel
    assert "its class's average picture" in panel.psi.toolTip() and "same average" not in panel.psi.toolTip()
    assert panel.psi_label.toolTip() == panel.psi.toolTip()
    assert "random seed" in panel.random_button.toolTip() and "History" in panel.random_button.toolTip()


def test_a_step_back_to_any_class_is_named_as_the_class_box_names_it():
    """History said "class: any" where the Class box says "Any (the seed's own)"."""
    image, w = np.zeros((2, 2, 3), np.uint8), np.zeros(4, np.float32)
    fox = Drawn(3, 0.7, 2, "own", None, "seed 3", w, image)
    any_class = Drawn(3, 0.7, None, "own", None, "seed 3", w, image)
    assert describe_sample(fox, any_class, ("cat", "dog", "fox")) == f"class: {ANY_CLASS}" == \
        "class: Any (the seed's own)"


def test_at_the_windows_smallest_the_generate_tab_scrolls_rather_than_crush_its_controls(qtbot, window):
    """At 726×433 with the note of a picture not drawn from a seed, the Steps box was crushed (its "200" cut off)
    and Invert current image cut off at the bottom."""
    from PySide6.QtWidgets import QApplication

    panel = window.gan_panel
    window.tabs.setCurrentWidget(panel)
    panel.show_no_seed("trans.png")
    window.resize(1, 1)  # as small as its layout lets it be
    QApplication.processEvents()
    for control in (panel.steps, panel.invert_button, panel.new_button):
        assert control.height() >= control.minimumSizeHint().height()
    bar = panel.scroll.verticalScrollBar()
    assert bar.maximum() > 0  # the rest is a scroll away
    panel.scroll.ensureWidgetVisible(panel.no_seed_note)
    QApplication.processEvents()
    assert panel.no_seed_note.visibleRegion().boundingRect().height() == panel.no_seed_note.height()
