"""Zooming and panning the canvas, by the wheel and by key, in the same steps: the wheel zooms about the cursor,
the keys about the canvas's middle (Ctrl++ / Ctrl+- from the View menu, + / - while the canvas has the focus), and
the arrow keys pan a picture zoomed in. The canvas was a Tab stop no key zoomed or panned."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

if TYPE_CHECKING:
    from .canvas import Canvas

ZOOM_STEP = 1.15            # one wheel notch or key press
ZOOM_RANGE = (0.1, 16.0)    # relative to fit
PAN_SHARE = 0.1             # an arrow key pans by this share of the canvas's width or height
ZOOM_IN_KEYS = (Qt.Key.Key_Plus, Qt.Key.Key_Equal)  # = is + without Shift on most keyboards
ZOOM_OUT_KEYS = (Qt.Key.Key_Minus, Qt.Key.Key_Underscore)
# as a scroll bar moves the view: Right shows more of the right, so the picture moves left
PAN_KEYS = {Qt.Key.Key_Left: (1, 0), Qt.Key.Key_Right: (-1, 0), Qt.Key.Key_Up: (0, 1), Qt.Key.Key_Down: (0, -1)}
KEYS_TIP = ("Zoom: mouse wheel, + and − (Ctrl++ and Ctrl+− anywhere); pan: drag, or the arrow keys once zoomed in; "
            "fit: double-click or Ctrl+0")


def zoom_shortcuts(steps: int) -> list[QKeySequence]:
    """The View menu's Zoom in (steps 1) or Zoom out keys: Ctrl++ also as Ctrl+=, + without its Shift. (Made once
    the application is: a standard key's sequence is the platform's.)"""
    if steps > 0:
        return [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]
    return [QKeySequence(QKeySequence.StandardKey.ZoomOut)]


def zoom_about(canvas: Canvas, pos: QPointF, factor: float) -> None:
    """Zoom by factor, keeping the image point under pos where it is: about the centre of the pane under pos (both
    panes move as one), or about each pane's centre from between them."""
    new_zoom = min(ZOOM_RANGE[1], max(ZOOM_RANGE[0], canvas.zoom * factor))
    slot = next((name for name, rect in canvas.slots() if rect.contains(pos)), None)
    middle = QPointF(canvas.width() / 2, canvas.height() / 2) + canvas.offset
    centre = dict(canvas.panes())[slot].center() if slot else middle
    canvas.offset += (pos - centre) * (1 - new_zoom / canvas.zoom)
    canvas.zoom = new_zoom
    canvas.zoom_changed.emit(canvas.zoom)
    canvas.update()


def zoom_steps(canvas: Canvas, steps: int) -> None:
    """Zoom in (steps > 0) or out by wheel notches, about the middle of the picture on show."""
    zoom_about(canvas, QPointF(canvas.width() / 2, canvas.height() / 2), ZOOM_STEP ** steps)


def view_key(canvas: Canvas, event: QKeyEvent) -> bool:
    """Zoom on + / -, pan on an arrow key while zoomed in; False for a key that does neither."""
    if event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier):
        return False  # Ctrl++ and the like are the View menu's
    key = event.key()
    if key in ZOOM_IN_KEYS or key in ZOOM_OUT_KEYS:
        zoom_steps(canvas, 1 if key in ZOOM_IN_KEYS else -1)
        return True
    if key in PAN_KEYS and canvas.zoom > 1 and canvas.edited is not None:
        dx, dy = PAN_KEYS[key]
        canvas.offset = within_reach(canvas, canvas.offset + QPointF(dx * canvas.width(), dy * canvas.height())
                                     * PAN_SHARE)
        canvas.update()
        return True
    return False


def within_reach(canvas: Canvas, offset: QPointF) -> QPointF:
    """offset, held where the picture still covers its slot's middle (its edge goes no further): twelve presses of
    an arrow key pushed it off the canvas, both panes left empty."""
    slot, picture = dict(canvas.slots())["edited"].center(), canvas.edited_rect()
    unmoved = picture.center() - canvas.offset  # the picture's middle at no offset
    half_w, half_h = picture.width() / 2, picture.height() / 2
    x = min(slot.x() + half_w, max(slot.x() - half_w, unmoved.x() + offset.x()))
    y = min(slot.y() + half_h, max(slot.y() - half_h, unmoved.y() + offset.y()))
    return QPointF(x, y) - unmoved
