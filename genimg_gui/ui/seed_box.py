"""The Generate tab's seed box: a digit that takes the seed past MAX_SEED is refused, and said so; a quick run of
arrow keys, Page Up/Down, wheel notches or clicks on its arrows is one step, as a run of keys on a slider is
(slider_runs.Runs). Each press drawn as its own step, the GAN dropped the seeds it had not drawn before the next
press: five presses from 42 made History "seed 43, seed 47", and undo went from 47 to 43 while Down went to 46."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox

from .. import seed_draws
from . import slider_runs  # its rests read when used, as RunSlider reads them
from .number_keys import let_window_keys_through
from .slider_runs import Runs, is_step_key

SEED_STEP_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})


class SeedBox(QSpinBox):
    """The seed box. run_ended: a run of steps has rested (or something else reached the box): its last seed is
    the step. A seed typed and entered, or set by code, is a step at once (no run)."""
    refused = Signal(str)  # why, in words (seed_draws.too_large)
    run_ended = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.runs = Runs(self, SEED_STEP_KEYS)
        self.runs.ended.connect(self.run_ended)
        let_window_keys_through(self)  # Undo and B work while it has the focus
        # a run ends before anything else reaches the box: its filter installed last, so it sees each event first
        # (the window keys' filter keeps Ctrl+Z from the box: the run's step came after the undo)
        self.installEventFilter(self.runs)

    def validate(self, text: str, pos: int) -> object:
        result = super().validate(text, pos)
        digits = text.strip()
        if result[0] == QValidator.State.Invalid and digits.isdigit() and int(digits) > self.maximum():
            self.refused.emit(seed_draws.too_large(digits))
        return result

    def in_gesture(self) -> bool:
        """A run goes on: a seed stepped to now is shown, not a step yet. Its run, not only its event: a key or
        arrow held steps on by Qt's timer, outside any event of ours."""
        return self.runs.in_event or self.runs.kind is not None

    def finish_run(self) -> None:
        """End a run still going on: its step is asked for now (run_ended), before a change made by code."""
        self.runs.end()

    def drop_run(self) -> None:
        """End a run still going on without its step (no run_ended): Undo took it back."""
        self.runs.drop()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not is_step_key(event, SEED_STEP_KEYS):
            super().keyPressEvent(event)
            return
        self.runs.stepped("keys", slider_runs.KEY_REST_MS, self.value,
                          lambda: super(SeedBox, self).keyPressEvent(event))

    def wheelEvent(self, event) -> None:  # noqa: N802
        self.runs.stepped("wheel", slider_runs.WHEEL_REST_MS, self.value,
                          lambda: super(SeedBox, self).wheelEvent(event))

    def mousePressEvent(self, event) -> None:  # noqa: N802
        """A press on an arrow steps, and steps on while held: the run rests only from the release."""
        before = self.value()
        self.runs.during("clicks", lambda: super(SeedBox, self).mousePressEvent(event))
        if self.value() != before:
            self.runs.go_on("clicks", None)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if self.runs.kind == "clicks" and not event.buttons():
            self.runs.go_on("clicks", slider_runs.KEY_REST_MS)

