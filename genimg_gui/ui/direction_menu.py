"""Where a direction's menu (rename, delete) opens: a right-click anywhere on its row (name, slider, value, ↺), and
the Menu key or Shift+F10 on its focused slider. Only a right-click on the name opened it, though the README says
"right-click a slider", and by keyboard there was no way to it."""
from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def is_menu_key(event: QKeyEvent) -> bool:
    """The Menu key, or Shift+F10 (the other usual one: many laptops have no Menu key, and Qt maps it on none)."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return (event.key() == Qt.Key.Key_Menu and modifiers == Qt.KeyboardModifier.NoModifier) or \
        (event.key() == Qt.Key.Key_F10 and modifiers == Qt.KeyboardModifier.ShiftModifier)


def ask_for_menu(widget: QWidget) -> None:
    """The keyboard's request for widget's menu, at its middle, where the focus is (not at the mouse pointer)."""
    centre = widget.rect().center()
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, centre,
                                                     widget.mapToGlobal(centre)))


def offer_menu(widgets: Iterable[QWidget], show: Callable[[QPoint], object]) -> None:
    """show(global position) on a context-menu request to any of widgets, by the mouse or the keyboard."""
    for widget in widgets:
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        widget.customContextMenuRequested.connect(lambda pos, w=widget: show(w.mapToGlobal(pos)))
