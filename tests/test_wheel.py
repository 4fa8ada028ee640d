"""The package as pip builds it: a wheel (or a plain `pip install .`) held no models, as only genimg_gui* was packaged
and the bundled ones were looked for in weights/ beside the package, so the installed `genimg generate` answered
"no bundled GAN in …/weights; pass --gan MODEL_DIR". The repository's weights/ is packaged as genimg_weights."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from genimg_gui.catalog import BUNDLED_DIR, bundled_models

ROOT = Path(__file__).resolve().parent.parent
# what running a bundled model needs, beside the model card
NEEDED = ("card.json", "model.safetensors", "directions.safetensors")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from a copy of this checkout (offline: no build isolation, the installed setuptools);
    a copy, as setuptools builds in the source folder, where a build/ left from before could add old files."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source)
    for name in ("genimg_gui", "weights"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(out), str(source)], check=True, cwd=out, capture_output=True)
    (built,) = out.glob("genimg-*.whl")
    return built


def test_the_wheel_holds_each_bundled_model_and_every_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    models = bundled_models()
    assert {m.kind for m in models} == {"vae", "gan"}
    for model in models:
        folder = Path(model.path).name
        for needed in NEEDED:
            assert f"genimg_weights/{folder}/{needed}" in names, (folder, needed)
    gans = [Path(m.path).name for m in models if m.kind == "gan"]
    assert all(f"genimg_weights/{g}/discriminator.safetensors" in names for g in gans)
    # a subpackage left out of pyproject's list would be missing from the wheel only
    for package in (ROOT / "genimg_gui").rglob("__init__.py"):
        assert package.relative_to(ROOT).as_posix() in names, package


def test_the_installed_wheel_finds_its_bundled_models(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    said = subprocess.run([sys.executable, "-c", "from genimg_gui import catalog; print(catalog.BUNDLED_DIR); "
                           "print(*(m.name for m in catalog.bundled_models()))"],
                          cwd=outside, env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    assert Path(said[0]).resolve() == (target / "genimg_weights").resolve()
    assert said[1].split() == [m.name for m in bundled_models()]
    info = subprocess.run([sys.executable, "-m", "genimg_gui.cli", "info"], cwd=outside, env=env,
                          capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    for name in ("emoji-vae", "emoji-faces-gan"):
        assert name in info.stdout


def test_a_checkout_uses_its_own_weights_folder() -> None:
    assert BUNDLED_DIR == ROOT / "weights"
