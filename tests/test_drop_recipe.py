"""An edit recipe dropped on the window, or chosen in File → Open images…, is applied to the current picture as
File → Apply recipe to current image… applies it (its checks, one History step); it was sent on as a picture:
"x.recipe.json is not an image (it holds text)", where `genimg info` called it an edit recipe. With no picture it says
to open one; dropped with a picture, it is applied to that picture once it has opened (recipe_waits)."""
from __future__ import annotations

import hashlib

from genimg_gui.recipe import Recipe
from test_morph_ui import action, apply_recipe, open_images, save_recipe, settle
from ui_helpers import drop

OTHER_WEIGHTS = hashlib.sha256(b"another model's weights").hexdigest()


def step_names(window, item) -> list[str]:
    return [window.history_panel.item_for(n).text(0) for n in item.history.path()]


def edited_recipe(qtbot, window, monkeypatch, item, path):
    """A recipe saved from item with PC2 at +0.80σ, then item's slider put back (one more step each)."""
    window.document.select(item.id)
    window.sliders.sliders[1].setValue(80)
    settle(qtbot, item)
    save_recipe(window, monkeypatch, path)
    window.sliders.sliders[1].setValue(0)  # so that applying it to item again would be a step
    settle(qtbot, item)
    return path


def test_a_recipe_dropped_is_applied_to_the_current_picture_as_apply_recipe_does(qtbot, window, monkeypatch,
                                                                                 image_files, tmp_path):
    a, b, c = open_images(qtbot, window, image_files)
    recipe = edited_recipe(qtbot, window, monkeypatch, a, tmp_path / "smile.recipe.json")
    window.document.select(b.id)
    before = step_names(window, b)
    drop(window, [recipe])
    settle(qtbot, b)
    assert step_names(window, b) == [*before, "Recipe smile.recipe.json"]  # one step
    assert window.sliders.values()[1] == 0.8 and "not an image" not in window.last_error
    assert window.statusBar().currentMessage().startswith("Applied smile.recipe.json to 1 image; Ctrl+Z takes it back")
    assert not window.document.jobs  # nothing sent to be opened as a picture
    window.document.undo()
    assert step_names(window, b) == before

    # File → Open images… does the same, and Apply recipe… gives the same state on another picture
    window.document.select(c.id)
    monkeypatch.setattr(window.opener, "_ask_paths", lambda: [str(recipe)])
    action(window, "&Open images…").trigger()
    settle(qtbot, c)
    assert step_names(window, c)[-1] == "Recipe smile.recipe.json"
    dropped = c.history.current
    window.document.select(b.id)
    apply_recipe(window, monkeypatch, recipe)
    settle(qtbot, b)
    assert dropped.values == b.history.current.values
    # a recipe is not a file to open again from Open recent: that would edit again
    assert str(recipe) not in window.settings.recent_files()


def test_a_recipe_dropped_is_checked_as_apply_recipe_checks_it(qtbot, window, monkeypatch, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    d = window.document.directions("vae")
    Recipe.from_edit(item.history.current.with_values((2.0,)), d, "vae-tiny", "vae",
                     identity=OTHER_WEIGHTS).save(tmp_path / "other.recipe.json")
    drop(window, [tmp_path / "other.recipe.json"])
    assert window.last_error.startswith("Cannot apply the recipe: other.recipe.json was made with vae-tiny, not "
                                        "tiny-vae")
    assert len(item.history) == 1 and not window.document.jobs


def test_a_recipe_dropped_with_no_picture_open_says_to_open_one(qtbot, window, monkeypatch, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    recipe = edited_recipe(qtbot, window, monkeypatch, item, tmp_path / "r.json")
    while window.document.current is not None:
        window.close_item()
    drop(window, [recipe])
    assert window.last_error == ("r.json was not applied: no image is open to apply it to; open one, then drop it on "
                                 "the window again (or use File → Apply recipe to current image…)")
    assert not window.document.jobs and not window.document.items


def test_a_recipe_dropped_with_a_picture_is_applied_to_it_once_it_opens(qtbot, window, monkeypatch, image_files,
                                                                        tmp_path):
    """It was not applied (the picture came later), and the status bar said to drop it again."""
    item, = open_images(qtbot, window, image_files[:1])
    recipe = edited_recipe(qtbot, window, monkeypatch, item, tmp_path / "r.json")
    steps = len(item.history)
    drop(window, [image_files[1], recipe])
    qtbot.waitUntil(lambda: step_names(window, window.document.current)[-1] == "Recipe r.json", timeout=30_000)
    new = window.document.current
    assert new.name == image_files[1].name and step_names(window, new) == ["Opened", "Recipe r.json"]
    assert len(item.history) == steps  # the picture shown before was left as it was
    settle(qtbot, new)


def test_a_recipe_dropped_as_a_new_sample_comes_over_nothing_is_applied_to_it(qtbot, window, monkeypatch, tmp_path):
    """New sample, with nothing open, then a recipe dropped before the sample came: it said no image was open,
    and the sample came a moment later."""
    sample, = window.document.items.values()
    recipe = edited_recipe(qtbot, window, monkeypatch, sample, tmp_path / "g.recipe.json")
    window.close_item()
    window.gan_panel.new_button.click()
    drop(window, [recipe])  # the sample asked is not back: nothing has run the event loop since
    assert not window.document.items and "not applied" not in window.last_error
    qtbot.waitUntil(lambda: len(window.document.items) == 1, timeout=30_000)
    new, = window.document.items.values()
    qtbot.waitUntil(lambda: step_names(window, new)[-1] == "Recipe g.recipe.json", timeout=30_000)
    assert len(new.history) == 2 and window.document.current is new  # its first step, then the recipe
    settle(qtbot, new)
