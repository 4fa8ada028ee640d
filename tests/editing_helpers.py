"""Helpers shared by the tests of local edits and history in the real window (test_mask_painting_ui.py,
test_history_ui.py) and others: open an image, wait for its picture, the History tab and a click on a step."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from conftest import UI_TIMEOUT
from genimg_gui.edit import EditState, edited_latent


def open_image(qtbot, window, path):
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(path)])
    return window.document.current


def settle(qtbot, window, item):
    """Wait until the image shown is the decode of the item's current state."""
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)


def decode(reference, window, state: EditState) -> np.ndarray:
    return reference.decode("vae", edited_latent(state, window.document.directions("vae")))


def history_tab(window):
    window.tabs.setCurrentWidget(window.history_panel)
    return window.history_panel


def click_step(panel, node_id: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = panel.tree.visualItemRect(panel.item_for(node_id))
    QTest.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def drag_across(canvas, pane: str, y: float, x0: float, x1: float) -> None:
    """A left drag along a row of a pane, at fractions of its width and height."""
    rect = dict(canvas.panes())[pane]

    def at(fx: float) -> QPoint:
        return QPoint(int(rect.left() + rect.width() * fx), int(rect.top() + rect.height() * y))
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x0))
    QTest.mouseMove(canvas, at(x1))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x1))
