"""What the user exports: PNGs at model resolution or upscaled, latents as .npz (written and read back)."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .imaging import save_png


def export_png(image: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    save_png(image, path, scale)
    return path


def export_latent(path: str | Path, latent: np.ndarray, base: np.ndarray, values: tuple[float, ...],
                  labels: tuple[str, ...], model: dict) -> Path:
    """The edited latent, how it was made (base + values along labelled directions), and the model."""
    path = Path(path)
    if path.suffix.lower() != ".npz":
        path = path.with_suffix(".npz")
    np.savez(path, latent=latent, base=base, values=np.asarray(values, np.float32),
             labels=np.asarray(labels), model=np.asarray(json.dumps(model)))
    return path


def read_latent(path: str | Path) -> tuple[np.ndarray, str | None]:
    """The latent of an .npz written by export_latent (the app, encode, generate, edit), in its own shape
    (flat, or (C, h, w) from a spatial VAE), and the model kind it records (None if it records none)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path} does not exist")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path.name} is not an .npz file")
    try:
        with np.load(path, allow_pickle=False) as f:
            if "latent" not in f.files:
                raise ValueError(f"it holds {', '.join(f.files) or 'nothing'} but no 'latent'")
            latent = np.asarray(f["latent"], np.float32)
            record = str(f["model"]) if "model" in f.files else ""
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:  # damaged, or object arrays
        raise ValueError(f"{path.name} is not a readable latent file ({e})") from None
    try:
        kind = json.loads(record).get("kind")
    except (ValueError, AttributeError):  # absent, or a bare model name
        kind = None
    return latent, kind if kind in ("vae", "gan") else None
