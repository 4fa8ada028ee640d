"""What crosses the thread boundary: frozen requests in, plain results out (no Qt, no torch).

`live` requests (decodes, generations) are superseded by newer ones of the same
lane while queued; jobs (loads, encodes) always run, in order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..edit import Directions


@dataclass(frozen=True, eq=False)
class Request:
    seq: int = field(default=0, kw_only=True)  # stamped by the engine on submit
    live = False

    @property
    def lane(self) -> tuple:
        """Live requests in the same lane supersede each other: one lane per request kind and item."""
        tag = getattr(self, "tag", 0)
        return (type(self).__name__, tag if tag > 0 else -self.seq)


@dataclass(frozen=True, eq=False)
class LoadModel(Request):
    path: str


@dataclass(frozen=True, eq=False)
class SetDevice(Request):
    device: str


@dataclass(frozen=True, eq=False)
class EncodeFiles(Request):
    """Read, fit and encode image files; one Encoded result per file, errors per file."""
    paths: tuple[str, ...]
    fit: str = "crop"


@dataclass(frozen=True, eq=False)
class EncodeImage(Request):
    image: np.ndarray  # (H, W, 3) uint8, any size; fitted by the worker
    name: str = "pasted image"
    fit: str = "crop"


@dataclass(frozen=True, eq=False)
class Decode(Request):
    kind: str             # "vae" or "gan": which loaded model decodes
    latent: np.ndarray    # flattened (D,)
    tag: int = 0          # the caller's item id, echoed back
    live = True


@dataclass(frozen=True, eq=False)
class MapSeed(Request):
    """GAN: seed -> w (truncated by psi) and its image."""
    seed: int
    psi: float = 1.0
    tag: int = 0
    live = True


# --- results ---------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ModelInfo:
    path: str
    name: str
    kind: str
    card: dict
    device: str
    latent_size: int
    parameters: int
    directions: Directions
    seconds: float


@dataclass(frozen=True, eq=False)
class DeviceChanged:
    seq: int
    device: str
    available: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Encoded:
    seq: int
    name: str
    original: np.ndarray  # (R, R, 3) uint8, the fitted input
    latent: np.ndarray    # (D,) float32
    image: np.ndarray     # (R, R, 3) uint8 reconstruction
    seconds: float


@dataclass(frozen=True, eq=False)
class Decoded:
    seq: int
    kind: str
    tag: int
    latent: np.ndarray
    image: np.ndarray
    seconds: float


@dataclass(frozen=True, eq=False)
class Mapped:
    seq: int
    seed: int
    psi: float
    tag: int
    latent: np.ndarray
    image: np.ndarray
    seconds: float


@dataclass(frozen=True, eq=False)
class Progress:
    seq: int
    fraction: float
    text: str


@dataclass(frozen=True, eq=False)
class Failed:
    seq: int
    request: str   # the request's class name
    message: str   # for the user
    cancelled: bool = False
    final: bool = True  # False: one part failed (a file of many) and the job goes on
