"""Out of memory: told apart from other errors, said (on which device, of which files, and what to do), and the
memory given back for the requests after it. A GPU that ran out offers the same work on the CPU (Failed.retry_on_cpu);
a file of several that ran out is said by name, the others going on."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import torch

from ..wording import listed
from . import requests as rq


def out_of_memory(e: BaseException) -> bool:
    """CUDA raises torch.OutOfMemoryError; MPS and the CPU allocator a RuntimeError that says so."""
    text = str(e).lower()
    return (isinstance(e, (torch.OutOfMemoryError, MemoryError))
            or isinstance(e, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text))


class DeviceFull(MemoryError):
    """A switch to `device` ran out of memory there: every model stays on the device it was on, `staying`
    (Runtime.set_device), and said names the device that ran out, not that one. Nothing to retry on the CPU."""

    def __init__(self, device: torch.device, staying: torch.device) -> None:
        advice = "close other GPU programs" if device.type != "cpu" else "close other programs"
        self.said = f"out of memory on {device}; the models stay on {staying}: {advice}, or load a smaller model"
        super().__init__(self.said)
        self.device = device


class OutOfMemoryIn(MemoryError):
    """Out of memory in some files of a request: said_as(the device) is the message that names them; retry: what
    Retry on CPU sends, where not the whole request (only the files that ran out); cancelled: the request was
    cancelled after they ran out, and is said to be (Failed.cancelled) as well as they are."""

    def __init__(self, said_as: Callable[[torch.device], str], retry: rq.Request | None = None,
                 cancelled: bool = False) -> None:
        super().__init__("out of memory")
        self.said_as, self.retry, self.cancelled = said_as, retry, cancelled


def files_ran_out(r: rq.EncodeFiles, paths: list[str], cancelled: bool = False) -> OutOfMemoryIn:
    """The files of r that ran out of GPU memory, paths, named and offered alone on the CPU; cancelled: r was
    cancelled after they did (OutOfMemoryIn.cancelled)."""
    names, it = listed([Path(path).name for path in paths]), "them" if len(paths) > 1 else "it"
    return OutOfMemoryIn(lambda device: not_encoded(names, out_of_memory_said(device, it)),
                         replace(r, paths=tuple(paths)), cancelled)


def out_of_memory_said(device: torch.device, it: str = "it") -> str:
    """Out of memory on device, and what to do: "out of memory on cuda:0; retry it on the CPU, …" (it: what ran
    out, "them" for several files)."""
    advice = (f"retry {it} on the CPU, or close other GPU programs" if device.type != "cpu"
              else "close other programs, or load a smaller model")
    return f"out of memory on {device}; {advice}"


def ran_out_on_gpu(error: BaseException, device: torch.device) -> bool:
    """Whether error is out of memory on a GPU, device (its cache then freed for the next file), where Retry on CPU
    may do the work."""
    if not out_of_memory(error):
        return False
    free_cache(device)
    return device.type != "cpu"


def why_not_done(error: BaseException, device: torch.device) -> str:
    """Why one file of several failed on device, in words: out of memory as out_of_memory_said says it."""
    return out_of_memory_said(device) if out_of_memory(error) else str(error)


def not_encoded(name: str, why: str) -> str:
    """A file of several that the VAE could not encode, in the words told with the unreadable ones."""
    return f"{name} could not be encoded ({why})"


def none_encoded(refused: list[tuple[str, str]]) -> str:
    """Why the VAE encoded none of several files ((name, why) each), each reason said once: three examples out of
    memory are "b0.png, b1.png, b2.png could not be encoded (out of memory on cpu; …)", not three times that."""
    names_by_why: dict[str, list[str]] = {}
    for name, why in refused:
        names_by_why.setdefault(why, []).append(name)
    return "; ".join(not_encoded(listed(names), why) for why, names in names_by_why.items())


def free_cache(device: torch.device) -> None:
    """Give the memory a request that ran out held back to the device's allocator, for the requests after it."""
    try:  # best effort: freeing a cache must never take the worker loop down with it
        if device.type == "cuda":
            torch.cuda.empty_cache()
        elif device.type == "mps":
            torch.mps.empty_cache()
    except RuntimeError:  # e.g. no such backend in this build
        pass
