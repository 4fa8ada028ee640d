"""The Morph dialog's layout on its own (no engine): the keyframe list takes the height, nothing stands empty."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QWidget

from genimg_gui.ui.morph_dialog import MorphDialog

KEYFRAMES = 8
GAP = 24  # px: a layout's spacing and margins between a column's last control and the buttons, no more


def dialog_with_keyframes(qtbot, count: int = KEYFRAMES) -> MorphDialog:
    items = [(i, f"image {i}.png", np.full((64, 64, 3), 10 * i, np.uint8)) for i in range(count)]
    dialog = MorphDialog(items)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(dialog)
    return dialog


def settle(dialog: MorphDialog) -> None:
    QApplication.processEvents()
    dialog.layout().activate()


def rows_shown(dialog: MorphDialog) -> int:
    return dialog.keyframes.viewport().height() // dialog.keyframes.sizeHintForRow(0)


def place(dialog: MorphDialog, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(dialog, widget.rect().topLeft()), widget.size())


def lowest_above(dialog: MorphDialog, left: int, right: int, limit: int) -> int:
    """The bottom edge of the lowest visible widget between x = left and right that ends above y = limit."""
    bottoms = [place(dialog, w).bottom() for w in dialog.findChildren(QWidget)
               if w.isVisible() and w.window() is dialog and place(dialog, w).left() < right
               and place(dialog, w).right() > left and place(dialog, w).bottom() < limit]
    return max(bottoms)


def test_the_morph_dialog_shows_every_keyframe_of_eight_at_its_first_size(qtbot):
    """The list was four rows tall at first, a scroll in a tiny box with eight images open."""
    dialog = dialog_with_keyframes(qtbot)
    assert rows_shown(dialog) >= KEYFRAMES


def test_a_taller_morph_dialog_gives_all_its_new_height_to_the_keyframe_list(qtbot):
    dialog = dialog_with_keyframes(qtbot, 20)
    before, rows = dialog.keyframes.height(), rows_shown(dialog)
    dialog.resize(dialog.width(), dialog.height() + 200)
    settle(dialog)
    assert dialog.keyframes.height() == before + 200 and rows_shown(dialog) > rows
    dialog.resize(dialog.minimumSize())
    settle(dialog)
    # the smallest dialog still shows a useful list (less than at first: its settings scroll, so that it fits a
    # small screen)
    assert rows_shown(dialog) >= KEYFRAMES // 2


def test_no_column_of_the_morph_dialog_ends_in_an_empty_block(qtbot):
    """An empty block stood under Scale (and under the preview) above the Export button."""
    dialog = dialog_with_keyframes(qtbot)
    buttons = place(dialog, dialog.export_button).top()
    list_left, list_right = place(dialog, dialog.keyframes).left(), place(dialog, dialog.keyframes).right()
    preview = place(dialog, dialog.preview)
    for left, right in ((list_left, list_right), (preview.left(), preview.right())):
        assert buttons - lowest_above(dialog, left, right, buttons) <= GAP, (left, right)


def test_a_long_keyframe_name_is_elided_in_its_middle_and_whole_in_its_tooltip(qtbot):
    """"1f60d.png, inverted (stopped a…" was cut off behind a horizontal scroll bar; its end tells it apart."""
    names = ["seed 3005", "1f60d.png, inverted 2 (stopped at step 400) of a picture with a long name indeed"]
    items = [(i, name, np.full((64, 64, 3), 10 * i, np.uint8)) for i, name in enumerate(names)]
    dialog = MorphDialog(items)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(dialog)
    keyframes = dialog.keyframes
    row = keyframes.visualItemRect(keyframes.item(1))
    assert keyframes.fontMetrics().horizontalAdvance(names[1]) > row.width()  # too long to show whole
    assert keyframes.horizontalScrollBar().maximum() == 0 and not keyframes.horizontalScrollBar().isVisible()
    assert row.right() < keyframes.viewport().width()  # elided inside the list, not clipped at its edge
    assert keyframes.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert [keyframes.item(i).toolTip() for i in range(2)] == names


def text_middle(dialog: MorphDialog, label: QLabel) -> float:
    """The height in the dialog of the middle of a one-line label's text, where the label draws it."""
    drawn = label.style().itemTextRect(label.fontMetrics(), label.contentsRect(), label.alignment(), True,
                                       label.text())
    return label.mapTo(dialog, drawn.topLeft()).y() + drawn.height() / 2


def test_the_export_sizes_names_are_level_with_their_values(qtbot):
    """"256 × 256 px" stood 5 to 9 px above its name "Size": the form centred the name in 1.75 lines' height, the
    size sat at the top of the two lines kept for it."""
    dialog = dialog_with_keyframes(qtbot)
    form = dialog.size_label.parentWidget().layout()
    assert isinstance(form, QFormLayout)
    size_name = form.labelForField(dialog.size_label)
    assert size_name.text() == "Size" and dialog.size_label.text() == "256 × 256 px"
    assert dialog.size_label.fontMetrics().horizontalAdvance(dialog.size_label.text()) <= dialog.size_label.width()
    assert abs(text_middle(dialog, size_name) - text_middle(dialog, dialog.size_label)) <= 2
    scale_name = form.labelForField(dialog.scale)
    scale_box = place(dialog, dialog.scale)
    assert abs(text_middle(dialog, scale_name) - (scale_box.top() + scale_box.height() / 2)) <= 2
