"""A slider whose every finished gesture is one step: a mouse press to its release, a run of wheel notches, or a run
of step keys (arrows, Page Up/Down, Home, End). A key press each was an undo step each, where the same move by the
wheel was one. Used by the direction sliders (sliders.py) and the Generate tab's ψ."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QSlider

WHEEL_REST_MS = 400  # a run of wheel notches on a slider is one undo step, committed once the wheel rests
# a run of step keys (arrows, Page Up/Down, Home, End) too; longer than the wheel's rest, as a held key waits about
# half a second before it repeats
KEY_REST_MS = 800
FLUSH_EVENTS = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                QEvent.Type.FocusOut)  # ...or before any of these: see RunSlider.event
LOST_MOUSE_EVENTS = (QEvent.Type.FocusOut, QEvent.Type.Hide)  # mid-press, the release may never come: event()
STEP_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                       Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End})


def is_step_key(event: QEvent) -> bool:
    """A key press (or its shortcut check) that moves a slider: an arrow, Page Up/Down, Home or End, unmodified."""
    if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
        return False
    return event.key() in STEP_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


class RunSlider(QSlider):
    """A horizontal slider that says when a gesture ends: sliderReleased for a drag, run_ended for a run of notches
    or step keys (once it rests) and for a press on the groove (at its release). While one goes on, in_run, held or
    isSliderDown() is true: a valueChanged then is live, not a step of its own."""
    run_ended = Signal()

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.in_run = False  # inside a wheel or step key event's value changes
        self.held = False  # a mouse button is down on it: what it does till the release is one step
        self._held_from = 0  # the value at the press
        self.run: str | None = None  # "wheel" or "keys" while a run waits to rest
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self._end_run)

    def in_gesture(self) -> bool:
        """A drag, a held press or a wheel or key event is moving it now: the change is not a step yet."""
        return self.isSliderDown() or self.in_run or self.held

    def wheelEvent(self, event) -> None:  # noqa: N802
        if self.run == "keys":
            self._end_run()
        self._in_run(lambda: super(RunSlider, self).wheelEvent(event))
        self._start_run("wheel", WHEEL_REST_MS)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not is_step_key(event):
            super().keyPressEvent(event)
            return
        before = self.value()
        self._in_run(lambda: super(RunSlider, self).keyPressEvent(event))
        if self.value() != before or self.run == "keys":
            self._start_run("keys", KEY_REST_MS)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        """A press on the groove pages the value, and repeats while held, and a drag may follow: each page step
        was a step of its own. Till the release nothing is committed."""
        if event.buttons() == event.button():  # the gesture's first button (a second one goes on with it)
            self.held, self._held_from = True, self.value()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        dragged = self.isSliderDown()
        super().mouseReleaseEvent(event)  # a drag's release emits sliderReleased: its step
        if self.held and not event.buttons():
            self._end_hold(dragged)

    def _end_hold(self, dragged: bool) -> None:
        self.held = False
        if not dragged and self.value() != self._held_from:
            self.run_ended.emit()

    def _in_run(self, handle) -> None:
        self.in_run = True
        try:
            handle()
        finally:
            self.in_run = False

    def _start_run(self, kind: str, rest_ms: int) -> None:
        self.run = kind
        self._rest.start(rest_ms)

    def event(self, event) -> bool:
        """A run still waiting to rest is committed before anything else reaches the slider's item: a key
        (Ctrl+Z; an arrow after the wheel), a click, or the focus going to another widget (a click on another
        image): committed once the timer ran out, it recorded whatever item and values were current by then.
        A step key goes on with a run of keys. A press ends when the slider loses the mouse, as at its release:
        the release that never came left it held, and every later change went into the press's step."""
        if getattr(self, "_rest", None) is None:  # in QSlider's constructor
            return super().event(event)
        if event.type() in FLUSH_EVENTS and not (self.run == "keys" and is_step_key(event)):
            self._end_run()
        if event.type() in LOST_MOUSE_EVENTS and self.held:
            self._let_go()
        return super().event(event)

    def _let_go(self) -> None:
        """End a press as its release does, Qt's part included: the groove's paging stops, and a late move of the
        lost press no longer drags the handle (a step each, once it was no longer held)."""
        self.mouseReleaseEvent(QMouseEvent(QEvent.Type.MouseButtonRelease, QPointF(), QPointF(),
                                           Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton,
                                           Qt.KeyboardModifier.NoModifier))

    def _end_run(self) -> None:
        if self.run is not None:
            self._rest.stop()
            self.run = None
            self.run_ended.emit()

    def finish_gesture(self) -> None:
        """End a drag, a held press or a run still going on; its edit is committed now (sliderReleased, run_ended)."""
        self._end_run()
        if self.held:
            self._let_go()
        elif self.isSliderDown():  # down without a press of ours (set by code): Qt's release would not end it
            self.setSliderDown(False)  # emits sliderReleased: its step
