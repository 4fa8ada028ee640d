"""A GAN sample exported from the app and written by `genimg generate`: one file name for a seed, and a latent file
that records the seed, ψ, class and draw it was drawn with."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder
from genimg_gui.cli import main
from genimg_gui.models.gan import Generator
from genimg_gui.seed_draws import OWN, SKIP_MIXTURES
from ui_helpers import export_names_offered


def run(*args) -> int:
    return main([str(a) for a in args])


def sample_of(path: Path) -> dict:
    with np.load(path) as f:
        return json.loads(str(f["sample"]))


@pytest.fixture(scope="module")
def cgan(tmp_path_factory) -> Path:
    """A random-weight tiny GAN with three classes, saved as a model folder."""
    torch.manual_seed(2)
    gen = Generator(replace(TINY_GAN, classes=("cat", "dog", "fox")))
    return make_model_folder(tmp_path_factory.mktemp("models") / "tiny-cgan", gen, "tiny-cgan")


def own_class(gan: Path, seed: int) -> str:
    """The name of the class a seed of a conditional GAN draws when no class is asked for."""
    from genimg_gui.models.gan import seed_class
    from genimg_gui.models.weights import load_model
    net, card = load_model(gan)[:2]
    return card["config"]["classes"][int(seed_class(net, seed))]


def settled(window, item) -> bool:
    return not window.document.samples.pending and item.shown_seq >= item.requested_seq


def test_a_sample_is_offered_the_file_name_genimg_generate_writes(qtbot, window, model_dir, tmp_path, monkeypatch):
    """The app offered seed 42 as "seed 42.png", where `genimg generate --seeds 42` wrote seed0042.png."""
    item = window.document.current
    window.gan_panel.seed.setValue(42)
    qtbot.waitUntil(lambda: item.seed == 42 and settled(window, item), timeout=UI_TIMEOUT)
    assert export_names_offered(window, tmp_path / "exports", monkeypatch) == [
        "seed0042.png", "seed0042@4x.png", "seed0042.npz"]
    offered = []
    window.sliders.sliders[0].setValue(150)  # a recipe needs an edit; Save edit recipe… offered "seed 42" still
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    monkeypatch.setattr(window.recipes, "_ask_save_path", lambda suggestion: offered.append(suggestion) or "")
    window.recipes.save_dialog()
    assert offered[-1] == "seed0042"
    assert run("generate", "--gan", model_dir / "tiny-gan", "--seeds", "42", "--save-latents", "-o", tmp_path) == 0
    assert {"seed0042.png", "seed0042.npz"} <= {p.name for p in tmp_path.iterdir()}


def test_saving_a_samples_recipe_says_it_saved_the_edit_not_a_direction(qtbot, window, tmp_path, monkeypatch):
    """File → Save edit recipe… said "Saved 1 direction to …/s0.json", the words of New direction from examples."""
    item = window.document.current
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    window.sliders.sliders[0].setValue(150)
    qtbot.waitUntil(lambda: settled(window, item), timeout=UI_TIMEOUT)
    monkeypatch.setattr(window.recipes, "_ask_save_path", lambda suggestion: str(tmp_path / "s0.json"))
    said = []
    window.document.message.connect(said.append)
    window.recipes.save_dialog()
    assert said[-1] == f"Saved the edit recipe (1 slider) to {tmp_path / 's0.json'}"


def test_the_cli_records_how_each_seed_was_drawn_in_its_latent_file(cgan, tmp_path):
    """generate --save-latents recorded the model alone: nothing said which seed, ψ, class or draw made a file. The
    draw recorded is the one drawn: refine, the default, draws its own z where the GAN has no discriminator."""
    assert run("generate", "--gan", cgan, "--seeds", "3,12", "--psi", "0.6", "--class", "dog", "--save-latents",
               "-o", tmp_path / "g") == 0
    for seed in (3, 12):
        assert sample_of(tmp_path / "g" / f"seed{seed:04d}.npz") == {
            "seed": seed, "psi": 0.6, "class": "dog", "class_index": 1, "draw": OWN, "drawn_class": "dog"}
    assert run("generate", "--gan", cgan, "--seeds", "5", "--draw", SKIP_MIXTURES, "--save-latents",
               "-o", tmp_path / "any") == 0
    # no --class: "class" None (the seed's own, as --class left out draws it again), and the class that is
    assert sample_of(tmp_path / "any" / "seed0005.npz") == {
        "seed": 5, "psi": 0.7, "class": None, "class_index": None, "draw": SKIP_MIXTURES,
        "drawn_class": own_class(cgan, 5)}
    assert run("decode", tmp_path / "g" / "seed0003.npz", "--gan", cgan, "-o", tmp_path / "d") == 0  # still read
    assert (tmp_path / "d" / "seed0003_decoded.png").is_file()


def test_the_apps_latent_export_records_the_sample_and_draws_it_again(qtbot, window, cgan, tmp_path):
    """Export latent of a sample wrote its w and the model, but not the seed, ψ, class and draw: the user could not
    tell where it came from. Given to `genimg generate`, what it records draws the same w again."""
    doc, panel = window.document, window.gan_panel
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(cgan))
    item = doc.current
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and settled(window, item), timeout=UI_TIMEOUT)
    panel.gan_class.setCurrentIndex(3)  # fox
    panel.psi.setValue(50)
    panel.draw_button(SKIP_MIXTURES).click()
    panel.seed.setValue(42)
    qtbot.waitUntil(lambda: (item.seed, item.psi, item.gan_class, item.draw) == (42, 0.5, 2, SKIP_MIXTURES)
                    and settled(window, item), timeout=UI_TIMEOUT)
    window.sliders.sliders[0].setValue(150)  # an edit: the file still records the sample it edits
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.5 and settled(window, item), timeout=UI_TIMEOUT)
    window.exports.export_latent(str(tmp_path / "fox.npz"))
    recorded = sample_of(tmp_path / "fox.npz")
    assert recorded == {"seed": 42, "psi": 0.5, "class": "fox", "class_index": 2, "draw": SKIP_MIXTURES,
                        "drawn_class": "fox"}
    assert run("generate", "--gan", cgan, "--seeds", recorded["seed"], "--psi", recorded["psi"], "--class",
               recorded["class"], "--draw", recorded["draw"], "--save-latents", "-o", tmp_path / "cli") == 0
    assert sample_of(tmp_path / "cli" / "seed0042.npz") == recorded
    with np.load(tmp_path / "fox.npz") as app, np.load(tmp_path / "cli" / "seed0042.npz") as cli:
        np.testing.assert_allclose(app["base"], cli["latent"], atol=1e-6)
    assert run("decode", tmp_path / "fox.npz", "-o", tmp_path / "d") == 0  # the extra key reads as before


def test_a_sample_of_any_class_records_the_class_its_seed_drew(qtbot, window, cgan, tmp_path):
    """`genimg generate --save-latents` without --class, and Export latent of a sample of class Any, recorded
    "class": null, though each seed draws one: the file now says which, as the other sample's file does."""
    doc = window.document
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(cgan))
    item = doc.current
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and settled(window, item), timeout=UI_TIMEOUT)
    window.gan_panel.seed.setValue(7)
    qtbot.waitUntil(lambda: item.seed == 7 and item.gan_class is None and settled(window, item), timeout=UI_TIMEOUT)
    window.exports.export_latent(str(tmp_path / "any.npz"))
    drawn = own_class(cgan, 7)
    assert sample_of(tmp_path / "any.npz")["drawn_class"] == drawn and sample_of(tmp_path / "any.npz")["class"] is None
    assert run("generate", "--gan", cgan, "--seeds", 7, "--save-latents", "-o", tmp_path / "cli") == 0
    cli = sample_of(tmp_path / "cli" / "seed0007.npz")
    assert (cli["class"], cli["drawn_class"]) == (None, drawn)
