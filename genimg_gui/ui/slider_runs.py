"""A slider whose every finished gesture is one step: a mouse press to its release, a run of wheel notches, or a run
of step keys (arrows, Page Up/Down, Home, End). A key press each was an undo step each, where the same move by the
wheel was one. Used by the direction sliders (sliders.py) and the Generate tab's ψ; its runs (Runs) by the seed box.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent

from .focus_frame import FocusSlider

WHEEL_REST_MS = 400  # a run of wheel notches on a slider is one undo step, committed once the wheel rests
# a run of step keys (arrows, Page Up/Down, Home, End) too; longer than the wheel's rest, as a held key waits about
# half a second before it repeats
KEY_REST_MS = 800
FLUSH_EVENTS = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                QEvent.Type.FocusOut)  # ...or before any of these: see Runs.before
PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)  # a second quick click is a double-click
LOST_MOUSE_EVENTS = (QEvent.Type.FocusOut, QEvent.Type.Hide)  # mid-press, the release may never come: event()
MODIFIER_KEYS = frozenset({Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr})
STEP_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                       Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End})


def is_step_key(event: QEvent, keys: frozenset = STEP_KEYS) -> bool:
    """A key press (or its shortcut check) that moves a slider (or of keys, another widget's step keys): an arrow,
    Page Up/Down, Home or End, unmodified."""
    if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
        return False
    return event.key() in keys and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


class Runs(QObject):
    """A widget's runs of step keys ("keys"), wheel notches ("wheel") or clicks ("clicks"), each run one step: ended
    once it rests, or before anything else reaches the widget (before), when `ended` is emitted. While its event is
    handled (during) or a run goes on (kind), a change the widget makes is live, not a step of its own."""
    ended = Signal()

    def __init__(self, parent: QObject, step_keys: frozenset = STEP_KEYS) -> None:
        super().__init__(parent)
        self.step_keys = step_keys
        self.in_event = False  # inside a wheel or step key event's value changes
        self.kind: str | None = None  # "keys", "wheel" or "clicks" while a run waits to rest
        self._rest = QTimer(self, singleShot=True)
        self._rest.timeout.connect(self.end)

    def during(self, kind: str, handle: Callable[[], None]) -> None:
        """Run handle (the widget's own handling of a key, wheel or mouse event) inside a run of kind: a run of
        another kind is a step of its own, ended first (the wheel after keys)."""
        if self.kind not in (None, kind):
            self.end()
        self.in_event = True
        try:
            handle()
        finally:
            self.in_event = False

    def stepped(self, kind: str, rest_ms: int, value: Callable[[], int], handle: Callable[[], None]) -> None:
        """handle (the widget's own handling of a step key or wheel event) inside a run of kind (during), which goes
        on to rest rest_ms when it moved value, or when a run of kind was going on already: a held key's repeats at
        the end of the range move nothing, and go on with it."""
        before = value()
        self.during(kind, handle)
        if value() != before or self.kind == kind:
            self.go_on(kind, rest_ms)

    def go_on(self, kind: str, rest_ms: int | None) -> None:
        """A run of kind goes on, to end once it rests rest_ms; None: it does not rest while a mouse button is held
        on the widget (the release gives its rest)."""
        self.kind = kind
        if rest_ms is None:
            self._rest.stop()
        else:
            self._rest.start(rest_ms)

    def end(self) -> None:
        if self.kind is not None:
            self.drop()
            self.ended.emit()

    def drop(self) -> None:
        """End a run without its step (`ended` not emitted)."""
        self._rest.stop()
        self.kind = None

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Installed on a widget whose other filters may keep an event from its event(): before, first."""
        self.before(event)
        return False

    def before(self, event: QEvent) -> None:
        """From the widget's event(): a run still waiting to rest is ended before anything else reaches the widget,
        a key (an arrow after the wheel), a click, or the focus going to another widget (a click on another image):
        ended once the timer ran out, it recorded whatever item and values were current by then. A step key goes on
        with a run of keys, a press with a run of clicks. Not Undo's keys (Ctrl, then Ctrl+Z's shortcut check):
        the undo ends the run itself (HistorySteps.undo), or drops it where its step would be a new sample, which,
        asked here, it could not."""
        if event.type() not in FLUSH_EVENTS or (isinstance(event, QKeyEvent) and _passes_run_by(event)):
            return
        goes_on = (self.kind == "keys" and is_step_key(event, self.step_keys)) or \
            (self.kind == "clicks" and event.type() in PRESSES)
        if not goes_on:
            self.end()


def _passes_run_by(event: QKeyEvent) -> bool:
    """A modifier key pressed alone (Ctrl+Z's Ctrl), or the shortcut check of Undo's keys, which the window's Undo
    action takes next: neither ends a run. FLUSH_EVENTS' key events only."""
    if event.key() in MODIFIER_KEYS:
        return True
    return event.type() == QEvent.Type.ShortcutOverride and event.matches(QKeySequence.StandardKey.Undo)


class RunSlider(FocusSlider):
    """A horizontal slider that says when a gesture ends: sliderReleased for a drag, run_ended for a run of notches
    or step keys (once it rests: Runs) and for a press on the groove (at its release). While one goes on,
    in_gesture() is true: a valueChanged then is live, not a step of its own. Its handle is framed while it has the
    keyboard focus (FocusSlider)."""
    run_ended = Signal()

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.runs = Runs(self)
        self.runs.ended.connect(self.run_ended)
        self.held = False  # a mouse button is down on it: what it does till the release is one step
        self._held_from = 0  # the value at the press

    def in_gesture(self) -> bool:
        """A drag, a held press or a wheel or key event is moving it now: the change is not a step yet."""
        return self.isSliderDown() or self.runs.in_event or self.held

    def step_coming(self) -> bool:
        """A drag, or a run of notches or keys (resting too), whose step is still to come: an undo now takes it
        back. Not a press on the groove: it is held still as a drag's release gives the step (sliderReleased)."""
        return self.isSliderDown() or self.runs.in_event or self.runs.kind is not None

    def wheelEvent(self, event) -> None:  # noqa: N802
        self.runs.during("wheel", lambda: super(RunSlider, self).wheelEvent(event))
        self.runs.go_on("wheel", WHEEL_REST_MS)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not is_step_key(event):
            super().keyPressEvent(event)
            return
        self.runs.stepped("keys", KEY_REST_MS, self.value, lambda: super(RunSlider, self).keyPressEvent(event))

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

    def event(self, event) -> bool:
        """A run still waiting to rest is committed before anything else reaches the slider's item (Runs.before).
        A press ends when the slider loses the mouse, as at its release: the release that never came left it
        held, and every later change went into the press's step."""
        if getattr(self, "runs", None) is None:  # in QSlider's constructor
            return super().event(event)
        self.runs.before(event)
        if event.type() in LOST_MOUSE_EVENTS and self.held:
            self._let_go()
        return super().event(event)

    def _let_go(self) -> None:
        """End a press as its release does, Qt's part included: the groove's paging stops, and a late move of the
        lost press no longer drags the handle (a step each, once it was no longer held)."""
        self.mouseReleaseEvent(QMouseEvent(QEvent.Type.MouseButtonRelease, QPointF(), QPointF(),
                                           Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton,
                                           Qt.KeyboardModifier.NoModifier))

    def drop_gesture(self, value: int) -> None:
        """End a drag, a held press or a run still going on without its step, set back to value."""
        self.runs.drop()
        self.blockSignals(True)  # a drag's or press's end, and the value set back, say nothing
        try:
            self.finish_gesture()
            self.setValue(value)
        finally:
            self.blockSignals(False)

    def finish_gesture(self) -> None:
        """End a drag, a held press or a run still going on; its edit is committed now (sliderReleased, run_ended)."""
        self.runs.end()
        if self.held:
            self._let_go()
        elif self.isSliderDown():  # down without a press of ours (set by code): Qt's release would not end it
            self.setSliderDown(False)  # emits sliderReleased: its step
