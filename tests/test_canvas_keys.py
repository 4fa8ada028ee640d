"""The canvas by keyboard: it is a Tab stop, and + / - (Ctrl++ / Ctrl+- from anywhere) zoom it in the wheel's
steps and the arrow keys pan it once zoomed in; no key did either."""
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from genimg_gui.ui.canvas_zoom import ZOOM_STEP

CTRL = Qt.KeyboardModifier.ControlModifier


def focused_canvas(qtbot, window):
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    window.canvas.fit()
    return window.canvas


def wheel_notch(canvas, at: QPointF, up: bool = True) -> None:
    QApplication.sendEvent(canvas, QWheelEvent(at, canvas.mapToGlobal(at), QPoint(), QPoint(0, 120 if up else -120),
                                               Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                                               Qt.ScrollPhase.NoScrollPhase, False))


def view(canvas) -> tuple[float, float, float]:
    return round(canvas.zoom, 6), round(canvas.offset.x(), 3), round(canvas.offset.y(), 3)


def test_plus_and_minus_zoom_the_focused_canvas_as_a_wheel_notch_at_its_middle_does(qtbot, window):
    canvas = focused_canvas(qtbot, window)
    canvas.offset = QPointF(30, -20)  # panned: the keys zoom about the middle as the wheel would there
    wheel_notch(canvas, QPointF(canvas.width() / 2, canvas.height() / 2))
    by_wheel = view(canvas)
    canvas.zoom, canvas.offset = 1.0, QPointF(30, -20)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert view(canvas) == by_wheel and canvas.zoom == ZOOM_STEP
    qtbot.keyClick(canvas, Qt.Key.Key_Equal)  # + without Shift
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert view(canvas) == (1.0, 30, -20)


def test_ctrl_plus_and_minus_zoom_the_canvas_from_anywhere_in_the_window(qtbot, window):
    canvas, slider = window.canvas, window.sliders.sliders[0]
    focused_canvas(qtbot, window)
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    value = slider.value()
    qtbot.keyClick(slider, Qt.Key.Key_Plus, CTRL)
    qtbot.keyClick(slider, Qt.Key.Key_Equal, CTRL)
    assert round(canvas.zoom, 6) == round(ZOOM_STEP ** 2, 6)
    qtbot.keyClick(slider, Qt.Key.Key_Minus, CTRL)
    assert round(canvas.zoom, 6) == round(ZOOM_STEP, 6) and slider.value() == value and slider.hasFocus()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    shown = {a.text(): a.shortcut().toString() for a in view_menu.actions()}
    assert shown["Zoom &in"] == "Ctrl++" and shown["Zoom &out"] == "Ctrl+-"


def test_the_arrow_keys_pan_the_canvas_once_it_is_zoomed_in(qtbot, window):
    canvas = focused_canvas(qtbot, window)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)  # fitted: nothing to pan to
    assert view(canvas) == (1.0, 0, 0)
    for _ in range(4):
        qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    left = canvas.edited_rect().left()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)  # as a scroll bar: more of the right, the picture moves left
    assert canvas.edited_rect().left() < left and canvas.offset.y() == 0
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.offset.y() < 0
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert canvas.offset == QPointF(0, 0) and canvas.zoom > 1 and canvas.hasFocus()  # the keys did not move focus


def test_the_canvas_tooltip_names_its_keys(qtbot, window):
    canvas = focused_canvas(qtbot, window)
    at = QPoint(3, canvas.height() - 3)  # no caption there
    QApplication.sendEvent(canvas, QHelpEvent(QHelpEvent.Type.ToolTip, at, canvas.mapToGlobal(at)))
    tip = QToolTip.text()
    QToolTip.hideText()
    assert all(word in tip for word in ("wheel", "+", "−", "Ctrl++", "arrow keys", "Ctrl+0"))


def test_the_arrow_keys_pan_no_further_than_the_picture_s_edge(qtbot, window):
    """Twelve presses of Right, zoomed in one step, pushed the picture off the canvas: both panes empty."""
    canvas = focused_canvas(qtbot, window)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    middle = dict(canvas.slots())["edited"].center()
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up):
        for _ in range(12):
            qtbot.keyClick(canvas, key)
        picture = canvas.edited_rect().adjusted(-0.5, -0.5, 0.5, 0.5)
        assert picture.contains(middle), (key, picture, middle)  # the picture still covers its slot's middle
