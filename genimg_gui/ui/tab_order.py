"""The order Tab takes through the main window: its reading order. Qt keeps widgets in the order they were made,
so the sliders (made once a model loads) came last, after the status bar, and the toolbars' boxes after the side
panel's buttons."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar, QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow

TOOLBARS = ("tools", "mask_tools")  # the main window's toolbars (object names), left to right


def tab_stops(area: QWidget) -> list[QWidget]:
    """The widgets in area Tab can reach, in the order they were made (top to bottom in a panel)."""
    return [w for w in area.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus]


def toolbar_stops(bar: QToolBar) -> list[QWidget]:
    """A toolbar's boxes left to right."""
    shown = [bar.widgetForAction(action) for action in bar.actions()]
    return [stop for widget in shown if widget is not None for stop in [widget, *tab_stops(widget)]
            if stop.focusPolicy() & Qt.FocusPolicy.TabFocus]


def beside_their_proxies(order: list[QWidget]) -> list[QWidget]:
    """Each widget that hands its focus to another (a spin box's text field to the spin box, a tab widget to its
    tab bar) right after that one: Tab stops at it and lands on the other, so apart, one stop came twice."""
    handing: dict[QWidget, list[QWidget]] = {}
    for widget in order:
        if widget.focusProxy() is not None:
            handing.setdefault(widget.focusProxy(), []).append(widget)
    placed: list[QWidget] = []
    for widget in order:
        if widget.focusProxy() is None and widget not in placed:
            placed += [widget, *handing.get(widget, [])]
    return placed


def reading_order(window: MainWindow) -> list[QWidget]:
    """Toolbars, canvas and filmstrip, the side panel (the Sliders tab top to bottom), the status bar last. The
    window's own panels are searched, not Qt's whole focus chain: walking that (open dialogs' widgets too) made
    PySide drop its wrapper of the sliders' scroll bar, still alive (seen in test_slider_scroll; cause not found)."""
    bars = [window.findChild(QToolBar, name) for name in TOOLBARS]
    order = [w for bar in bars if bar is not None for w in toolbar_stops(bar)]
    order += [window.canvas, window.filmstrip, window.tabs, window.tabs.tabBar()]
    sliders = window.sliders
    order += [sliders.previews_box, *sliders.sliders, sliders.reset_all_button,
              sliders.randomise_button]
    order += [w for page in (window.tabs.widget(i) for i in range(1, window.tabs.count())) for w in tab_stops(page)]
    order += tab_stops(window.statusBar())
    return beside_their_proxies(order)


def set_reading_order(window: MainWindow) -> None:
    """Tab follows reading_order; call it again once the sliders are rebuilt (new ones join the chain's end)."""
    # a combo box's popup list, among a panel's children, is a window of its own: Qt refuses (and warns about) an
    # order across windows
    order = [w for w in reading_order(window) if w.window() is window]
    for first, second in zip(order, order[1:]):
        QWidget.setTabOrder(first, second)
