"""Which torch devices exist here, and the automatic pick (cuda -> mps -> cpu)."""
from __future__ import annotations

import torch

from ..wording import NO_CUDA, NO_MPS


def available_devices() -> list[str]:
    names = ["cpu"]
    if torch.cuda.is_available():
        names += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        names.append("mps")
    return names


def pick_device(name: str = "auto") -> torch.device:
    """'auto' picks the best accelerator present; any other name must exist here."""
    if name == "auto":
        names = available_devices()
        return torch.device("cuda:0" if "cuda:0" in names else "mps" if "mps" in names else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} was asked for, but {NO_CUDA}")
    gpus = [n for n in available_devices() if n.startswith("cuda")]
    if name.startswith("cuda:") and name not in gpus:  # torch would fail only at the first tensor put there
        raise RuntimeError(f"device {name!r} was asked for, but this machine's CUDA GPUs are {', '.join(gpus)}")
    if name == "mps" and name not in available_devices():
        raise RuntimeError(f"device 'mps' was asked for, but {NO_MPS}")
    return torch.device(name)


def native_bf16_cpu() -> bool:
    """Whether this CPU multiplies bf16 matrices in hardware (Intel AMX). There bf16 autocast made a training
    step about twice as fast (benchmarks/train_precision.py); on other CPUs it was not measured, and bf16
    may be emulated there, so they keep fp32."""
    check = getattr(torch.cpu, "_is_amx_tile_supported", None)  # a private API: absent from other torch versions
    return bool(check and check())


def gui_friendly_threads() -> int:
    """CPU threads for torch in the app: all cores but one, which stays with the GUI thread.
    On 2 cores this made decodes faster too (15 ms against 26 ms p50, benchmarks/latency.py)."""
    import os

    return max(1, (os.cpu_count() or 2) - 1)
