"""An edit recipe fits the model it was made with alone, known by its weights (in the window): another model's of the
same latent size was applied with a note and smeared the picture; and Reset all takes a recipe's edit back, also one
no slider carries; and it records the fit its picture was opened with."""
from __future__ import annotations

import hashlib
import json

import numpy as np

from genimg_gui.recipe import Recipe, RecipeStep
from test_crop_note import picture
from test_morph_ui import apply_recipe, edit_with_sliders, headless, open_images, save_recipe, settle

OTHER_WEIGHTS = hashlib.sha256(b"another model's weights").hexdigest()


def test_a_recipe_made_with_another_model_of_the_same_size_is_refused(qtbot, window, monkeypatch, image_files,
                                                                      tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    d, info = window.document.directions("vae"), window.document.models["vae"]
    pc1 = item.history.current.with_values((2.0,))
    # saved before recipes recorded the weights: its model's name is all there is to go by
    Recipe.from_edit(pc1, d, "vae-tiny", "vae").save(tmp_path / "old.json")
    apply_recipe(window, monkeypatch, tmp_path / "old.json")  # applied, "(made with vae-tiny)"
    assert "old.json was made with vae-tiny, not tiny-vae" in window.last_error
    assert len(item.history) == 1  # nothing changed

    Recipe.from_edit(pc1, d, "vae-tiny", "vae", identity=OTHER_WEIGHTS).save(tmp_path / "rtiny.json")
    apply_recipe(window, monkeypatch, tmp_path / "rtiny.json")
    assert window.last_error == ("Cannot apply the recipe: rtiny.json was made with vae-tiny, not tiny-vae: its edit "
                                 "moves along vae-tiny's directions, which mean nothing in tiny-vae's latents; load "
                                 "vae-tiny to apply it")
    assert len(item.history) == 1

    # another model of another latent size (an SD VAE's 4 channels): named as such, not by the sizes alone ("the
    # recipe was made for a spatial latent of 4 channels (my-sd-vae); this model's latent has 16 numbers")
    Recipe("my-sd-vae", "vae", 4, (RecipeStep("PC1", np.eye(4, dtype=np.float32)[0], 1.0, 1.0),),
           model_identity=OTHER_WEIGHTS, spatial=True).save(tmp_path / "R.json")
    apply_recipe(window, monkeypatch, tmp_path / "R.json")
    assert window.last_error.startswith("Cannot apply the recipe: R.json was made with my-sd-vae, not tiny-vae: ")
    assert window.last_error.endswith("; load my-sd-vae to apply it") and len(item.history) == 1

    # another model of the same name: the weights tell them apart
    Recipe.from_edit(pc1, d, "tiny-vae", "vae", identity=OTHER_WEIGHTS).save(tmp_path / "same-name.json")
    apply_recipe(window, monkeypatch, tmp_path / "same-name.json")
    assert "same-name.json was made with another model named tiny-vae (other weights than this one's)" in \
        window.last_error and window.last_error.endswith("; load the tiny-vae it was made with to apply it")
    assert len(item.history) == 1

    # the same weights under another name (a copy whose card was renamed) are the same model
    Recipe.from_edit(pc1, d, "my-copy", "vae", identity=info.identity).save(tmp_path / "copy.json")
    apply_recipe(window, monkeypatch, tmp_path / "copy.json")
    settle(qtbot, item)
    assert window.statusBar().currentMessage().startswith("Applied copy.json (made with my-copy) to 1 image; Ctrl+Z "
                                                          "takes it back")
    assert window.sliders.values()[0] == 2.0
    assert "Cannot apply" not in window.statusBar().currentMessage()  # its success answers the refusals before it


def test_a_recipe_saved_in_the_app_records_its_models_weights(qtbot, window, monkeypatch, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    window.sliders.sliders[1].setValue(120)
    settle(qtbot, item)
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    model = json.loads((tmp_path / "r.json").read_text())["model"]
    assert model["weights_sha256"] == window.document.models["vae"].identity
    assert Recipe.load(tmp_path / "r.json").model_identity == window.document.models["vae"].identity


def test_reset_all_takes_back_a_recipe_that_no_slider_carries(qtbot, window, reference, monkeypatch, image_files,
                                                              tmp_path):
    """A recipe along a direction the model has no slider for (deleted, or its PCA recomputed) moves the base: every
    slider read +0.00σ and Reset all changed nothing; only Undo got the picture back."""
    item, = open_images(qtbot, window, image_files[:1])
    unedited = item.history.nodes()[0].state.base
    d = window.document.directions("vae")
    vector = np.random.default_rng(3).normal(size=d.basis.shape[1]).astype(np.float32)
    d2 = d.with_direction(vector, 2.0, "made elsewhere")
    recipe = Recipe.from_edit(item.history.current.with_values((0.0,) * len(d) + (1.5,)), d2, "tiny-vae", "vae")
    recipe.save(tmp_path / "elsewhere.json")
    apply_recipe(window, monkeypatch, tmp_path / "elsewhere.json")
    settle(qtbot, item)
    assert not np.array_equal(item.history.current.base, unedited) and item.edited()
    assert not any(window.sliders.values())

    window.sliders.reset_all_button.click()
    settle(qtbot, item)
    assert np.array_equal(item.history.current.base, unedited) and not item.edited()
    assert np.array_equal(item.image, reference.decode("vae", unedited))
    window.document.undo()  # one step, as any Reset all
    settle(qtbot, item)
    assert np.array_equal(item.history.current.base, recipe.apply(unedited))


def test_reset_all_takes_back_a_recipe_on_the_sliders(qtbot, window, reference, monkeypatch, image_files, tmp_path):
    """A recipe of the model's own sliders adds its strengths to them: Reset all puts them back to 0."""
    a, b = open_images(qtbot, window, image_files[:2])
    window.sliders.sliders[2].setValue(-90)
    settle(qtbot, a)
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    window.document.select(b.id)
    apply_recipe(window, monkeypatch, tmp_path / "r.json")
    settle(qtbot, b)
    assert window.sliders.values()[2] == -0.9
    window.sliders.reset_all_button.click()
    settle(qtbot, b)
    assert not b.edited() and np.array_equal(b.image, reference.decode("vae", b.history.nodes()[0].state.base))


def test_a_recipe_records_the_fit_its_picture_was_opened_with_not_the_toolbars_now(qtbot, window, monkeypatch,
                                                                                  model_dir, tmp_path):
    # the toolbar's fit switched after the picture was opened: the recipe took it, and `genimg edit --recipe`
    # letterboxed a picture the app had cropped, giving another picture than the app's export
    wide = picture(tmp_path / "wide.jpg", 600, 300)
    window.fit_mode.setCurrentText("crop")
    item, = open_images(qtbot, window, [wide])
    window.fit_mode.setCurrentText("letterbox")
    other, = open_images(qtbot, window, [picture(tmp_path / "other.jpg", 300, 200)])
    assert (item.fit, other.fit) == ("crop", "letterbox")
    edit_with_sliders(qtbot, window, item, {0: 150, 2: -80})  # back to the cropped picture, and edited
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    assert Recipe.load(tmp_path / "r.json").fit == "crop"
    assert np.array_equal(headless(model_dir, tmp_path / "r.json", wide, tmp_path / "out"), item.image)
