"""Which side of a mask's outline the Sliders tab says edits apply on: from what the user did with the real brush
(painted, or erased from a picture with no mask), not from the mask's border; kept through undo, the autosaved
session and a recipe."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from session_helpers import _rewritten

from conftest import UI_TIMEOUT
from genimg_gui import session as sess
from genimg_gui.edit import EditState
from genimg_gui.history import History
from genimg_gui.recipe import Recipe, RecipeError
from genimg_gui.ui.about import menu_keys
from genimg_gui.ui.document_session import session_of
from genimg_gui.ui.recipe_actions import recipe_state
from genimg_gui.ui.slider_tab import mask_note_text

EDGE, FAR = 0.02, 0.98  # fractions of the pane: along its border, the brush's core reaching past it
FRAME = [((EDGE, EDGE), (FAR, EDGE)), ((EDGE, FAR), (FAR, FAR)), ((EDGE, EDGE), (EDGE, FAR)), ((FAR, EDGE), (FAR, FAR))]
STRIP = [((0.3, 0.5), (0.7, 0.5))]


def open_image(qtbot, window, path):
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(path)])
    item = window.document.current
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    window.tabs.setCurrentWidget(window.slider_tab)
    return item


def drag(canvas, start: tuple[float, float], end: tuple[float, float]) -> None:
    """One left drag on the edited pane, from start to end (fractions of its width and height): one stroke."""
    rect = canvas.edited_rect()

    def at(f: tuple[float, float]) -> QPoint:
        return QPoint(int(rect.left() + rect.width() * f[0]), int(rect.top() + rect.height() * f[1]))
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(start))
    QTest.mouseMove(canvas, at(end))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(end))


def strokes(window, tool, lines, radius_part: int) -> None:
    """tool (the brush or the eraser) on, a stroke along each line at a radius of the picture's width / radius_part,
    then the tool put down again: the mask stays in force."""
    width = window.document.current.image.shape[1]
    window.mask_tool.radius.setValue(max(2, width // radius_part))
    tool.trigger()
    for start, end in lines:
        drag(window.canvas, start, end)
    tool.trigger()
    assert not window.canvas.brush_mode


def note_says(window, outside: bool) -> bool:
    note = window.slider_tab.mask_note
    return note.isVisible() and note.text() == mask_note_text(menu_keys(window.menuBar()), outside=outside)


def step_names(window, item) -> list[str]:
    window.tabs.setCurrentWidget(window.history_panel)
    names = [window.history_panel.item_for(n.id).text(0) for n in item.history.nodes()]
    window.tabs.setCurrentWidget(window.slider_tab)
    return names


def carried(window, item, tmp_path) -> tuple[list[bool], bool]:
    """How each step's mask began, as the autosaved session brings it back; and as a recipe saved from the current
    step and read again gives it to the picture it is applied to, unedited."""
    back = sess.load_session(sess.save_session(session_of(window.document), tmp_path / "s.safetensors"))
    restored = [n.state.mask_erased for n in back.items[0].history.nodes()]
    directions = window.document.directions("vae")
    saved = Recipe.from_edit(item.history.current, directions, "tiny-vae", "vae").save(tmp_path / "r.json")
    root = item.history.nodes()[0].state
    applied = recipe_state(root, Recipe.load(saved), directions, item.image.shape[:2])
    return restored, applied.mask_erased


def test_a_frame_painted_round_the_border_is_named_as_edits_inside_the_mask(qtbot, window, image_files, tmp_path):
    """A frame painted along the picture's border, the brush put down: the note said "outside the erased part", as
    the mask was on along the border (so a mask erased from everywhere had looked); nothing was erased."""
    item = open_image(qtbot, window, image_files[1])
    strokes(window, window.mask_tool.brush, FRAME, 8)
    mask = item.history.current.mask
    h, w = mask.shape
    border = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
    assert mask[h // 2, w // 2] == 0 and border.mean() > 0.9  # a frame: its border alone would say "erased"
    assert note_says(window, outside=False)
    assert step_names(window, item) == ["Opened"] + ["mask: paint"] * 4
    window.document.undo()  # three sides painted: still inside
    assert note_says(window, outside=False)
    for _ in range(3):
        window.document.undo()
    assert not window.slider_tab.mask_note.isVisible()
    for _ in range(4):
        window.document.redo()
    assert note_says(window, outside=False)
    assert carried(window, item, tmp_path) == ([False] * 5, False)


@pytest.mark.parametrize("lines, radius_part", [(STRIP, 10), (FRAME, 6)], ids=["strip", "frame"])
def test_a_mask_erased_from_a_picture_without_one_is_named_as_edits_outside_the_erased_part(
        lines, radius_part, qtbot, window, image_files, tmp_path):
    """Erased from the edit everywhere: a strip across the middle, or a frame along the border (the mask then on in
    the middle only, which the border guess called a painted mask to edit inside). Painting part of it back leaves
    it a mask begun by erasing."""
    item = open_image(qtbot, window, image_files[1])
    strokes(window, window.mask_tool.erase, lines, radius_part)
    assert note_says(window, outside=True)
    y = lines[0][0][1]  # painted back along the first line erased
    strokes(window, window.mask_tool.brush, [((0.45, y), (0.55, y))], radius_part)
    assert note_says(window, outside=True)
    erased = len(lines)
    assert step_names(window, item) == ["Opened"] + ["mask: erase"] * erased + ["mask: paint"]
    window.document.undo()
    assert note_says(window, outside=True)
    window.document.redo()
    assert carried(window, item, tmp_path) == ([False] + [True] * (erased + 1), True)
    window.mask_tool.clear.trigger()  # then a stroke painted from no mask: inside it
    strokes(window, window.mask_tool.brush, STRIP, 10)
    assert note_says(window, outside=False)


def test_one_broad_dab_painted_on_a_picture_without_a_mask_is_named_paint(qtbot, window, image_files):
    """A dab covering most of the picture was named "mask: erase" in the History tab, by a guess from the larger part
    of the new mask."""
    item = open_image(qtbot, window, image_files[1])
    strokes(window, window.mask_tool.brush, [((0.5, 0.5), (0.5, 0.5))], 1)
    assert (item.history.current.mask >= 1.0).mean() > 0.5
    assert step_names(window, item) == ["Opened", "mask: paint"]
    assert note_says(window, outside=False)


def test_a_session_or_recipe_saved_before_guesses_how_its_mask_began_from_its_border(tmp_path):
    """Saved before how a mask began was kept: a mask on along most of the border is taken as erased, as before."""
    painted, erased = np.zeros((8, 8), np.float32), np.ones((8, 8), np.float32)
    painted[3:5, 2:6], erased[3:5, 2:6] = 1.0, 0.0
    history = History(EditState(np.zeros(4, np.float32), ()))
    history.push(history.current.with_mask(painted, erased=True))  # kept as done, whatever its border says
    history.push(history.current.with_mask(erased, erased=False))
    image = np.zeros((8, 8, 3), np.uint8)
    path = sess.save_session(sess.Session([sess.SessionItem("vae", "x", image, image, history)]), tmp_path / "s")
    assert [n.state.mask_erased for n in sess.load_session(path).items[0].history.nodes()] == [False, True, False]
    _rewritten(path, lambda doc: [n.pop("mask_erased") for n in doc["items"][0]["nodes"]])
    assert [n.state.mask_erased for n in sess.load_session(path).items[0].history.nodes()] == [False, False, True]
    recipe = tmp_path / "r.json"
    Recipe("tiny-vae", "vae", 4, (), painted, mask_erased=True).save(recipe)
    assert Recipe.load(recipe).mask_erased
    for written, read in ((erased, True), (painted, False)):
        Recipe("tiny-vae", "vae", 4, (), written).save(recipe)
        recipe.write_text(recipe.read_text().replace('"mask_erased": false,', ""))
        assert Recipe.load(recipe).mask_erased == read
    recipe.write_text(recipe.read_text().replace('"fit"', '"mask_erased": "yes", "fit"'))
    with pytest.raises(RecipeError, match='"mask_erased" must be true or false'):
        Recipe.load(recipe)
