"""Inks that carry a meaning (an error's red, a warning's amber, a typical reading's green) in a shade of their hue
that reads on what they are drawn on, whether the palette is light or dark. Fixed, each read on one kind only: an
error's red at 2.2:1 on a dark window, the typicality meter's amber at 2.4:1 on a light Sliders tab, where WCAG AA asks
4.5:1 of text and 3:1 of a bar. A shade is chosen again as the palette changes while the app runs (follow_palette):
one set in a style sheet stayed as it was, an error's red at 2.2:1 after the desktop switched to dark."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QMetaObject, QObject, QRect, Qt, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionTabWidgetFrame, QTabWidget, QWidget

TEXT = 4.5     # WCAG AA's contrast for text of a normal size
GRAPHIC = 3.0  # and for a bar, an outline or other graphic (and large text)
# the luminance at which black and white contrast alike with a background: above it, darker inks read better
MIDDLE = (1.05 * 0.05) ** 0.5 - 0.05
# the red of what cannot be or should not be: why no direction can be made (directions dialog), a latent off the
# model's distribution (typicality meter); each drawn in a shade of it that reads (on)
RED = "#c8423b"


def luminance(colour: QColor) -> float:
    """WCAG's relative luminance, 0 (black) to 1 (white)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG's contrast ratio of two colours, 1 (alike) to 21 (black on white)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: QColor | str, background: QColor, ratio: float = TEXT, towards: QColor | None = None) -> QColor:
    """colour itself where it contrasts ratio:1 with background; else the shade of its hue nearest to it that does,
    darker on a light background, lighter on a dark one (as close to black or white as there is, where none does).
    towards: shade it the way this colour lies from background instead (a mark on a mid-tone that should also stand
    out from the darker or lighter things around it), or the other way where no shade that way reads: on High
    Contrast Black's cyan highlight with white text, white read at 1.5:1 where a deep cyan reads 3:1."""
    colour = QColor(colour)
    if contrast(colour, background) >= ratio:
        return colour
    lighter = luminance(background) <= MIDDLE if towards is None else luminance(towards) > luminance(background)
    shade = _shade_that_reads(colour, background, ratio, lighter)
    if towards is not None and contrast(shade, background) < ratio:
        other = _shade_that_reads(colour, background, ratio, not lighter)
        shade = max(shade, other, key=lambda ink: contrast(ink, background))
    return shade


def _shade_that_reads(colour: QColor, background: QColor, ratio: float, lighter: bool) -> QColor:
    """The shade of colour's hue nearest to it, lighter or darker, that contrasts ratio:1 with background, else the
    farthest (white or black, or as near as the hue has)."""
    hue, saturation, lightness, _alpha = colour.getHslF()
    end = 1.0 if lighter else 0.0

    def shade(towards: float) -> QColor:  # lightness moved that far towards end, in 8-bit steps as it is drawn
        return QColor(QColor.fromHslF(hue, saturation, lightness + (end - lightness) * towards).name())

    near, far = 0.0, 1.0  # the shade at far reads, or none does (a lightness moves luminance one way only)
    for _ in range(16):
        middle = (near + far) / 2
        near, far = (near, middle) if contrast(shade(middle), background) >= ratio else (middle, far)
    return shade(far)


def behind(widget: QWidget) -> QColor:
    """The colour widget is drawn on: that of the first of it and its parents that fills its background (a list's
    rows: its Base), of a tab's page, which a style may draw a shade off the window's (Fusion's is lighter: on a dark
    palette the meter's red, chosen for the window, read at 3.6:1 on the Sliders tab), or else of its window."""
    while widget is not None:
        if isinstance(widget, QTabWidget):
            return _tab_page(widget)
        if widget.autoFillBackground() or widget.isWindow():
            return widget.palette().color(widget.backgroundRole())
        widget = widget.parentWidget()
    return QPalette().color(QPalette.ColorRole.Window)


def _tab_page(tabs: QTabWidget) -> QColor:
    """The colour tabs' style draws the page in: the middle of its frame, drawn on the window's colour."""
    option = QStyleOptionTabWidgetFrame()
    option.initFrom(tabs)
    option.rect = QRect(0, 0, 16, 16)
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    image.fill(tabs.palette().color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    tabs.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameTabWidget, option, painter, tabs)
    painter.end()
    return image.pixelColor(8, 8)


def on(widget: QWidget, colour: QColor | str, ratio: float = TEXT) -> QColor:
    """colour, readable where widget is drawn (behind)."""
    return readable(colour, behind(widget), ratio)


def text_sheet(widget: QWidget, colour: QColor | str, extra: str = "") -> str:
    """A label's style sheet: its text in colour, readable where it is drawn; extra: more of it ("font-weight:
    bold;")."""
    return f"color: {on(widget, colour).name()};{extra}"


def follow_palette(widget: QWidget, choose_again: Callable[[], None]) -> None:
    """Call choose_again, which sets widget's inks as the palette is now, each time the palette it is drawn on
    changes: the application's (the desktop switched between light and dark) or a parent's. Chosen once, a shade
    stayed: a style sheet or an item's colour keeps it, and a styled widget's palette, its children's too, no longer
    follows its parents' (Qt sends them no PaletteChange) until its sheet is set again."""
    _PaletteWatch(widget, choose_again)


class _PaletteWatch(QObject):
    """Watches widget and the widgets it is drawn on, whichever they are now (it or one of them may be moved into
    another parent): a palette change reaches those that are not styled. It goes with widget."""

    def __init__(self, widget: QWidget, choose_again: Callable[[], None]) -> None:
        super().__init__(widget)
        self._choose_again = choose_again
        self._watched: list[QWidget] = []
        self._due = self._choosing = False
        self._watch()

    def _watch(self) -> None:
        for watched in self._watched:
            watched.removeEventFilter(self)
        self._watched, widget = [], self.parent()
        while widget is not None:
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = widget.parentWidget()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ParentChange:
            self._watch()
        elif self._changes(watched, event) and not (self._due or self._choosing):
            # once, after the events queued now: the application's change reaches the window before the window's
            # palette has changed, and then each widget in turn
            self._due = True
            QMetaObject.invokeMethod(self, "_choose", Qt.ConnectionType.QueuedConnection)
        return False

    @staticmethod
    def _changes(watched: QWidget, event: QEvent) -> bool:
        """Whether event changes the palette watched is drawn on. A widget's style sheet set (choose_again sets
        them) sends it a PaletteChange, and a styled widget gets no other."""
        if event.type() == QEvent.Type.PaletteChange:
            return not watched.styleSheet()
        return event.type() == QEvent.Type.ApplicationPaletteChange

    @Slot()
    def _choose(self) -> None:
        self._due, self._choosing = False, True
        try:
            self._choose_again()
        finally:
            self._choosing = False
