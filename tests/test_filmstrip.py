"""The filmstrip on its own (no engine): a selected thumbnail keeps its colours, names never draw over a neighbour."""
from __future__ import annotations

from genimg_gui.ui.filmstrip import CELL_WIDTH, ICON_SIZE, Filmstrip
from genimg_gui.ui.qimage import from_qimage

from conftest import UI_TIMEOUT
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
    qtbot.waitUntil(lambda: 0 < max(r.width() for r in cells()) <= CELL_WIDTH, timeout=UI_TIMEOUT)
    rects = cells()
    assert all(not a.intersects(b) for a, b in zip(rects, rects[1:]))
    assert strip.item(0).toolTip() == "seed 562716747"  # the whole name, where the cell elides it


def test_thumbnails_fill_the_strips_size_whatever_the_models_resolution(qtbot):
    """A 32-px VAE's thumbnails were drawn at 32 px, their names higher than the others'; a 4:3 photo's too."""
    strip = shown(qtbot, Filmstrip())
    strip.resize(700, 110)
    for i, picture in enumerate([solid((200, 0, 0), 64), solid((0, 200, 0), 32), solid((0, 0, 200), 512),
                                 solid((200, 200, 0), 64)[:48]]):
        strip.add(i, f"picture {i}", picture)
    shot = from_qimage(strip.viewport().grab().toImage())
    colours = [(200, 0, 0), (0, 200, 0), (0, 0, 200), (200, 200, 0)]
    places = []
    for row, colour in enumerate(colours):
        cell = strip.visualItemRect(strip.item(row))
        inked = [(y, x) for y in range(cell.top(), cell.bottom()) for x in range(cell.left(), cell.right())
                 if tuple(shot[y, x]) == colour]
        height = max(y for y, _ in inked) - min(y for y, _ in inked) + 1
        width = max(x for _, x in inked) - min(x for _, x in inked) + 1
        assert (width, height) == ((ICON_SIZE, ICON_SIZE) if row < 3 else (ICON_SIZE, ICON_SIZE * 3 // 4)), row
        centre = (min(y for y, _ in inked) + max(y for y, _ in inked)) // 2
        dark = (shot[:, cell.left():cell.right()] < 100).all(2).any(1)  # the rows with the name's ink
        text = min(y for y in range(cell.top(), cell.bottom()) if dark[y])
        places.append((centre - cell.top(), text - cell.top()))
    assert len(set(places)) == 1, places  # each picture centred in the same box, its name at the same height


def test_a_current_thumbnail_renamed_longer_stays_whole_in_view(qtbot):
    """Cancelling an inversion renamed "p1.jpg, inverted" to "p1.jpg, inv. (step 40)", and the strip was not
    scrolled along: it read "p1.jpg, inv. (step 4", cut at the strip's right edge."""
    strip = shown(qtbot, Filmstrip())
    strip.resize(3 * CELL_WIDTH + CELL_WIDTH // 2, strip.height())
    for i in range(9):
        strip.add(i, "p1.jpg, inverted" if i == 6 else f"p{i}.png", solid((200, 200, 200), 16))
    strip.select(6)  # scrolled until its name's right end is at the strip's
    viewport = strip.viewport().rect()
    assert viewport.contains(strip.visualItemRect(strip.item(6)))
    strip.set_thumbnail(6, solid((200, 0, 200), 16), "p1.jpg, inv. (step 40)")
    qtbot.waitUntil(lambda: strip.visualItemRect(strip.item(6)).width() > strip.fontMetrics().horizontalAdvance(
        "p1.jpg, inv. (step 40"), timeout=UI_TIMEOUT)  # laid out again for the longer name
    assert viewport.contains(strip.visualItemRect(strip.item(6))), (viewport, strip.visualItemRect(strip.item(6)))
    # a new picture under the same name (each decode of an edit) leaves the strip where the user scrolled it
    strip.horizontalScrollBar().setValue(0)
    strip.set_thumbnail(6, solid((0, 200, 200), 16), "p1.jpg, inv. (step 40)")
    assert strip.horizontalScrollBar().value() == 0


def test_the_current_thumbnail_comes_into_view_with_its_cells_margin(qtbot):
    """A new sample at the strip's end was scrolled in only until its thumbnail's edge met the strip's: its
    highlighted name ran into the frame, looking cut off, while the strip could scroll on by its cell's margin."""
    strip = shown(qtbot, Filmstrip())
    strip.resize(3 * CELL_WIDTH + CELL_WIDTH // 2, strip.height())
    for i in range(8):
        strip.add(i, f"seed {i}", solid((200, 200, 200), 16))
    strip.add(8, "seed 42", solid((200, 200, 200), 16))
    strip.select(8)
    bar, shown_rect = strip.horizontalScrollBar(), strip.viewport().rect()
    assert bar.value() == bar.maximum()  # the last thumbnail's whole cell in view
    thumbnail = strip.visualItemRect(strip.item(8))
    assert shown_rect.right() - thumbnail.right() >= (CELL_WIDTH - thumbnail.width()) // 2
    strip.select(1)  # and back towards the start: its cell's left margin in view too
    thumbnail = strip.visualItemRect(strip.item(1))
    assert thumbnail.left() - shown_rect.left() >= (CELL_WIDTH - thumbnail.width()) // 2
