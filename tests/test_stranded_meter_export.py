"""A restored picture whose own model failed to load (stranded, tests/test_stranded_actions.py): the typicality meter
read "Typicality: –" and said nowhere why, and File → Export latent refused an unedited one though its latent, kept in
the session, is its model's as it was made. Now the meter names the model it waits for, and an unedited stranded
picture's latent is written, recording the model that made it as any export does."""
from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.export import read_latent
from genimg_gui.ui.document_session import sliders_withheld
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.settings import Settings
from test_open_latents import other_vae
from test_session_arrival import settled
from test_start_fallback import errors, started
from test_stranded_actions import stranded_start
from test_switch_first import other_gan
from test_waiting_actions import waiting_start


def stranded_unedited(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind: str):
    """genimg started on a kept session of a picture and seed 7, both as they came, made in a model of kind (h-vae or
    other-gan) whose folder was deleted since (tiny-… loaded): the window, that kind's item current, and the
    model's folder."""
    own = other_vae(tmp_path / "h-vae", 7, "h-vae") if kind == "vae" else other_gan(tmp_path)
    models = {"vae": model_dir / "tiny-vae", "gan": model_dir / "tiny-gan", kind: own}
    window = MainWindow(engine, [read_entry(models["vae"]), read_entry(models["gan"])])
    qtbot.addWidget(window)
    doc = window.document
    for folder in (models["vae"], models["gan"]):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(folder))
    qtbot.waitUntil(lambda: len(doc.items) == 1, timeout=UI_TIMEOUT)
    [auto] = doc.items.values()
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        doc.open_files([str(image_files[0])])
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    doc.close_item(auto.id)
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    kept = replace(doc.to_session(), kept=True)
    window.close()
    sess.save_session(kept)
    Settings().set_last_model(kind, str(model_dir / f"tiny-{kind}"))
    shutil.rmtree(own)
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and kind in w.document.models
                     and settled(w))
    window.filmstrip.setCurrentRow([saved.kind for saved in kept.items].index(kind))
    assert window.document.current.kind == kind and not window.sliders.sliders  # held back
    return window, own


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_the_meter_on_a_stranded_picture_says_its_model_is_not_loaded(
        kind, qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, model = stranded_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind)
    meter = window.sliders.meter
    assert meter.distance is None
    assert meter.label.text() == f"Typicality: – ({model} is not loaded)"
    assert f"Not measured: {window.document.current.name} was made in {model}, which could not be loaded" in \
        meter.toolTip()
    # another picture, in the model loaded: a reading, and the meter's own help again
    window.filmstrip.setCurrentRow(1 - window.filmstrip.currentRow())
    qtbot.waitUntil(lambda: meter.distance is not None, timeout=UI_TIMEOUT)
    assert "Not measured" not in meter.toolTip()


def test_the_meter_on_a_picture_waiting_for_its_model_says_so_and_reads_it_once_it_comes(
        qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, gate, model = waiting_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, "vae")
    meter = window.sliders.meter
    assert meter.distance is None and meter.label.text() == f"Typicality: – (waiting for {model})"
    assert f"was made in {model}, which is still loading" in meter.toolTip()
    gate.set()
    qtbot.waitUntil(lambda: window.document.models["vae"].name == model and settled(window), timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: meter.distance is not None, timeout=UI_TIMEOUT)
    assert meter.unread is None and "Not measured" not in meter.toolTip()


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_an_unedited_stranded_pictures_latent_is_exported_as_its_own_models(
        kind, qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, own = stranded_unedited(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind)
    item = window.document.current
    said = errors(window)  # the load's, at the start
    window.exports.export_latent(str(tmp_path / "x.npz"))
    assert errors(window) == said
    written = read_latent(tmp_path / "x.npz")
    assert np.array_equal(written.latent, item.history.current.base)
    assert np.array_equal(written.base, item.history.current.base)
    assert written.identity == item.directions_of != window.document.models[kind].identity
    assert written.model_path == str(own.resolve()) and written.model_name == own.name
    assert not any(written.values)
    if kind == "gan":
        assert written.sample["seed"] == 7 and written.sample["psi"] == pytest.approx(0.7)
    assert window.status.currentMessage().startswith("Exported ")
    assert not item.unexported()


def test_an_edited_stranded_pictures_latent_is_refused_saying_its_edit_needs_its_model(
        qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, model = stranded_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, "vae")
    window.exports.export_latent(str(tmp_path / "x.npz"))
    assert not (tmp_path / "x.npz").exists()
    assert f"(its edit moves it along {model}'s directions; Export PNG… writes" in errors(window)[-1]


def test_a_stranded_sample_sent_to_the_vae_editor_is_its_kept_picture_encoded_by_the_vae_loaded(
        qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, model = stranded_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, "gan")
    doc = window.document
    sample = doc.current
    steps, kept = len(sample.history), sample.image.copy()
    window.tabs.setCurrentWidget(window.gan_panel)
    assert window.gan_panel.send_button.isEnabled()
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.gan_panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    sent = doc.current
    assert sent.kind == "vae" and sent.name == f"{sample.name} (to VAE)" and sent.sent_from == sample.name
    assert np.array_equal(sent.original, kept)  # the pixels kept, not a drawing by the GAN loaded
    assert not sliders_withheld(doc, sent) and window.sliders.sliders  # the VAE loaded's to edit it with
    assert len(sample.history) == steps and np.array_equal(sample.image, kept)


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_stranded_picture_inverted_is_its_kept_picture_inverted_into_the_gan_loaded(
        kind, qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    window, model = stranded_start(qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind)
    doc = window.document
    stranded = doc.current
    steps, kept = len(stranded.history), stranded.image.copy()
    panel = window.gan_panel
    window.tabs.setCurrentWidget(panel)
    panel.steps.setValue(panel.steps.minimum())
    assert panel.invert_button.isEnabled()
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT) as added:
        qtbot.mouseClick(panel.invert_button, Qt.MouseButton.LeftButton)
    inverted = added.args[0] if added.args and not isinstance(added.args[0], int) else doc.current
    qtbot.waitUntil(lambda: not window.inversion.runs and settled(window), timeout=UI_TIMEOUT)
    assert inverted.kind == "gan" and inverted.name == f"{stranded.name}, inverted"
    # what it inverted: the picture the user sees, as kept (an edited photo's drawing; the GAN's own sample's)
    assert np.array_equal(inverted.original, kept)
    assert not sliders_withheld(doc, inverted) and inverted.inverted_in == doc.models["gan"].identity
    assert len(stranded.history) == steps and np.array_equal(stranded.image, kept)
