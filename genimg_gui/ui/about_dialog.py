"""Help → About genimg, a dialog of its own: Qt's message box grew with its 26 keys, 764 px tall at a 12 pt font, its
OK below a 1280 × 720 screen's edge, and it broke the README's path at a slash. Now the keys scroll where the screen
is short, Close stays in view, and the path is one line, to read, select and copy whole."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from .about import readme_place, summary_text
from .window_geometry import FittedOnFirstShow, ScrolledWhenShort, reading_width, room_for


def plain_label(text: str) -> QLabel:
    """A label that shows text as it is (a key such as "Ctrl+<" is no markup)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def key_table(keys: list[tuple[str, str]]) -> QWidget:
    """The keys, one row each: what, then its keys."""
    table = QWidget()
    rows = QFormLayout(table)
    rows.setContentsMargins(0, 0, 0, 0)
    for what, typed in keys:
        rows.addRow(plain_label(f"{what}:"), plain_label(typed))
    return table


def readme_field() -> QLineEdit:
    """The README's path in a read-only line: never broken across lines, scrolled where it is longer than the
    dialog (its start shown, the whole in its tooltip), and selected and copied as one."""
    field = QLineEdit(str(readme_place()))
    field.setReadOnly(True)
    field.setCursorPosition(0)
    field.setToolTip(field.text())
    field.setAccessibleName("README's path")
    return field


class AboutDialog(QDialog):
    """What genimg is, what a model file may do, where the README is, and the menus' keys (about.shortcuts)."""

    def __init__(self, keys: list[tuple[str, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("About genimg")
        summary = QLabel(summary_text())
        summary.setWordWrap(True)
        summary.setMinimumWidth(reading_width(summary, room_for(self).width()))
        layout = QVBoxLayout(self)
        gap = summary.fontMetrics().lineSpacing() // 2  # between the parts, as between the summary's paragraphs
        layout.addWidget(summary)
        layout.addSpacing(gap)
        if readme_place() is None:
            layout.addWidget(QLabel("What it does is told in the README, its package description, "
                                    "and in detail in docs/ in its source."))
        else:
            layout.addWidget(QLabel("What it does is told in the README, and in detail in docs/ beside it:"))
            layout.addWidget(readme_field())
        layout.addSpacing(gap)
        layout.addWidget(QLabel("Shortcuts:"))
        self.keys = ScrolledWhenShort(key_table(keys))
        layout.addWidget(self.keys, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()  # not the path's line, first in Tab
        FittedOnFirstShow(self)
