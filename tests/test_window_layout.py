"""The main window on the screen: its size fitted to the screen, the Edit panel's share of its width, the
filmstrip's cells and scrolling."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QToolBar

from genimg_gui.engine.engine import Engine
from genimg_gui.ui import window_geometry
from genimg_gui.ui.filmstrip import ICON_SIZE, Filmstrip, caption_height
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.qimage import from_qimage
from genimg_gui.ui.settings import Settings
from genimg_gui.ui.window_geometry import FRAME, fitted_position, fitted_size, panel_width

from conftest import UI_TIMEOUT  # noqa: E402
from editing_helpers import history_tab, open_image, settle

SMALL_SCREEN = QRect(0, 0, 1280, 690)  # 1280 × 720, less a 30 px task bar


def bare_window(qtbot, engine, settings: Settings | None = None) -> MainWindow:
    window = MainWindow(engine, [], settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_size_or_place_larger_than_the_screen_is_fitted_to_it():
    assert fitted_size(QSize(1200, 760), SMALL_SCREEN) == QSize(1200, 690 - FRAME.height())
    assert fitted_size(QSize(800, 600), SMALL_SCREEN) == QSize(800, 600)  # room enough: kept
    assert fitted_position(QRect(900, 500, 600, 400), SMALL_SCREEN) == QPoint(680, 290)  # off the right and bottom
    assert fitted_position(QRect(-50, -20, 600, 400), QRect(100, 30, 1280, 690)) == QPoint(100, 30)
    assert fitted_position(QRect(10, 20, 600, 400), SMALL_SCREEN) == QPoint(10, 20)


def test_the_first_window_fits_a_1280_by_720_screen_with_its_status_bar_in_view(qtbot, engine, monkeypatch):
    """1200 × 760 px was taller than the screen: the status bar, with errors and the Log button, was below it."""
    monkeypatch.setattr(window_geometry, "available_geometry", lambda window: SMALL_SCREEN)
    window = bare_window(qtbot, engine)
    assert window.width() == 1200 and window.height() + FRAME.height() <= SMALL_SCREEN.height()
    assert window.status.geometry().bottom() < window.height()


def test_a_window_saved_larger_than_the_screen_comes_back_fitted_to_it(qtbot, engine, monkeypatch):
    settings = Settings()
    big = bare_window(qtbot, engine, settings)
    big.setGeometry(200, 150, 1900, 1150)
    settings.set_window_state(big.saveGeometry(), big.saveState())
    monkeypatch.setattr(window_geometry, "available_geometry", lambda window: SMALL_SCREEN)
    other = Engine("cpu")
    try:
        window = bare_window(qtbot, other, settings)
        assert window.width() + FRAME.width() <= 1280 and window.height() + FRAME.height() <= 690
        frame = window.frameGeometry()
        assert SMALL_SCREEN.contains(frame.topLeft()) and frame.right() < 1280 and frame.bottom() < 690
    finally:
        window.close()
        other.shutdown()


def test_the_edit_panel_takes_a_share_of_the_window_and_keeps_a_width_the_user_dragged(qtbot, engine):
    """The panel kept 480 px whatever the window's width: a third of the pictures' room at 800 px, and slider
    names wrapping beside a wide empty canvas band at 2560 px."""
    window = bare_window(qtbot, engine)
    dock = window.findChild(QDockWidget, "edit_dock")
    widths = {}
    for width in (1100, 1800):
        window.resize(width, 700)
        qtbot.waitUntil(lambda: dock.width() == panel_width(width))
        widths[width] = dock.width(), window.centralWidget().width()
    assert widths[1100][0] == 440 and widths[1800][0] == 640  # the panel grows with the window, up to a limit
    assert widths[1100][1] > 0.55 * 1100 and widths[1800][1] > 0.6 * 1800  # the pictures get most of the room
    window.resize(820, 700)  # a small window: the panel yields down to what its tabs need
    qtbot.waitUntil(lambda: window.centralWidget().width() > 820 - 480)
    assert dock.width() >= dock.minimumSizeHint().width()

    window.resize(1200, 700)
    qtbot.waitUntil(lambda: dock.width() == 480)
    drag_panel_edge(qtbot, window, dock, -100)  # the user widens the panel
    assert dock.width() == 580 and window.settings.panel_width_chosen()
    window.resize(1600, 700)
    qtbot.waitUntil(lambda: window.centralWidget().width() > 900)
    assert dock.width() == 580  # theirs stays


def drag_panel_edge(qtbot, window, dock, dx: int) -> None:
    """A left-button drag of the separator between the canvas and the panel, dx px sideways."""
    panel = dock.geometry()
    start = QPoint((window.centralWidget().geometry().right() + panel.left()) // 2, panel.center().y())
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, point, button, buttons):
        event = QMouseEvent(kind, QPointF(point), QPointF(window.mapToGlobal(point)), button, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(window, event)

    send(QEvent.Type.MouseButtonPress, start, left, left)
    for step in (dx // 2, dx):
        send(QEvent.Type.MouseMove, start + QPoint(step, 0), none, left)
        qtbot.wait(20)  # the window moves its separator on a timer
    send(QEvent.Type.MouseButtonRelease, start + QPoint(dx, 0), left, none)


def test_a_toolbar_box_and_its_label_stay_together_as_the_window_narrows(qtbot, engine):
    """At the window's least width the Radius box went into the Mask toolbar's » menu and its label stayed on the
    bar, "Radius:" beside nothing: at each width, a label on a toolbar shows where its box does, and only there."""
    window = bare_window(qtbot, engine)
    labels = [label for bar in window.findChildren(QToolBar) for label in bar.findChildren(QLabel) if label.buddy()]
    assert {label.text().strip(" :") for label in labels} == {"Compare", "Fit new images", "Radius"}
    least = window.minimumSize().width()
    went = set()
    for width in [*range(1400, least, -5), least]:
        window.resize(width, 600)
        QApplication.processEvents()
        for label in labels:
            box = label.buddy()
            assert label.isVisible() == box.isVisible(), (width, label.text())
            if box.isVisible():  # beside it, on its right
                gap = box.mapTo(window, QPoint()).x() - label.mapTo(window, QPoint(label.width(), 0)).x()
                assert 0 <= gap <= 6, (width, label.text(), gap)
            else:
                went.add(label.text().strip(" :"))
    assert "Radius" in went  # the window narrowed enough to move it into the » menu


def test_the_filmstrip_keeps_the_current_thumbnail_in_view_as_the_window_narrows(qtbot, window, image_files):
    doc, strip = window.document, window.filmstrip
    with qtbot.waitSignal(doc.current_changed, timeout=UI_TIMEOUT,
                          check_params_cb=lambda item: item is not None and item.name == image_files[-1].name):
        doc.open_files([str(p) for p in image_files], "crop")
    qtbot.waitUntil(lambda: strip.count() == 4, timeout=UI_TIMEOUT)

    def current_in_view() -> bool:
        return strip.viewport().rect().contains(strip.visualItemRect(strip.currentItem()))

    assert current_in_view()
    window.resize(800, 600)  # the strip gets a scroll bar: the last thumbnail, the current one, lay off to the right
    qtbot.waitUntil(lambda: strip.horizontalScrollBar().maximum() > 0)
    qtbot.waitUntil(current_in_view)
    strip.setCurrentRow(0)
    qtbot.waitUntil(current_in_view)
    doc.select(strip.item(3).data(Qt.ItemDataRole.UserRole))  # made current elsewhere (Reopen, a new sample)
    qtbot.waitUntil(current_in_view)


def test_the_history_keeps_the_current_step_in_view_as_the_window_shrinks(qtbot, window, image_files):
    """Made smaller with the History tab on show, the list kept its place: at the window's minimum size the current
    step, the last row, was left below the list, a sliver of it in sight or none."""
    item = open_image(qtbot, window, image_files[0])
    window.resize(1100, 800)
    panel = history_tab(window)
    for value in range(10, 130, 10):  # a step each: more rows than the smallest list shows
        window.sliders.sliders[0].setValue(value)
    settle(qtbot, window, item)
    tree = panel.tree

    def current_in_view() -> bool:
        return tree.viewport().rect().contains(tree.visualItemRect(panel.item_for(item.history.current_id)))

    qtbot.waitUntil(current_in_view)
    for size in (window.minimumSize(), QSize(900, 600), window.minimumSize()):
        window.resize(size)
        assert window.size() == size and tree.verticalScrollBar().maximum() > 0  # the list scrolls
        qtbot.waitUntil(current_in_view)
    window.sliders.sliders[1].setValue(50)  # and a new step, the current one, at the minimum size
    qtbot.waitUntil(current_in_view)


@pytest.mark.parametrize("name", ["gypsy_jump.png", "a_very_long_holiday_photograph_name_v2.png"])
def test_a_selected_captions_highlight_holds_its_descenders_and_underscores(qtbot, name):
    """The highlight (ascent + descent) ended on the descenders' last row, and a smoothed "_" or "y" spilled a row
    under it, white on white."""
    strip = Filmstrip()
    qtbot.addWidget(strip)
    strip.resize(400, strip.height())
    strip.show()
    qtbot.waitExposed(strip)
    strip.add(1, name, np.full((64, 64, 3), 200, np.uint8))
    strip.select(1)
    metrics = strip.fontMetrics()
    shot = from_qimage(strip.viewport().grab().toImage()).astype(int)
    rect = strip.visualItemRect(strip.item(0))
    cell = shot[ICON_SIZE:rect.bottom() + 1, rect.left():rect.right() + 1]
    blue = [y for y in range(cell.shape[0]) if ((cell[y, :, 2] > 150) & (cell[y, :, 0] < 110)).sum() > 20]
    assert len(blue) == blue[-1] - blue[0] + 1 >= metrics.ascent() + metrics.descent() + 1  # one band, a row more
    # the band inside the cell's grid, above the scroll bar, and the cell tall enough for it
    assert ICON_SIZE + blue[-1] < rect.bottom() + 1 <= strip.gridSize().height()
    assert strip.gridSize().height() >= ICON_SIZE + caption_height(metrics) + 2
    strip.horizontalScrollBar().setRange(0, 100)  # shown: the cells still fit above it
    assert strip.viewport().height() >= strip.gridSize().height() or not strip.horizontalScrollBar().isVisible()
