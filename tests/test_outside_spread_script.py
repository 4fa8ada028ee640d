"""scripts/outside_spread.py: a trained VAE's named directions, written before their spread outside the PCs was
measured (as the bundled emoji-vae's were), get it measured on the training images the PCA rows were made from, and
stored beside them; the file's other tensors stay as they were, byte for byte."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from conftest import TINY_VAE, make_model_folder
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.models.directions import TENSORS, load_directions, save_directions
from genimg_gui.models.vae import ConvVAE
from genimg_gui.models.weights import load_model, read_card
from genimg_gui.train.data import load_folder, recorded_split
from genimg_gui.typicality import band, outside_pcs, reading
from train_helpers import make_shapes, restore_threads, train  # noqa: F401 (restore_threads: a fixture)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import outside_spread  # noqa: E402
from attribute_fits import encode  # noqa: E402


def test_an_old_vae_directions_file_gets_the_spread_of_its_training_latents_and_keeps_its_tensors(tmp_path, capsys):
    data = make_shapes(tmp_path / "shapes", 40)
    folder = tmp_path / "vae"
    assert train("vae", data, folder, 2) == 0
    dim = int(np.prod(read_card(folder)["latent_shape"]))
    made = load_directions(folder, dim)
    unit = made.mean - made.mean.mean() + np.linspace(-1, 1, dim, dtype=np.float32)  # a named row, as any
    save_directions(folder, replace(made.with_direction(unit, 1.0, "shape: ellipse → box"), outside_spread=None))
    before = load_file(str(folder / "directions.safetensors"))
    assert set(before) == TENSORS  # as a file written before the spread was measured

    assert outside_spread.main(["--vae", str(folder), "--data", str(data), "--threads", "1"]) == 0
    assert "shape: ellipse → box" in capsys.readouterr().out
    after = load_file(str(folder / "directions.safetensors"))
    assert all(after[name].tobytes() == before[name].tobytes() for name in TENSORS)
    d = load_directions(folder, dim)
    net, card = load_model(folder)
    images = load_folder(data, 32)
    trained_on = encode(net.eval(), images.images[recorded_split(images, card)[0]].numpy())
    pcs = d.basis[:-1].astype(np.float64)
    outside = d.basis[-1] - pcs.T @ (pcs @ d.basis[-1])
    spread = np.std(trained_on @ (outside / np.linalg.norm(outside)), ddof=1)
    assert d.outside_spread.tolist() == [0.0] * (len(d) - 1) + [pytest.approx(spread, rel=1e-4)]
    assert "training images the PCA rows were made from" in read_card(folder)["directions"]["outside_spread"]
    # the meter reads a push along it there now: far along its part outside the PCs is off-distribution
    far = d.mean + 6 * spread * outside / np.linalg.norm(outside)
    assert outside_pcs(far, d)[1] == len(d) - 1 and band(reading(far, d).sigma) == 2


def test_a_vae_without_named_rows_another_folder_than_it_was_trained_on_and_the_bundled_vae_are_refused(tmp_path,
                                                                                                          capsys):
    data = make_shapes(tmp_path / "shapes", 40)
    folder = tmp_path / "vae"
    assert train("vae", data, folder, 2) == 0
    capsys.readouterr()
    assert outside_spread.main(["--vae", str(folder), "--data", str(data), "--threads", "1"]) == 2
    assert capsys.readouterr().err == (f"outside_spread.py: error: {folder} has no named directions to measure: "
                                       "scripts/attribute_directions.py adds them\n")
    dim = int(np.prod(read_card(folder)["latent_shape"]))
    save_directions(folder, load_directions(folder, dim).with_direction(np.ones(dim), 1.0, "named"))
    other = make_shapes(tmp_path / "other", 30)
    assert outside_spread.main(["--vae", str(folder), "--data", str(other), "--threads", "1"]) == 2
    assert capsys.readouterr().err == (f"outside_spread.py: error: --data {other} holds 30 images, and vae was "
                                       "trained on 40: name the folder it was trained on\n")
    assert set(load_file(str(folder / "directions.safetensors"))) == TENSORS  # nothing written
    untrained = make_model_folder(tmp_path / "untrained", ConvVAE(TINY_VAE), "untrained")
    save_directions(untrained, load_directions(folder, dim).with_direction(np.ones(dim), 1.0, "named"))
    assert outside_spread.main(["--vae", str(untrained), "--data", str(data), "--threads", "1"]) == 2
    assert capsys.readouterr().err == ("outside_spread.py: error: untrained's card records no training run, whose "
                                       "images to measure on: scripts/attribute_directions.py measures the spread on "
                                       "the images it is given\n")
    bundled = BUNDLED_DIR / "emoji-vae"
    before = (bundled / "directions.safetensors").read_bytes()
    assert outside_spread.main(["--vae", str(bundled), "--data", str(data)]) == 2
    assert "--into-bundled" in capsys.readouterr().err
    assert (bundled / "directions.safetensors").read_bytes() == before
