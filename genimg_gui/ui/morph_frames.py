"""The Morph dialog's Frames box. A number typed below its least (one frame per ticked keyframe) went back to the one
before on Tab or Enter, as a QSpinBox did, without a word: 2 typed with three keyframes ticked came back as 24. It is
raised to the least now, and said beside the box (raised_note), as ticking a keyframe raises it."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ..morph import DEFAULT_FRAMES, MAX_FRAMES, MIN_FRAMES
from .number_boxes import NumberBox


def raised_note(least: int) -> str:
    """Why Frames went up to `least`: the ticked keyframes' count, or a morph's fewest frames."""
    why = "one frame per keyframe at least" if least > MIN_FRAMES else f"a morph has {MIN_FRAMES} frames at least"
    return f"Raised to {least}: {why}"


class FramesBox(NumberBox):
    """Frames: a number typed below the minimum is taken as the minimum, and `raised` says so."""

    raised = Signal(int)  # the minimum a typed number was raised to; valueChanged (if it changed) comes next

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(MIN_FRAMES, MAX_FRAMES)
        self.setValue(DEFAULT_FRAMES)
        self.setToolTip("Frames in all: at least one per ticked keyframe, so that none is skipped")

    def fixup(self, text: str) -> str:
        """A number typed below the minimum becomes the minimum (NumberBox), and `raised` says so."""
        typed = self._typed(text)
        if typed is not None and typed < self.minimum():
            self.raised.emit(self.minimum())
        return super().fixup(text)
