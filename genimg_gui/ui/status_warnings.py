"""The status bar's warnings: lasting conditions (this window is not autosaved; the model loaded last could not be
loaded, and the bundled one stands in for it), each in a few words on the bar for as long as it holds, the whole of
it in the tooltip. A message or an error is gone in seconds: a user who looked at the bar later read only "⚠ 1 in
log", and never learned why the GAN on screen was not theirs."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from . import ink
from .message_log import ERROR_COLOUR


class Warnings(QLabel):
    """The warnings that hold, by their label on the bar ("Not autosaved"), each with its whole text."""

    def __init__(self) -> None:
        super().__init__()
        self._texts: dict[str, str] = {}  # label -> the whole text, in the order they came
        ink.follow_palette(self, self._ink)

    def add(self, label: str, text: str) -> None:
        self._texts[label] = text
        self._update()

    def withdraw(self, label: str) -> None:
        """The condition no longer holds (the user loaded a model of their own in place of the stand-in)."""
        if self._texts.pop(label, None) is not None:
            self._update()

    def _update(self) -> None:
        self._ink()
        self.setText("⚠ " + " · ".join(self._texts))
        self.setToolTip("\n\n".join(self._texts.values()))
        self.setVisible(bool(self._texts))

    def _ink(self) -> None:
        self.setStyleSheet(ink.text_sheet(self, ERROR_COLOUR))  # as the palette is now: light or dark
