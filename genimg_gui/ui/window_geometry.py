"""The main window's and the dialogs' size on the screen, and the Edit panel's share of its width."""
from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QDockWidget, QFrame, QLayout, QMainWindow, QScrollArea, QStyle, QWidget

from .settings import Settings

Shown = TypeVar("Shown", bound=QWidget)  # bring_up returns the window it was given, of its own type

FIRST_SIZE = QSize(1200, 760)  # px, the window at first start, where the screen has room for it
# px: the window manager's borders and title bar, which Qt does not know before the window shows
FRAME = QSize(16, 48)
PANEL_SHARE = 0.4  # of the window's width, for the Edit panel: 480 px of 1200
PANEL_MIN, PANEL_MAX = 400, 640  # px: slider names readable / wrapping little, and the rest left to the pictures
SCROLL_LEAST_LINES = 3  # the least a scrolled part of a dialog shows, in lines of text
READING_CHARS = 66  # a help text's lines, in average characters, an easy measure: Qt's own 500 px at a 9 to 10 pt font
READING_LEAST = 500  # px: a message box wraps its text only past this, so a narrower one showed its lines cut
READING_SHARE = 0.75  # of the screen's width at most


def available_geometry(window: QWidget) -> QRect:
    """The room on the screen the window is on (where a saved geometry put it), less task bars and docks."""
    screen = QGuiApplication.screenAt(window.geometry().center()) or window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def reading_width(widget: QWidget, screen_width: int) -> int:
    """How wide a help text's lines are in widget's font, within the screen: Qt's message box wraps at 500 px
    whatever the font, and at a 14 pt font Quick start stood tall and narrow."""
    wanted = widget.fontMetrics().averageCharWidth() * READING_CHARS
    return min(max(wanted, READING_LEAST), int(screen_width * READING_SHARE))


def fitted_size(size: QSize, available: QRect) -> QSize:
    """size, shrunk where the window with its frame would be larger than the screen's room."""
    return size.boundedTo(available.size() - FRAME)


def fitted_position(frame: QRect, available: QRect) -> QPoint:
    """Where frame goes to lie wholly in available, moved no further than that needs."""
    x = max(available.left(), min(frame.left(), available.right() + 1 - frame.width()))
    y = max(available.top(), min(frame.top(), available.bottom() + 1 - frame.height()))
    return QPoint(x, y)


def fit_to_screen(window: QWidget) -> None:
    """Shrink the window to the screen's room and move it onto the screen: 1200 × 760 px was taller than a
    1280 × 720 screen, and a geometry saved on a larger screen came back as large (Qt only moves it), the status
    bar with its errors and Log button below the screen's edge either way."""
    if window.isMaximized() or window.isFullScreen():
        return  # the window system fits those itself
    available = available_geometry(window)
    window.resize(fitted_size(window.size(), available))
    frame = QRect(window.pos(), window.size() + FRAME)
    if window.testAttribute(Qt.WidgetAttribute.WA_Moved):  # only a position that was set: else the system places it
        window.move(fitted_position(frame, available))


def room_for(dialog: QWidget) -> QSize:
    """The most a dialog may take: the screen's room (of its parent's window, where it opens) less the frame."""
    parent = dialog.parentWidget()
    return available_geometry(parent.window() if parent is not None else dialog).size() - FRAME


def content_size(dialog: QWidget) -> QSize:
    """What the dialog's layout asks for, its wrapped text's lines counted at that width: the size hint counts a
    wrapped label at a width of its own, and the Morph dialog's note of two lines at its top squeezed the rows under
    it, the Play row over the preview."""
    hint, layout = dialog.sizeHint(), dialog.layout()
    if layout is not None and layout.hasHeightForWidth():
        hint.setHeight(max(hint.height(), layout.totalHeightForWidth(hint.width())))
    return hint


def fit_dialog(dialog: QWidget, size: QSize | None = None) -> None:
    """Open the dialog at size (by default what its content asks for), or as much of it as the screen has room for:
    the Train… and Morph dialogs opened taller than a 1280 × 720 screen at a 14 pt font, Start and Close below
    its edge. What then does not fit scrolls (ScrolledWhenShort); Qt centres the dialog on its window, on screen."""
    dialog.resize((size or content_size(dialog)).boundedTo(room_for(dialog)))


class FittedOnFirstShow(QObject):
    """Fits a dialog to the screen once, as it first shows (fit_dialog, or its own fit): then, not as it is made,
    whatever its maker adds to it first counts (the Morph dialog's note above it), and before Qt centres it on its
    window (QDialog.showEvent, which an event filter comes before), at the size it opens at."""

    def __init__(self, dialog: QWidget, fit: Callable[[QWidget], None] = fit_dialog) -> None:
        super().__init__(dialog)
        self.fit = fit
        dialog.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Show:
            watched.removeEventFilter(self)
            self.fit(watched)
        return False


def bring_up(window: Shown) -> Shown:
    """Show a tool window (one per main window: Train…, Message log, Quick start) on top, with the keyboard."""
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def remeasure(window: QWidget) -> None:
    """Have window's layouts measure its parts afresh: they keep what they measured until the window's layout runs
    as it shows, and a part resized since (the Morph dialog's preview) still counted at its old size."""
    for part in (window, *window.findChildren(QWidget)):
        part.updateGeometry()
    for layout in window.findChildren(QLayout):
        layout.invalidate()
    window.layout().activate()  # its least size now, which Qt set as it showed: a resize is held to it


class ScrolledWhenShort(QScrollArea):
    """A part of a dialog at its full size where the screen has room, scrolled where it has not, so that the
    dialog's buttons below it stay on the screen. Its part is stretched to the height it is given. While it scrolls
    it has a frame: without one, the box cut at its foot looked broken, and what lay below it was easy to miss."""

    def __init__(self, part: QWidget) -> None:
        super().__init__()
        self.setWidget(part)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name): all of its part, not Qt's at most 24 lines
        return self.widget().sizeHint() + QSize(self._edges_width(), 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        least = SCROLL_LEAST_LINES * self.fontMetrics().lineSpacing()
        part = self.widget()
        return QSize(part.minimumSizeHint().width() + self._edges_width(), min(least, part.sizeHint().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        # by its own height, not the view's (whose resizes come here too): the frame takes some of that, which would
        # keep it framed once shown
        short = self.height() < self.widget().minimumSizeHint().height()
        self.setFrameShape(QFrame.Shape.StyledPanel if short else QFrame.Shape.NoFrame)
        super().resizeEvent(event)

    def _edges_width(self) -> int:
        """Room for the scroll bar, which takes its width from the part where it shows, and for the frame."""
        frame = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, self)
        return self.verticalScrollBar().sizeHint().width() + frame


def panel_width(window_width: int) -> int:
    """The Edit panel's width in a window window_width px wide, until the user drags its edge."""
    return max(PANEL_MIN, min(PANEL_MAX, round(window_width * PANEL_SHARE)))


class PanelShare(QObject):
    """Keeps the Edit panel PANEL_SHARE of the window's width (PANEL_MIN to PANEL_MAX px) as the window is
    resized: it kept 480 px however wide the window, a third of the pictures' room at 800 px and wrapping the
    sliders' names at 2560 px. Once the user drags the panel's edge their width stays, as Qt keeps it, and is
    remembered with the window's layout."""

    def __init__(self, window: QMainWindow, dock: QDockWidget, settings: Settings) -> None:
        super().__init__(window)
        self.window, self.dock, self.settings = window, dock, settings
        self.chosen = settings.panel_width_chosen()
        self._width_at_press: int | None = None
        window.installEventFilter(self)

    def follow(self, window_width: int) -> None:
        if not self.chosen:
            self.window.resizeDocks([self.dock], [panel_width(window_width)], Qt.Orientation.Horizontal)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Resize:
                self.follow(event.size().width())
            elif kind == QEvent.Type.MouseButtonPress and self._on_edge(event.position().toPoint()):
                self._width_at_press = self.dock.width()
            elif kind == QEvent.Type.MouseButtonRelease and self._width_at_press is not None:
                if self.dock.width() != self._width_at_press:
                    self.chosen = True
                    self.settings.set_panel_width_chosen(True)
                self._width_at_press = None
        return False

    def _on_edge(self, point: QPoint) -> bool:
        """Whether point is on the separator between the pictures and the panel (on either side of them)."""
        centre, panel = self.window.centralWidget().geometry(), self.dock.geometry()
        left, right = (centre, panel) if centre.center().x() < panel.center().x() else (panel, centre)
        return left.right() < point.x() < right.left() and panel.top() <= point.y() <= panel.bottom()
