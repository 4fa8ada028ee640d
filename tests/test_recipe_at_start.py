"""An edit recipe named on the command line (`genimg-gui photo.jpg x.recipe.json`, a file manager's "Open with
genimg" on a recipe) was applied at once, before the models, the kept session and the photo had come, and said to
load a model or open an image first. Now it waits for them, as pictures and latent files do, and is applied to the
photo named with it, else to the restored session's current picture, with Apply recipe…'s checks (another model's is
refused) and as one History step; one dropped while a model loads waits too. With no picture by then it says so."""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace

import torch

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder, slowed
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.vae import ConvVAE
from genimg_gui.recipe import Recipe
from genimg_gui.ui.main_window import MainWindow
from session_helpers import offered
from test_drop_recipe import edited_recipe, step_names
from test_morph_ui import open_images, settle
from ui_helpers import drop

OTHER_WEIGHTS = hashlib.sha256(b"another model's weights").hexdigest()


def kept_with_recipe(qtbot, engine, model_dir, image_files, tmp_path, monkeypatch, kept: bool = True):
    """A run that opened two pictures, saved a recipe from the first (PC2 +0.80σ, then put back) and another
    model's beside it, and was kept on quitting (else left as a crash leaves it) with the second current: what the
    next start finds. Returns the two recipes."""
    first = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.document.model_loaded, timeout=UI_TIMEOUT):
        first.document.load_model(str(model_dir / "tiny-vae"))
    a, b = open_images(qtbot, first, image_files[:2])
    recipe = edited_recipe(qtbot, first, monkeypatch, a, tmp_path / "smile.recipe.json")
    other = tmp_path / "other.recipe.json"
    Recipe.from_edit(a.history.current.with_values((2.0,)), first.document.directions("vae"), "vae-tiny", "vae",
                     identity=OTHER_WEIGHTS).save(other)
    first.document.select(b.id)
    session = replace(first.document.to_session(), kept=kept)
    first.close()
    sess.save_session(session)
    return recipe, other


def started(qtbot, model_dir, files, restore: bool = True, model: str = "tiny-vae") -> MainWindow:
    """A window started as `genimg-gui FILES` starts (app.main): its model loading, the files named, then the last
    run's session offered back (a crash's restored when restore)."""
    w = MainWindow(Engine("cpu"), [read_entry(model_dir / model)])
    qtbot.addWidget(w)
    w.document.load_model(str(model_dir / model))
    w.open_paths([str(f) for f in files], after_loads=True, named=True)
    w.show()
    w.questions.ask_restore = lambda names: restore
    offered(qtbot, w)
    return w


def settled(w: MainWindow, count: int) -> bool:
    """All come, and the recipe applied or refused (every word said of one names a recipe)."""
    doc = w.document
    return (len(doc.items) == count and not doc.jobs and not doc.waiting_files and not w.autosaver.held
            and "recipe" in w.status.log.text().lower())


def test_a_recipe_named_at_start_is_applied_to_the_kept_sessions_current_picture(qtbot, engine, model_dir,
                                                                                 image_files, tmp_path, monkeypatch):
    recipe, other = kept_with_recipe(qtbot, engine, model_dir, image_files, tmp_path, monkeypatch)
    w = started(qtbot, model_dir, [recipe, other])
    doc = w.document
    qtbot.waitUntil(lambda: settled(w, 2), timeout=UI_TIMEOUT)
    a, b = doc.items.values()
    assert doc.current is b and "open an image first" not in w.status.log.text()
    assert step_names(w, b) == ["Opened", "Recipe smile.recipe.json"]  # one step
    assert w.sliders.values()[1] == 0.8 and len(a.history) == 3  # the first picture left as it was kept
    # the same checks as Apply recipe…: the other model's, named with it, is refused
    assert "Cannot apply the recipe: other.recipe.json was made with vae-tiny, not tiny-vae" in w.status.log.text()
    settle(qtbot, b)


def test_a_recipe_named_at_start_with_a_photo_is_applied_to_the_photo(qtbot, engine, model_dir, image_files,
                                                                      tmp_path, monkeypatch):
    recipe, _ = kept_with_recipe(qtbot, engine, model_dir, image_files, tmp_path, monkeypatch)
    w = started(qtbot, model_dir, [image_files[2], recipe])
    doc = w.document
    qtbot.waitUntil(lambda: settled(w, 3), timeout=UI_TIMEOUT)
    a, b, photo = doc.items.values()
    assert photo.name == image_files[2].name and doc.current is photo
    assert step_names(w, photo) == ["Opened", "Recipe smile.recipe.json"]
    assert len(b.history) == 1 and "not applied" not in w.status.log.text()  # the session's current: untouched
    settle(qtbot, photo)


def test_a_recipe_named_at_start_with_no_picture_by_then_says_so(qtbot, engine, model_dir, image_files, tmp_path,
                                                                  monkeypatch):
    recipe, _ = kept_with_recipe(qtbot, engine, model_dir, image_files, tmp_path, monkeypatch, kept=False)
    w = started(qtbot, model_dir, [recipe], restore=False)  # the crash's session discarded
    qtbot.waitUntil(lambda: settled(w, 0), timeout=UI_TIMEOUT)
    assert w.last_error == ("smile.recipe.json was not applied: no image is open to apply it to; open one, then drop "
                            "it on the window again (or use File → Apply recipe to current image…)")
    assert "load a VAE first" not in w.status.log.text()


def test_a_recipe_dropped_while_a_model_loads_waits_for_it(qtbot, window, monkeypatch, image_files, tmp_path,
                                                           model_dir):
    a, b = open_images(qtbot, window, image_files[:2])
    recipe = edited_recipe(qtbot, window, monkeypatch, a, tmp_path / "smile.recipe.json")
    window.document.select(b.id)
    before = step_names(window, b)
    slowed(monkeypatch, Runtime, "load", 1.0)
    window.document.load_model(str(model_dir / "tiny-vae"))
    drop(window, [recipe])
    assert window.document.loading_paths() and step_names(window, b) == before  # not yet: the VAE may change
    qtbot.waitUntil(lambda: step_names(window, b) == [*before, "Recipe smile.recipe.json"], timeout=UI_TIMEOUT)
    assert window.document.current is b and not window.document.loading_paths()
    settle(qtbot, b)


def test_a_gan_recipe_named_at_start_is_applied_to_the_gans_first_sample(qtbot, window, model_dir, tmp_path,
                                                                         monkeypatch):
    """The GAN loaded with nothing open asks for its first sample; the recipe, applied as the load ended, said no
    image was open, and the sample came a moment later."""
    sample, = window.document.items.values()
    recipe = edited_recipe(qtbot, window, monkeypatch, sample, tmp_path / "g.recipe.json")
    # window left open: closed, it kept its session, which the start reopened (a picture open before the sample)
    w = started(qtbot, model_dir, [recipe], restore=False, model="tiny-gan")
    qtbot.waitUntil(lambda: settled(w, 1), timeout=UI_TIMEOUT)
    first, = w.document.items.values()
    assert step_names(w, first)[1:] == ["Recipe g.recipe.json"], w.status.log.text()
    assert "not applied" not in w.status.log.text() and w.document.current is first
    settle(qtbot, first)


def test_a_recipe_waits_for_a_model_whose_folder_name_begins_with_the_one_loading_before_it(
        qtbot, window, monkeypatch, image_files, tmp_path, model_dir):
    """Loads were told apart by their words: …/tiny-vae arriving took the load of …/tiny-vae-b with it ("loading
    …/tiny-vae-b" begins with "loading …/tiny-vae"), and a recipe waiting for it was applied at once, checked
    against …/tiny-vae: tiny-vae's recipe went on a picture then carried over to other-vae, whose model it is not."""
    a, = open_images(qtbot, window, image_files[:1])
    recipe = edited_recipe(qtbot, window, monkeypatch, a, tmp_path / "smile.recipe.json")
    shutil.copytree(model_dir / "tiny-vae", tmp_path / "vaes" / "tiny-vae")  # the recipe's weights
    torch.manual_seed(2)
    make_model_folder(tmp_path / "vaes" / "tiny-vae-b", ConvVAE(TINY_VAE), "other-vae")  # other weights
    doc, applied = window.document, lambda: "Recipe smile.recipe.json" in a.made_by.values()  # its History step
    arrived = []  # each VAE as it arrives, and whether the recipe was applied by then
    doc.model_loaded.connect(lambda info: arrived.append((info.name, applied())))
    # the first load started and still running when the second is asked for: one still queued is withdrawn by
    # the second (slow_draw), and then only other-vae would arrive, as happened at random when this was not held
    slowed(monkeypatch, Runtime, "load", 1.0)
    with qtbot.waitSignal(doc.engine.started, timeout=UI_TIMEOUT):
        first = doc.load_model(str(tmp_path / "vaes" / "tiny-vae"))
    assert first in doc.jobs
    doc.load_model(str(tmp_path / "vaes" / "tiny-vae-b"))
    drop(window, [recipe])
    saved = window.status.log.text().count("smile.recipe.json")  # "Saved the edit recipe … to …smile.recipe.json"
    qtbot.waitUntil(lambda: len(arrived) == 2 and window.status.log.text().count("smile.recipe.json") > saved
                    and not doc.jobs and not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert arrived == [("tiny-vae", False), ("other-vae", False)]  # not applied before the last VAE came
    assert window.last_error == ("Cannot apply the recipe: smile.recipe.json was made with tiny-vae, not other-vae: "
                                 "its edit moves along tiny-vae's directions, which mean nothing in other-vae's "
                                 "latents; load tiny-vae to apply it")  # checked against the VAE that came last
    assert not applied() and doc.models["vae"].name == "other-vae"
    settle(qtbot, a)
