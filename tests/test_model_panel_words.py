"""The Models tab in words: a tester's look at the bundled models read "precision k3 VAE latent: 0.976" (a card's
key), training data ending "built by scripts/build_emoji_dataset.py FACES --subcategories 'face-*' …", and rows
"emoji-faces-gan  [GAN, bundled] ● active" over a card that said "(active)" once more."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from genimg_gui.catalog import BUNDLED_DIR, bundled_models, read_entry
from genimg_gui.cli import main
from genimg_gui.engine import requests as rq
from genimg_gui.ui.model_panel import PATH_ROLE, ModelPanel

from train_helpers import make_shapes, restore_threads, train  # noqa: F401 (restore_threads: a fixture)

# what a card's metric keys are made of, which no figure's name may show: k3, nn1, psi0.7, vae latent, snake_case
KEY_PARTS = re.compile(r"\bk\d\b|\bnn\d\b|psi|vae latent|_", re.IGNORECASE)
SNAKE_CASE = re.compile(r"(?<![\w/.-])(?:_[a-z][a-z0-9._]*|[a-z][a-z0-9.]*_[a-z0-9_.]*)[a-z0-9]")  # or _psi0.7


@pytest.fixture()
def bundled_panel(qtbot) -> ModelPanel:
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_entries(bundled_models())
    panel.show()
    return panel


def click_row(qtbot, panel: ModelPanel, name: str) -> dict:
    """Click the model's row as a user does; its card."""
    row = next(i for i in range(panel.list.count()) if panel.list.item(i).text().startswith(f"{name} "))
    rect = panel.list.visualItemRect(panel.list.item(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return panel.cards[panel.list.item(row).data(PATH_ROLE)]


@pytest.mark.parametrize("name", ["emoji-vae", "emoji-gan", "emoji-faces-gan"])
def test_no_metric_of_a_bundled_model_is_shown_under_its_key(qtbot, bundled_panel, name):
    card = click_row(qtbot, bundled_panel, name)
    metrics = bundled_panel.details["Metrics"]
    figures = [line.partition(":")[0] for line in metrics.text().splitlines() if ":" in line]
    assert len(figures) >= 3
    for figure in figures:
        assert not KEY_PARTS.search(figure), figure
    for key in (key for key in card["metrics"] if "_" in key):  # as the card writes it, or its words spaced out
        assert key not in metrics.text() and key.replace("_", " ").lower() not in metrics.text().lower(), key
        assert key.replace("_", " ") not in metrics.toolTip()  # the long figures' names too (Blind test, …)
    if name == "emoji-vae":
        assert metrics.text().splitlines()[:2] == ["Held-out PSNR: 30.05 dB", "Held-out SSIM: 0.9366"]
        assert "PSNR: how close decoded images come to the originals, in dB" in metrics.toolTip()
        # how, as a VAE genimg train writes says it (its card had none)
        assert "How they were measured: PSNR and SSIM of the 512 held-out images at 64 px" in metrics.toolTip()
    else:
        lines = metrics.text().splitlines()
        assert f"Precision, ψ 0.7: {card['metrics']['precision_k3_vae_latent_psi0.7']}" in lines
        # what the names leave out is in the tooltip, with how the card says they were measured
        tip = metrics.toolTip()
        assert "k=3" in tip and "Measured in the VAE's latent space" in tip and "ψ: the truncation" in tip
        assert card["metrics"]["how"].partition(";")[0] in tip  # the card's words; its keys in words (below)


@pytest.mark.parametrize("name", ["emoji-gan", "emoji-faces-gan"])
def test_how_the_figures_were_measured_names_them_in_words_not_by_the_cards_keys(qtbot, bundled_panel, name, capsys):
    """The tooltip quoted the card's "how" as written: "at the app's default psi 0.7 (_psi0.7)",
    "class_agreement_nn1_vae_latent: per category, …", where the figures above read "Class agreement"."""
    card = click_row(qtbot, bundled_panel, name)
    tip = bundled_panel.details["Metrics"].toolTip()
    quoted = [word for word in SNAKE_CASE.findall(tip) if any(word in key for key in card["metrics"])]
    assert not quoted, quoted
    assert "How they were measured: improved precision/recall" in tip  # what the card says, in the words above
    assert "psi 0.7 (ψ 0.7)" in tip and "; class agreement: per " in tip
    assert main(["info", str(BUNDLED_DIR / name)]) == 0  # `genimg info` words them alike
    out = capsys.readouterr().out
    assert "class agreement: per" in " ".join(out.split()) and not SNAKE_CASE.search(out.partition("measured")[2])


def test_training_data_reads_in_words_with_the_command_that_built_it_in_the_tooltip(qtbot, bundled_panel):
    for name, said in (("emoji-faces-gan", "260 face emoji from Noto Emoji and Twemoji"),
                       ("emoji-vae", "7,572 emoji from Noto Emoji and Twemoji")):
        card = click_row(qtbot, bundled_panel, name)
        data = bundled_panel.details["Training data"]
        assert data.text() == said
        assert "scripts/" not in data.text() and "npm" not in data.text()
        assert data.toolTip() == card["training"]["data"]  # the card's whole record...
        assert "built by scripts/build_emoji_dataset.py" in data.toolTip()  # ...with the command that built it


def test_a_model_genimg_train_wrote_names_its_images_and_folder_in_words(qtbot, tmp_path):
    """Its card held the data folder's path alone; it records "40 images from the folder shapes" too now."""
    shapes = make_shapes(tmp_path / "shapes", 40)
    assert train("vae", shapes, tmp_path / "vae", 1) == 0
    entry = read_entry(tmp_path / "vae")
    assert entry.card["training"]["summary"] == "40 images from the folder shapes"
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_entries([entry])
    panel.show()
    click_row(qtbot, panel, "vae")
    assert panel.details["Training data"].text() == "40 images from the folder shapes"
    assert panel.details["Training data"].toolTip() == str(shapes.resolve())
    # a card written before cards had a summary says the same, from its folder and count
    del entry.card["training"]["summary"]
    panel.set_entries([entry])
    panel.list.setCurrentRow(-1)
    click_row(qtbot, panel, "vae")
    assert panel.details["Training data"].text() == "40 images from the folder shapes"


def test_model_rows_read_name_kind_origin_and_whether_active_and_the_card_does_not_repeat_it(window):
    panel = window.model_panel
    rows = sorted(panel.list.item(i).text() for i in range(panel.list.count()))
    assert rows == ["tiny-gan — GAN, opened · active", "tiny-vae — VAE, opened · active"], rows
    assert window.document.models["gan"].path == panel.shown
    assert panel.details["Active GAN"].text() == "tiny-gan" and panel.details["Model"].text() == "tiny-gan"


def test_a_vae_genimg_train_wrote_says_how_its_figures_were_measured(qtbot, tmp_path, capsys):
    """Its card gave PSNR and SSIM with no "how", which the bundled GANs' cards have: what images, at what size,
    and what the measures compare, for the Models tab's tooltip and `genimg info`."""
    assert train("vae", make_shapes(tmp_path / "shapes", 40), tmp_path / "vae", 2) == 0  # 4 held out, 32 px
    card = read_entry(tmp_path / "vae").card
    how = card["metrics"]["how"]
    assert how.startswith("PSNR and SSIM of the 4 held-out images at 32 px (4 of the folder's 40 images, picked at "
                          f"random by the run's seed {card['training']['seed']} and never trained on), each encoded")
    assert "pixels in -1..1" in how and "7x7 window" in how
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_entries([read_entry(tmp_path / "vae")])
    panel.show()
    click_row(qtbot, panel, "vae")
    metrics = panel.details["Metrics"]
    assert metrics.text().endswith("Held-out images: 4\n(hover for what they mean and how they were measured)")
    assert metrics.toolTip().endswith(f"\n\nHow they were measured: {how}")
    assert main(["info", str(tmp_path / "vae")]) == 0
    assert f"How they were measured: {how}" in " ".join(capsys.readouterr().out.split())


def test_the_device_box_says_why_it_lists_only_the_cpu(qtbot, window):
    """On a machine with no GPU the Device box offered "cpu" alone, its tooltip empty: nothing said why no GPU was
    listed, though `genimg-gui --device cuda` says it ("… but this machine has no CUDA GPU; using the CPU"). Each
    list of devices the worker sends (as it starts, or after a switch) sets the box's tooltip and its label's."""
    panel = window.model_panel
    assert panel.device.count() and panel.device.toolTip()  # as the worker listed this machine's at its start
    for available, device in ((("cpu",), "cpu"), (("cpu", "cuda:0"), "cuda:0"), (("cpu",), "cpu")):
        window.document.device_changed.emit(rq.DeviceChanged(0, device, available))
        assert [panel.device.itemText(i) for i in range(panel.device.count())] == list(available)
        assert panel.device_label.toolTip() == panel.device.toolTip()
        if len(available) == 1:
            assert panel.device.toolTip() == ("No GPU was found: this machine has no CUDA GPU, so the models run on "
                                              "the CPU.")
        else:
            assert "genimg starts on a CUDA GPU, else Apple" in panel.device.toolTip()


def test_the_device_box_names_apples_metal_on_a_mac_only():
    from genimg_gui.ui.model_panel import device_tip

    assert device_tip(("cpu",), platform="darwin") == (
        "No GPU was found: this machine has no CUDA GPU, and Apple's Metal backend is not available here, so the "
        "models run on the CPU.")
    assert "Apple's Metal backend" not in device_tip(("cpu",), platform="linux")
