"""The History's mark on a step that does nothing in the model loaded now, made in another: every such step is
marked alike, naming the model loaded, "(not in other-vae)". A recipe or Randomise made in another VAE read bare
("Recipe green_recipe.json"), and a class the GAN lacks "(not in this GAN)", where a slider step named the model."""
from __future__ import annotations

from pathlib import Path

import torch

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.models.vae import ConvVAE
from test_conditional import conditional_dir, other_classes_dir  # noqa: F401 (fixtures)
from test_switch_values import double_click_model, move, step_texts
from ui_helpers import drop_and_wait, load_other, vae_items


def test_a_recipe_and_reset_all_made_in_another_vae_are_marked_as_a_slider_step_is(qtbot, window, image_files,
                                                                                  tmp_path):
    doc, panel = window.document, window.history_panel
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    pc1 = window.sliders.labels()[0]
    move(qtbot, window, item, pc1, 1.5)
    recipe = window.recipes.save(str(tmp_path / "green_recipe.json"))
    window.sliders.reset_all_button.click()
    assert window.recipes.apply(str(recipe)) == 1
    applied = item.history.current_id
    window.sliders.randomise_button.click()

    torch.manual_seed(7)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert step_texts(qtbot, window, item) == [
        "Opened", f"{pc1} +1.50σ (not in other-vae)", "Reset all (not in other-vae)",
        "Recipe green_recipe.json (not in other-vae)", "Randomise (not in other-vae)"]
    # its tooltip lists what it set where it was made, not "no change"
    assert f"Recipe green_recipe.json (not in other-vae): {pc1} +1.50σ" in panel.item_for(applied).toolTip(0)
    assert window.undo_action.text() == "&Undo Randomise (not in other-vae)"

    double_click_model(qtbot, window, "tiny-vae")  # where they were made, they do something: no mark
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    texts = step_texts(qtbot, window, item)
    assert texts[applied - 1:] == ["Reset all", "Recipe green_recipe.json", "Randomise"]
    assert f"Recipe green_recipe.json: {pc1} +1.50σ" in panel.item_for(applied).toolTip(0)


def test_a_class_the_gan_lacks_names_the_gan_as_a_slider_step_names_it(qtbot, window, conditional_dir,
                                                                         other_classes_dir):
    doc, panel = window.document, window.gan_panel

    def load(folder: Path) -> None:
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(folder))
        qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)

    load(conditional_dir)  # cat, dog, fox
    item = doc.current
    panel.gan_class.setCurrentText("fox")
    qtbot.waitUntil(lambda: item.gan_class == 2, timeout=UI_TIMEOUT)
    chosen = item.history.current_id
    load(other_classes_dir)  # bird, cat: no fox
    assert step_texts(qtbot, window, item)[chosen] == "class: fox (not in tiny-birds)"
    load(conditional_dir)
    assert step_texts(qtbot, window, item)[chosen] == "class: fox"
