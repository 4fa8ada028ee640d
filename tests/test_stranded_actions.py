"""What the window's actions do on a restored picture whose own model failed to load (stranded: its sliders held
back, tests/test_session_own_model_fails.py). Compare A/B asked the loaded model to draw the other model's latents,
the Morph dialog ticked it as a keyframe drawn by that model, Export latent wrote its latent as the loaded model's,
a recipe moved it along the loaded model's directions, and a seed typed on a stranded GAN sample was drawn by the
GAN loaded as a step of its history. Now each says why it cannot act; Export PNG writes the picture as last drawn,
and says so; Split shows the pixels kept."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.ui.canvas import CompareMode
from genimg_gui.ui.compare_actions import MODES
from test_history_panel import CTRL, click_node
from test_recipe_on_mask import stroke
from test_session_arrival import settled
from test_session_own_models import kept_in_own_model, moved
from test_start_fallback import errors, started
from ui_helpers import exports_written


def stranded_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind: str):
    """genimg started on a kept session made in a model of kind whose folder was deleted since (tiny-… loaded): the
    window, with that kind's restored item current."""
    own, kept = kept_in_own_model(qtbot, engine, model_dir, tmp_path, image_files, kind)
    shutil.rmtree(own)
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and kind in w.document.models
                     and settled(w))
    window.filmstrip.setCurrentRow([saved.kind for saved in kept.items].index(kind))
    assert window.document.current.kind == kind and not window.sliders.sliders  # held back
    return window, own.name


def requests_sent(monkeypatch, doc) -> list:
    """Every request the document sends the worker from now on."""
    sent, submit = [], doc.engine.submit
    monkeypatch.setattr(doc.engine, "submit", lambda request: sent.append(request) or submit(request))
    return sent


def refusal(item, model: str, kind: str) -> str:
    return (f"{item.name} was made in {model}, which could not be loaded, and no other {kind.upper()} can draw it; "
            f"load a {kind.upper()} in the Models tab")


def each_action_refused(qtbot, window, tmp_path, words: str, morph_note: str) -> None:
    """Compare A/B, a Morph keyframe, Export latent, the mask brush, Save recipe and (on a GAN sample) a typed seed,
    each on the current picture: refused, saying words after what it did not do; its history as it was."""
    item = window.document.current
    # Compare A/B with its first step: refused, the panes back on the picture as kept
    window.tabs.setCurrentWidget(window.history_panel)
    panel = window.history_panel
    click_node(qtbot, panel, 0, CTRL)
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    assert errors(window)[-1] == "Not compared: " + words
    assert window.history.comparing is None and not panel.stop_button.isEnabled()
    # Morph: not a keyframe, and the note says why
    dialog = window.morph.open_dialog()
    listed = [dialog.keyframes.item(row).text() for row in range(dialog.keyframes.count())]
    assert item.name not in listed
    assert morph_note in window.morph.note.text()
    dialog.close()
    # Export latent: refused (its edit needs its model's directions)
    window.exports.export_latent(str(tmp_path / "x.npz"))
    assert not (tmp_path / "x.npz").exists()
    assert errors(window)[-1].startswith("Not exported: " + words)
    # the mask brush: no stroke, whose every dab the loaded model drew, and no step
    stroke(qtbot, window, item, window.mask_tool.brush)
    assert errors(window)[-1] == "Not painted: " + words
    assert window.mask_tool.mask is None and not window.mask_tool.refused
    # a recipe: none saved from it
    assert window.recipes.save(str(tmp_path / "r.json")) is None
    assert errors(window)[-1] == "No recipe saved: " + words
    if item.kind == "gan":  # a seed typed on the sample: not drawn by the GAN loaded, the box back on its seed
        seed = item.seed
        window.tabs.setCurrentWidget(window.gan_panel)
        window.gan_panel.seed.selectAll()
        qtbot.keyClicks(window.gan_panel.seed, "1234")
        qtbot.keyClick(window.gan_panel.seed, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: errors(window)[-1].startswith("Not drawn: "), timeout=UI_TIMEOUT)
        assert errors(window)[-1] == f"Not drawn: {words} (New sample draws one in the GAN loaded)"
        assert window.gan_panel.seed.value() == seed == item.seed


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_stranded_picture_is_not_drawn_by_the_loaded_model_and_each_action_says_why(
        kind, qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, model = stranded_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind)
    doc = window.document
    item = doc.current
    steps, node, state = len(item.history), item.history.current_id, item.history.current
    sent = requests_sent(monkeypatch, doc)

    each_action_refused(qtbot, window, tmp_path, refusal(item, model, kind),
                        f"{item.name} is left out: made in {model}, which could not be loaded")
    # Split shows the kept pixels, drawn by no model
    window.compare.setCurrentIndex(MODES.index(CompareMode.SPLIT))
    # the meter reads nothing: the loaded model's directions are not the picture's
    assert window.sliders.meter.distance is None
    # Export PNG: the picture as last drawn
    window.exports.export_png(str(tmp_path / "x.png"))
    exports_written(qtbot, window)  # written off the GUI thread
    assert np.array_equal(np.asarray(Image.open(tmp_path / "x.png").convert("RGB")), item.image)
    assert f", the picture as {model} last drew it, as that model could not be loaded" in \
        window.status.currentMessage()
    if kind == "gan":
        seed = item.seed
        with qtbot.waitSignal(doc.error, timeout=UI_TIMEOUT) as said:
            qtbot.keyClick(window.gan_panel.seed, Qt.Key.Key_Up)  # a run of seed steps, each shown live
        assert said.args[0].startswith(f"Not drawn: {item.name} was made in {model}")
        assert window.gan_panel.seed.value() == seed == item.seed
    qtbot.wait(100)
    assert not sent  # nothing asked of the model loaded
    assert (len(item.history), item.history.current_id) == (steps, node) and item.history.current is state
    assert not doc.failed_own or window.slider_title.text().startswith(f"{model} could not be loaded")


def test_a_recipe_applied_to_all_leaves_a_stranded_picture_as_it_is_and_says_so(
        qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, model = stranded_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, "vae")
    doc = window.document
    stranded = doc.current
    state = stranded.history.current
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        doc.open_files([str(image_files[1])])  # a picture of tiny-vae beside it, a recipe saved from its edit
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    mine = doc.current
    moved(qtbot, window, {0: 80})
    recipe = window.recipes.save(str(tmp_path / "r.json"))
    window.filmstrip.setCurrentRow(list(doc.items).index(stranded.id))
    assert window.recipes.apply(str(recipe)) == 0
    assert errors(window)[-1] == (f"Cannot apply the recipe: {stranded.name} was made in {model}, which could not be "
                                  "loaded, and tiny-vae's directions are not its; load a VAE in the Models tab")
    window.filmstrip.setCurrentRow(list(doc.items).index(mine.id))
    doc.undo()
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    assert window.recipes.apply(str(recipe), all_items=True) == 1
    assert window.status.currentMessage().startswith("Applied r.json to 1 image")
    assert f"; {stranded.name} left as it is: made in {model}, which could not be loaded" in \
        window.status.currentMessage()
    assert stranded.history.current is state and mine.history.current.values[0] == 0.8
