"""What a control says of itself: its name to a screen reader, and what it does (its tooltip). Unnamed, Qt's
accessibility named a slider nothing (or its group box's title), a ↺ button "↺" and a combo box by its current value
("crop")."""
from __future__ import annotations

import html

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

TIP_WIDTH = 480  # px a long tooltip wraps at: plain text runs each line on (the typicality help was 1,340 px wide)


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


def labelled_together(text: str, widget: QWidget, said: str | None = None) -> QWidget:
    """widget with its label (labelled) on its left, as one widget: a toolbar too narrow for them moves both into its
    » menu (as two, the box went and its label stayed, "Radius:" with no box)."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)  # the label's text ends in a space
    row.addWidget(labelled(text, widget, said))
    row.addWidget(widget)
    return pair


def wrapped_tip(text: str) -> str:
    """A long plain-text tooltip as rich text, which Qt wraps: TIP_WIDTH wide, its line breaks kept."""
    lines = "<br>".join(html.escape(line) for line in text.split("\n"))
    return f"<table width={TIP_WIDTH}><tr><td>{lines}</td></tr></table>"
