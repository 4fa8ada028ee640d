"""Helpers shared by the `genimg train` tests (test_train_*.py): a folder of synthetic shapes, a tiny run, and
fixtures; a test module imports the fixtures it uses by name, restore_threads in each."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from genimg_gui.cli import main
from genimg_gui.train.latent_gan_recipe import MIN_HELD_OUT
from genimg_gui.train.vae_recipe import VAERecipe


TINY = {"vae": ["--set", "channels=[8,16]", "--set", "latent_channels=2"],
        "gan": ["--set", "channels=[32,16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]}


def make_shapes(folder: Path, n: int) -> Path:
    """n coloured rectangles and ellipses on white, some in a subfolder, names with spaces and brackets."""
    rng = np.random.default_rng(0)
    (folder / "more").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        im = Image.new("RGB", (48, 40), "white")
        x, y = (int(v) for v in rng.integers(0, 24, 2))
        draw = ImageDraw.Draw(im)
        colour = tuple(rng.integers(0, 255, 3).tolist())
        (draw.ellipse if i % 2 else draw.rectangle)([x, y, x + 20, y + 14], fill=colour)
        im.save(folder / ("more" if i % 3 == 0 else "") / f"shape ({i}).png")
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = make_shapes(tmp_path_factory.mktemp("shapes"), 40)
    (folder / "empty (copy).png").write_bytes(b"")
    (folder / "notes.jpg").write_text("not a picture")
    Image.new("RGB", (4, 4), "red").save(folder / "tiny.png")
    return folder


@pytest.fixture(scope="module")
def measured_dir(tmp_path_factory) -> Path:
    """A folder that holds out enough images for a latent GAN's precision/recall (MIN_HELD_OUT, a tenth)."""
    return make_shapes(tmp_path_factory.mktemp("measured"), 10 * MIN_HELD_OUT)


@pytest.fixture(autouse=True)
def restore_threads():
    """--threads 1 (fast beside other busy processes) sets torch's thread count for the whole process."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def train(kind: str, data: Path, out: Path, steps: int = 3, *extra) -> int:
    return main(["train", kind, str(data), "-o", str(out), "--steps", str(steps), "--batch-size", "8",
                 "--holdout", "8", "--resolution", "32", "--threads", "1", *TINY[kind], *extra])


def strict_json(path: Path):
    def refuse(token):
        raise ValueError(f"{path.name} holds {token}, which is not JSON")
    return json.loads(path.read_text(), parse_constant=refuse)


def latent_gan(data: Path, out: Path, steps: int, *extra: str) -> int:
    """A latent GAN run with no --resolution typed (the tiny VAE's is 32 px)."""
    return main(["train", "gan", str(data), "-o", str(out), "--steps", str(steps), "--batch-size", "8",
                 "--holdout", "8", "--threads", "1", *extra])


def stop_at_step(monkeypatch, stop_at: int) -> None:
    """Ctrl+C as VAERecipe is about to train step stop_at."""
    step = VAERecipe.step

    def interrupted(self, batch, n, labels=None):
        if n == stop_at:
            raise KeyboardInterrupt
        return step(self, batch, n, labels)

    monkeypatch.setattr(VAERecipe, "step", interrupted)


# `python -c SLOW_LOAD ARGS…` runs `genimg ARGS…` with its images taking two minutes to load (said on stderr)
SLOW_LOAD = """
import sys, time
from genimg_gui.train import loop
def slow(*args, **kwargs):
    print("loading the images", file=sys.stderr, flush=True)
    time.sleep(120)
loop.load_folder = slow
from genimg_gui.cli import main
sys.exit(main(sys.argv[1:]))
"""
