"""scripts/attribute_directions.py on a labels file of the user's own: any column, a model folder named explicitly.

It once read only the emoji data set's labels (KeyError: 'name' on any other), and with --vae alone wrote into the
bundled emoji-gan, its --gan default."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.cli import main as genimg
from genimg_gui.models.directions import load_directions
from genimg_gui.models.gan import Generator
from genimg_gui.models.latent_gan import LatentGANConfig, LatentGenerator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.models.weights import read_card

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "attribute_directions.py"
sys.path.insert(0, str(ROOT / "scripts"))
import attribute_directions  # noqa: E402

from conftest import TINY_GAN, TINY_VAE, make_model_folder  # noqa: E402

DIRECTION = "kind: circle → square"


def shapes(folder: Path, counts: dict[str, int]) -> Path:
    """counts[kind] 32 px pictures of that kind (circle, square or cross) in folder/kind/, each of a random colour
    somewhere on white, and labels.csv (file, kind)."""
    rng = np.random.default_rng(0)
    rows = ["file,kind"]
    for kind, n in counts.items():
        (folder / kind).mkdir(parents=True)
        for i in range(n):
            im = Image.new("RGB", (32, 32), "white")
            draw = ImageDraw.Draw(im)
            x, y = (int(v) for v in rng.integers(0, 14, 2))
            colour = tuple(int(c) for c in rng.integers(0, 200, 3))
            if kind == "cross":
                draw.line([x, y, x + 16, y + 16], fill=colour, width=3)
                draw.line([x, y + 16, x + 16, y], fill=colour, width=3)
            else:
                (draw.ellipse if kind == "circle" else draw.rectangle)([x, y, x + 16, y + 16], fill=colour)
            im.save(folder / kind / f"{i}.png")
            rows.append(f"{kind}/{i}.png,{kind}")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")
    return folder


@pytest.fixture
def models(tmp_path) -> tuple[Path, Path, Path]:
    """A tiny VAE, a tiny GAN in its latent space (painting through its decoder, as `genimg train gan --latent-of`
    makes one) and a tiny pixel GAN, of random weights at 32 px, without directions.safetensors (PCA made on use)."""
    torch.manual_seed(0)
    vae = ConvVAE(TINY_VAE)
    torch.manual_seed(1)
    latent_gan = LatentGenerator(LatentGANConfig(resolution=32, z_dim=16, w_dim=16, mapping_layers=2,
                                                 channels=(16, 8, 8), vae=TINY_VAE))
    latent_gan.decoder.load_state_dict(vae.decoder.state_dict())
    return (make_model_folder(tmp_path / "my-vae", vae, "my-vae"),
            make_model_folder(tmp_path / "my-latent-gan", latent_gan, "my-latent-gan"),
            make_model_folder(tmp_path / "my-gan", Generator(TINY_GAN), "my-gan"))


@pytest.fixture(autouse=True)
def restore_threads():
    """--threads sets torch's thread count for the whole process."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def run_script(monkeypatch, *args) -> int | None:
    """The script as its command line runs it: main() reading sys.argv."""
    monkeypatch.setattr(sys, "argv", ["attribute_directions.py", *map(str, args), "--threads", "1"])
    try:
        return attribute_directions.main()
    except SystemExit as e:
        return e.code


def labels_of(folder: Path, latent: int) -> tuple[str, ...]:
    return load_directions(folder, latent).labels


@pytest.mark.parametrize("gan_kind, judged_on", [("latent", "the my-vae latent the GAN draws"),
                                                   ("pixel", "16x16 thumbnails")])
def test_a_two_class_labels_file_adds_one_named_direction_that_genimg_info_lists(tmp_path, models, monkeypatch,
                                                                              capsys, gan_kind, judged_on):
    data = shapes(tmp_path / "lab", {"circle": 12, "square": 12})
    vae, latent_gan, pixel_gan = models
    gan = latent_gan if gan_kind == "latent" else pixel_gan
    assert run_script(monkeypatch, "--data", data, "--by", "kind", "--vae", vae, "--gan", gan,
                      "--gan-samples", 500) == 0
    said = capsys.readouterr().out
    for folder, latent in ((vae, int(np.prod(TINY_VAE.latent_shape))), (gan, 16)):
        assert f"wrote 1 named direction into {folder}: {DIRECTION}" in said
        labels = labels_of(folder, latent)
        assert labels[-1] == DIRECTION and all(label.startswith("PC") for label in labels[:-1]) and len(labels) > 1
        assert [note["label"] for note in read_card(folder)["directions"]["named"]] == [DIRECTION]
        assert genimg(["info", str(folder)]) == 0
        assert DIRECTION in capsys.readouterr().out
    assert read_card(vae)["directions"]["named"][0]["data"] == "images whose kind is 'circle' vs 'square'"
    # a GAN in the VAE's latent space is judged there, as the VAE's directions are fitted; another on its pictures
    assert judged_on in read_card(gan)["directions"]["named_how"]


def test_more_classes_make_one_direction_each_against_the_rest_and_another_topic_keeps_the_first(
        tmp_path, models, monkeypatch, capsys):
    data = shapes(tmp_path / "lab", {"circle": 12, "square": 12, "cross": 4})
    vae = models[0]
    latent = int(np.prod(TINY_VAE.latent_shape))
    assert run_script(monkeypatch, "--data", data, "--by", "kind", "--vae", vae) == 0
    assert capsys.readouterr().err == ("note: left out: kind 'cross' has 4 images; a direction needs at least 10 "
                                       "images on each side, a fifth of them held out to judge it\n")
    pca = labels_of(vae, latent)[:-2]
    by_kind = ("kind: other → circle", "kind: other → square")
    assert labels_of(vae, latent)[-2:] == by_kind
    # the classes from the sub-folders, named by --by; the rows of the topic "kind" stay
    assert run_script(monkeypatch, "--data", data, "--labels", "folders", "--by", "shape", "--vae", vae) == 0
    by_shape = ("shape: other → circle", "shape: other → square")
    assert labels_of(vae, latent) == pca + by_kind + by_shape
    assert run_script(monkeypatch, "--data", data, "--by", "kind", "--vae", vae) == 0  # "kind" made again
    assert labels_of(vae, latent) == pca + by_shape + by_kind
    assert [note["label"] for note in read_card(vae)["directions"]["named"]] == [*by_shape, *by_kind]


def test_a_column_the_labels_lack_is_one_line_and_exit_code_2(tmp_path, models):
    data = shapes(tmp_path / "lab", {"circle": 12, "square": 12})
    vae = models[0]
    done = subprocess.run([sys.executable, str(SCRIPT), "--data", str(data), "--vae", str(vae), "--by", "colour"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"attribute_directions.py: error: {data / 'labels.csv'} needs a column "
                                        "'colour' (--by); its columns are: file, kind"]
    assert not (vae / "directions.safetensors").exists()


def test_a_class_with_too_few_images_of_two_is_said_in_one_line(tmp_path, models, monkeypatch, capsys):
    data = shapes(tmp_path / "lab", {"circle": 12, "square": 6})
    vae = models[0]
    assert run_script(monkeypatch, "--data", data, "--by", "kind", "--vae", vae) == 1
    assert capsys.readouterr().err == ("attribute_directions.py: error: kind: 'square' has 6 images; a direction "
                                       "needs at least 10 images on each side, a fifth of them held out to judge it: "
                                       "add images\n")
    assert not (vae / "directions.safetensors").exists()


def test_the_bundled_models_are_not_written_without_into_bundled(tmp_path, monkeypatch, capsys):
    data = shapes(tmp_path / "lab", {"circle": 12, "square": 12})
    bundled = BUNDLED_DIR / "emoji-vae"
    before = {f.name: f.read_bytes() for f in bundled.iterdir() if f.is_file()}
    assert run_script(monkeypatch, "--data", data, "--by", "kind", "--vae", bundled) == 2
    assert capsys.readouterr().err == (f"attribute_directions.py: error: {bundled} is one of genimg's bundled models, "
                                       "whose directions the app ships: add --into-bundled to rewrite them (as when "
                                       "rebuilding them), or name a copy of it\n")
    assert {f.name: f.read_bytes() for f in bundled.iterdir() if f.is_file()} == before


def test_a_vaes_named_rows_are_written_with_their_spread_outside_the_pcs_measured_on_the_images(tmp_path, models,
                                                                                               monkeypatch):
    """The typicality meter reads a push along a VAE's named slider on the row's part outside the PCs, in the spread of
    the latents there; a VAE has no latents to measure it on at run time, so the script measures it on the images it
    encodes and stores it beside the row (0 for the PCA rows)."""
    from attribute_fits import encode
    from genimg_gui.models.weights import load_model
    from genimg_gui.train.data import load_folder

    data = shapes(tmp_path / "lab", {"circle": 12, "square": 12})
    vae = models[0]
    assert run_script(monkeypatch, "--data", data, "--by", "kind", "--vae", vae) == 0
    d = load_directions(vae, int(np.prod(TINY_VAE.latent_shape)))
    pcs = d.basis[:-1].astype(np.float64)
    assert d.labels[-1] == DIRECTION and (d.explained[:-1] > 0).all()
    outside = d.basis[-1] - pcs.T @ (pcs @ d.basis[-1])
    latents = encode(load_model(vae)[0].eval(), load_folder(data, 32).images.numpy())
    spread = np.std(latents @ (outside / np.linalg.norm(outside)), ddof=1)
    assert d.outside_spread.tolist() == [0.0] * (len(d) - 1) + [pytest.approx(spread, rel=1e-4)]
    assert "latent means of the 24 labelled images" in read_card(vae)["directions"]["outside_spread"]
