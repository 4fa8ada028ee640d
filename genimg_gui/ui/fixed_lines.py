"""A label of messages that keeps one height whatever it says: its text wraps into a fixed number of lines, the last
cut short with "…" where more would not fit, and the whole text in its tooltip.

The Morph dialog's "Wrote …" line grew a third line for a long path (or "; done on the CPU, …"), and the row it
shares with Export and Close grew with it: the keyframe list shrank under the cursor and the settings scrolled."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy


def wrapped_lines(font: QFont, text: str, width: float) -> list[str]:
    """text as the lines it wraps into at width px: at spaces, and within a word (a long path) where one has none."""
    layout = QTextLayout(text.replace("\n", " "), font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(layout.text()[line.textStart():line.textStart() + line.textLength()].rstrip())
    layout.endLayout()
    return lines


class FixedLinesLabel(QLabel):
    """A QLabel `lines` lines tall, whose text() is the whole text set (setText, clear), shown wrapped to its width
    and, where it needs more lines, cut at the last one's end with "…" (whole in the tooltip). Its width is its
    layout's to give: a long path's width widened the dialog."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.lines = lines
        self.whole = ""
        self.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.setFixedHeight(lines * self.fontMetrics().lineSpacing() + 2 * self.margin())
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def text(self) -> str:  # noqa: D102 (QLabel's, the whole text, not the lines shown)
        return self.whole

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        self.whole = text
        self._fit()

    def clear(self) -> None:
        self.setText("")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Shows the whole text's lines at this width, the first `lines` of them, the last ending in "…" where some
        are left out; the tooltip holds it whole then."""
        width = max(1, self.contentsRect().width())
        metrics = QFontMetricsF(self.font())
        lines = wrapped_lines(self.font(), self.whole, width) if self.whole else []
        cut = len(lines) > self.lines
        if cut:
            rest = " ".join(lines[self.lines - 1:])
            lines = lines[:self.lines - 1] + [metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
        super().setText("\n".join(lines))
        self.setToolTip(self.whole if cut else "")
