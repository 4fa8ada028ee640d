"""The dialogs on small screens and at a large font: each opens within the screen's room with its buttons in view
(what does not fit scrolls, the Morph preview shrinks), and nothing in it is cut or drawn over another."""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QMessageBox, QWidget

from genimg_gui.ui import window_geometry
from genimg_gui.ui.directions_dialog import DirectionsDialog
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.morph_layout import PREVIEW_LEAST
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.window_geometry import FRAME, ScrolledWhenShort

LARGE_FONT = 14  # pt, as a user with a large desktop font has it
SMALL_SCREEN = QRect(0, 0, 1280, 690)  # 1280 × 720, less a 30 px task bar
SCREEN_720 = QRect(0, 0, 1280, 720)  # with no task bar
TINY_SCREEN = QRect(0, 0, 853, 480)  # 1280 × 720 at 150 %, as Qt's programs see it
GAN_NOTE = ("For emoji-vae (the VAE): example images are encoded by it, and the new slider joins its directions. The "
            "picture shown is a sample of the GAN emoji-faces-gan: the slider goes to the VAE's sliders, not this "
            "GAN's (Send to VAE editor edits the sample with them).")


@pytest.fixture()
def large_font(qapp):
    before = qapp.font()
    font = QFont(before)
    font.setPointSize(LARGE_FONT)
    qapp.setFont(font)
    yield
    qapp.setFont(before)


@contextmanager
def app_font(qapp, points: int | None):
    """The application's font at `points` (its family kept) while the block runs; None leaves it as it is."""
    before = qapp.font()
    if points is not None:
        qapp.setFont(QFont(before.family(), points))
    try:
        yield
    finally:
        qapp.setFont(before)


def on_screen(monkeypatch, screen: QRect) -> None:
    monkeypatch.setattr(window_geometry, "available_geometry", lambda window: screen)


def opened(qtbot, dialog: QWidget) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    return dialog


def place(dialog: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(dialog, QPoint()), widget.size())


def in_view(widget: QWidget) -> bool:
    """Wholly visible: not cut by its dialog's edge, nor scrolled out of a scroll area."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def assert_within(dialog: QWidget, screen: QRect, *buttons: QWidget) -> None:
    assert dialog.width() + FRAME.width() <= screen.width() and dialog.height() + FRAME.height() <= screen.height()
    for button in buttons:
        assert in_view(button), button.text()


@pytest.mark.parametrize("screen", [SMALL_SCREEN, TINY_SCREEN])
def test_the_train_dialog_opens_within_a_small_screen_at_a_large_font(qtbot, monkeypatch, large_font, screen):
    """At 14 pt it opened 1324 × 843 px on a 1280 × 720 screen: Start, Stop, Close and Browse… off its edges."""
    on_screen(monkeypatch, screen)
    dialog = opened(qtbot, TrainDialog())
    assert_within(dialog, screen, dialog.start_button, dialog.stop_button, dialog.buttons, dialog.browse,
                  dialog.out_browse)


def test_the_train_dialogs_samples_column_wraps_its_words_at_a_large_font(qtbot, large_font):
    """"The latest sample grid shows here." was cut at the grid's 320 px."""
    preview = opened(qtbot, TrainDialog()).watch.preview
    flags = Qt.TextFlag.TextWordWrap if preview.wordWrap() else 0
    needed = preview.fontMetrics().boundingRect(QRect(0, 0, preview.width(), 1000), flags, preview.text())
    assert needed.width() <= preview.width() and needed.height() <= preview.height()


@pytest.mark.parametrize("screen", [SMALL_SCREEN, TINY_SCREEN])
def test_the_morph_dialog_opens_within_a_small_screen_at_a_large_font(qtbot, monkeypatch, large_font, screen):
    """Its least height was 786 px at 14 pt: Export… and Close below a 1280 × 720 screen's edge."""
    on_screen(monkeypatch, screen)
    dialog = opened(qtbot, MorphDialog(morph_items()))
    assert_within(dialog, screen, dialog.export_button, dialog.close_button, dialog.play_button)
    assert place(dialog, dialog.preview).bottom() < place(dialog, dialog.play_button).top()
    assert dialog.loop.width() >= dialog.loop.sizeHint().width()  # "Loop back to the" was cut at 14 pt
    assert dialog.preview.width() == dialog.preview.height() >= PREVIEW_LEAST
    if screen == SMALL_SCREEN:  # the preview gave up the height the settings lacked
        assert_settings_whole(dialog)
    else:  # too little room for that: they scroll, in a frame, and the preview is at its least
        bar = settings_area(dialog).verticalScrollBar()
        assert bar.maximum() > 0 and in_view(bar) and dialog.preview.width() == PREVIEW_LEAST
        assert settings_area(dialog).frameShape() != QFrame.Shape.NoFrame


def morph_items() -> list:
    return [(i, f"image {i}.png", np.full((64, 64, 3), 40 * i, np.uint8)) for i in range(2)]


def settings_area(dialog: MorphDialog) -> ScrolledWhenShort:
    """The Morph dialog's Animation and Export size settings, scrolled where the screen is short."""
    return dialog.findChild(ScrolledWhenShort)


def assert_settings_whole(dialog: MorphDialog) -> None:
    """The Morph dialog's Animation and Export size settings all in view, unscrolled and unframed."""
    area = settings_area(dialog)
    assert area.verticalScrollBar().maximum() == 0 and not area.verticalScrollBar().isVisible()
    assert area.frameShape() == QFrame.Shape.NoFrame
    for widget in (dialog.frames, dialog.fps, dialog.mode, dialog.loop, dialog.scale, dialog.size_label):
        assert in_view(widget), widget


@pytest.mark.parametrize("screen", [SCREEN_720, SMALL_SCREEN])
def test_the_morph_settings_fit_unscrolled_on_a_1280_by_720_screen(qtbot, monkeypatch, screen):
    """On a 1280 × 720 screen with a task bar its settings scrolled by 2 px, a thin scroll bar beside them and the
    Export size box cut at its foot: the preview gives up that height first now."""
    on_screen(monkeypatch, screen)
    dialog = opened(qtbot, MorphDialog(morph_items()))
    assert_within(dialog, screen, dialog.export_button, dialog.close_button, dialog.play_button)
    assert_settings_whole(dialog)
    assert dialog.preview.width() == dialog.preview.height() >= PREVIEW_LEAST


@pytest.mark.parametrize("font", [None, 12])
def test_the_morph_settings_fit_unscrolled_under_its_note_on_a_1280_by_720_screen(qtbot, monkeypatch, window, qapp,
                                                                                  font):
    """With one image open (its note above the dialog) the settings scrolled by 6 px on a 1280 × 720 screen; at a
    12 pt font the Export size box was scrolled wholly out of view."""
    on_screen(monkeypatch, SCREEN_720)
    with app_font(qapp, font):
        window.document.select(next(iter(window.document.items)))  # the GAN's sample, alone of its kind
        dialog = opened(qtbot, window.morph.open_dialog())
        assert window.morph.note.isVisible()
        assert_within(dialog, SCREEN_720, dialog.export_button, dialog.close_button, dialog.play_button)
        assert_settings_whole(dialog)
        assert dialog.preview.width() == dialog.preview.height() >= PREVIEW_LEAST
        dialog.close()


@pytest.mark.parametrize("font", [None, LARGE_FONT])
def test_the_morph_dialogs_play_row_stays_under_the_preview_with_its_note_above(qtbot, window, qapp, font):
    """With one image open, the note over the dialog ("Only 1 … is open") took two lines where the dialog had
    room for one: the Play row sat over the preview's bottom 8 px (at 14 pt, 17 px)."""
    with app_font(qapp, font):
        window.document.select(next(iter(window.document.items)))  # the GAN's sample, alone of its kind
        dialog = opened(qtbot, window.morph.open_dialog())
        assert window.morph.note.isVisible()
        preview = place(dialog, dialog.preview)
        for widget in (dialog.play_button, dialog.timeline, dialog.frame_label):
            assert not preview.intersects(place(dialog, widget)), widget
        assert not place(dialog, window.morph.note).intersects(place(dialog, dialog.preview.parentWidget()))
        dialog.close()


@pytest.mark.parametrize("screen", [SMALL_SCREEN, TINY_SCREEN])
def test_the_new_direction_dialog_grows_for_its_note_within_the_screen(qtbot, monkeypatch, large_font, screen):
    """It stayed 420 px tall: its four-line note over a GAN sample left the drop areas 70 px tall."""
    on_screen(monkeypatch, screen)
    dialog = opened(qtbot, DirectionsDialog(target=GAN_NOTE))
    ok, cancel = dialog.buttons.buttons()
    assert_within(dialog, screen, ok, cancel, *dialog.add_buttons.values())
    if screen == SMALL_SCREEN:  # room enough: the drop areas at their size
        assert all(lst.height() >= lst.sizeHint().height() for lst in dialog.lists.values())


def test_quick_start_is_as_wide_as_its_font_asks_within_the_screen(qtbot, engine, monkeypatch, large_font):
    """It kept Qt's 500 px at 14 pt and stood tall and narrow."""
    on_screen(monkeypatch, SMALL_SCREEN)
    window = opened(qtbot, MainWindow(engine, []))
    box: QMessageBox = window.help.quick_start()
    QApplication.processEvents()
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label.width() >= 60 * label.fontMetrics().averageCharWidth()
    assert box.width() + FRAME.width() <= SMALL_SCREEN.width() and box.height() + FRAME.height() <= 690
    box.close()
