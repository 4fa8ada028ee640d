"""Data-parallel training under torchrun (`torchrun --nproc-per-node N -m genimg_gui.cli train …`).

Every process builds the same networks from the same seed, takes its share of
each global batch, and averages gradients with an all-reduce before each
optimiser step, so all replicas stay identical. The averaging is explicit
rather than DistributedDataParallel's hooks because the GAN's R1 penalty needs
a double backward, which those hooks do not support (StyleGAN2-ADA does the same).
Rank 0 alone logs, samples, checkpoints and exports. Backend: NCCL on CUDA, gloo otherwise.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def shard(self, idx: torch.Tensor) -> torch.Tensor:
        """This process's share of a global batch of indices."""
        return idx[self.rank::self.size]


def init_world() -> World:
    """Join the torchrun process group if launched by torchrun, else a world of one."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size <= 1:
        return World()
    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return World(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0")))


def _shared() -> bool:
    """Whether this process trains beside others (a torchrun group of more than one)."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def processes() -> int:
    """How many processes train together: the torchrun group's size, 1 without one."""
    return dist.get_world_size() if _shared() else 1


def average_gradients(params: Iterable[torch.nn.Parameter]) -> None:
    """All-reduce and average gradients across processes; a no-op in a world of one."""
    if not _shared():
        return
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.flatten() for g in grads])  # one message instead of one per tensor
    dist.all_reduce(flat)
    flat /= dist.get_world_size()
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


def mean_across_processes(t: torch.Tensor) -> torch.Tensor:
    """The mean of a small CPU tensor over all processes (itself in a world of one): a statistic every
    replica must act on alike, such as adaptive augmentation's."""
    if not _shared():
        return t
    moved = t.to("cuda" if dist.get_backend() == "nccl" else "cpu")  # NCCL only moves GPU tensors
    dist.all_reduce(moved)
    return moved.cpu() / dist.get_world_size()


def barrier() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.barrier()


def finish() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
