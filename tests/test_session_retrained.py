"""A kept session whose VAE folder was trained again in place while genimg was closed (`genimg train … -o vae2
--overwrite`). The session came back as it was kept: the old weights' decode on screen, PC1 +3σ kept on a PC1 of
other weights, and the first slider moved drew the old latent with the new decoder, a blob. A model is known by its
weights, so the folder trained again is another model: the picture is encoded again by it, the PC edits start
again at 0 (the steps kept), and the status bar says why."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import TINY_VAE, make_model_folder, write_directions
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import edited_latent
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.main_window import MainWindow
from session_helpers import TIMEOUT, keep_a_fox_and_an_owl, offered


def vae_window(qtbot, folder) -> MainWindow:
    w = MainWindow(Engine("cpu"), [read_entry(folder)])
    qtbot.addWidget(w)
    w.show()
    return w


def trained_again_and_restored(qtbot, folder, net, load_first: bool, kept: int) -> MainWindow:
    """folder's model trained again in place as net (its directions made again), then a window that restores the
    kept session of `kept` items, having loaded the folder itself as it started if load_first (the tester's case;
    else the session loads its own); returned once every item is drawn."""
    write_directions(make_model_folder(folder, net, folder.name))  # the new weights' directions, as training writes
    again = vae_window(qtbot, folder)
    doc = again.document
    if load_first:
        doc.load_model(str(folder))
    assert offered(qtbot, again) == kept
    qtbot.waitUntil(lambda: len(doc.items) == kept and not doc.jobs and not doc.carry.pending_any()
                    and all(i.shown_seq >= i.requested_seq for i in doc.items.values()), timeout=TIMEOUT)
    return again


def keep_an_edit(qtbot, folder, image) -> sess.Session:
    """image opened in the VAE of folder, PC1 moved to +3σ and PC2 to -0.5σ, kept on quitting."""
    w = vae_window(qtbot, folder)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(folder))
    assert offered(qtbot, w) == 0
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([str(image)])
    w.sliders.sliders[0].setValue(300)
    w.sliders.sliders[1].setValue(-50)
    item = w.document.current
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq > 0, timeout=TIMEOUT)
    kept = replace(w.document.to_session(), kept=True)
    assert kept.items[0].history.current.values[:2] == (3.0, -0.5)
    w.close()
    sess.save_session(kept)
    return kept


@pytest.mark.parametrize("loaded", ["at start-up", "by the restore"])
def test_a_kept_session_whose_vae_was_trained_again_follows_the_new_weights(loaded, qtbot, tmp_path, image_files):
    """at start-up: genimg loads the folder as it starts and the session waits for it (the tester's case);
    by the restore: no model loads at start-up, the session loads its own."""
    torch.manual_seed(0)
    folder = make_model_folder(tmp_path / "vae2", ConvVAE(TINY_VAE), "vae2")
    kept = keep_an_edit(qtbot, folder, image_files[0])
    torch.manual_seed(7)  # trained again in place: other weights, the same folder
    again = trained_again_and_restored(qtbot, folder, ConvVAE(TINY_VAE), loaded == "at start-up", kept=1)
    doc = again.document
    [item] = doc.items.values()
    new = doc.models["vae"]
    assert new.identity != kept.identities["vae"]

    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    _, latent, _ = reference.encode(np.asarray(Image.open(image_files[0]).convert("RGB")), "crop")
    root = item.history.nodes()[0].state.base
    assert not np.allclose(root, kept.items[0].history.nodes()[0].state.base), "the session's latent kept"
    np.testing.assert_allclose(root, latent, atol=1e-4)  # by the new weights
    assert len(item.history.nodes()) == len(kept.items[0].history.nodes())  # the steps kept
    assert not any(item.history.current.values)  # PC1 and PC2 of other weights: back at 0
    assert [s.value() for s in again.sliders.sliders[:2]] == [0, 0]
    drawn = reference.decode("vae", edited_latent(item.history.current, reference.model("vae").directions))
    assert np.abs(item.image.astype(int) - drawn.astype(int)).max() <= 1  # the new weights' picture on screen

    said = [e.text for e in again.status.log.entries]
    why = [text for text in said if text.startswith("vae2 was trained again since your images were kept: ")]
    assert len(why) == 1 and "Edits along PC1" in why[0] and "start again at 0" in why[0], said
    assert why[0].endswith("Encoding your pictures again with the new VAE (1)")
    assert "Reopened 1 image kept when genimg quit" in said and said.index(why[0]) > said.index(
        "Reopened 1 image kept when genimg quit")  # the why after what it explains
    # both read: the why joins what it explains on the status bar (it replaced it at once)
    assert again.status.currentMessage() == f"Reopened 1 image kept when genimg quit. {why[0]}"
    again.close()


def test_a_kept_session_whose_gan_was_trained_again_draws_its_sample_again(qtbot, tmp_path):
    """The same for a GAN folder: the sample's seed is drawn again by the new weights, its edit back at 0."""
    from conftest import TINY_GAN
    from genimg_gui.models.gan import Generator

    torch.manual_seed(1)
    folder = make_model_folder(tmp_path / "gan2", Generator(TINY_GAN), "gan2")
    w = vae_window(qtbot, folder)
    doc = w.document
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(folder))
    qtbot.waitUntil(lambda: len(doc.items) == 1, timeout=TIMEOUT)  # the start-up's sample
    [auto] = doc.items.values()
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    doc.close_item(auto.id)
    w.sliders.sliders[0].setValue(300)
    qtbot.waitUntil(lambda: doc.current.shown_seq >= doc.current.requested_seq > 0, timeout=TIMEOUT)
    kept = replace(doc.to_session(), kept=True)
    w.close()
    sess.save_session(kept)
    torch.manual_seed(8)
    again = trained_again_and_restored(qtbot, folder, Generator(TINY_GAN), load_first=True, kept=1)
    doc = again.document
    [item] = doc.items.values()
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    np.testing.assert_allclose(item.drawn[item.sample_node()].latent, reference.map_seed(7, 0.7), atol=1e-5)
    assert not any(item.history.current.values)
    said = [e.text for e in again.status.log.entries]
    assert any(t.startswith("gan2 was trained again since your images were kept: Edits along PC1") for t in said)
    again.close()


@pytest.mark.parametrize("loaded", ["at start-up", "by the restore"])
def test_a_gan_trained_again_with_other_classes_keeps_each_samples_class_by_name(loaded, qtbot, tmp_path):
    """gan2 (cat, fox, owl) trained again in place as (fox, cat): the session keeps a sample's class by its index,
    and the fox sample (index 1) came back drawn as a cat, the new list's second; the owl sample (index 2, none in
    the new list) lost its class unsaid. Now the fox is drawn as the new GAN's fox, and the owl in the seed's own
    class, kept by name and said."""
    from conftest import TINY_GAN
    from genimg_gui.models.gan import Generator

    torch.manual_seed(1)
    folder = make_model_folder(tmp_path / "gan2", Generator(replace(TINY_GAN, classes=("cat", "fox", "owl"))), "gan2")
    w = vae_window(qtbot, folder)
    keep_a_fox_and_an_owl(qtbot, w, folder)
    torch.manual_seed(8)
    again = trained_again_and_restored(qtbot, folder, Generator(replace(TINY_GAN, classes=("fox", "cat"))),
                                       loaded == "at start-up", kept=2)
    doc = again.document
    fox, owl = sorted(doc.items.values(), key=lambda i: i.seed)
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    assert fox.gan_class == 0  # the new GAN's fox
    np.testing.assert_allclose(fox.drawn[fox.sample_node()].latent, reference.map_seed(7, 0.7, 0), atol=1e-5)
    assert owl.gan_class is None and owl.drawn[owl.sample_node()].class_name == "owl"  # for a GAN that has it
    np.testing.assert_allclose(owl.drawn[owl.sample_node()].latent, reference.map_seed(8, 0.7), atol=1e-5)
    said = [e.text for e in again.status.log.entries]
    why = [t for t in said if t.startswith("gan2 was trained again since your images were kept: ")]
    assert len(why) == 1 and f"{owl.name} (owl): gan2 has no class owl; drawn in its own class — its class is " \
        "kept for a GAN that has it" in why[0], said
    assert "switch back" not in why[0]  # to the old weights, which are no more
    again.close()
