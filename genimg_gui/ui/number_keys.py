"""The window's keys in its number boxes (Seed, Steps, Radius). A spin box's line edit takes Ctrl+Z, Ctrl+Shift+Z
and Ctrl+Y for its own text undo, and every printable key as typing, so while the Seed box had the focus (after
Ctrl+Tab to Generate, or typing a seed) Undo did nothing and B, the mask brush, was swallowed. The box now lets
Undo and Redo, and the keys no number is typed with (letters, [ and ]), go to the window's actions; digits, signs
and separators stay typing. A key no action takes still reaches the box (its own undo in a dialog)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox

from .action_texts import redo_keys

NUMBER_CHARACTERS = "+-.,'"  # signs, decimal points and group separators, in any locale's spin box
TYPING_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


def _is_undo_or_redo(event: QKeyEvent) -> bool:
    pressed = QKeySequence(event.keyCombination())
    keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Undo) + redo_keys()
    return any(pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch for key in keys)


def _types_no_number(event: QKeyEvent) -> bool:
    """A printable key with no Ctrl or Alt that no number is written with."""
    text = event.text()
    if len(text) != 1 or event.modifiers() & ~TYPING_MODIFIERS:
        return False
    return text.isprintable() and not (text.isspace() or text.isdigit() or text in NUMBER_CHARACTERS)


class _WindowKeys(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ShortcutOverride and (_is_undo_or_redo(event) or _types_no_number(event)):
            event.ignore()  # not claimed by the box: the shortcut goes to the window's action
            return True
        return False


def let_window_keys_through(*boxes: QAbstractSpinBox) -> None:
    for box in boxes:
        keys = _WindowKeys(box)
        box.installEventFilter(keys)
        box.lineEdit().installEventFilter(keys)  # whichever of the two Qt sends the key to
