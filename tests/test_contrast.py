"""Texts in a colour of their own (an error's red, the typicality meter's green, amber and red, its "–" in grey) and
the meter's bar read on the default light palette and on a dark one: WCAG AA's 4.5:1 for text, 3:1 for a bar.
Fixed, each read on one kind only: an error's red at 2.2:1 on a dark window, the meter's amber at 2.2:1 on a light
one. They follow a switch from one palette to the other while they show (they kept the old one's shade), and the
canvas's captions read over a white picture too. Each is measured as drawn: the pixel of its text that stands out most
from the background, on the widget's own picture."""
from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

from genimg_gui.ui.ink import GRAPHIC, RED, TEXT, contrast
from genimg_gui.ui.message_log import ERROR_COLOUR
from genimg_gui.ui.slider_parts import TYPICALITY

from widget_helpers import shown

P = QPalette.ColorRole
GREY = "gray"  # the meter's "Typicality: –": a grey


def dark_palette() -> QPalette:
    """A dark Fusion palette, as dark themes and the tester's set it (Window 53, Base 35, white text)."""
    palette = QPalette()
    for role, colour in ((P.Window, QColor(53, 53, 53)), (P.WindowText, QColor("white")), (P.Base, QColor(35, 35, 35)),
                         (P.AlternateBase, QColor(53, 53, 53)), (P.Text, QColor("white")),
                         (P.Button, QColor(53, 53, 53)), (P.ButtonText, QColor("white")),
                         (P.Highlight, QColor(42, 130, 218)), (P.HighlightedText, QColor("black"))):
        palette.setColor(role, colour)
    return palette


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp):
    """The app's palette for the test: its default (light), or a dark one, given back after."""
    saved = QPalette(qapp.palette())
    if request.param == "dark":
        qapp.setPalette(dark_palette())
    yield request.param
    qapp.setPalette(saved)


def bar_with_an_error(qtbot):
    """(a shown window, its status bar showing an error and the not-autosaved warning)."""
    from genimg_gui.ui.status import StatusBar

    window = QMainWindow()
    bar = StatusBar()
    window.setStatusBar(bar)
    window.resize(900, 200)
    shown(qtbot, window)
    bar.show_error("notes.txt is not an image")
    bar.warning.add("Not autosaved", "This window is not autosaved")
    return window, bar


def sliders_in_a_tab(qtbot):
    """A shown Sliders tab of two directions, on its tab page as in the window."""
    from genimg_gui.ui.sliders import SliderPanel

    tabs = QTabWidget()
    sliders = SliderPanel()
    tabs.addTab(sliders, "Sliders")
    tabs.resize(360, 400)
    shown(qtbot, tabs)
    sliders.set_directions(("PC1", "PC2"), ("a", "b"))
    return sliders


def drawn(widget: QWidget, area: QRect | None = None) -> QImage:
    """area of widget (all of it) as its window shows it: on what its parents draw behind it (a tab's page)."""
    QApplication.processEvents()
    area = area or widget.rect()
    top = widget.window()
    return top.grab(QRect(widget.mapTo(top, area.topLeft()), area.size())).toImage()


def colours(image: QImage) -> Counter:
    return Counter(image.pixelColor(x, y).rgb() for x in range(image.width()) for y in range(image.height()))


def background(image: QImage) -> QColor:
    """A text's background: the commonest colour round it."""
    return QColor.fromRgb(colours(image).most_common(1)[0][0])


def strongest(image: QImage, behind: QColor) -> QColor:
    """The colour in image that stands out most from behind: a text's ink, where its strokes are whole pixels (their
    edges are blended with the background)."""
    return max((QColor.fromRgb(c) for c in colours(image)), key=lambda c: contrast(c, behind))


def assert_text_reads(image: QImage, hue: str, what: str) -> None:
    behind = background(image)
    assert_reads(strongest(image, behind), behind, hue, what=what)


def assert_reads(ink: QColor, background: QColor, hue: str, ratio: float = TEXT, what: str = "") -> None:
    """ink contrasts ratio:1 with background, and is of hue's hue (red stays red, amber amber, grey grey)."""
    assert contrast(ink, background) >= ratio, (what, ink.name(), background.name(), contrast(ink, background))
    want = QColor(hue)
    if want.hsvSaturation() < 20:
        assert ink.hsvSaturation() < 20, (what, ink.name())
    else:
        apart = abs(ink.hsvHue() - want.hsvHue())
        assert min(apart, 360 - apart) <= 15, (what, ink.name(), hue)


def test_the_contrast_is_wcags():
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21)
    assert contrast(QColor("#767676"), QColor("white")) == pytest.approx(4.54, abs=0.01)  # WCAG's darkest grey
    assert contrast(QColor("#c62828"), QColor(53, 53, 53)) == pytest.approx(2.18, abs=0.01)  # the tester's 2.2:1


def test_errors_on_the_status_bar_read_on_its_palette(qtbot, palette):
    from genimg_gui.ui.status import MESSAGE_LEFT

    window, bar = bar_with_an_error(qtbot)
    assert_status_bar_reads(bar, palette)
    note = "Encoded 1f604.png in 40 ms"
    bar.show_message(note)  # drawn by the bar itself: the message in the normal ink, the error after it in red
    errors_from = MESSAGE_LEFT + bar.fontMetrics().horizontalAdvance(f"{note} — ")
    image = drawn(bar, QRect(errors_from, 0, bar.warning.x() - errors_from, bar.height()))
    assert_text_reads(image, ERROR_COLOUR, f"{palette} error after a message")


def assert_status_bar_reads(bar, what: str) -> None:
    """An error on bar, its warning and its log button counting the error read on its palette."""
    message = QRect(0, 0, bar.warning.x(), bar.height())
    for part, widget, area in (("error", bar, message), ("log button", bar.log_button, None),
                               ("warning", bar.warning, None)):
        assert_text_reads(drawn(widget, area), ERROR_COLOUR, f"{what} {part}")


def test_an_error_in_the_message_log_reads_on_its_list(qtbot, palette):
    from genimg_gui.ui.message_log import MessageLog, MessageLogDialog

    log = MessageLog()
    log.add("Loaded tiny-vae", error=False)
    log.add("notes.txt is not an image", error=True)
    dialog = shown(qtbot, MessageLogDialog(log))
    row = dialog.list.visualItemRect(dialog.list.item(1))
    assert_text_reads(drawn(dialog.list.viewport(), row), ERROR_COLOUR, palette)


@pytest.mark.parametrize("distance", [1.0, 3.2, 4.5, None])
def test_the_typicality_meter_reads_on_its_palette(qtbot, palette, distance):
    """Its words in green, amber or red (grey with no reading), and its bar 3:1 against its groove and the page, on
    the Sliders tab's page as in the window (Fusion draws it a shade off the window's colour)."""
    from genimg_gui.typicality import band

    sliders = sliders_in_a_tab(qtbot)
    if distance is not None:  # None: as it starts, its colour chosen before it had a place
        sliders.set_typicality(distance, "PC2")
    hue = GREY if distance is None else TYPICALITY[band(distance)][0]
    words = drawn(sliders.meter.label)
    assert_text_reads(words, hue, f"{palette} {distance}")
    if distance is None:
        return
    bar = drawn(sliders.meter.bar)
    chunk, groove = bar.pixelColor(1, bar.height() // 2), bar.pixelColor(bar.width() - 2, bar.height() // 2)
    for behind in (groove, background(words)):
        assert_reads(chunk, behind, hue, GRAPHIC, what=f"{palette} {distance} bar on {behind.name()}")


def test_why_no_direction_can_be_made_reads_on_its_palette(qtbot, palette):
    from genimg_gui.ui.directions_dialog import DirectionsDialog

    dialog = shown(qtbot, DirectionsDialog(taken=("smile → frown",)))
    dialog.name.setText("smile → frown")  # taken: a word on why it cannot be beside the greyed OK
    dialog.refusal_note.setText("Last time: the two groups barely differ")
    dialog.refusal_note.show()
    for note in (dialog.name_note, dialog.refusal_note):
        assert note.text()
        assert_text_reads(drawn(note), RED, f"{palette} {note.text()}")


def test_a_colour_kept_where_it_reads_and_a_shade_of_it_where_not(qapp):
    """The helper: the colour itself on a background it reads on (the light palette's error red), the nearest shade
    that reads elsewhere, darker on a light background and lighter on a dark one."""
    from genimg_gui.ui.ink import readable

    assert readable(ERROR_COLOUR, QColor("#efefef")) == QColor(ERROR_COLOUR)
    dark, light = readable(ERROR_COLOUR, QColor(53, 53, 53)), readable("#d19a1e", QColor("#efefef"))
    assert contrast(dark, QColor(53, 53, 53)) == pytest.approx(TEXT, abs=0.1)
    assert dark.lightness() > QColor(ERROR_COLOUR).lightness() and light.lightness() < QColor("#d19a1e").lightness()
    assert readable("#808080", QColor("#808080"), 7) == QColor("black")  # none reads: as far as there is


@pytest.fixture(params=["light", "dark"])
def switch(request, qapp):
    """Starts the app on one palette (its default, light, or a dark one) and gives the function that switches it to
    the other while the widgets show, as a desktop switching between light and dark does; the default given back
    after."""
    saved = QPalette(qapp.palette())
    if request.param == "dark":
        qapp.setPalette(dark_palette())

    def to_the_other() -> None:
        qapp.setPalette(saved if request.param == "dark" else dark_palette())
        QApplication.processEvents()  # the change, which Qt posts to the windows (drawn() then paints them)

    yield to_the_other
    qapp.setPalette(saved)


def test_the_status_bar_follows_a_palette_switch(qtbot, switch):
    """Its red was chosen once, for the palette it was set on: after a switch to dark, an error on show, the warning
    and the log button kept the light palette's red, at 2.2:1."""

    window, bar = bar_with_an_error(qtbot)
    drawn(bar)
    switch()
    assert_status_bar_reads(bar, "switched")
    bar.show_tip("/photos/a.png")  # a status tip over the error: the error's ink, kept under it, follows too
    switch()
    bar.show_tip("")
    assert_status_bar_reads(bar, "switched back under a tip")


def test_a_window_given_a_palette_of_its_own_recolours_its_status_bar(qtbot, qapp):
    """A palette set on the window alone (no application-wide change): its inks follow as well."""

    window, bar = bar_with_an_error(qtbot)
    drawn(bar)
    window.setPalette(dark_palette())
    assert_status_bar_reads(bar, "window's own dark palette")


class Painting(QObject):
    """Records the style sheet label has at each of its paints."""

    def __init__(self, label: QWidget, sheets: list) -> None:
        super().__init__(label)
        self.sheets = sheets
        label.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.sheets.append(watched.styleSheet())
        return False


@pytest.mark.parametrize("distance", [4.5, None])
def test_the_typicality_meter_follows_a_palette_switch(qtbot, switch, distance):
    from genimg_gui.typicality import band

    sliders = sliders_in_a_tab(qtbot)
    sliders.set_typicality(distance, "PC2")
    drawn(sliders.meter)
    calls, painted = [], []
    set_distance = sliders.meter.set_distance
    sliders.meter.set_distance = lambda *args: calls.append(args) or set_distance(*args)
    label = sliders.meter.label
    Painting(label, painted)
    switch()
    hue = GREY if distance is None else TYPICALITY[band(distance)][0]
    words = drawn(label)
    assert_text_reads(words, hue, f"switched, {distance}")
    assert painted and set(painted) == {label.styleSheet()}  # never once painted in the old shade after the switch
    if distance is not None:
        bar = drawn(sliders.meter.bar)
        chunk, groove = bar.pixelColor(1, bar.height() // 2), bar.pixelColor(bar.width() - 2, bar.height() // 2)
        for behind in (groove, background(words)):
            assert_reads(chunk, behind, hue, GRAPHIC, what=f"switched, {distance}, bar on {behind.name()}")
    for _ in range(5):  # its inks chosen again once, not over and over (their own change setting off another)
        QApplication.processEvents()
    assert len(calls) == 1, calls


def test_the_message_log_and_the_directions_dialog_follow_a_palette_switch(qtbot, switch):
    from genimg_gui.ui.directions_dialog import DirectionsDialog
    from genimg_gui.ui.message_log import MessageLog, MessageLogDialog

    log = MessageLog()
    log.add("Loaded tiny-vae", error=False)
    log.add("notes.txt is not an image", error=True)
    dialog = shown(qtbot, MessageLogDialog(log))
    directions = shown(qtbot, DirectionsDialog(taken=("smile → frown",)))
    directions.name.setText("smile → frown")
    directions.refusal_note.setText("Last time: the two groups barely differ")
    directions.refusal_note.show()
    drawn(dialog)
    switch()
    row = dialog.list.visualItemRect(dialog.list.item(1))
    assert_text_reads(drawn(dialog.list.viewport(), row), ERROR_COLOUR, "switched log")
    assert dialog.list.item(0).data(Qt.ItemDataRole.ForegroundRole) is None  # a plain line: the palette's own ink
    for note in (directions.name_note, directions.refusal_note):
        assert_text_reads(drawn(note), RED, f"switched {note.text()}")


@pytest.mark.parametrize("grey", [255, 0])
@pytest.mark.parametrize("mode", ["Side by side", "Edited only"])
def test_the_canvas_captions_read_over_any_picture(qtbot, grey, mode):
    """A caption over the picture (zoomed in, it fills the pane) is on a dark band: over a white picture, at 4.1:1."""
    from genimg_gui.ui.canvas import Canvas
    from genimg_gui.ui.qimage import to_qimage

    from widget_helpers import solid

    canvas = shown(qtbot, Canvas())
    canvas.resize(500, 300)
    canvas.set_images(to_qimage(solid(grey, 32)), to_qimage(solid(grey, 32)))
    canvas.set_mode(mode)
    canvas.zoom = 4.0  # the picture under every caption
    slots = dict(canvas.slots())
    for name, rect in canvas.panes():
        text = canvas.pane_label(name)
        box = canvas.label_box(rect, text, slots[name]).toAlignedRect()
        image = drawn(canvas, box.intersected(canvas.rect()))
        behind = background(image)
        assert behind != QColor("#2b2b2b"), behind.name()  # over the picture, not beside it
        ink = strongest(image, behind)
        assert contrast(ink, behind) >= TEXT, (mode, grey, text, ink.name(), behind.name(), contrast(ink, behind))
