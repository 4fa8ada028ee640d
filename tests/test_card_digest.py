"""A card records the SHA-256 of the weights it was written for (weights_sha256): a folder whose model.safetensors was
swapped for another model's still loads, but the window, the CLI and the Models tab say that the card's figures are
not these weights'. A tester's 18-step VAE under the bundled emoji-vae's card had shown its 30.05 dB unsaid."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from conftest import CARD, TINY_VAE, UI_TIMEOUT
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.cli import main
from genimg_gui.models.vae import ConvVAE
from genimg_gui.models.weights import CARD_NAME, WEIGHTS_NAME, load_model, save_model
from genimg_gui.weights_file import weights_digest

CARD_DIGEST = "weights_sha256"  # weights_file.CARD_DIGEST, spelled out: the field's name is what the card keeps
# catalog.OTHER_WEIGHTS_FIGURES, spelled out: what the Models tab and `genimg info` put above the figures
OTHER_WEIGHTS_FIGURES = "not these weights' figures (the card was written for another model.safetensors):"
NOTE = ("emoji-vae: model.safetensors is not the file its card was written for: the card's training data, steps and "
        "figures describe other weights")


def swapped(root: Path, digest: bool = True) -> Path:
    """An "emoji-vae" folder whose card says 30.05 dB, holding another VAE's weights of the same size; digest False:
    its card records no digest (written before cards did)."""
    torch.manual_seed(0)
    folder = save_model(root / "emoji-vae", ConvVAE(TINY_VAE),
                        {**CARD, "name": "emoji-vae", "metrics": {"held_out_psnr_db": 30.05}})
    torch.manual_seed(1)
    other = save_model(root / "18-steps", ConvVAE(TINY_VAE), {**CARD, "name": "18-steps"})
    shutil.copyfile(other / WEIGHTS_NAME, folder / WEIGHTS_NAME)
    if not digest:
        card = json.loads((folder / CARD_NAME).read_text())
        card.pop(CARD_DIGEST, None)
        (folder / CARD_NAME).write_text(json.dumps(card))
    return folder


def test_a_saved_model_folder_records_the_digest_of_its_weights_not_the_one_its_card_came_with(tmp_path):
    """A --resume or --init passes on the card it started from, digest and all: the new weights' digest wins."""
    folder = save_model(tmp_path / "m", ConvVAE(TINY_VAE), {**CARD, CARD_DIGEST: "0" * 64})
    _, card = load_model(folder)
    assert card[CARD_DIGEST] == weights_digest(folder)


@pytest.mark.parametrize("name", ["emoji-vae", "emoji-gan", "emoji-faces-gan"])
def test_the_bundled_cards_record_the_digest_of_their_weights(name):
    card = json.loads((BUNDLED_DIR / name / CARD_NAME).read_text(encoding="utf-8"))
    assert card[CARD_DIGEST] == weights_digest(BUNDLED_DIR / name)


def test_genimg_info_of_swapped_weights_notes_it_once_and_marks_the_metrics(tmp_path, capsys):
    assert main(["info", str(swapped(tmp_path))]) == 0  # loaded all the same
    said = capsys.readouterr()
    assert said.err.count(NOTE) == 1 and f"genimg: note: {NOTE}" in said.err
    metrics = said.out[said.out.index("  metrics"):]
    assert metrics.split("\n")[0].split(None, 1)[1] == OTHER_WEIGHTS_FIGURES
    assert "30.05" in metrics


def test_a_card_without_a_digest_or_with_its_own_weights_says_nothing(tmp_path, model_dir, capsys):
    for folder in (swapped(tmp_path, digest=False), model_dir / "tiny-vae"):
        assert main(["info", str(folder)]) == 0
        said = capsys.readouterr()
        assert "is not the file its card was written for" not in said.err
        assert OTHER_WEIGHTS_FIGURES not in said.out


def test_the_window_says_once_that_the_weights_are_not_the_cards_and_the_models_tab_marks_its_metrics(
        qtbot, window, model_dir, tmp_path):
    folder = swapped(tmp_path)
    said: list[str] = []
    window.document.message.connect(said.append)
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(str(folder))
    assert window.document.models["vae"].path == str(folder)  # loaded all the same
    assert said.count(NOTE) == 1
    assert [entry.text for entry in window.status.log.entries].count(NOTE) == 1
    metrics = window.model_panel.details["Metrics"]
    assert metrics.text().startswith(OTHER_WEIGHTS_FIGURES + "\n") and "30.05" in metrics.text()
    assert NOTE in metrics.toolTip()
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):  # a model whose card is its own
        window.document.load_model(str(model_dir / "tiny-vae"))
    assert OTHER_WEIGHTS_FIGURES not in metrics.text() and said.count(NOTE) == 1
