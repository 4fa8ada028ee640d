"""Building a network no bigger than the file that is to fill it.

A model is built on the meta device from the sizes its card (or a pickle's `_init_kwargs`) declares, and only then
compared with the file's tensors. Meta tensors take no memory, but each layer is still a Python object: a card saying
`mapping_layers: 100000000` built layers for ever (some 4 MB a second), and nothing could stop it. Every parameter of
a network loaded strictly must be one of the file's tensors, so a network with far more parameters than the file
holds cannot be the file's: within `for_file(n)` a parameter past room(n) raises TooManyTensors at once. The room is
generous (twice the file's count and SLACK more), so that a network a few tensors off (a file cut short, a layer more
in a card) is still built and compared, and its misfits are named one by one.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from torch import nn
from torch.nn.modules.module import register_module_parameter_registration_hook


SLACK = 100


def room(tensors: int) -> int:
    """How many parameters a network built for a file of this many tensors may have before its build is stopped."""
    return 2 * tensors + SLACK


class TooManyTensors(Exception):
    """The network being built has far more parameters than its file has tensors."""

    def __init__(self, tensors: int) -> None:
        super().__init__(f"more than {room(tensors)} weight tensors")
        self.tensors = tensors


# per thread: [parameters left to register, the file's tensors] while for_file() is active there; another thread's
# builds are not counted
_left = threading.local()


def _count_parameter(_module: nn.Module, _name: str, _param: nn.Parameter) -> None:
    left = getattr(_left, "slot", None)
    if left is None:
        return
    left[0] -= 1
    if left[0] < 0:
        raise TooManyTensors(left[1])


# put on once for the process: one attribute look-up per parameter made anywhere when no budget is active
register_module_parameter_registration_hook(_count_parameter)


@contextmanager
def for_file(tensors: int) -> Iterator[None]:
    """Within the block, networks built on this thread may register at most room(tensors) parameters in all (tensors:
    how many the file to load holds); the next one raises TooManyTensors from inside the constructor that makes it."""
    before, _left.slot = getattr(_left, "slot", None), [room(tensors), tensors]
    try:
        yield
    finally:
        _left.slot = before
