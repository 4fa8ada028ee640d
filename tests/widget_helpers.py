"""Helpers shared by the tests of the editing widgets on their own (no engine): mouse buttons, a solid
picture, a shown widget, wheel notches, a slider panel that records the steps it commits, and a dialog's lines."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication, QLabel, QSlider, QWidget

from genimg_gui.ui.sliders import SliderPanel


LEFT, MIDDLE = Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton


def solid(rgb, size: int = 16) -> np.ndarray:
    return np.full((size, size, 3), rgb, np.uint8)


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def wheel(widget, notches: int) -> bool:
    """notches of a mouse wheel turned over widget's middle (negative: towards the user, down the list); whether
    the widget took the event (one it leaves, a real wheel's, goes on to its parents: the scroll area)."""
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def recording_panel(qtbot, monkeypatch, rest_setting: str) -> tuple[SliderPanel, list]:
    """A shown two-slider panel whose runs (of wheel notches or keys, rest_setting) never end by the timer, as a
    user is quicker than it, and the list of the steps it commits."""
    import genimg_gui.ui.slider_runs as runs_module

    monkeypatch.setattr(runs_module, rest_setting, 60_000)
    panel = shown(qtbot, SliderPanel())
    panel.set_directions(("PC1", "PC2"))
    qtbot.waitUntil(panel.sliders[1].isVisible)
    committed: list = []
    panel.edit_committed.connect(committed.append)
    return panel, committed


def focused(qtbot, slider: QSlider) -> QSlider:
    """slider with the keyboard focus, as a click on it gives (keys and the wheel act on it then)."""
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    return slider


def clicked(qtbot, slider: QSlider) -> QSlider:
    """slider focused and clicked on its handle, which moves nothing: the wheel moves a direction's slider only once
    it is clicked (the release commits its values, unchanged, as a real click does)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    focused(qtbot, slider)
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle,
                                           slider)
    qtbot.mouseClick(slider, LEFT, pos=handle.center())
    return slider


def lines_read(dialog: QWidget) -> list[str]:
    """The dialog's words as a reader goes through them: each label's lines, those side by side (a table's row)
    joined by a space."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.text():
            middle = label.mapTo(dialog, label.rect().center())
            rows.setdefault(middle.y(), []).append((middle.x(), label.text()))
    return [line.strip() for y in sorted(rows) for line in " ".join(text for _, text in sorted(rows[y])).splitlines()]
