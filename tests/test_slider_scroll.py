"""The Sliders tab's list keeps its place when a direction is added, renamed or deleted (it jumped back to the
top rows), and shows a new direction's slider."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QScrollArea, QStyle, QStyleOptionSlider

from conftest import UI_TIMEOUT
from test_directions_ui import BLUE, RED, define, slider_menu, write_group
from test_masked_edits import open_images
from ui_helpers import the_sample
from widget_helpers import clicked, wheel


def scroll_area(window) -> QScrollArea:
    return window.sliders.findChild(QScrollArea)


def scroll_bar(window):
    return scroll_area(window).verticalScrollBar()


def on_screen(window, row: int) -> bool:
    """Whether slider row lies inside the list's visible part."""
    slider, viewport = window.sliders.sliders[row], scroll_area(window).viewport()
    top = slider.mapTo(viewport, slider.rect().topLeft()).y()
    return 0 <= top and top + slider.height() <= viewport.height()


@pytest.mark.parametrize("strips", [False, True], ids=["plain", "with-preview-strips"])
def test_adding_renaming_and_deleting_a_direction_keep_the_list_where_it_was(strips, qtbot, window, monkeypatch,
                                                                              tmp_path, image_files):
    window.resize(900, 500)
    window.sliders.previews_box.setChecked(strips)  # with strips on, a rename still jumped to the top rows
    window.tabs.setCurrentIndex(0)  # Sliders
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0])])  # a picture: the VAE's sliders, where your directions are
    def examples(seed: int) -> tuple[list[str], list[str]]:  # other examples each: one vector is one direction
        return (write_group(tmp_path / f"red{seed}", "red", RED, 4, seed),
                write_group(tmp_path / f"blue{seed}", "blue", BLUE, 4, seed + 100))
    for seed, name in enumerate(("first", "second")):
        define(qtbot, window, name, *examples(seed))
    bar = scroll_bar(window)
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=UI_TIMEOUT)
    if strips:  # their thumbnails drawn: the list at its full length
        qtbot.waitUntil(lambda: all(strip.images for strip in window.sliders.strips), timeout=UI_TIMEOUT)
    bar.setValue(bar.maximum())  # down at the user's own directions
    bottom = bar.value()

    define(qtbot, window, "third", *examples(2))
    assert window.sliders.labels()[-1] == "third" and on_screen(window, len(window.sliders.sliders) - 1)
    assert bar.value() >= bottom  # not back at the top
    place = bar.value()

    if strips:
        qtbot.waitUntil(lambda: all(strip.images for strip in window.sliders.strips), timeout=UI_TIMEOUT)
        bar.setValue(bar.maximum())
        place = bar.value()
    monkeypatch.setattr(window.sliders, "_ask_name", lambda old: "renamed")
    slider_menu(window, len(window.sliders.sliders) - 2, "Rename…")
    assert window.sliders.labels()[-2] == "renamed" and bar.value() == place

    slider_menu(window, len(window.sliders.sliders) - 2, "Delete")
    assert "renamed" not in window.sliders.labels() and bar.value() == min(place, bar.maximum()) > 0


def viewport_top(window, row: int) -> int:
    """Where slider row's top lies in the list's visible part, in px from its top."""
    slider, viewport = window.sliders.sliders[row], scroll_area(window).viewport()
    return slider.mapTo(viewport, slider.rect().topLeft()).y()


def tick_preview_strips(qtbot, window) -> None:
    """A click on the Preview strips box (which takes the focus from a slider), then its strips drawn."""
    box = window.sliders.previews_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(box.height() // 2, box.height() // 2))
    assert box.isChecked() and box.hasFocus()
    qtbot.waitUntil(lambda: all(strip.images for strip in window.sliders.strips), timeout=UI_TIMEOUT)


def test_ticking_preview_strips_keeps_the_slider_in_use_where_it_was(qtbot, window):
    """The list kept its pixel offset as the strips made every row taller: the slider the user had clicked, down the
    list, went out of view below it (the cat-face slider gave way to PC5–PC11). It stays where it was on screen."""
    window.resize(900, 500)
    window.tabs.setCurrentWidget(window.slider_tab)
    last = len(window.sliders.sliders) - 1
    slider = window.sliders.sliders[last]
    scroll_area(window).ensureWidgetVisible(slider)
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle,
                                           slider)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=handle.center())  # pressed and let go: no move
    assert slider.hasFocus() and on_screen(window, last)
    before = viewport_top(window, last)
    tick_preview_strips(qtbot, window)
    assert viewport_top(window, last) == before and scroll_bar(window).value() > 0


def test_preview_strips_coming_and_going_keep_the_top_row_in_view_at_the_top(qtbot, window):
    """With no slider in use, the row at the list's top stays there as strips come (ticked) and go (unticked): the
    list kept its offset, and showed rows further down, then further up."""
    window.resize(900, 500)
    window.tabs.setCurrentWidget(window.slider_tab)
    tick_preview_strips(qtbot, window)
    bar = scroll_bar(window)
    middle = len(window.sliders.sliders) // 2
    bar.setValue(window.sliders.sliders[middle].parentWidget().y())  # its row at the top: it holds the slider
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    before = viewport_top(window, middle)
    window.sliders.previews_box.setChecked(False)  # rows above and below it lose their strips
    qtbot.waitUntil(lambda: not any(strip.isVisible() for strip in window.sliders.strips))
    assert viewport_top(window, middle) == before
    tick_preview_strips(qtbot, window)
    assert viewport_top(window, middle) == before


def test_preview_strips_keep_the_top_row_after_the_rows_are_rebuilt(qtbot, window, image_files):
    """Switching items rebuilds the rows at the same scroll place: no scroll picked a row to keep, so ticking
    Preview strips then carried the list away from the rows on screen (as after a model switch or a rename)."""
    window.resize(900, 500)
    window.tabs.setCurrentWidget(window.slider_tab)
    sample = the_sample(window)
    [picture] = open_images(qtbot, window, image_files[:1])  # the current item: the VAE's sliders
    window.document.select(sample.id)  # the GAN's rows again
    bar = scroll_bar(window)
    middle = len(window.sliders.sliders) // 2
    bar.setValue(window.sliders.sliders[middle].parentWidget().y())  # its row at the top
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    before = viewport_top(window, middle)
    for item in (picture, sample):  # the rows rebuilt twice, the list put back where it was
        window.document.select(item.id)
    assert window.sliders.sliders and viewport_top(window, middle) == before
    tick_preview_strips(qtbot, window)
    assert viewport_top(window, middle) == before


def click_tab(qtbot, window, page) -> None:
    """A click on the side panel's tab of page."""
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(page)).center())
    assert window.tabs.currentWidget() is page


def test_preview_strips_keep_the_top_row_after_the_rows_are_rebuilt_behind_another_tab(qtbot, window, image_files):
    """Items switched while the History tab was on show rebuilt the rows hidden: no row was on screen to be picked,
    so back on the Sliders tab ticking Preview strips carried the list away from the rows on screen (the row at the
    top went 400 px down, out of view). The row is picked as the list shows again."""
    window.resize(900, 500)
    click_tab(qtbot, window, window.slider_tab)
    sample = the_sample(window)
    [picture] = open_images(qtbot, window, image_files[:1])
    window.document.select(sample.id)
    bar = scroll_bar(window)
    middle = len(window.sliders.sliders) // 2
    bar.setValue(window.sliders.sliders[middle].parentWidget().y())  # its row at the top
    window.canvas.setFocus()  # no slider in use
    qtbot.waitUntil(window.canvas.hasFocus)
    before = viewport_top(window, middle)
    click_tab(qtbot, window, window.history_panel)
    for item in (picture, sample):  # the rows rebuilt twice, hidden
        window.document.select(item.id)
    click_tab(qtbot, window, window.slider_tab)
    assert viewport_top(window, middle) == before
    tick_preview_strips(qtbot, window)
    assert viewport_top(window, middle) == before


def row_in_view(window, row: int) -> bool:
    """Whether slider row's whole row, its name line and its slider, lies inside the list's visible part."""
    slider, viewport = window.sliders.sliders[row], scroll_area(window).viewport()
    top = slider.parentWidget().mapTo(viewport, QPoint(0, 0)).y()
    return 0 <= top and slider.mapTo(viewport, QPoint(0, slider.height())).y() <= viewport.height()


def test_the_wheel_scrolls_the_list_over_a_slider_tab_reached_and_moves_one_only_while_its_click_lasts(qtbot, window):
    """Tabbed to a slider without a click, the wheel scrolled the list until that slider came under the pointer, then
    moved it (3.3σ on PC11). It moves a slider once clicked, till the slider loses the focus."""
    window.resize(900, 500)
    window.tabs.setCurrentWidget(window.slider_tab)
    box, sliders = window.sliders.previews_box, window.sliders.sliders
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert sliders[0].hasFocus()
    assert not wheel(sliders[0], -3) and sliders[0].value() == 0  # left to the list (a real wheel's scrolls it)
    clicked(qtbot, sliders[0])
    assert wheel(sliders[0], 1) and sliders[0].value() > 0
    moved = sliders[0].value()
    qtbot.keyClick(sliders[0], Qt.Key.Key_Tab)  # away and back: the click's grant ends with its focus
    assert sliders[1].hasFocus()
    qtbot.keyClick(sliders[1], Qt.Key.Key_Backtab)
    assert sliders[0].hasFocus() and not wheel(sliders[0], 1) and sliders[0].value() == moved


def test_tabbing_into_the_slider_list_from_outside_brings_the_whole_row_into_view(qtbot, window):
    """Tab from the Preview strips box to PC1 while the list was scrolled to the bottom left PC1 out of view (the
    arrow keys then moved a slider the user could not see), and so did Shift+Tab from Reset all to the last slider
    with the list at the top; within the list, Tab brought only the slider into view, its name line cut in half."""
    window.resize(900, 500)
    window.tabs.setCurrentWidget(window.slider_tab)
    sliders, bar = window.sliders.sliders, scroll_bar(window)
    last = len(sliders) - 1
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    for start, key, row, place in ((window.sliders.previews_box, Qt.Key.Key_Tab, 0, bar.maximum()),
                                   (window.sliders.reset_all_button, Qt.Key.Key_Backtab, last, 0)):
        bar.setValue(place)
        start.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(start.hasFocus)
        qtbot.keyClick(start, key)
        assert sliders[row].hasFocus() and row_in_view(window, row), row
    middle = len(sliders) // 2
    sliders[middle - 1].setFocus(Qt.FocusReason.MouseFocusReason)  # clicked: the list stays where it is
    qtbot.waitUntil(sliders[middle - 1].hasFocus)
    name_line = sliders[middle].y()  # the slider's place in its row, under its name line
    bar.setValue(sliders[middle].parentWidget().y() + name_line // 2)  # its name cut in half at the top
    qtbot.keyClick(sliders[middle - 1], Qt.Key.Key_Tab)
    assert sliders[middle].hasFocus() and row_in_view(window, middle)
