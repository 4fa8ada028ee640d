"""A model card's "resolution" and "latent_shape" edited by hand: `genimg train --latent-of` and --init refuse the
card in one line that names the field (no traceback, no option the user never typed), and the Train… dialog offers
no such VAE to draw in or start from. Loading and `genimg info` are in test_bad_input (corpus.BAD_MODELS)."""
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import TINY_VAE, make_model_folder
from genimg_gui.catalog import read_entry
from genimg_gui.cli import main
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.train_dialog import TrainDialog

EDITS = {  # the card's field -> value, and the words the refusal holds
    "res-63": ({"resolution": 63}, "card.json says resolution 63, but its network draws 32×32: correct the card"),
    "res-null": ({"resolution": None}, "card.json says resolution null, but it must be a positive whole number"),
    "res-px": ({"resolution": "64px"}, 'card.json says resolution "64px", but it must be a positive whole number'),
    "res-0": ({"resolution": 0}, "card.json says resolution 0, but it must be a positive whole number"),
    "shape": ({"latent_shape": [2, 8, 8]}, "card.json says latent_shape [2, 8, 8], but its network's latent at "
                                           "resolution 32 is 2×16×16: correct the card"),
}


@pytest.fixture(scope="module")
def good_vae(tmp_path_factory) -> Path:
    return make_model_folder(tmp_path_factory.mktemp("vae") / "my-vae", ConvVAE(TINY_VAE), "my-vae")


def edited(good: Path, folder: Path, fields: dict) -> Path:
    """A copy of the good model folder, its card edited."""
    folder.mkdir(parents=True)
    for f in good.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    card = json.loads((folder / "card.json").read_text())
    (folder / "card.json").write_text(json.dumps({**card, **fields}))
    return folder


@pytest.fixture()
def pictures(tmp_path) -> Path:
    folder = tmp_path / "pics"
    folder.mkdir()
    for i in range(4):
        Image.fromarray(np.random.default_rng(i).integers(0, 255, (32, 32, 3), np.uint8)).save(folder / f"{i}.png")
    return folder


@pytest.mark.parametrize("name", EDITS)
def test_train_refuses_a_latent_of_or_init_whose_card_sizes_are_wrong(name, good_vae, pictures, tmp_path, capsys):
    fields, says = EDITS[name]
    bad = edited(good_vae, tmp_path / name, fields)
    for args in (["gan", pictures, "--latent-of", bad], ["vae", pictures, "--init", bad]):
        code = main(["train", *map(str, args), "-o", str(tmp_path / "out"), "--steps", "1", "--device", "cpu"])
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err and "--resolution" not in err, err
        assert says in err and str(bad) in err, err
        assert not (tmp_path / "out" / "model.safetensors").exists()


def test_the_train_dialog_offers_no_vae_whose_card_resolution_is_wrong(qtbot, good_vae, tmp_path):
    """It offered "latent space of my-vae (63 px)", and Start failed on "--resolution 63", typed by no one. (A card's
    latent_shape is checked against the network as the run loads it: the run's log says what is wrong.)"""
    bad = [edited(good_vae, tmp_path / name, fields) for name, (fields, _) in EDITS.items() if "resolution" in fields]
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    dialog.kind.set_value("gan")
    dialog.set_models([read_entry(good_vae), *map(read_entry, bad)], str(good_vae))
    spaces = [dialog.space.itemData(i) for i in range(dialog.space.count())]
    assert spaces == [str(good_vae), ""]  # the good VAE, and "none: draw pixels"
    starts = [dialog.start_from.itemData(i) for i in range(dialog.start_from.count())]
    assert not {str(b) for b in bad} & set(starts), starts
