"""The canvas's captions: each pane's name (Original, Edited, an A/B comparison's states) just above it or on a dark
band over its top edge, elided to the room it has, and whole in the tooltip over it. Mixed into Canvas (canvas.py),
which lays out the panes and says what each is called (pane_label)."""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import QToolTip

from .step_elide import elide_step_name

# the panes' captions when no A/B comparison names them: an opened file (or an inversion's photo) beside its
# decoding, or a GAN sample as drawn beside its edit
OPENED_LABELS = ("Original", "Edited (decoded)")
GENERATED_LABELS = ("Generated", "Edited")
SENT_LABELS = ("GAN sample", "Edited (decoded)")  # a sample sent to the VAE: it was never an "Original"
SENT_INVERSION_LABELS = ("GAN inversion", "Edited (decoded)")  # an inversion sent: the GAN's fit, no sample of it
# a VAE latent file opened: its left pane is the VAE's drawing of the file's unedited latent, its History's
# "Opened" step, not a photo
LATENT_FILE_LABELS = ("Opened (decoded)", "Edited (decoded)")
LABEL_PAD = 8     # px: a caption's band is its text's width and this (4 each side)
LABEL_MARGIN = 4  # px a caption's band keeps from its pane's slot's right edge
LABEL_ABOVE = 20  # px from a caption's top to its pane's: its 18-px band and 2 px; a fitted pane leaves this room
# under a caption over the picture: over white #4b4b4b, the caption reading 6.4:1 on it (at alpha 150, 4.1:1, short
# of WCAG AA's 4.5:1: ink.TEXT)
LABEL_BAND = QColor(0, 0, 0, 180)


class CanvasCaptions:
    """The captions of Canvas (a QWidget): set_labels and set_default_labels name the panes, _paint_label draws a
    caption, label_at finds the elided one under the mouse for its tooltip. The canvas's panes, slots and pane_label
    say where the panes are and what each is called."""
    labels: tuple[str | None, str | None]
    default_labels: tuple[str, str]

    def set_labels(self, left: str | None, right: str | None) -> None:
        """Name the panes (A/B compare of history states); None, None restores the defaults."""
        self.labels = (left, right)
        self.update()

    def set_default_labels(self, labels: tuple[str, str]) -> None:
        """The panes' names when set_labels gives none: OPENED_LABELS, GENERATED_LABELS, SENT_LABELS,
        SENT_INVERSION_LABELS or LATENT_FILE_LABELS."""
        self.default_labels = labels
        self.update()

    def _paint_label(self, p: QPainter, rect: QRectF, text: str, slot: QRectF) -> None:
        """A pane's caption just above it, or, where the picture fills the height (split, edited only, zoomed),
        on a dark band over its top edge: drawn above, it was cut off by the window's edge."""
        box = self.label_box(rect, text, slot)
        if box.bottom() > rect.top():
            p.fillRect(box, LABEL_BAND)
        p.setPen(QColor("#dddddd"))
        p.drawText(box.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   self.label_text(box, text))

    def label_box(self, rect: QRectF, text: str, slot: QRectF | None = None) -> QRectF:
        """Where a pane's caption goes: 20 px above the pane, or at the top of its slot (the canvas) if that is
        higher; at the pane's left edge, or its slot's if the pane is panned or zoomed past it. No wider than the
        slot leaves it: a long A/B caption ran off the pane's edge, cut without a "…" (label_text elides it)."""
        slot = slot or QRectF(self.rect())
        left = max(rect.left(), slot.left())
        room = max(LABEL_PAD, slot.right() - LABEL_MARGIN - left)
        # the text's width in fractions of a pixel, rounded up: the whole pixels of QFontMetrics could round it
        # down, and label_text, which elides to a width in fractions, then cut "Edited" to "E…d"
        return QRectF(left, max(rect.top() - LABEL_ABOVE, slot.top()),
                      min(math.ceil(QFontMetricsF(self.font()).horizontalAdvance(text)) + LABEL_PAD, room), 18)

    def label_text(self, box: QRectF, text: str) -> str:
        """text as it fits box, its middle elided as the History tab elides a step's name (the end tells two
        A/B states apart, its value whole); the caption's tooltip gives it whole."""
        return elide_step_name(QFontMetricsF(self.font()), text, box.width() - LABEL_PAD)

    def label_at(self, pos: QPointF) -> str | None:
        """The whole caption under pos when the pane shows it elided, else None."""
        slots = dict(self.slots())
        for name, rect in self.panes():
            text = self.pane_label(name)
            box = self.label_box(rect, text, slots[name])
            if box.contains(pos) and self.label_text(box, text) != text:
                return text
        return None

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.label_at(QPointF(event.pos())) or self.toolTip()
            if not text:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)
