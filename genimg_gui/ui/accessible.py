"""What a screen reader says for a control: its name, and what it does (its tooltip). Unnamed, Qt's accessibility
named a slider nothing (or its group box's title), a ↺ button "↺" and a combo box by its current value ("crop")."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def name(widget: QWidget, text: str, description: str | None = None) -> None:
    """Name widget for a screen reader; description: what it does, where its tooltip does not say (Qt's
    accessibility describes a widget by its tooltip when it has no description)."""
    widget.setAccessibleName(text)
    if description is not None:
        widget.setAccessibleDescription(description)


def labelled(text: str, widget: QWidget, said: str | None = None) -> QLabel:
    """The label shown beside widget, made its buddy: Qt's accessibility on Linux names the widget by it (and a
    combo box only by it; its own name there is its current value). The widget is also named, for the other
    desktops, by said, or else by the label's text."""
    label = QLabel(text)
    label.setBuddy(widget)
    name(widget, said or text.replace("&", "").strip(" :"))
    return label
