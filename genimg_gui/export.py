"""Writing what the user exports: PNGs at model resolution or upscaled, latents as .npz."""
from __future__ import annotations

import json
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
