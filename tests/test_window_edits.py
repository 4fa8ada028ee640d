"""The main window on the real engine and tiny models, editing: slider edits, undo and redo from the keyboard,
compare modes, sliders that wait for an image, the Tab order, and closing the window."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from genimg_gui.edit import edited_latent
from genimg_gui.ui.canvas import CompareMode

from ui_helpers import TIMEOUT, drop_and_wait, shown


def test_slider_edit_undo_redo(qtbot, window, image_files, reference):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    doc, sliders = window.document, window.sliders
    item = doc.current
    assert len(sliders.sliders) == 16 and sliders.isEnabled()
    # the app's directions are the ones a fresh load of the folder reads back from the cache
    ref_dirs = reference.models["vae"].directions
    assert np.array_equal(doc.directions("vae").basis, ref_dirs.basis)
    before = item.image.copy()
    assert np.array_equal(before, reference.decode("vae", item.history.current.base))

    def expect(values) -> np.ndarray:
        return reference.decode("vae", edited_latent(item.history.current.with_values(values), ref_dirs))

    sliders.sliders[0].setValue(150)  # 1.5 sigma: one committed edit (not a drag)
    first = expect((1.5,) + (0.0,) * 15)
    assert not np.array_equal(first, before)
    qtbot.waitUntil(lambda: np.array_equal(item.image, first) and np.array_equal(shown(window), first),
                    timeout=TIMEOUT)
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()

    qtbot.keyClick(sliders.sliders[2], Qt.Key.Key_PageUp)  # a key step: a second edit, once the keys rest
    second_values = (1.5, 0.0, 0.5) + (0.0,) * 13
    qtbot.waitUntil(lambda: len(item.history) == 3, timeout=TIMEOUT)
    assert item.history.current.values == second_values and len(item.history) == 3
    second = expect(second_values)
    qtbot.waitUntil(lambda: np.array_equal(shown(window), second), timeout=TIMEOUT)

    window.undo_action.trigger()
    assert sliders.values() == (1.5,) + (0.0,) * 15
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    window.undo_action.trigger()
    assert sliders.values() == (0.0,) * 16 and not window.undo_action.isEnabled()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), before), timeout=TIMEOUT)
    assert np.array_equal(item.image, before)  # the original pixels exactly

    window.redo_action.trigger()
    assert sliders.values()[0] == 1.5
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    assert window.redo_action.isEnabled()


def test_keyboard_undo(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    item = window.document.current
    before = item.image.copy()
    window.sliders.sliders[1].setValue(-200)
    qtbot.waitUntil(lambda: not np.array_equal(item.image, before), timeout=TIMEOUT)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.sliders.values() == (0.0,) * 16
    qtbot.waitUntil(lambda: np.array_equal(shown(window), before), timeout=TIMEOUT)


def test_keyboard_redo_is_ctrl_shift_z_or_ctrl_y(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    history = window.document.current.history
    window.sliders.sliders[1].setValue(-200)
    window.sliders.sliders[2].setValue(100)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    ctrl = Qt.KeyboardModifier.ControlModifier
    for _ in range(2):
        qtbot.keyClick(window.canvas, Qt.Key.Key_Z, ctrl)
    assert history.current_id == 0
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert history.current_id == 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, ctrl)
    assert history.current_id == 2 and window.sliders.values()[1:3] == (-2.0, 1.0)


def test_the_toolbars_undo_clicked_during_a_run_on_a_slider_or_on_psi_undoes_the_run(qtbot, window, image_files,
                                                                                       monkeypatch):
    """The toolbar's buttons take no focus, so a run of keys or wheel notches still waiting to rest saw no event
    of the click: the undo took back the step before the run, and the run's step came after it."""
    from PySide6.QtWidgets import QToolBar

    from widget_helpers import clicked, focused, wheel

    for rest in ("KEY_REST_MS", "WHEEL_REST_MS"):
        monkeypatch.setattr(f"genimg_gui.ui.slider_runs.{rest}", 60_000)  # the user is quicker than the rest
    tools = next(bar for bar in window.findChildren(QToolBar) if bar.objectName() == "tools")
    undo = tools.widgetForAction(window.undo_action)
    drop_and_wait(qtbot, window, image_files[:1], 1)
    item, slider = window.document.current, window.sliders.sliders[0]
    slider.setValue(50)  # the step before the run
    wheel(clicked(qtbot, slider), 2)
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert item.history.current.values[0] == 0.5 and slider.value() == 50 and not slider.runs.kind
    window.filmstrip.setCurrentRow(0)  # the GAN's sample
    sample, psi = window.document.current, window.gan_panel.psi
    window.tabs.setCurrentWidget(window.gan_panel)
    psi.setValue(60)
    qtbot.waitUntil(lambda: sample.psi == 0.6, timeout=TIMEOUT)
    for _ in range(3):
        qtbot.keyClick(focused(qtbot, psi), Qt.Key.Key_Right)
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.document.samples.pending, timeout=TIMEOUT)
    assert sample.psi == 0.6 and psi.value() == 60 and window.redo_action.text().endswith("ψ 0.63")


def test_compare_modes_change_the_canvas(qtbot, window, image_files):
    drop_and_wait(qtbot, window, image_files[:1], 1)
    for index, mode in enumerate(CompareMode):
        window.compare.setCurrentIndex(index)
        assert window.canvas.mode == mode
        assert len(window.canvas.panes()) == (2 if mode == CompareMode.SIDE_BY_SIDE else 1)
        assert not window.canvas.grab().isNull()  # paints without raising


def test_the_sliders_wait_for_an_image(qtbot, engine, model_dir, image_files):
    from genimg_gui.ui.main_window import MainWindow

    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        window.document.load_model(str(model_dir / "tiny-vae"))
    assert len(window.sliders.sliders) == 16 and not window.sliders.isEnabled()  # a VAE and nothing to edit
    drop_and_wait(qtbot, window, image_files[:1], 1)
    assert window.sliders.isEnabled()
    window.close()


def test_close_shuts_the_engine_down_and_a_second_shutdown_is_harmless(window, engine):
    window.close()
    assert engine.thread.isFinished()
    engine.shutdown()
    assert engine.thread.isFinished()


def tab_stops(qtbot, window, count: int) -> list:
    """Where focus goes on each of count presses of Tab, from the canvas."""
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    stops = []
    for _ in range(count):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        stops.append(window.focusWidget())
    return stops


def test_tab_follows_the_reading_order_one_stop_a_slider(qtbot, window, qtlog):
    from genimg_gui.ui.tab_order import set_reading_order

    set_reading_order(window)  # as at every start and slider rebuild: a combo box's popup list is a window of its own
    assert not [r.message for r in qtlog.records if "setTabOrder" in r.message]  # 24 warnings at each start
    sliders, tools = window.sliders, window.mask_tool
    side = [window.tabs.tabBar(), sliders.previews_box, *sliders.sliders, sliders.reset_all_button,
            sliders.randomise_button]
    stops = tab_stops(qtbot, window, len(side) + 12)
    assert stops[:len(side) + 1] == [window.filmstrip, *side]  # the sliders, and not their ↺ buttons
    status = stops[len(side) + 1:stops.index(window.compare)]
    assert status and all(window.status.isAncestorOf(w) for w in status)  # the status bar last
    after = stops.index(window.compare)
    assert stops[after:after + 5] == [window.compare, window.fit_mode, tools.radius, window.canvas, window.filmstrip]
