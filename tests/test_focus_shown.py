"""Each Tab stop shows that it has the keyboard focus: a stop that looks the same focused or not (the canvas, the
sliders' scroll area, the filmstrip's current thumbnail, an empty image list) lost the user's place."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QScrollArea, QWidget

from genimg_gui.ui.directions_dialog import DirectionsDialog


def press_tab(qtbot) -> QWidget:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    return QApplication.focusWidget()


def tab_round(qtbot, top: QWidget, start: QWidget) -> dict[QWidget, tuple[QImage, QImage]]:
    """The widgets Tab lands on from start, as a user's presses go, until it comes back to start; each grabbed as
    Tab leaves it focused, then with the focus back on start (start itself, one Tab on). By Tab only: a focus set
    in code turns off the styles' keyboard focus marks (Qt's WA_KeyboardFocusChange)."""
    top.activateWindow()
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    focused = {}
    for _ in range(200):
        stop = press_tab(qtbot)
        assert stop is start or not (stop.isAncestorOf(start) or start.isAncestorOf(stop))
        focused[stop] = stop.grab().toImage()
        if stop is start:
            break
    else:
        raise AssertionError("Tab never came back to where it started")
    looks = {stop: (image, stop.grab().toImage()) for stop, image in focused.items() if stop is not start}
    press_tab(qtbot)
    return {start: (focused[start], start.grab().toImage()), **looks}


def unchanged(looks: dict[QWidget, tuple[QImage, QImage]]) -> list[QWidget]:
    """The stops that look the same with the focus as without."""
    return [w for w, (focused, not_focused) in looks.items() if focused == not_focused]


def test_every_tab_stop_of_the_main_window_shows_its_focus(qtbot, window):
    window.resize(900, 500)  # the sliders overflow their list: Tab still brings each one into view
    stops = tab_round(qtbot, window, window.canvas)
    order = list(stops)
    assert window.sliders.scroll not in stops  # an invisible stop between Preview strips and the first slider
    assert not [w for w in stops if isinstance(w, QScrollArea)]
    sliders = window.sliders.sliders
    assert order.index(sliders[0]) == order.index(window.sliders.previews_box) + 1
    window.sliders.scroll.verticalScrollBar().setValue(0)
    assert not on_view(window, sliders[-1])  # below the fold
    for slider in sliders:  # reached by Tab: brought into view
        tab_round_to(qtbot, slider)
        assert on_view(window, slider)
    assert all(w.isVisible() and w.window() is window for w in stops)
    assert unchanged(stops) == []


def on_view(window, slider: QWidget) -> bool:
    viewport = window.sliders.scroll.viewport()
    return viewport.rect().contains(viewport.mapFromGlobal(slider.mapToGlobal(slider.rect().bottomRight())))


def tab_round_to(qtbot, target: QWidget) -> None:
    """Press Tab until target has the focus."""
    for _ in range(200):
        if target.hasFocus():
            return
        press_tab(qtbot)
    raise AssertionError(f"Tab never reached {target}")


def apart(one: QColor, other: QColor) -> bool:
    """Colours told apart at a glance: a channel differs by a quarter of its range."""
    return max(abs(a - b) for a, b in zip(one.getRgb(), other.getRgb())) > 64


def test_the_canvas_and_the_filmstrip_look_focused_only_when_they_are(qtbot, window):
    canvas, filmstrip = window.canvas, window.filmstrip
    looks = tab_round(qtbot, window, canvas)
    assert list(looks)[:2] == [canvas, filmstrip]
    assert not {canvas, filmstrip} & set(unchanged(looks))
    focused, not_focused = looks[filmstrip]
    cell = filmstrip.visualItemRect(filmstrip.currentItem()).translated(filmstrip.viewport().pos())
    clear = [(x, y) for x in range(cell.left(), cell.right() + 1) for y in range(cell.top(), cell.bottom() + 1)
             if apart(focused.pixelColor(x, y), not_focused.pixelColor(x, y))]
    assert len(clear) >= cell.width() + cell.height()  # a frame round the thumbnail: Fusion shaded its outline
    window.canvas.set_images(None, None)  # the empty canvas too
    window.close_item()  # and the empty filmstrip
    assert filmstrip.count() == 0
    assert not {canvas, filmstrip} & set(unchanged(tab_round(qtbot, window, canvas)))


def test_the_empty_image_lists_of_the_new_direction_dialog_show_their_focus(qtbot):
    dialog = DirectionsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    stops = tab_round(qtbot, dialog, dialog.name)
    lists = list(dialog.lists.values())
    assert all(image_list in stops and image_list.count() == 0 for image_list in lists)
    assert not [w for w in stops if isinstance(w, QAbstractScrollArea) and w not in lists]
    assert all(w.isVisible() for w in stops)
    assert unchanged(stops) == []


def test_the_models_tab_card_shows_its_focus(qtbot, window):
    """The card (a scroll area, which the arrow keys scroll) was a Tab stop that looked the same with the focus."""
    panel = window.model_panel
    window.tabs.setCurrentWidget(panel)
    card = next(w for w in panel.findChildren(QScrollArea) if w.accessibleName() == "Model card")
    stops = tab_round(qtbot, window, panel.list)
    assert card in stops and all(w.isVisible() for w in stops)
    assert unchanged(stops) == []
    focused, not_focused = stops[card]
    edge = [(x, 0) for x in range(card.width())] + [(0, y) for y in range(card.height())]
    assert len([p for p in edge if apart(focused.pixelColor(*p), not_focused.pixelColor(*p))]) > len(edge) // 2
