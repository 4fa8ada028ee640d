"""Morph…: tick two or more keyframes, scrub or play the morph, export GIF / WebP / MP4. The dialog only describes
the morph (MorphSettings) and asks for frames; the document decodes them in the background and hands them back with
show_frame."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLabel, QPushButton, QWidget

from ..animation_files import GIF_MAX_FPS, MAX_SCALE, default_scale, max_scale, output_size
from ..morph import DEFAULT_FPS, DEFAULT_MODE, MAX_FRAMES, min_frames
from .fixed_lines import FixedLinesLabel
from .focus_frame import FocusSlider
from .keyframe_list import ID_ROLE, KeyframeList, order_button
from .morph_frames import FramesBox, raised_note
from .morph_layout import PREVIEW, build_layout, fit_morph_dialog, two_line_label
from .morph_settings import MorphSettings, fill_form, form_of, remembered_scale
from .number_boxes import NumberBox, set_in_range
from .qimage import to_qimage
from .save_dialog import ask_export_path
from .settings import Settings
from .window_geometry import FittedOnFirstShow

MODES = (("spherical", "Spherical (slerp)"), ("linear", "Linear"))  # the Path box's items: morph.MODES, named
NO_FRAME = "Frames appear here"  # the preview before its first frame, and with fewer than two keyframes ticked
EXPORT_FILTERS = {"GIF (*.gif)": ".gif", "WebP (*.webp)": ".webp", "MP4 video (*.mp4)": ".mp4"}
TITLE = "Morph / interpolate"  # the Edit menu's item (MorphController.MENU_TEXT): it said "Morph between images"


class MorphDialog(QDialog):
    """Non-modal. settings_changed fires on a real change of what the frames look like (not fps or scale)."""

    settings_changed = Signal(object)
    form_changed = Signal(dict)  # the user set Frames, Speed, Path, Loop or Scale: what the next one starts from
    frame_requested = Signal(int)
    export_requested = Signal(str)

    def __init__(self, items: list[tuple[int, str, np.ndarray]], parent: QWidget | None = None,
                 checked: tuple[int, ...] | None = None, remembered: dict | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(False)
        checked = tuple(i for i, _, _ in items[:2]) if checked is None else checked
        self.keyframes = KeyframeList(items, checked)
        # (width, height) of each item: the morph plays at its first keyframe's size
        self._sizes = {item_id: (image.shape[1], image.shape[0]) for item_id, _, image in items}
        self.export_suffix = ".gif"  # the last format exported (remembered): the next save dialog offers it again
        self.up_button = order_button("↑", "Move the selected keyframe earlier")
        self.down_button = order_button("↓", "Move the selected keyframe later")
        remembered = remembered or {}
        self._build_controls()
        fill_form(self, remembered)
        self._show_frame_count()
        build_layout(self)
        FittedOnFirstShow(self, fit_morph_dialog)  # as it first shows: the controller adds a note above first
        size = self._frame_size()
        self.scale.setMaximum(max_scale(size) if size else MAX_SCALE)
        chosen = remembered_scale(remembered)
        self._scale_chosen = chosen is not None
        set_in_range(self.scale, chosen if chosen is not None else default_scale(size) if size else 1)
        self._update_size_label()
        self._follow_keyframe_count()
        self._last = self.settings()
        self._connect()
        self._update_enabled()

    def _build_controls(self) -> None:
        self.frames = FramesBox()
        self.frames_hint = two_line_label()  # says when ticking more keyframes, or a number typed, raised Frames
        self._raised_to: int | None = None  # what Frames was raised to from a number typed below it
        self.fps = NumberBox()
        self.fps.setRange(1, 60)
        self.fps.setValue(DEFAULT_FPS)
        self.fps.setSuffix(" fps")
        self.fps.setToolTip(f"Frames per second; a GIF plays at most {GIF_MAX_FPS:g} fps (its delays come in 10 ms "
                            "steps, and players slow one under 20 ms), so a faster GIF is written at that")
        self.mode = QComboBox()
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setCurrentIndex(self.mode.findData(DEFAULT_MODE))
        self.mode.setToolTip("Spherical keeps the in-between latents as typical as the keyframes "
                             "(no washed-out middle); linear is a straight line")
        self.loop = QCheckBox("Loop back to the start")
        self.scale = NumberBox()
        self.scale.setRange(1, MAX_SCALE)
        self.scale.setPrefix("×")
        self.scale.setToolTip("Every frame is written this many times larger, without smoothing, in GIF, WebP and "
                              "MP4 alike; small models start at ×4 or so, as a player shows a 64-px video as a speck")
        self.size_label = two_line_label()  # an MP4's odd side adds a note
        # its first line level with "Size" (morph_layout), the second below it
        self.size_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.timeline = FocusSlider(Qt.Orientation.Horizontal)
        self.timeline.setRange(0, self.frames.value() - 1)
        self.timeline.setToolTip("The frame on show: drag, or use the arrow keys, to go through the morph")
        self.timeline.setAccessibleName("Timeline")
        self.frame_label = QLabel()
        # until the first frame is shown the counter says "— / 24", and Play and the timeline wait: the preview read
        # "Frames appear here" beside "1 / 24"
        self._has_frame = False
        self.preview = QLabel(NO_FRAME)
        self.preview.setFixedSize(PREVIEW, PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)  # its words were cut in the 128-px preview of a small screen at a large font
        self.preview.setStyleSheet("background: #2b2b2b; color: #bbbbbb;")
        self.play_button = QPushButton()
        self.play_button.setCheckable(True)
        self._show_play_button(False)
        # two lines each, whatever they say (a longer text cut short, whole in the tooltip): a third line made the
        # row beside Export and Close taller, the keyframe list shrank under the cursor and the settings scrolled
        self.busy = FixedLinesLabel(2)
        self.busy.setVisible(False)
        self.written = FixedLinesLabel(2)  # what the last export wrote
        self.written.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.written.setVisible(False)
        # its room kept while hidden: the keyframe list shrank under the cursor when it appeared
        policy = self.written.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.written.setSizePolicy(policy)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Write the morph as an animated GIF, WebP or an MP4 video")
        self.close_button = QPushButton("Close")
        for button in (self.play_button, self.export_button, self.close_button):
            button.setAutoDefault(False)  # no OK here: Enter only confirms the field it is typed in
        self.timer = QTimer(self)
        self._update_frame_label()

    def _connect(self) -> None:
        model = self.keyframes.model()
        self._settle = QTimer(self, singleShot=True, interval=0)
        self.keyframes.itemChanged.connect(self._changed)
        # a drag may arrive as a move or as remove + insert: look once the list has settled
        for rows_signal in (model.rowsMoved, model.rowsInserted, model.rowsRemoved):
            rows_signal.connect(self._settle.start)
        self._settle.timeout.connect(self._changed)
        self.frames.raised.connect(self._on_raised)
        self.frames.valueChanged.connect(self._on_frames)
        self.mode.currentIndexChanged.connect(self._changed)
        self.loop.toggled.connect(self._changed)
        self.fps.valueChanged.connect(self._on_fps)
        self.scale.valueChanged.connect(self._on_scale)
        self.timeline.valueChanged.connect(self._on_timeline)
        self.play_button.toggled.connect(self.set_playing)
        self.timer.timeout.connect(self._advance)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.export_button.clicked.connect(self._ask_export)
        self.close_button.clicked.connect(self.close)
        for form_signal in (self.frames.valueChanged, self.fps.valueChanged, self.mode.currentIndexChanged,
                            self.loop.toggled):
            form_signal.connect(self._form_edited)
        self.scale.valueChanged.connect(self._scale_edited)

    def _form_edited(self, *_args) -> None:
        self.form_changed.emit(form_of(self, self._scale_chosen))  # remembered: given back to __init__ next time

    def _scale_edited(self, _scale: int) -> None:
        self._scale_chosen = True
        self._form_edited()

    # --- settings ---------------------------------------------------------
    def settings(self) -> MorphSettings:
        ids = tuple(self.keyframes.item(r).data(ID_ROLE) for r in range(self.keyframes.count())
                    if self.keyframes.item(r).checkState() == Qt.CheckState.Checked)
        return MorphSettings(ids, self.frames.value(), self.fps.value(), self.mode.currentData(),
                             self.loop.isChecked(), self.scale.value())

    def _changed(self, *_args) -> None:
        self._follow_keyframe_count()
        self._update_enabled()
        self._update_size_label()
        now = self.settings()
        if now.item_ids != self._last.item_ids or now.frames != self._last.frames \
                or now.mode != self._last.mode or now.loop != self._last.loop:
            self.settings_changed.emit(now)
        self._last = now

    def _update_enabled(self) -> None:
        enough = len(self.settings().item_ids) >= 2
        self.export_button.setEnabled(enough and not self.busy.isVisible())
        self.play_button.setEnabled(enough and self._has_frame)
        self.timeline.setEnabled(enough and self._has_frame)
        if not enough:
            self.set_playing(False)
            self._clear_preview()  # a frame of the morph before a keyframe was unticked

    def _clear_preview(self) -> None:
        if self._has_frame:
            self._has_frame = False
            self.preview.setText(NO_FRAME)  # drops the pixmap
            self.preview.setToolTip("")
            self._update_frame_label()

    def move_selected(self, step: int) -> None:
        row = self.keyframes.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.keyframes.count():
            return
        entry = self.keyframes.takeItem(row)
        self.keyframes.insertItem(target, entry)
        self.keyframes.setCurrentRow(target)

    def _follow_keyframe_count(self) -> None:
        """Keep Frames at one per ticked keyframe at least (morph.min_frames, as `genimg interpolate`): fewer
        skipped a keyframe without a word. Raising it is said beside the field, while the ticked keyframes still
        hold Frames there."""
        least = min(min_frames(len(self.settings().item_ids)), MAX_FRAMES)
        if least != self.frames.minimum():
            before = self.frames.value()
            with QSignalBlocker(self.frames):  # _changed goes on to say what changed, once
                self.frames.setMinimum(least)
            if self.frames.value() != before:
                self._set_frames_hint(raised_note(least))
                self._show_frame_count()
        if self.frames.value() > least:  # fewer keyframes ticked: the number stands on its own now
            self._set_frames_hint("")

    def _set_frames_hint(self, text: str) -> None:
        self.frames_hint.setText(text)
        self.frames_hint.setToolTip(text)  # should two lines not hold it

    def _on_raised(self, least: int) -> None:
        self._raised_to = least  # kept by the valueChanged that follows, if Frames was not at it already
        self._set_frames_hint(raised_note(least))

    def _on_frames(self, frames: int) -> None:
        if frames != self._raised_to:
            self._set_frames_hint("")  # the user's own number now
        self._raised_to = None
        self._show_frame_count()
        self._changed()

    def _show_frame_count(self) -> None:
        self.timeline.setMaximum(self.frames.value() - 1)
        self._update_frame_label()

    def _on_fps(self, fps: int) -> None:
        self.timer.setInterval(round(1000 / fps))
        self._last = self.settings()

    def _on_scale(self, _scale: int) -> None:
        self._update_size_label()
        self._last = self.settings()

    def _frame_size(self) -> tuple[int, int] | None:
        """(width, height) of the morph's frames as decoded: the first keyframe's; None without keyframes."""
        ids = self.settings().item_ids
        return self._sizes.get(ids[0]) if ids else None

    def _update_size_label(self) -> None:
        """The size the export writes, the same in every format but for an MP4's odd side."""
        size = self._frame_size()
        if size is None:
            self.size_label.setText("")
            return
        width, height = output_size(size, self.scale.value(), ".gif")
        text = f"{width} × {height} px"
        video = output_size(size, self.scale.value(), ".mp4")
        if video != (width, height):
            text += f" ({video[0]} × {video[1]} in MP4: H.264 needs even sides)"
        self.size_label.setText(text)

    # --- timeline and preview ---------------------------------------------
    def _on_timeline(self, index: int) -> None:
        self._update_frame_label()
        self.frame_requested.emit(index)

    def _update_frame_label(self) -> None:
        shown = self.timeline.value() + 1 if self._has_frame else "—"
        self.frame_label.setText(f"{shown} / {self.frames.value()}")

    def set_playing(self, on: bool) -> None:
        if on:
            self.timer.start(round(1000 / self.fps.value()))
        else:
            self.timer.stop()
        self.play_button.blockSignals(True)
        self.play_button.setChecked(on)
        self._show_play_button(on)
        self.play_button.blockSignals(False)

    def _show_play_button(self, playing: bool) -> None:
        """Play, or Pause while playing, in words alone: not ▶/⏸ characters, as many fonts (DejaVu, the usual Linux
        one) have no ⏸, which drew as an empty box, nor the style's media icons, black on a dark theme's button."""
        self.play_button.setText("Pause" if playing else "Play")

    def _advance(self) -> None:
        self.timeline.setValue((self.timeline.value() + 1) % self.frames.value())

    def show_frame(self, index: int, image: np.ndarray) -> None:
        """Show a decoded frame, scaled up without smoothing (blurry upscales hide the detail)."""
        if len(self.settings().item_ids) < 2:
            return  # decoded before a keyframe was unticked: no morph to show now
        pix = QPixmap.fromImage(to_qimage(image))
        side = self.preview.width()  # PREVIEW, or less on a small screen (fit_morph_dialog)
        self.preview.setPixmap(pix.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.FastTransformation))
        self.preview.setToolTip(f"Frame {index + 1}")
        if not self._has_frame:
            self._has_frame = True
            self._update_frame_label()
            self._update_enabled()

    def set_busy(self, text: str | None) -> None:
        if text is not None:  # what the message said was about an earlier export
            # hidden, it keeps its room (two lines): before the busy line shows, which lays the row out at once
            self.written.clear()
            self.written.setVisible(False)
        self.busy.setText(text or "")
        self.busy.setVisible(text is not None)
        self._update_enabled()

    def show_written(self, text: str) -> None:
        """Say what an export wrote ("Wrote …/morph.gif (24 frames, 256×256, 2.0 s)"), or why it wrote nothing."""
        self.written.setText(text)
        self.written.setVisible(True)

    # --- export -----------------------------------------------------------
    def _ask_export_path(self) -> str | None:
        """The save dialog; tests call export_to instead."""
        # siblings: morph 2.mp4 takes morph 2.gif; formats: "mm" in GIF becomes mm.gif, asked about if it exists;
        # no picture: a morph goes through several, so before any export it starts where pictures were last opened
        path = ask_export_path(self, "Export morph", Settings(), "morph", self.export_suffix, ";;".join(EXPORT_FILTERS),
                               numbered=True, siblings=tuple(EXPORT_FILTERS.values()), formats=EXPORT_FILTERS)
        return path or None

    def _ask_export(self) -> None:
        path = self._ask_export_path()
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        suffix = Path(path).suffix.lower()
        if suffix in EXPORT_FILTERS.values():
            self.export_suffix = suffix
            self._form_edited()
        self.export_requested.emit(str(path))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.set_playing(False)
        super().closeEvent(event)
