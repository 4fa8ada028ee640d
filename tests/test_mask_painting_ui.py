"""Masks in the real window: a painted mask confines the edit, is outlined and named, erasing, either pane,
the brush and erase buttons, and each compared step's own mask."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar

from conftest import UI_TIMEOUT
from genimg_gui.ui.canvas import CompareMode
from genimg_gui.ui.qimage import from_qimage
from genimg_gui.ui.about import menu_keys
from genimg_gui.ui.slider_tab import mask_note_text

from editing_helpers import click_step, decode, drag_across, history_tab, open_image, settle


def test_a_painted_mask_confines_the_edit_and_undo_removes_it(qtbot, window, reference, image_files):
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)  # a strong whole-image edit
    settle(qtbot, window, item)
    whole = item.image.copy()
    unedited = decode(reference, window, item.history.current.with_values((0.0,) * len(item.history.current.values)))

    canvas = window.canvas
    assert not canvas.mask_visible  # no tint while the brush is off, from the start (a restored mask showed one)
    window.mask_tool.brush.setChecked(True)
    assert canvas.mask_visible
    rect = canvas.edited_rect()
    y = int(rect.top() + rect.height() * 0.5)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(rect.left() + rect.width() * 0.2), y))
    QTest.mouseMove(canvas, QPoint(int(rect.left() + rect.width() * 0.45), y))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(int(rect.left() + rect.width() * 0.45), y))
    mask = item.history.current.mask
    assert mask is not None and len(item.history) == 3
    assert mask[mask.shape[0] // 2, int(mask.shape[1] * 0.3)] == 1.0  # painted along the stroke
    settle(qtbot, window, item)
    outside, inside = mask == 0, mask == 1
    assert outside.mean() > 0.5 and inside.any()
    assert np.array_equal(item.image[outside], unedited[outside])  # untouched where not painted
    assert np.array_equal(item.image[inside], whole[inside])        # fully edited where painted

    panel = history_tab(window)  # A/B of the whole edit and the masked one shows each as it was
    click_step(panel, 1, Qt.KeyboardModifier.ControlModifier)
    window.compare.setCurrentText(CompareMode.EDITED.value)
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT) as got:
        panel.compare_button.click()
    assert np.array_equal(got.args[0].images[0], whole) and np.array_equal(got.args[0].images[1], item.image)
    assert window.canvas.mode == CompareMode.SIDE_BY_SIDE  # "Edited only" would show B alone
    panel.stop_button.click()

    window.document.undo()
    settle(qtbot, window, item)
    assert item.history.current.mask is None
    assert np.array_equal(item.image, whole)


def test_a_mask_in_force_with_the_brush_off_is_outlined_and_named_in_the_sliders_tab(qtbot, window, image_files):
    """A stroke, the brush put down (B), then a slider: only the strip changed, and nothing on screen said a mask was
    there. The canvas outlines it faintly now, and the Sliders tab says edits apply inside it, until Clear mask."""
    item = open_image(qtbot, window, image_files[0])
    settle(qtbot, window, item)
    canvas, note = window.canvas, window.slider_tab.mask_note
    window.tabs.setCurrentWidget(window.slider_tab)
    assert not note.isVisible()
    window.mask_tool.brush.trigger()
    drag_across(canvas, "edited", 0.5, 0.3, 0.7)
    window.mask_tool.brush.trigger()  # the brush off, the mask in force
    assert not canvas.brush_mode and item.history.current.mask is not None
    settle(qtbot, window, item)  # no slider moved: the picture is the same with or without the mask
    mask_rows, mask_cols = np.nonzero(item.history.current.mask >= 0.5)
    h, w = item.history.current.mask.shape
    outlined = from_qimage(canvas.grab().toImage()).astype(int)
    assert note.isVisible() and "Clear mask" in note.text() and "B" in note.text() and "inside" in note.text()
    window.mask_tool.clear.trigger()
    settle(qtbot, window, item)
    plain = from_qimage(canvas.grab().toImage()).astype(int)
    assert not note.isVisible()
    for name, rect in canvas.panes():  # a line round the strip on each pane, the rest as it was
        changed = np.abs(outlined - plain).sum(axis=2) > 30
        inside = changed[int(rect.top()):int(rect.bottom()), int(rect.left()):int(rect.right())]
        rows, cols = np.nonzero(inside)
        assert rows.size and inside.mean() < 0.1, name  # a line, not a tint
        # along the strip's edge: within a pixel of the image (a line's width) of where the mask is on
        assert abs(cols.min() / rect.width() - mask_cols.min() / w) < 1.5 / w, name
        assert abs((cols.max() + 1) / rect.width() - (mask_cols.max() + 1) / w) < 1.5 / w, name
        assert abs(rows.min() / rect.height() - mask_rows.min() / h) < 1.5 / h, name
        assert abs((rows.max() + 1) / rect.height() - (mask_rows.max() + 1) / h) < 1.5 / h, name
    window.document.undo()  # the mask back: the note too
    assert note.isVisible()


def test_a_mask_made_by_erasing_is_named_as_edits_outside_the_erased_part(qtbot, window, image_files):
    """Erase (E) on a picture with no mask, a strip, E again: the mask is everywhere but the strip and PC1 changes
    all but the strip, yet the note said edits apply inside the painted mask (the outline is round the strip).
    And the note's showing moved Typicality and every slider down, under the user's mouse."""
    item = open_image(qtbot, window, image_files[0])
    settle(qtbot, window, item)
    note = window.slider_tab.mask_note
    window.tabs.setCurrentWidget(window.slider_tab)
    panel = window.sliders

    def places() -> list[QPoint]:
        QApplication.processEvents()  # the layout after the note showed or hid
        return [w.mapTo(window, QPoint(0, 0)) for w in (panel.meter, panel.sliders[0])]
    before = places()
    window.mask_tool.erase.trigger()
    drag_across(window.canvas, "edited", 0.5, 0.3, 0.7)
    window.mask_tool.erase.trigger()  # the eraser off, the mask in force
    mask = item.history.current.mask
    assert not window.canvas.brush_mode and mask is not None and mask.mean() > 0.5  # the edit everywhere but a strip
    assert note.isVisible() and note.text() == mask_note_text(menu_keys(window.menuBar()), outside=True)
    assert places() == before  # nothing above the sliders moved
    window.mask_tool.clear.trigger()
    assert not note.isVisible() and places() == before
    window.mask_tool.brush.trigger()  # a stroke painted on a plain picture: inside it, as before
    drag_across(window.canvas, "edited", 0.5, 0.3, 0.7)
    assert note.isVisible() and note.text() == mask_note_text(menu_keys(window.menuBar()), outside=False)


def test_a_stroke_on_the_original_pane_paints_the_mask_as_on_the_edited_one(qtbot, window, image_files):
    """Side by side, the same stroke on the Original pane was ignored without a word."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)
    assert window.canvas.mode == CompareMode.SIDE_BY_SIDE and "original" in dict(window.canvas.panes())
    window.mask_tool.brush.setChecked(True)
    steps = len(item.history)
    drag_across(window.canvas, "original", 0.5, 0.2, 0.45)
    on_original = item.history.current.mask
    assert len(item.history) == steps + 1 and on_original is not None  # one undoable stroke
    assert on_original[on_original.shape[0] // 2, int(on_original.shape[1] * 0.3)] == 1.0
    window.document.undo()
    assert item.history.current.mask is None
    drag_across(window.canvas, "edited", 0.5, 0.2, 0.45)
    on_edited = item.history.current.mask  # the same image points, but for the panes' fractions of a pixel
    assert np.abs(on_edited - on_original).max() < 0.25 and ((on_edited > 0.5) == (on_original > 0.5)).mean() > 0.98


def tool_button(window, action):
    return window.findChild(QToolBar, "mask_tools").widgetForAction(action)


def test_mask_brush_and_erase_are_pressed_one_at_a_time(qtbot, window, image_files):
    """Both looked pressed at once. Erase alone brushes too (it once stayed pressed while a drag panned), and
    clicking the pressed one puts the brush down."""
    tool, canvas = window.mask_tool, window.canvas
    brush, erase = tool_button(window, tool.brush), tool_button(window, tool.erase)

    def pressed() -> tuple[bool, bool]:
        return brush.isChecked(), erase.isChecked()
    qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)
    assert pressed() == (False, True) and canvas.brush_mode and canvas.erase
    qtbot.mouseClick(brush, Qt.MouseButton.LeftButton)
    assert pressed() == (True, False) and canvas.brush_mode and not canvas.erase
    qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)
    assert pressed() == (False, True) and canvas.brush_mode and canvas.erase
    qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)  # the pressed one again: no brushing
    assert pressed() == (False, False) and not canvas.brush_mode and not canvas.mask_visible
    qtbot.mouseClick(brush, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(brush, Qt.MouseButton.LeftButton)
    assert pressed() == (False, False) and not canvas.brush_mode


def test_an_erase_stroke_on_a_picture_without_a_mask_is_outlined_on_a_light_tint(qtbot, window, image_files):
    """Erasing where there is no mask makes one everywhere but the stroke: it tinted both panes pink at full
    strength, the erased strip the one place left untinted. The tint is light now and the strip outlined."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)
    settle(qtbot, window, item)
    canvas = window.canvas
    window.mask_tool.erase.trigger()
    plain = from_qimage(canvas.grab().toImage()).astype(int)
    drag_across(canvas, "edited", 0.5, 0.3, 0.7)
    settle(qtbot, window, item)
    shot = from_qimage(canvas.grab().toImage()).astype(int)
    mask = item.history.current.mask
    assert mask.min() == 0.0 and (mask == 1.0).mean() > 0.6  # the edit everywhere but the strip
    rect = dict(canvas.panes())["original"]  # its picture is the same before and after
    rows, columns = slice(int(rect.top()) + 5, int(rect.top() + rect.height() * 0.2)), slice(int(rect.left()) + 5,
                                                                                          int(rect.right()) - 5)
    top, before = shot[rows, columns], plain[rows, columns]
    far = np.abs(before[..., 1] - 40) > 60  # pixels the tint's green (40) visibly darkens
    opacity = np.median((before[..., 1] - top[..., 1])[far] / (before[..., 1] - 40)[far])
    assert 0.1 < opacity < 0.3  # tinted lightly away from the stroke (it was 110 / 255)
    h, w = mask.shape
    lines = [polygon.boundingRect() for polygon in canvas.overlay_for("edited").edge.toSubpathPolygons()]
    inside = [r for r in lines if r.left() > 0 and r.top() > 0 and r.right() < w and r.bottom() < h]
    assert len(inside) == 1  # one line in sight, in image pixels round the strip (the other one is past the border)
    edge = inside[0]
    assert 0.1 * w < edge.left() < 0.3 * w and 0.7 * w < edge.right() < 0.9 * w
    assert 0.25 * h < edge.top() < 0.5 * h < edge.bottom() < 0.75 * h


def test_during_a_comparison_each_pane_shows_its_own_steps_mask(qtbot, window, image_files):
    """With the brush on, Compare A/B drew the current step's mask on both panes, over a step without one."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)  # step 1: no mask
    settle(qtbot, window, item)
    window.mask_tool.brush.trigger()
    drag_across(window.canvas, "edited", 0.5, 0.2, 0.8)  # step 2, the current one: a mask
    settle(qtbot, window, item)
    panel = history_tab(window)
    click_step(panel, 1, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT):
        panel.compare_button.click()
    canvas = window.canvas
    shot = from_qimage(canvas.grab().toImage())
    canvas.show_mask(False)
    bare = from_qimage(canvas.grab().toImage())
    canvas.show_mask(True)
    original, edited = (dict(canvas.panes())[pane].toRect() for pane in ("original", "edited"))
    assert np.array_equal(shot[original.top():original.bottom(), original.left():original.right()],
                          bare[original.top():original.bottom(), original.left():original.right()])  # A: none
    assert not np.array_equal(shot[edited.top():edited.bottom(), edited.left():edited.right()],
                              bare[edited.top():edited.bottom(), edited.left():edited.right()])  # B: its own
    assert canvas.overlay_for("original") is None and canvas.overlay_for("edited") is not None
    window.mask_tool.brush.trigger()  # the brush off and on again keeps each pane's own
    window.mask_tool.brush.trigger()
    assert np.array_equal(from_qimage(canvas.grab().toImage()), shot)
    panel.stop_button.click()
    assert canvas.overlay_for("original") is canvas.overlay_for("edited") is not None  # the current step's mask


def test_erasing_a_picture_without_a_mask_takes_the_edit_from_the_spot_only(qtbot, window, reference, image_files):
    """No mask is the edit everywhere; one Erase click made an all-zero mask and the whole edit vanished."""
    item = open_image(qtbot, window, image_files[0])
    window.sliders.sliders[0].setValue(250)
    settle(qtbot, window, item)
    window.mask_tool.erase.trigger()
    rect = window.canvas.edited_rect()
    spot = QPoint(int(rect.left() + rect.width() * 0.5), int(rect.top() + rect.height() * 0.5))
    QTest.mousePress(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    QTest.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    mask = item.history.current.mask
    assert mask is not None and mask.min() == 0.0  # erased where clicked
    assert (mask == 1.0).mean() > 0.8  # the edit stays everywhere else (a 6 px brush on 32 px)
    assert window.history._step_names(item)[item.history.current_id] == "mask: erase"
