"""The Sliders tab's list keeps its place when a direction is added, renamed or deleted (it jumped back to the
top rows), and shows a new direction's slider."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QScrollArea

from conftest import UI_TIMEOUT
from test_directions_ui import BLUE, RED, define, slider_menu, write_group


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
        define(qtbot, window, monkeypatch, name, *examples(seed))
    bar = scroll_bar(window)
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=UI_TIMEOUT)
    if strips:  # their thumbnails drawn: the list at its full length
        qtbot.waitUntil(lambda: all(strip.images for strip in window.sliders.strips), timeout=UI_TIMEOUT)
    bar.setValue(bar.maximum())  # down at the user's own directions
    bottom = bar.value()

    define(qtbot, window, monkeypatch, "third", *examples(2))
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
