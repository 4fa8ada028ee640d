"""Conversions between uint8 image arrays and the networks' [-1, 1] tensors."""
from __future__ import annotations

import numpy as np
import torch


def to_tensor(images: np.ndarray, device: torch.device | str = "cpu") -> torch.Tensor:
    """(H, W, 3) or (B, H, W, 3) uint8 -> (B, 3, H, W) float in [-1, 1]."""
    x = torch.from_numpy(np.array(images, dtype=np.uint8, copy=True)).to(device)  # a copy: inputs may be read-only
    if x.ndim == 3:
        x = x.unsqueeze(0)
    return as_pixels(x.permute(0, 3, 1, 2))


def as_pixels(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) uint8, as the training data keeps images -> float in [-1, 1], as the networks take them."""
    return images.float().div(127.5).sub(1.0)


def to_images(x: torch.Tensor) -> np.ndarray:
    """(B, 3, H, W) in [-1, 1] -> (B, H, W, 3) uint8 on the CPU."""
    x = x.detach().float().clamp(-1.0, 1.0).add(1.0).mul(127.5).round()
    return x.to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
