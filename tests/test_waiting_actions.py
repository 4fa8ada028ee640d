"""What the window's actions do on a restored picture whose own model is still loading (its sliders wait for it,
tests/test_session_arrival.py). Compare A/B, the Morph dialog, Export latent, a recipe, the mask brush and a seed
typed on a GAN sample each asked the model loaded meanwhile to draw the other model's latent, or added its step to
the picture's history. Now each says to wait for the picture's own model, as on a picture whose model failed to load
(tests/test_stranded_actions.py), and leaves the picture as it is."""
from __future__ import annotations

import pytest

from conftest import UI_TIMEOUT
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow
from test_session_arrival import settled
from test_session_choice import held_loads
from test_session_own_models import kept_in_own_model, moved
from test_start_fallback import errors, started
from test_stranded_actions import each_action_refused, requests_sent


def waiting_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind: str):
    """genimg started on a kept session made in a model of kind (h-vae or other-gan), tiny-… loaded last, the load of
    the session's own model held: the window with that kind's restored item current, the gate, and the model's name."""
    own, kept = kept_in_own_model(qtbot, engine, model_dir, tmp_path, image_files, kind)
    gate = held_loads(monkeypatch, str(own.resolve()))
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and kind in w.document.models)
    window.filmstrip.setCurrentRow([saved.kind for saved in kept.items].index(kind))
    assert window.document.current.kind == kind
    assert window.slider_title.text().startswith(f"Waiting for {own.name} to load")  # its own model still held
    return window, gate, own.name


def wait_words(item, model: str) -> str:
    return f"wait for {model} to load: {item.name} was made in it"


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_picture_waiting_for_its_own_model_is_not_drawn_by_the_loaded_one_and_each_action_says_to_wait(
        kind, qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, gate, model = waiting_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind)
    doc = window.document
    item = doc.current
    steps, node, state = len(item.history), item.history.current_id, item.history.current
    sent = requests_sent(monkeypatch, doc)

    each_action_refused(qtbot, window, tmp_path, wait_words(item, model),
                        f"{item.name} is left out until {model} loads")
    qtbot.wait(100)
    assert not sent  # nothing asked of the model loaded
    assert (len(item.history), item.history.current_id) == (steps, node) and item.history.current is state

    gate.set()  # its own model comes: the actions act again
    qtbot.waitUntil(lambda: doc.models[kind].name == model and settled(window), timeout=UI_TIMEOUT)
    window.exports.export_latent(str(tmp_path / "x.npz"))
    qtbot.waitUntil(lambda: (tmp_path / "x.npz").exists(), timeout=UI_TIMEOUT)


def tiny_vae_recipe(qtbot, model_dir, picture, path):
    """A recipe saved from a picture edited in tiny-vae, in a window of its own (the held load of the waiting
    picture's model holds the worker: nothing is encoded meanwhile; closing a window ends its engine)."""
    window = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(str(model_dir / "tiny-vae"))
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.document.open_files([str(picture)])
    moved(qtbot, window, {0: 80})
    recipe = window.recipes.save(str(path))
    window.close()
    return recipe


def test_a_recipe_leaves_a_picture_waiting_for_its_model_as_it_is_and_says_so(
        qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    recipe = tiny_vae_recipe(qtbot, model_dir, image_files[1], tmp_path / "r.json")
    window, gate, model = waiting_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, "vae")
    doc = window.document
    waiting = doc.current
    state = waiting.history.current
    sent = requests_sent(monkeypatch, doc)
    assert window.recipes.apply(str(recipe)) == 0
    assert errors(window)[-1] == "Cannot apply the recipe: " + wait_words(waiting, model)
    assert window.recipes.apply(str(recipe), all_items=True) == 0
    assert errors(window)[-1] == f"Cannot apply the recipe: it edits VAE images; {waiting.name} left as it is " \
                                 f"until {model} loads"
    qtbot.wait(100)
    assert not sent and waiting.history.current is state
    gate.set()
    qtbot.waitUntil(lambda: doc.models["vae"].name == model and settled(window), timeout=UI_TIMEOUT)
