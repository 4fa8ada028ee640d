"""The models the worker holds: one VAE and one GAN, on one device, in inference mode."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image
from torch import nn

from ..edit import Directions
from ..imaging import Fit, fit_square, to_rgb
from ..models.device import pick_device
from ..models.directions import load_directions, pca, save_directions
from ..models.tensors import to_images, to_tensor
from ..models.vae import ConvVAE
from ..models.weights import ModelFileError, latent_shape, load_model, parameter_count
from .requests import ModelInfo

N_DIRECTIONS = 16
ProgressFn = Callable[[float, str], None]


@dataclass
class LoadedModel:
    path: str
    net: nn.Module
    card: dict
    directions: Directions

    @property
    def kind(self) -> str:
        return "vae" if isinstance(self.net, ConvVAE) else "gan"

    @property
    def latent_shape(self) -> tuple[int, ...]:
        return latent_shape(self.net)

    @property
    def resolution(self) -> int:
        return self.net.cfg.resolution


def _estimate_directions(net: nn.Module, progress: ProgressFn) -> Directions:
    """PCA of the latent distribution when no cache exists: sampled w for a GAN; for a VAE,
    prior samples decoded and re-encoded, an approximation of the aggregate posterior."""
    gen = torch.Generator().manual_seed(0)
    device = next(net.parameters()).device
    chunks = []
    for i in range(8):
        progress(i / 8, "computing latent directions")
        if isinstance(net, ConvVAE):
            z = torch.randn(128, *net.cfg.latent_shape, generator=gen).to(device)
            chunks.append(net.encode(net.decode(z))[0].flatten(1).cpu())
        else:
            chunks.append(net.mapping(torch.randn(1024, net.cfg.z_dim, generator=gen).to(device)).cpu())
    return pca(torch.cat(chunks), N_DIRECTIONS)


class Runtime:
    """Loads, moves and runs models. Only the worker thread touches it."""

    def __init__(self, device: str = "auto") -> None:
        self.device = pick_device(device)
        self.models: dict[str, LoadedModel] = {}

    @torch.inference_mode()
    def load(self, path: str, progress: ProgressFn) -> ModelInfo:
        t0 = time.perf_counter()
        net, card = load_model(Path(path))
        net = net.to(self.device)
        dim = int(np.prod(latent_shape(net)))
        directions = load_directions(Path(path), dim)
        if directions is None:
            directions = _estimate_directions(net, progress)
            try:
                save_directions(Path(path), directions)
            except OSError:
                pass  # read-only model folder: recompute next time
        model = LoadedModel(path, net, card, directions)
        self.models[model.kind] = model
        return self.info(model, time.perf_counter() - t0)

    def info(self, model: LoadedModel, seconds: float = 0.0) -> ModelInfo:
        return ModelInfo(model.path, str(model.card.get("name", Path(model.path).name)), model.kind,
                         model.card, str(self.device), int(np.prod(model.latent_shape)),
                         parameter_count(model.net), model.directions, seconds)

    def set_device(self, name: str) -> None:
        device = pick_device(name)
        for model in self.models.values():
            model.net.to(device)
        self.device = device

    def model(self, kind: str) -> LoadedModel:
        if kind not in self.models:
            raise ModelFileError(f"no {kind.upper()} is loaded; load one first (the app's Models tab, "
                                 f"or --{kind} on the command line)")
        return self.models[kind]

    @torch.inference_mode()
    def encode(self, image: np.ndarray, fit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Any-size RGB array -> (fitted original, latent (D,), reconstruction)."""
        vae = self.model("vae")
        fitted = np.asarray(fit_square(to_rgb(Image.fromarray(image)), vae.resolution, Fit(fit)), np.uint8)
        mean, _ = vae.net.encode(to_tensor(fitted, self.device))
        recon = to_images(vae.net.decode(mean))[0]
        return fitted, mean.flatten().float().cpu().numpy(), recon

    @torch.inference_mode()
    def decode(self, kind: str, latent: np.ndarray) -> np.ndarray:
        model = self.model(kind)
        if latent.size != np.prod(model.latent_shape):
            raise ValueError(f"latent of size {latent.size} does not fit the {kind.upper()} "
                             f"(expects {int(np.prod(model.latent_shape))})")
        z = torch.as_tensor(latent, dtype=torch.float32, device=self.device).view(1, *model.latent_shape)
        out = model.net.decode(z) if kind == "vae" else model.net.synthesize(z)
        if not torch.isfinite(out).all():
            raise FloatingPointError(f"the {kind.upper()} produced NaN/inf pixels for this latent")
        return to_images(out)[0]

    @torch.inference_mode()
    def map_seed(self, seed: int, psi: float) -> np.ndarray:
        gan = self.model("gan")
        z = torch.randn(1, gan.net.cfg.z_dim, generator=torch.Generator().manual_seed(seed))
        return gan.net.map(z.to(self.device), psi)[0].float().cpu().numpy()
