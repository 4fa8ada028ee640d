"""The Morph dialog's layout, and its size on the screen: keyframes on the left; the preview and, under it, the
animation and export settings on the right. Where the screen has too little room for them the preview shrinks, and
where it has too little for that too (a 14 pt font at 150 %) the settings scroll: at a 14 pt font the dialog's least
height was 786 px, taller than a 1280 × 720 screen, its Export and Close buttons below its edge."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget)

from .window_geometry import ScrolledWhenShort, content_size, fit_dialog, remeasure, room_for

PREVIEW = 256  # px; frames are scaled up with nearest neighbour so small models stay crisp
PREVIEW_LEAST = 128  # px: the preview on a screen too small for PREVIEW, a 64 px frame still twice its size


def two_line_label() -> QLabel:
    """A label that wraps, in room kept for two lines: on one line a longer text widened the dialog when it came
    (the preview moved right), and a second line moved the rows below."""
    label = QLabel()
    label.setWordWrap(True)
    label.setFixedHeight(2 * label.fontMetrics().lineSpacing())
    label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
    return label


def build_layout(dialog) -> None:
    """Keyframes on the left, the list taking all the height; preview, animation and export size stacked on
    the right. The settings sat under a four-row list, and the column beside the preview stood empty."""
    preview = _preview_box(dialog)
    settings = QWidget()
    stacked = QVBoxLayout(settings)
    stacked.setContentsMargins(0, 0, 0, 0)
    stacked.addWidget(_animation_box(dialog))
    stacked.addWidget(_export_box(dialog))
    stacked.addStretch(1)  # a taller dialog gives its height to the list, beside
    scrolled = ScrolledWhenShort(settings)
    right_column = QWidget()
    # as wide as the preview, or as the settings need ("Loop back to the start" was cut at a 14 pt font): a longer
    # hint or size wraps rather than taking width from the list
    right_column.setFixedWidth(max(preview.sizeHint().width(), scrolled.minimumSizeHint().width()))
    right = QVBoxLayout(right_column)
    right.setContentsMargins(0, 0, 0, 0)
    right.addWidget(preview)
    right.addWidget(scrolled, 1)
    top = QHBoxLayout()
    top.addWidget(_keyframes_box(dialog), 1)
    top.addWidget(right_column)
    bottom = QHBoxLayout()
    bottom.addWidget(dialog.busy, 1)
    bottom.addWidget(dialog.written, 1)  # beside the buttons: its kept room was an empty block under Scale
    bottom.addWidget(dialog.export_button, 0, Qt.AlignmentFlag.AlignBottom)
    bottom.addWidget(dialog.close_button, 0, Qt.AlignmentFlag.AlignBottom)
    layout = QVBoxLayout(dialog)
    layout.addLayout(top, 1)
    layout.addLayout(bottom)


def fit_morph_dialog(dialog) -> None:
    """Open the dialog at its size, within the screen's room; where that is too short for it, the preview gives up
    the height first (down to PREVIEW_LEAST), and only then do the settings scroll: they scrolled by 6 px on a
    1280 × 720 screen, the Export size box cut at its foot, and at a 12 pt font Export size was scrolled out of
    view. Its wrapped lines (the controller's note above it) are counted at the width it opens at."""
    room, layout = room_for(dialog), dialog.layout()
    width = min(content_size(dialog).width(), room.width())
    wrapped = layout.hasHeightForWidth()  # else Qt answers -1
    needed = layout.totalHeightForWidth(width) if wrapped else layout.totalSizeHint().height()
    if needed > room.height():
        side = max(PREVIEW_LEAST, PREVIEW - (needed - room.height()))
        dialog.preview.setFixedSize(side, side)
        remeasure(dialog)
    fit_dialog(dialog)


def _keyframes_box(dialog) -> QGroupBox:
    order = QVBoxLayout()
    order.addWidget(dialog.up_button)
    order.addWidget(dialog.down_button)
    order.addStretch(1)
    rows = QHBoxLayout()
    rows.addWidget(dialog.keyframes, 1)
    rows.addLayout(order)
    box = QGroupBox("Keyframes")
    column = QVBoxLayout(box)
    how = QLabel("Tick two or more; drag or use ↑ ↓ to set their order")
    how.setWordWrap(True)  # on one line it held the dialog wider than a small screen at a large font
    column.addWidget(how)
    column.addLayout(rows, 1)
    return box


def _preview_box(dialog) -> QGroupBox:
    scrub = QHBoxLayout()
    scrub.addWidget(dialog.play_button)
    scrub.addWidget(dialog.timeline, 1)
    scrub.addWidget(dialog.frame_label)
    box = QGroupBox("Preview")
    column = QVBoxLayout(box)
    column.addWidget(dialog.preview, 0, Qt.AlignmentFlag.AlignCenter)
    column.addLayout(scrub)
    return box


def _animation_box(dialog) -> QGroupBox:
    frames_row = QHBoxLayout()
    frames_row.addWidget(dialog.frames)
    frames_row.addWidget(dialog.frames_hint, 1)
    box = QGroupBox("Animation")
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)  # Speed as narrow as Frames
    form.addRow("Frames", frames_row)
    form.addRow("Speed", dialog.fps)
    form.addRow("Path", dialog.mode)
    form.addRow("", dialog.loop)
    return box


def _export_box(dialog) -> QGroupBox:
    box = QGroupBox("Export size")
    form = QFormLayout(box)
    dialog.scale.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # as narrow as Frames
    form.addRow("Scale", dialog.scale)
    # its name at the top of the row, as the size is (in room for two lines): the form centred "Size" in 1.75 lines,
    # 5 to 9 px below the size
    name = QLabel("Size")
    name.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    form.addRow(name, dialog.size_label)  # a row of its own: an MP4's odd side makes it long
    return box
