"""The parts of the slider panel that show rather than edit: a direction's name on one line, the typicality meter,
and what a row's widgets say of themselves (tooltips, and names for a screen reader). The row itself and its preview
strip: slider_row.py."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QAbstractButton, QLabel, QProgressBar, QSlider, QVBoxLayout, QWidget

from ..typicality import OFF_DISTRIBUTION, SLIDER_SPAN, TYPICAL_BELOW, UNUSUAL_BELOW, band
from . import accessible, ink

NAME_WIDTH = 120  # px at least: a name narrower than its text is shortened (fit_name), never wrapped
SHORTEST_CUT = 4  # characters: a part shorter is never made "…" (it would save next to nothing), nor a name's
# "to" part cut to fewer (it is what tells the rows apart)
ARROW = " → "  # a named direction's "attribute: from → to", as the README and the CLI name it
DIM_ALPHA = 140  # of 255: the ink of a "from" part several rows share ("subcategory: other → ")
# (colour, word) of each typicality.band: green, amber, red, each drawn in a shade that reads on the palette
# (ink.on: the amber read at 2.4:1 on a light Sliders tab, the red at 2.0:1 on a dark one); its bounds are measured
# (typicality.py)
TYPICALITY = (("#3c9d4e", "typical"), ("#d19a1e", "unusual"), (ink.RED, OFF_DISTRIBUTION))
NO_READING = "gray"  # "Typicality: –", in a shade of grey that reads
GROOVE_SHADE = 0.15  # of the way from the page's colour to its text's: the meter's empty groove, on either palette
TYPICALITY_HELP = ("How far the edited latent lies from what the model saw in training, in standard deviations "
                   "(σ): along the principal component where it lies furthest out (named once that is unusual), or "
                   "over all directions when that is further; for a GAN, also by how far it lies from the nearest "
                   "of its samples (an inverted photo the GAN cannot draw lies far from them), and along the part of "
                   "a named slider's direction that the principal components leave out (named once unusual).\n"
                   f"Below {TYPICAL_BELOW:g}σ is typical; a PC slider moved ±{SLIDER_SPAN:g}σ "
                   f"from the average along it reads about 3σ, unusual; from {UNUSUAL_BELOW:g}σ the decoder is "
                   "guessing and images often break.\nReset or lower the strongest sliders to come back.")


def direction_tip(row: int, label: str, sigma: float, explained: float) -> str:
    """What a direction is and what its σ means, in words: its tooltip read only "PC1 (21.4%): σ = 8.857". A
    principal component (explained > 0: the rows come first, in order) is named by its place, any other direction
    (an attribute's, or one of the user's) as one that parts two groups of examples."""
    name = label.split(" (")[0].strip()  # "PC1" of "PC1 (21.4%)"
    if explained > 0:
        after = "" if row == 0 else " after PC1" if row == 1 else f" after PC1–PC{row}"
        return (f"{name}: the direction along which this model's latents vary most{after} ({100 * explained:.1f} % "
                f"of their variance);\nthe slider moves in σ, their spread along it (σ = {sigma:.3f})")
    return (f"{label}: a direction that parts two groups of example pictures;\nthe slider moves in σ, the examples' "
            f"spread within their groups along it (σ = {sigma:.3f})")


# what made a step that put one direction back to 0 (Item.made_by), by its ↺ button or a reset key: it is named
# reset_text of the direction it reset, by its label as it is now (a drag that ends at 0 is named by its value)
RESET_ONE = "Reset"


def reset_text(label: str) -> str:
    """What putting a direction back to 0 is called: its ↺ button's name, and the History step it makes."""
    return f"Reset {label}"


def explain_row(label: str, tip: str, menu_hint: str, name: QLabel, slider: QSlider, value: QLabel,
                reset: QAbstractButton) -> None:
    """A direction's row: tooltips on each part (only its name had one), and named by its direction to a screen
    reader, its slider (unnamed, it said "slider") and its ↺ ("Reset PC1 (7.4%)", not "↺"). tip: the direction's
    own tooltip (its σ); menu_hint: what right-clicking its name offers."""
    name.setToolTip(f"{tip}\n({menu_hint})")
    slider.setToolTip(f"{tip}\nDrag it, or use the arrow, Page, Home and End keys")
    value.setToolTip(f"{label}: how far the picture is moved along it, in σ (standard deviations along it)")
    reset.setToolTip(f"{reset_text(label)} (or Delete, Backspace or 0 on its slider)")  # sliders.RESET_KEYS
    accessible.name(slider, label)
    accessible.name(reset, reset_text(label))


def name_parts(label: str) -> tuple[str, str]:
    """("subcategory: other → ", "face-smiling") of a named direction; ("", label) of any other."""
    at = label.find(ARROW)
    return (label[:at + len(ARROW)], label[at + len(ARROW):]) if at > 0 else ("", label)


def without_value(head: str) -> str:
    """head with its "from" value as "…" ("skin tone: … → " of "skin tone: lighter → ", "… → " of "frowning → "),
    its attribute (the topic) kept; head itself where that saves fewer than SHORTEST_CUT characters."""
    attribute = head.find(": ")
    start = attribute + 2 if attribute > 0 else 0
    return head[:start] + "…" + ARROW if len(head) - start - len(ARROW) >= SHORTEST_CUT else head


def fit_name(label: str, metrics: QFontMetrics, room: int, longest: str = "", later: bool = False) -> tuple[str, str]:
    """The (from, to) parts of a name as they fit in room px, by one rule, each step taken only where the name does
    not fit yet: (1) a row after the first of those sharing a "from" part shows it as "…" ("… → face-concerned"),
    alike on each, as soon as the longest of them (longest) does not fit whole: the first row names it; (2) a
    "from" value of SHORTEST_CUT characters or more becomes "…" ("skin tone: … → darker"): the attribute, the topic,
    stays; (3) the name's end is cut ("subcategory: … → face-neutral-sk…"), so it reads from its start; (4) only
    where that would leave fewer than SHORTEST_CUT characters of its "to" part, its middle is cut instead. Whole in
    its tooltip."""
    def width(text: str) -> int:
        return metrics.horizontalAdvance(text)

    head, to = name_parts(label)
    if width(label) <= room and not (later and width(longest) > room):
        return head, to  # whole
    head = "…" + ARROW if later else without_value(head)
    return cut_end(head, to, metrics, room)


def cut_end(head: str, to: str, metrics: QFontMetrics, room: int) -> tuple[str, str]:
    """(head, to) in room px: whole where it fits, else to's end cut; where too little of to would stay, the whole
    name's middle (a last resort: it reads neither from its start nor to its end)."""
    rest = room - metrics.horizontalAdvance(head)
    if metrics.horizontalAdvance(to) <= rest:
        return head, to
    kept = metrics.elidedText(to, Qt.TextElideMode.ElideRight, rest)
    if len(kept) - 1 >= min(SHORTEST_CUT, len(to) - 1):  # - 1: its "…"
        return head, kept
    return "", metrics.elidedText(head + to, Qt.TextElideMode.ElideMiddle, room)


class DirectionName(QLabel):
    """A direction's name on one line: the width its row leaves beside its value and ↺ (slider_row.py), shortened by
    fit_name where that is too little. A "from" part shared by other rows (longest given) is drawn in a lighter ink,
    so the eye reads what differs (nine rows began "subcategory: other →")."""

    def __init__(self, label: str, longest: str = "", later: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.longest = longest  # the longest name of those sharing its "from" part: they are shortened alike
        self.later = later  # a row after the first of those: its "from" part goes first, the first row names it
        self.dim = bool(longest)

    def shown_parts(self) -> tuple[str, str]:
        """The (from, to) texts drawn now, at the label's width."""
        return fit_name(self.text(), self.fontMetrics(), self.contentsRect().width(), self.longest,
                        self.later)

    def sizeHint(self) -> QSize:  # noqa: N802
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self.text()) + margins.left() + margins.right() + 2
        return QSize(max(NAME_WIDTH, width), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(NAME_WIDTH, super().minimumSizeHint().height())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        head, to = self.shown_parts()
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        normal = self.palette().color(group, self.foregroundRole())
        faint = QColor(normal)
        faint.setAlpha(DIM_ALPHA if self.dim else normal.alpha())
        painter = QPainter(self)
        area = self.contentsRect()
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.setPen(faint)
        painter.drawText(area, align, head)
        painter.setPen(normal)
        left = self.fontMetrics().horizontalAdvance(head)
        painter.drawText(QRect(area.left() + left, area.top(), max(0, area.width() - left), area.height()), align, to)


class TypicalityMeter(QWidget):
    """"Typicality: 3.4σ on PC2 (unusual)" and a thin bar, green / amber / red. The direction is named
    only outside green: in a typical latent the furthest of ~20 directions is ~2σ out on any of them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)  # the red message is long; never widen the panel for it
        # two lines whatever it says: a reading wrapping onto a second line moved every slider row below it
        self.label.setFixedHeight(2 * self.label.fontMetrics().lineSpacing() + 2)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.bar = QProgressBar()
        self.bar.setRange(0, 50)  # tenths of sigma, 0..5
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.distance: float | None = None
        self.direction: str | None = None
        self.unread: tuple[str, str] | None = None
        self.level: int | None = None  # the reading's typicality.band: 0 typical, 1 unusual, 2 off-distribution
        self.set_distance(None)
        ink.follow_palette(self, lambda: self.set_distance(self.distance, self.direction, self.unread))

    def set_distance(self, distance: float | None, direction: str | None = None,
                     unread: tuple[str, str] | None = None) -> None:
        """distance: the reading in sigma (None: nothing to measure); direction: the label of the
        direction that sets it, None when the overall distance does. unread: (a few words, a sentence) saying why
        there is no reading where the picture's own model is not loaded: a bare "–" said nothing of it."""
        self.distance, self.direction, self.unread = distance, direction, unread
        self.level = None if distance is None else band(distance)
        self.setToolTip(accessible.wrapped_tip(TYPICALITY_HELP if unread is None else
                                               f"{unread[1]}\n\n{TYPICALITY_HELP}"))
        if distance is None:
            self.label.setText("Typicality: –" if unread is None else f"Typicality: – ({unread[0]})")
            self.label.setStyleSheet(ink.text_sheet(self, NO_READING))
            self.bar.setValue(0)
            return
        colour, word = TYPICALITY[self.level]
        where = f" on {direction}" if direction and self.level else ""
        self.label.setText(f"Typicality: {distance:.1f}σ{where} ({word})")
        weight = "bold" if self.level == 2 else "normal"
        self.label.setStyleSheet(ink.text_sheet(self, colour, f" font-weight: {weight};"))
        self.bar.setValue(min(50, round(distance * 10)))
        groove = self.groove()
        self.bar.setStyleSheet(f"QProgressBar {{ border: none; background: {groove.name()}; }} QProgressBar::chunk "
                               f"{{ background: {ink.readable(colour, groove, ink.GRAPHIC).name()}; }}")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Its colours chosen again for where it shows: those chosen before it had a place were for no tab's page."""
        super().showEvent(event)
        self.set_distance(self.distance, self.direction, self.unread)

    def groove(self) -> QColor:
        """The bar's empty part: a shade off what it is drawn on towards the text's colour, so it shows on a light
        palette and a dark one (a fixed black tint all but vanished on a dark window)."""
        page, text = ink.behind(self), self.palette().color(QPalette.ColorRole.WindowText)
        return QColor(*(round(b + (t - b) * GROOVE_SHADE) for b, t in zip(page.getRgb()[:3], text.getRgb()[:3])))
