"""A recipe saved without a mask, applied in the real window to a picture with a painted mask: it edits inside that
mask, as the picture's sliders do, and the status bar says so. It moved the picture's base instead, changing the
whole picture while the mask still showed where edits go, and nothing on screen said so."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from test_masked_edits import open_images, settle
from genimg_gui.edit import edited_latent
from genimg_gui.masking import blend
from genimg_gui.recipe import Recipe

INSIDE_ONLY = "the recipe has no mask, so it changed only the part inside the image's mask, as the sliders do"


def trigger(window, text: str) -> None:
    found = [a for menu in window.findChildren(QMenu) for a in menu.actions() if a.text() == text]
    assert len(found) == 1, text
    found[0].trigger()


def stroke(qtbot, window, item, tool) -> None:
    """One stroke of a mask tool (the brush, B, or the eraser, E) across the upper half of the edited picture, as a
    user drags it."""
    window.document.select(item.id)
    tool.setChecked(True)
    rect = window.canvas.edited_rect()
    left, right = (QPoint(int(rect.left() + rect.width() * fx), int(rect.top() + rect.height() * 0.3))
                   for fx in (0.2, 0.7))
    QTest.mousePress(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, left)
    QTest.mouseMove(window.canvas, right)
    QTest.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, right)
    tool.setChecked(False)
    settle(qtbot, item)


def paint_mask(qtbot, window, item) -> np.ndarray:
    """One stroke of the mask brush across the upper half of the edited picture, as a user paints it (B, drag)."""
    stroke(qtbot, window, item, window.mask_tool.brush)
    mask = item.history.current.mask
    assert mask is not None and 0 < mask.mean() < 0.5 and (mask == 0).any()
    return mask


def save_recipe(window, monkeypatch, path) -> None:
    monkeypatch.setattr(window.recipes, "_ask_save_path", lambda suggestion: str(path))
    trigger(window, "Sa&ve edit recipe…")
    assert path.is_file(), window.last_error


def apply_recipe(window, monkeypatch, path, all_items: bool = False) -> None:
    monkeypatch.setattr(window.recipes, "_ask_open_path", lambda: str(path))
    trigger(window, "Apply recipe to all images of its &kind…" if all_items else "&Apply recipe to current image…")


def shown_as_masked(reference, window, item) -> np.ndarray:
    """The picture a masked state draws: its edited decode inside the mask, its unedited one outside."""
    state = item.history.current
    edited = reference.decode("vae", edited_latent(state, window.document.directions("vae")))
    return blend(edited, reference.decode("vae", state.base), state.mask)


def test_an_unmasked_recipe_on_a_masked_picture_edits_inside_its_mask_and_says_so(qtbot, window, reference,
                                                                                  monkeypatch, image_files, tmp_path):
    a, b = open_images(qtbot, window, image_files[:2])
    window.document.select(a.id)
    window.sliders.sliders[1].setValue(160)  # PC2 +1.6σ over the whole of a
    settle(qtbot, a)
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    assert Recipe.load(tmp_path / "r.json").mask is None

    window.document.select(b.id)
    window.sliders.sliders[0].setValue(-120)  # b's own edit, then its mask: PC1 only inside it
    settle(qtbot, b)
    mask = paint_mask(qtbot, window, b)
    before, base = b.image.copy(), b.history.current.base.copy()
    outside = mask == 0

    apply_recipe(window, monkeypatch, tmp_path / "r.json")
    settle(qtbot, b)
    assert window.sliders.values()[:2] == (-1.2, 1.6)  # the recipe's strength on its slider, as moved by hand
    state = b.history.current
    assert np.array_equal(state.mask, mask) and np.array_equal(state.base, base)
    assert np.array_equal(b.image[outside], before[outside])  # the unmasked part is as it was: it changed all of it
    assert not np.array_equal(b.image[~outside], before[~outside])
    assert np.array_equal(b.image, shown_as_masked(reference, window, b))
    assert window.statusBar().currentMessage() == f"Applied r.json to 1 image; {INSIDE_ONLY}; Ctrl+Z takes it back"

    apply_recipe(window, monkeypatch, tmp_path / "r.json")  # again: its strength is there, a second would double it
    assert window.statusBar().currentMessage() == "The image already had r.json; nothing changed"
    window.document.undo()
    settle(qtbot, b)
    assert np.array_equal(b.image, before)


def test_applied_to_all_the_masked_images_are_named_and_the_others_edited_everywhere(qtbot, window, monkeypatch,
                                                                                     image_files, tmp_path):
    a, b, c = open_images(qtbot, window, image_files)
    window.document.select(a.id)
    window.sliders.sliders[2].setValue(-140)
    settle(qtbot, a)
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    mask = paint_mask(qtbot, window, b)
    c_before = c.image.copy()

    apply_recipe(window, monkeypatch, tmp_path / "r.json", all_items=True)
    for item in (a, b, c):
        settle(qtbot, item)
    assert window.statusBar().currentMessage() == (
        "Applied r.json to 2 images; 1 already had it and was left as it is; the recipe has no mask, so on the 1 "
        "image with a mask it changed only the part inside that mask, as the sliders do; Ctrl+Z on each takes it back")
    assert np.array_equal(b.history.current.mask, mask) and c.history.current.mask is None
    assert not np.array_equal(c.image[mask == 0], c_before[mask == 0])  # c has no mask: all of it moved


def test_a_recipe_whose_directions_are_no_sliders_says_it_changed_the_whole_masked_picture(
        qtbot, window, reference, monkeypatch, image_files, tmp_path):
    """Such a recipe can only move the picture's base: it still does, and now says so."""
    item, = open_images(qtbot, window, image_files[:1])
    mask = paint_mask(qtbot, window, item)
    before = item.image.copy()
    d = window.document.directions("vae")
    elsewhere = d.with_direction(np.random.default_rng(3).normal(size=d.basis.shape[1]).astype(np.float32), 2.0,
                                 "made elsewhere")
    unedited = item.history.current.with_values((0.0,) * len(d) + (1.5,)).with_mask(None)
    Recipe.from_edit(unedited, elsewhere, "tiny-vae", "vae").save(tmp_path / "foreign.json")

    apply_recipe(window, monkeypatch, tmp_path / "foreign.json")
    settle(qtbot, item)
    assert window.statusBar().currentMessage() == (
        "Applied foreign.json to 1 image; its directions are not among the sliders, so it changed the whole "
        "picture, outside its mask too; Ctrl+Z takes it back")
    assert np.array_equal(item.history.current.mask, mask)
    assert not np.array_equal(item.image[mask == 0], before[mask == 0])
    assert np.array_equal(item.image, shown_as_masked(reference, window, item))


def erase_strip(qtbot, window, item) -> np.ndarray:
    """One stroke of the eraser across a picture with no mask (E, drag): a mask everywhere but the strip."""
    stroke(qtbot, window, item, window.mask_tool.erase)
    state = item.history.current
    assert state.mask is not None and state.mask_erased and state.mask.mean() > 0.5 and (state.mask == 0).any()
    return state.mask


def test_on_a_mask_begun_by_erasing_it_says_it_changed_everywhere_but_the_erased_part(qtbot, window, monkeypatch,
                                                                                       image_files, tmp_path):
    """The status bar said "only the part inside the image's mask", the opposite of what the sliders (and the
    Sliders tab's "Edits apply outside the erased part") do there."""
    a, b = open_images(qtbot, window, image_files[:2])
    window.document.select(a.id)
    window.sliders.sliders[1].setValue(160)
    settle(qtbot, a)
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    mask = erase_strip(qtbot, window, b)
    before = b.image.copy()

    apply_recipe(window, monkeypatch, tmp_path / "r.json")
    settle(qtbot, b)
    assert window.statusBar().currentMessage() == (
        "Applied r.json to 1 image; the recipe has no mask, so it changed everywhere but the erased part, as the "
        "sliders do; Ctrl+Z takes it back")
    assert np.array_equal(b.image[mask == 0], before[mask == 0])  # the erased strip is as it was
    assert not np.array_equal(b.image[mask == 1], before[mask == 1])


def test_applied_to_all_with_a_painted_mask_and_an_erased_one_it_says_where_each_lets_the_sliders_edit(
        qtbot, window, monkeypatch, image_files, tmp_path):
    a, b, c = open_images(qtbot, window, image_files)
    window.document.select(a.id)
    window.sliders.sliders[1].setValue(160)
    settle(qtbot, a)
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    paint_mask(qtbot, window, b)
    erase_strip(qtbot, window, c)

    apply_recipe(window, monkeypatch, tmp_path / "r.json", all_items=True)
    for item in (a, b, c):
        settle(qtbot, item)
    assert window.statusBar().currentMessage() == (
        "Applied r.json to 2 images; 1 already had it and was left as it is; the recipe has no mask, so it changed "
        "each image only where its mask lets the sliders edit; Ctrl+Z on each takes it back")
