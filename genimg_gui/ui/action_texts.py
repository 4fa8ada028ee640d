"""What Undo, Redo and Reopen say in the menus: the step or image they act on ("Undo PC1 (7.4%) +0.30σ",
"Reopen “cat.png”"), as Qt's QUndoStack and Krita name theirs, so the user knows what a click will do before making
it. With nothing to act on they keep their plain names (and are greyed out). And the status bar's word on closing an
image, which names Reopen; and the keys Redo answers to."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence

from .session_questions import short_name

STEP_CHARS = 60  # the most of a step's name a menu item shows; its middle goes, keeping the value at its end


def menu_escaped(text: str) -> str:
    """text as an action shows it: a single "&" is taken for a shortcut's mark and not shown
    (“Smileys & Emotion”)."""
    return text.replace("&", "&&")


def undo_text(step: str | None) -> str:
    """The Undo action's text for undoing the step named step (None: nothing to undo)."""
    return "&Undo" if step is None else f"&Undo {menu_escaped(short_name(step, STEP_CHARS))}"


def redo_text(step: str | None) -> str:
    """The Redo action's text for redoing the step named step (None: nothing to redo)."""
    return "&Redo" if step is None else f"&Redo {menu_escaped(short_name(step, STEP_CHARS))}"


def reopen_text(name: str | None) -> str:
    """File → Reopen's text for bringing back the image named name (None: none is closed)."""
    return "Reope&n closed image" if name is None else f"Reope&n “{menu_escaped(short_name(name))}”"


def closed_text(name: str, edited: bool, shortcut: str) -> str:
    """The status bar's word on closing the image named name: Ctrl+W closed an edited image without one, and the
    user had no way to know it could come back. shortcut: Reopen's, as the menu shows it ("" for none)."""
    keys = f" ({shortcut})" if shortcut else ""
    return (f"Closed “{short_name(name)}”: File → Reopen{keys} brings it back"
            + (" with its history" if edited else ""))


def reopened_text(name: str) -> str:
    """The status bar's word on File → Reopen bringing back the image named name."""
    return f"Reopened “{short_name(name)}”"


def close_keys() -> list[QKeySequence]:
    """Ctrl+W (the one the menu shows, as the README and About say), then the platform's other Close keys: one
    QKeySequence(StandardKey.Close) is the platform's first, Ctrl+F4 on Windows and KDE, where Ctrl+W did nothing."""
    keys = [QKeySequence("Ctrl+W")]
    return keys + [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Close) if k not in keys]


def redo_keys() -> list[QKeySequence]:
    """Ctrl+Shift+Z (the one the menu shows) and Ctrl+Y everywhere, then the platform's other Redo keys: Qt's
    standard Redo keys differ by desktop, and some Linux ones have no Ctrl+Y."""
    keys = [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
    return keys + [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) if k not in keys]
