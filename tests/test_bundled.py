"""The models shipped in weights/: they load, say where they came from, and do their job."""
import re

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt

from genimg_gui.catalog import bundled_models, default_model
from genimg_gui.cli import main
from genimg_gui.engine.runtime import Runtime

ENTRIES = bundled_models()


def emoji_like_face() -> np.ndarray:
    """A yellow smiley on white, drawn here: not a training image, but of their kind."""
    im = Image.new("RGB", (64, 64), "white")
    d = ImageDraw.Draw(im)
    d.ellipse((6, 6, 58, 58), fill=(255, 204, 77), outline=(230, 160, 40), width=2)
    d.ellipse((20, 22, 27, 32), fill=(70, 50, 40))
    d.ellipse((37, 22, 44, 32), fill=(70, 50, 40))
    d.arc((18, 26, 46, 50), 20, 160, fill=(70, 50, 40), width=3)
    return np.asarray(im)


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_default_model_of_each_kind_is_bundled_with_its_provenance(kind):
    entry = default_model(kind, ENTRIES)
    assert entry is not None, f"weights/ has no {kind.upper()}"
    training = entry.card["training"]
    assert "emoji" in training["data"].lower() and "Apache-2.0" in training["licence"]
    assert "CC BY 4.0" in training["licence"] and training["steps"] > 0 and training["seconds"] > 0


def test_the_bundled_cards_count_their_threads_in_words_as_new_cards_do(capsys):
    """`genimg info` read "3901.8 s on cpu (x86_64, 1 threads)" of emoji-vae; a card written now says "1 thread"."""
    assert main(["info", *(entry.name for entry in ENTRIES)]) == 0
    out = capsys.readouterr().out
    assert "on cpu (x86_64, 1 thread)" in out and not re.search(r"\b1 (?:torch )?threads\b", out)


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_bundled_models_load_with_orthonormal_cached_directions(kind):
    rt = Runtime("cpu")
    info = rt.load(default_model(kind, ENTRIES).path, lambda *_: None)
    pca = info.directions.explained > 0  # the PCA rows; named attribute directions follow them
    basis = info.directions.basis[pca]
    np.testing.assert_allclose(basis @ basis.T, np.eye(len(basis)), atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(info.directions.basis, axis=1), 1.0, atol=1e-4)
    assert info.card["resolution"] == 64


def test_bundled_vae_reconstructs_an_unseen_emoji_like_picture():
    rt = Runtime("cpu")
    rt.load(default_model("vae", ENTRIES).path, lambda *_: None)
    original, _latent, recon = rt.encode(emoji_like_face(), "crop")
    mse = np.mean((original.astype(np.float64) - recon.astype(np.float64)) ** 2)
    assert 10 * np.log10(255 ** 2 / mse) > 22.0


def test_bundled_gan_samples_differ_between_seeds_and_look_like_something():
    rt = Runtime("cpu")
    rt.load(default_model("gan", ENTRIES).path, lambda *_: None)
    images = np.stack([rt.decode("gan", rt.map_seed(seed, 1.0)) for seed in range(8)]).astype(np.float64)
    assert images.std(axis=0).mean() > 10.0, "samples barely change with the seed (mode collapse)"
    assert (images.mean(axis=(1, 2, 3)) > 120).all(), "the emoji set is drawn on white; samples should be too"


def test_a_newcomer_opens_the_app_and_edits_an_example(qtbot, engine):
    """The README's path: bundled models load, a dropped example is encoded, a slider changes it."""
    from pathlib import Path

    from genimg_gui.ui.main_window import MainWindow
    from ui_helpers import drop

    window = MainWindow(engine, ENTRIES)
    qtbot.addWidget(window)
    window.show()
    doc = window.document
    for kind in ("vae", "gan"):
        with qtbot.waitSignal(doc.model_loaded, timeout=30_000):
            doc.load_model(default_model(kind, ENTRIES).path)
    example = Path(__file__).parent.parent / "assets" / "examples" / "twemoji-cat-face.png"
    drop(window, [example])
    qtbot.waitUntil(lambda: any(i.kind == "vae" for i in doc.items.values()), timeout=30_000)
    item = next(i for i in doc.items.values() if i.kind == "vae")
    doc.select(item.id)
    before = item.image.copy()
    assert np.abs(item.original.astype(int) - before.astype(int)).mean() < 12  # a faithful reconstruction
    qtbot.keyClick(window.sliders.sliders[0], Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: not np.array_equal(item.image, before), timeout=30_000)
    qtbot.waitUntil(item.history.can_undo, timeout=30_000)  # once the keys rest (a run of them is one step)
    window.close()


def test_the_bundled_gan_starts_a_fine_tuning_run_with_its_discriminator(tmp_path, capsys):
    """--init the default GAN (as the README tells for emoji-gan): 64 px images labelled with all its classes."""
    gan = default_model("gan", ENTRIES)
    classes = gan.card["config"]["classes"]
    data = tmp_path / "data"
    data.mkdir()
    rows = ["file,category"]
    for i in range(2 * len(classes)):  # two images per category: every class the model knows
        Image.fromarray(np.full((64, 64, 3), (i * 23 % 256, 200, 255 - i * 11), np.uint8)).save(data / f"{i}.png")
        rows.append(f"{i}.png,\"{classes[i % len(classes)]}\"")
    (data / "labels.csv").write_text("\n".join(rows) + "\n")
    threads = torch.get_num_threads()
    code = main(["train", "gan", str(data), "-o", str(tmp_path / "tuned"), "--init", gan.path, "--latent-of",
                 default_model("vae", ENTRIES).path, "--labels", str(data / "labels.csv"), "--label-column",
                 "category", "--steps", "1", "--batch-size", "4", "--holdout", "2", "--threads", "1"])
    torch.set_num_threads(threads)
    assert code == 0, capsys.readouterr().err
    assert "its generator and discriminator" in capsys.readouterr().err
    assert (tmp_path / "tuned" / "discriminator.safetensors").is_file()
