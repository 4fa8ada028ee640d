"""The filmstrip on its own (no engine): a selected thumbnail keeps its colours, names never draw over a neighbour."""
from __future__ import annotations

from genimg_gui.ui.filmstrip import CELL_WIDTH, Filmstrip
from genimg_gui.ui.qimage import from_qimage

from widget_helpers import shown, solid


def test_a_selected_thumbnail_keeps_its_own_colours(qtbot):
    strip = shown(qtbot, Filmstrip())
    beige = (230, 200, 170)
    strip.add(1, "seed 0", solid(beige, 64))
    strip.select(1)
    strip.setFocus()
    qtbot.waitUntil(strip.hasFocus)
    item = strip.item(0)
    assert item.isSelected()
    rect = strip.visualItemRect(item)
    x, y = rect.center().x(), rect.top() + 36  # inside the 64 px icon, above the name
    shot = from_qimage(strip.viewport().grab().toImage())
    # Qt's style would tint it with the highlight colour: a beige face would show grey-blue
    assert tuple(shot[y, x]) == beige


def test_filmstrip_names_never_draw_over_a_neighbour(qtbot):
    strip = shown(qtbot, Filmstrip())
    strip.resize(700, 110)
    for i, name in enumerate(["seed 0", "1f602.png", "a very long name of a holiday photo.png", "x.png"]):
        strip.add(i, name, solid((200, 200, 200), 16))
    strip.set_thumbnail(0, solid((0, 0, 200), 16), "seed 562716747")  # a random seed renames a sample

    def cells():
        return [strip.visualItemRect(strip.item(r)) for r in range(strip.count())]
    # each name elided into its cell, the renamed one too once the delayed relayout has run
    qtbot.waitUntil(lambda: 0 < max(r.width() for r in cells()) <= CELL_WIDTH, timeout=2000)
    rects = cells()
    assert all(not a.intersects(b) for a, b in zip(rects, rects[1:]))
    assert strip.item(0).toolTip() == "seed 562716747"  # the whole name, where the cell elides it
