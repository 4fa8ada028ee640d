"""Number boxes take a number typed past their range as the nearest end of it and say the range (Qt's refused the
keystroke past the maximum: 1500 in the Train… dialog's Time box became 150.00 min, and 0 went back to the value
before without a word); the Train… dialog's least time trains something, and its resolutions come in order."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from genimg_gui.ui.gan_panel import GanPanel
from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_fields import offer_resolution

from widget_helpers import shown, solid


def typed(qtbot, box, text: str, enter=Qt.Key.Key_Return):
    """Type text over the box's own, as a user does, and enter it (Return, or Tab: the focus leaving)."""
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    shown_text = box.text()
    qtbot.keyClick(box, enter)
    return shown_text, box.value()


@pytest.fixture()
def train_dialog(qtbot) -> TrainDialog:
    return shown(qtbot, TrainDialog())


@pytest.mark.parametrize("text, entered", [("1500", 1440), ("2000", 1440), ("99999", 1440), ("0", 1), ("45", 45)])
def test_the_time_box_takes_a_number_past_its_range_as_its_end(qtbot, train_dialog, text, entered):
    shown_text, value = typed(qtbot, train_dialog.minutes, text)
    assert shown_text == f"{text} min"  # the digits stand while typed: none was dropped
    assert value == entered and train_dialog.minutes.text() == f"{entered} min"  # "1440 min", not "1440.00 min"


def test_the_time_box_says_its_range_and_its_least_time_trains_something(qtbot, train_dialog):
    minutes = train_dialog.minutes
    assert minutes.minimum() >= 1  # 0.1 min was all start and end: the run said so only afterwards
    assert minutes.toolTip().endswith("\nFrom 1 to 1440 min") and "whole time again" in minutes.toolTip()
    typed(qtbot, minutes, "7")
    _, value = typed(qtbot, minutes, "0", Qt.Key.Key_Tab)  # leaving the box enters it too
    assert value == 1
    assert typed(qtbot, train_dialog.sample_every, "999999")[1] == 100_000
    assert train_dialog.sample_every.toolTip().endswith("held-out images.\nFrom 1 to 100000")


def test_the_resolutions_are_listed_smallest_first_with_the_default_chosen(train_dialog):
    box = train_dialog.resolution
    assert [box.itemText(at) for at in range(box.count())] == ["32", "64", "128"] and box.currentText() == "64"
    offer_resolution(box, "96")  # a model's or an earlier run's resolution goes in its place
    offer_resolution(box, "256")
    offer_resolution(box, "64")
    assert [box.itemText(at) for at in range(box.count())] == ["32", "64", "96", "128", "256"]


def test_the_inversion_steps_and_the_morphs_boxes_take_a_number_past_their_range_as_its_end(qtbot):
    panel = shown(qtbot, GanPanel())
    panel.setEnabled(True)
    assert typed(qtbot, panel.steps, "5000") == ("5000", 2000)
    assert typed(qtbot, panel.steps, "5") == ("5", 10)
    assert panel.steps.toolTip().endswith(".\nFrom 10 to 2000")  # a full stop: it read "…take longer From 10"
    morph = shown(qtbot, MorphDialog([(1, "a.png", solid(10, 64)), (2, "b.png", solid(90, 64))]))
    top = morph.frames.maximum()
    assert typed(qtbot, morph.fps, "600") == ("600 fps", 60)
    assert typed(qtbot, morph.frames, str(10 * top))[1] == top
    assert typed(qtbot, morph.scale, "999")[1] == morph.scale.maximum()
    assert morph.scale.toolTip().endswith(f"\nFrom ×1 to ×{morph.scale.maximum()}")  # the range of the frame size


def test_the_sample_interval_reads_right_at_1(qtbot, train_dialog):
    """It read "Samples every 1 steps"; now "Steps between samples" and a bare number."""
    from PySide6.QtWidgets import QFormLayout

    box = train_dialog.sample_every
    box.setValue(1)
    form = next(f for f in train_dialog.findChildren(QFormLayout) if f.indexOf(box) >= 0)
    assert form.labelForField(box).text() == "Steps between samples" and box.text() == "1"


def test_a_tip_ending_in_a_bracket_ends_its_sentence_before_the_range(qtbot):
    """The brush Radius tip read "…make it smaller and larger)\nFrom 1 to 512 px": no full stop after ")"."""
    from genimg_gui.ui.number_boxes import NumberBox

    box = NumberBox()
    qtbot.addWidget(box)
    box.setRange(1, 512)
    box.setSuffix(" px")
    box.setToolTip("Brush radius ([ and ] make it smaller and larger)")
    assert box.toolTip() == "Brush radius ([ and ] make it smaller and larger).\nFrom 1 to 512 px"
