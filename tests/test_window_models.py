"""The main window on the real engine and tiny models, models: the model card, models told apart, a VAE without
sliders, and a new GAN or VAE carrying every item and its history over."""
from __future__ import annotations

import json
import shutil

import numpy as np
import torch
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from conftest import TINY_GAN, TINY_VAE, make_model_folder
from genimg_gui.models.directions import pca, save_directions
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.engine.runtime import Runtime
from genimg_gui.seed_draws import OWN, SKIP_MIXTURES
from genimg_gui.catalog import SHORT_METRIC, bundled_models
from genimg_gui.ui.model_panel import ModelPanel, human_count
from genimg_gui.ui.qimage import from_qimage

from ui_helpers import TIMEOUT, drop_and_wait, load_other, shown, the_sample, vae_items


def test_a_vae_whose_latents_do_not_vary_has_no_sliders_and_says_why(qtbot, window, image_files, model_dir,
                                                                      tmp_path):
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "alike-vae")
    # the directions of a VAE trained on 12 copies of one picture: one latent 12 times (512 = 2×16×16)
    save_directions(folder, pca(torch.full((12, 512), 0.3), 16))
    load_other(qtbot, window.document, folder)
    drop_and_wait(qtbot, window, image_files[:1], 1)
    title = window.slider_title.text()
    assert window.sliders.labels() == () and "nan" not in title
    assert title == ("Directions of the VAE “tiny-vae”: none: its latents do not vary, so there is nothing to "
                     "move along (were its pictures all alike?)")


def test_model_panel_shows_the_card(window, model_dir):
    details = window.model_panel.details
    info = window.document.models["gan"]  # the details are those of the model loaded last
    assert details["Active VAE"].text() == "tiny-vae" and details["Active GAN"].text() == "tiny-gan"
    assert details["Parameters"].text() == human_count(info.parameters)
    assert details["Licence"].text() == "CC0" and details["Training data"].text() == "random init (test)"
    assert details["Latent size"].text() == "16 (one vector)" and details["Resolution"].text() == "32 px"
    assert window.model_panel.list.count() == 2
    assert all("active" in window.model_panel.list.item(i).text() for i in range(2))
    # selecting a listed model shows its card
    vae_row = next(i for i in range(2) if "VAE" in window.model_panel.list.item(i).text())
    window.model_panel.list.setCurrentRow(vae_row)
    vae = window.document.models["vae"]
    assert details["Kind"].text() == "VAE" and details["Latent size"].text() == "512 (2×16×16)"
    assert details["Kind"].toolTip() == "Architecture: ConvVAE"
    assert details["Parameters"].text() == human_count(vae.parameters)
    assert details["Load time"].text().endswith("on cpu")


def test_the_card_of_a_latent_gan_says_in_plain_words_which_vae_it_draws_in(qtbot):
    """The card read "GAN (LatentGenerator)" and, under Source, "latent space: of the VAE weights/emoji-vae
    (--latent-of)": a class name and a command-line option. The class name and the folder are in tooltips now."""
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_entries(bundled_models())
    panel.show()
    row = next(i for i in range(panel.list.count()) if panel.list.item(i).text().startswith("emoji-gan "))
    rect = panel.list.visualItemRect(panel.list.item(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    kind, source = panel.details["Kind"], panel.details["Source"]
    assert kind.text() == "GAN, drawing in the latent space of the VAE emoji-vae"
    assert kind.toolTip().splitlines() == ["Architecture: LatentGenerator",
                                           "The VAE's folder when it was trained: weights/emoji-vae"]
    assert source.text() == "genimg model folder"
    shown = [label.text() for label in panel.details.values()]
    assert not any("--" in text or "LatentGenerator" in text for text in shown)


def test_a_model_new_to_the_list_keeps_its_card_on_show_and_the_card_names_its_model(qtbot, window, model_dir,
                                                                                      tmp_path):
    panel = window.model_panel
    panel.list.setCurrentRow(0)
    shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")  # as a finished Train… run is loaded
    card = json.loads((tmp_path / "my-vae" / "card.json").read_text())
    card["training"]["data"] = "my own photos"
    (tmp_path / "my-vae" / "card.json").write_text(json.dumps(card))
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        window.document.load_model(str(tmp_path / "my-vae"))
    assert panel.list.count() == 3  # listed now...
    assert panel.details["Training data"].text() == "my own photos"  # ...and its card stays on show
    info = window.document.models["vae"]
    assert panel.details["Model"].text() == info.name  # the Active VAE row says it is active
    assert panel.list.currentItem().data(Qt.ItemDataRole.UserRole) == info.path  # the selection follows it


def test_two_models_of_one_name_are_told_apart_and_the_selection_follows_the_loaded_one(qtbot, window, model_dir,
                                                                                       tmp_path):
    panel = window.model_panel
    gan_row = next(i for i in range(panel.list.count()) if "GAN" in panel.list.item(i).text())
    panel.list.setCurrentRow(gan_row)  # as the tester had it: the GAN's row highlighted
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "copies" / "tiny-vae")  # a copy, opened
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        window.model_opener.open_models([str(copy)])
    rows = [panel.list.item(i) for i in range(panel.list.count())]
    twins = [row for row in rows if row.text().startswith("tiny-vae ")]
    assert len(twins) == 2 and twins[0].text() != twins[1].text()
    assert any(row.text().startswith("tiny-vae in …/copies/tiny-vae — VAE, ") for row in twins)
    assert all(row.toolTip() == row.data(Qt.ItemDataRole.UserRole) for row in rows)  # each row's path
    assert panel.list.currentItem().data(Qt.ItemDataRole.UserRole) == str(copy.resolve())  # the one on show
    assert panel.details["Model"].text() == "tiny-vae"


def test_a_long_model_card_scrolls_instead_of_widening_the_dock(qtbot, window):
    panel, dock = window.model_panel, window.findChild(QDockWidget, "edit_dock")
    window.tabs.setCurrentWidget(panel)
    qtbot.wait(50)
    width = dock.width()
    how = "measured against held-out images, " * 40
    card = {"kind": "gan", "training": {"data": "a folder of photos " * 60},
            "metrics": {"held_out_precision_k3_recall_k3_at_last_evaluation": [0.56, 0.46], "psnr_db": 30.1,
                        "how": how}}
    panel.cards[panel.list.item(0).data(Qt.ItemDataRole.UserRole)] = card
    panel.list.setCurrentRow(1)
    panel.list.setCurrentRow(0)
    qtbot.wait(50)
    metrics = panel.details["Metrics"]
    assert "Held-out precision / recall at the last evaluation: 0.56 / 0.46" in metrics.text()
    assert "PSNR: 30.1 dB" in metrics.text() and how not in metrics.text()  # prose waits in the tooltip
    assert metrics.toolTip().endswith(f"\n\nHow they were measured: {how}") and len(how) > SHORT_METRIC
    assert dock.width() == width


def test_switching_gan_remaps_every_gan_item(qtbot, window, image_files, tmp_path):
    doc = window.document
    for seed in (11, 12):
        doc.generate(seed, 0.7, None, SKIP_MIXTURES if seed == 11 else OWN, new_item=True)
        qtbot.waitUntil(lambda: any(i.seed == seed for i in doc.items.values()), timeout=TIMEOUT)
    gan_items = [i for i in doc.items.values() if i.kind == "gan"]
    assert len(gan_items) == 3
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    reference = Runtime("cpu")
    reference.load(str(other), lambda *_: None)
    # A job right behind the load keeps the worker busy while the window asks for the re-maps.
    said: list[str] = []
    doc.message.connect(said.append)
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(other))
        busy = doc.open_files([str(image_files[i % 3]) for i in range(300)])
    doc.cancel(busy)
    assert any("Drawing your samples again with the new GAN (3)" in m for m in said)  # not "Re-encoding …"

    def stale() -> list[str]:
        return [i.name for i in gan_items if not np.array_equal(
            i.image, reference.decode("gan", reference.map_seed(i.seed, i.psi, None, i.draw)))]
    # every item re-mapped, not only one: no re-map supersedes another in the queue
    qtbot.waitUntil(lambda: not stale(), timeout=TIMEOUT)
    assert [i.draw for i in gan_items] == [OWN, SKIP_MIXTURES, OWN]  # each item's own, in the re-map too


def test_a_new_gan_carries_each_items_history_over_and_undo_reaches_earlier_seeds_as_it_draws_them(
        qtbot, window, tmp_path):
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    seed, psi, _, _ = panel.values()
    panel.seed.setValue(seed + 3)
    qtbot.waitUntil(lambda: item.seed == seed + 3, timeout=TIMEOUT)
    window.sliders.sliders[1].setValue(120)  # +1.2 σ on the second sample
    qtbot.waitUntil(lambda: item.history.current.values[1] == 1.2, timeout=TIMEOUT)
    steps = len(item.history)
    torch.manual_seed(5)
    reference = load_other(qtbot, doc, make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    first, second = (reference.map_seed(s, psi) for s in (seed, seed + 3))
    # the new GAN's seed, its PC2 at 0: the old GAN's PC2 is not its own (test_switch_values.py)
    qtbot.waitUntil(lambda: np.array_equal(item.image, reference.decode("gan", second)), timeout=TIMEOUT)
    assert len(item.history) == steps and np.array_equal(item.history.current.base, second)  # no step of its own
    assert item.history.current.values[1] == 0.0 and window.sliders.sliders[1].value() == 0
    window.undo_action.trigger()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), reference.decode("gan", first)), timeout=TIMEOUT)
    assert panel.values()[0] == seed and np.array_equal(item.history.current.base, first)
    assert np.array_equal(from_qimage(window.canvas.original), reference.decode("gan", first))


def test_a_new_vae_carries_each_items_history_over(qtbot, window, image_files, tmp_path):
    drop_and_wait(qtbot, window, image_files[1:2], 1)
    doc, sliders = window.document, window.sliders
    [closed] = vae_items(window)
    doc.close_item()  # closed under the old VAE, reopened under the new one
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    sliders.sliders[0].setValue(150)
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.5, timeout=TIMEOUT)
    sliders.sliders[2].setValue(-100)
    qtbot.waitUntil(lambda: item.history.current.values[2] == -1.0, timeout=TIMEOUT)
    torch.manual_seed(7)
    reference = load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    _, latent, _ = reference.encode(np.asarray(Image.open(image_files[0]).convert("RGB")), "crop")
    # the new encoding, its PC edits at 0: the old VAE's PCs are not its own (test_switch_values.py)
    qtbot.waitUntil(lambda: np.array_equal(item.image, reference.decode("vae", latent)), timeout=TIMEOUT)
    assert len(item.history) == 3 and item.history.can_undo() and not any(item.history.current.values)
    window.undo_action.trigger()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), reference.decode("vae", latent)), timeout=TIMEOUT)
    assert doc.reopen_closed() is closed
    _, again, _ = reference.encode(closed.original, "crop")
    qtbot.waitUntil(lambda: np.array_equal(closed.image, reference.decode("vae", again)), timeout=TIMEOUT)
