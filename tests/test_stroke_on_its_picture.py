"""A brush stroke is a step of the picture it was painted on, as a slider gesture is: one under way as another picture
becomes current (a file opened a moment before coming in), as another VAE arrives or as the user undoes is a step
first, and the press paints no more. Its release put the stroke, begun from the first picture's mask, on the picture
that had come in; and after Ctrl+Z it recorded the stroke, begun from the undone step's mask, on a branch: the undo
changed nothing on screen."""
from __future__ import annotations

import os

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from conftest import UI_TIMEOUT, write_directions
from test_masked_edits import open_images, settle
from test_open_latents import other_vae
from test_session_choice import held_loads

LEFT, NO_KEYS = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def at(canvas, fx: float, fy: float) -> QPoint:
    """A point on the edited picture, at fractions of its width and height."""
    rect = canvas.edited_rect()
    return QPoint(int(rect.left() + rect.width() * fx), int(rect.top() + rect.height() * fy))


def painted(mask, fx: float, fy: float) -> bool:
    """Whether the mask is painted at fractions of its width and height."""
    return mask is not None and mask[int(fy * mask.shape[0]), int(fx * mask.shape[1])] > 0.5


def painting(qtbot, window, image_file):
    """A picture open and settled, the mask brush on."""
    [item] = open_images(qtbot, window, [image_file])
    settle(qtbot, item)
    window.mask_tool.brush.setChecked(True)
    return item


def undo_by_keys(window) -> None:
    QTest.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_a_stroke_under_way_as_another_picture_comes_in_is_a_step_of_the_picture_it_was_painted_on(
        qtbot, window, image_files):
    doc, canvas = window.document, window.canvas
    first = painting(qtbot, window, image_files[0])
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.2, 0.5))
    QTest.mouseMove(canvas, at(canvas, 0.3, 0.5))
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[1])])  # opened a moment before: it comes in, and is shown
    second = doc.current
    assert second is not first
    QTest.mouseMove(canvas, at(canvas, 0.7, 0.5))  # the same press goes on
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.7, 0.5))
    assert len(second.history) == 1 and second.history.current.mask is None
    assert len(first.history) == 2  # the stroke's step, made as the other picture came in
    mask = first.history.current.mask
    assert painted(mask, 0.25, 0.5) and not painted(mask, 0.7, 0.5)  # ...and the press painted no more


def test_ctrl_z_during_a_stroke_takes_back_that_stroke_alone(qtbot, window, image_files):
    canvas = window.canvas
    item = painting(qtbot, window, image_files[0])
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.1, 0.2))  # a first stroke, along the top
    QTest.mouseMove(canvas, at(canvas, 0.9, 0.2))
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.9, 0.2))
    assert len(item.history) == 2
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.1, 0.8))  # a second one, along the bottom
    QTest.mouseMove(canvas, at(canvas, 0.4, 0.8))
    undo_by_keys(window)  # mid-stroke
    QTest.mouseMove(canvas, at(canvas, 0.9, 0.8))  # the same press goes on
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.9, 0.8))
    assert len(item.history) == 3 and item.history.current_id == 1  # back at the first stroke
    assert painted(item.history.current.mask, 0.5, 0.2) and not painted(item.history.current.mask, 0.2, 0.8)
    window.redo_action.trigger()  # the stroke as far as it went before the undo
    mask = item.history.current.mask
    assert item.history.current_id == 2 and painted(mask, 0.2, 0.8) and not painted(mask, 0.8, 0.8)


def test_ctrl_z_during_the_first_stroke_on_a_picture_takes_it_back(qtbot, window, image_files):
    """Undo was greyed out there (no step to undo yet), and Ctrl+Z did nothing."""
    canvas = window.canvas
    item = painting(qtbot, window, image_files[0])
    assert not window.undo_action.isEnabled()
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.1, 0.5))
    QTest.mouseMove(canvas, at(canvas, 0.5, 0.5))
    assert window.undo_action.isEnabled()  # the stroke's step is on its way
    undo_by_keys(window)
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.9, 0.5))
    assert item.history.current_id == 0 and item.history.current.mask is None
    assert window.redo_action.isEnabled() and len(item.history) == 2


def test_a_stroke_under_way_as_another_vae_arrives_is_a_step_before_the_switch(qtbot, window, image_files, tmp_path,
                                                                              monkeypatch):
    """As a slider gesture is (test_gesture_at_model_arrival): the new VAE encodes the picture again, at its own
    size, and the stroke went on over it."""
    doc, canvas = window.document, window.canvas
    item = painting(qtbot, window, image_files[0])
    folder = write_directions(other_vae(tmp_path / "other-vae", 7, "other-vae"))
    gate = held_loads(monkeypatch, os.path.realpath(folder))
    with qtbot.waitSignal(doc.engine.started, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.2, 0.5))
    QTest.mouseMove(canvas, at(canvas, 0.3, 0.5))
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        gate.set()
    assert len(item.history) == 2  # the stroke's step, made as the VAE arrived
    QTest.mouseMove(canvas, at(canvas, 0.7, 0.5))  # the same press goes on
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.7, 0.5))
    settle(qtbot, item)
    mask = item.history.current.mask
    assert len(item.history) == 2 and painted(mask, 0.25, 0.5) and not painted(mask, 0.7, 0.5)


def test_clear_mask_during_a_stroke_ends_the_stroke_first_then_clears(qtbot, window, image_files):
    """Clear mask while the brush is held down: the stroke is a step first and the press paints no more, then the
    mask goes, a step of its own. The press went on painting, its release put back the mask it began from with the
    stroke on it (the Clear undone unasked), or, on a picture with no mask yet, Clear did nothing at all."""
    canvas = window.canvas
    item = painting(qtbot, window, image_files[0])
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.1, 0.2))  # a first stroke, along the top
    QTest.mouseMove(canvas, at(canvas, 0.4, 0.2))
    window.mask_tool.clear.trigger()  # Edit → Mask → Clear mask, mid-stroke on a picture with no mask yet
    QTest.mouseMove(canvas, at(canvas, 0.9, 0.2))  # the same press goes on
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.9, 0.2))
    assert len(item.history) == 3 and item.history.current.mask is None  # the stroke, then the mask cleared
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.1, 0.8))  # a new stroke, along the bottom
    QTest.mouseMove(canvas, at(canvas, 0.4, 0.8))
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.4, 0.8))
    QTest.mousePress(canvas, LEFT, NO_KEYS, at(canvas, 0.6, 0.5))  # and one more, held
    QTest.mouseMove(canvas, at(canvas, 0.7, 0.5))
    window.mask_tool.clear.trigger()
    QTest.mouseMove(canvas, at(canvas, 0.9, 0.5))
    QTest.mouseRelease(canvas, LEFT, NO_KEYS, at(canvas, 0.9, 0.5))
    assert len(item.history) == 6 and item.history.current.mask is None
    assert window.canvas.mask_overlay is None  # none shows
    undo_by_keys(window)  # back to the stroke as far as it went before the clear
    mask = item.history.current.mask
    assert painted(mask, 0.65, 0.5) and painted(mask, 0.2, 0.8) and not painted(mask, 0.85, 0.5)
    undo_by_keys(window)  # the bottom stroke alone
    mask = item.history.current.mask
    assert painted(mask, 0.2, 0.8) and not painted(mask, 0.65, 0.5)
    for _ in range(2):
        window.redo_action.trigger()
    assert item.history.current_id == 5 and item.history.current.mask is None
