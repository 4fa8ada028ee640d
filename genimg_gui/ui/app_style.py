"""The application's style: the user's own (their platform's, the one QT_STYLE_OVERRIDE names, or genimg-gui's
--style: Qt's own -style option never reaches Qt, as app.main gives it no arguments but the program's name, and
`--style Fusion` was ignored without a word), with dialog buttons in words alone.
Desktop styles put standard icons on a dialog's standard buttons (✕ on Close, ✓ and ✗ on OK and Cancel), drawn
black, so that on a dark theme's buttons they were black marks; and only those buttons had them: Train… and Message
log's Close had its ✕, Morph's Close none."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QStyleHintReturn, QWidget


class PlainDialogButtons(QProxyStyle):
    """The style it wraps, but for dialog buttons, which carry no icon."""

    def styleHint(self, hint: QStyle.StyleHint, option: QStyleOption | None = None,  # noqa: N802 (Qt's name)
                  widget: QWidget | None = None, returned: QStyleHintReturn | None = None) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returned)


def set_up_style(app: QApplication, name: str | None = None) -> str:
    """Wrap the application's style (or the one named, as --style names it) in PlainDialogButtons, before any window
    is made (a dialog's buttons take their icons as they are made). The palette, the user's theme, stays as it is.
    Returns what to say of a name Qt has no style for ("" when none was named, or it was found); the style stays."""
    problem = ""
    if name:
        found = QStyleFactory.create(name)
        if found is None:
            problem = f"no style named {name!r}; this Qt has {', '.join(QStyleFactory.keys())}"
        else:
            app.setStyle(PlainDialogButtons(found))
    if not isinstance(app.style(), PlainDialogButtons):
        app.setStyle(PlainDialogButtons(app.style()))
    return problem
