"""A network too large for the memory, said in words before the training starts. Its weights are made as the recipe
builds it, before the first step: `--set channels=[100000,100000]` ended there in a 40-line allocator traceback.
And a run that runs out of memory at a step (ran_out_at): said in words too, its last checkpoint kept."""
from __future__ import annotations

import traceback
from pathlib import Path
from typing import Callable, TypeVar

import torch

from ..earlier_run import CHECKPOINT_FILE, SHAPE_SETTINGS, forget_earlier_run, forget_half_written, typed_setting
from ..wording import counted, one_of
from . import TrainUsageError
from .out_lock import remove_if_empty

R = TypeVar("R")
# fp32: a trained weight, its gradient and Adam's two moments; a weight not trained (a GAN's EMA copy) alone
BYTES_TRAINED, BYTES_KEPT = 16, 4


def built_recipe(make_recipe: Callable[[object, torch.device], R], opts, device: torch.device) -> R:
    """make_recipe(opts, device), its networks built; out of memory while building them: a usage error that says
    how much the network needs and what to change, the earlier run in the output folder untouched (nothing has
    been written yet)."""
    try:
        return make_recipe(opts, device)
    except (RuntimeError, MemoryError) as e:
        from ..engine.ran_out import out_of_memory
        if not out_of_memory(e):
            raise
        raise TrainUsageError(too_large(make_recipe, opts, device)) from None


def too_large(make_recipe: Callable[[object, torch.device], object], opts, device: torch.device) -> str:
    """What a network that ran out of memory as it was built asks for: "the network of --set channels=[…] does not
    fit in the memory of cpu: its 900,019,400,011 weights need about 13 TiB to train; use smaller channels or
    latent_channels (--set)"."""
    shape = [typed_setting(key, opts.extra[key]) for key in SHAPE_SETTINGS if key in opts.extra]
    of = f" of --set {' --set '.join(shape)}" if shape else ""
    weights, n_bytes = network_weights(make_recipe, opts)
    need = f": its {counted(weights, 'weight')} need about {_size(n_bytes)} to train" if weights else ""
    other = "; or close other GPU programs" if device.type != "cpu" else ""
    # the sizes this kind's --set takes (a GAN's w_dim makes a square matrix, as channels a square kernel stack)
    sizes = [key for key in SHAPE_SETTINGS if key != "styles" and key in getattr(make_recipe, "settings", ())]
    return (f"the network{of} does not fit in the memory of {device}{need}; use smaller "
            f"{one_of(sizes or ['channels'])} (--set){other}")


def network_weights(make_recipe: Callable[[object, torch.device], object], opts) -> tuple[int, int]:
    """The weights of the recipe's networks and the bytes their training holds, counted on torch's meta device
    (shapes, no memory); (0, 0) when they cannot be counted so (a recipe that reads a model from disk as it
    builds)."""
    meta = torch.device("meta")
    try:
        with meta:
            recipe = make_recipe(opts, meta)
    except Exception:  # only a figure for the message: the message goes without it
        return 0, 0
    networks = {id(net): net for net in vars(recipe).values() if isinstance(net, torch.nn.Module)}
    weights = [p for net in networks.values() for p in net.parameters()]
    return (sum(p.numel() for p in weights),
            sum(p.numel() * (BYTES_TRAINED if p.requires_grad else BYTES_KEPT) for p in weights))


def _size(n_bytes: int) -> str:
    """1.5 GiB, 335 GiB, 13.1 TiB: two or three figures, as a size is said to be too large."""
    for unit, size in (("TiB", 2 ** 40), ("GiB", 2 ** 30)):
        if n_bytes >= size:
            return f"{n_bytes / size:,.{0 if n_bytes >= 10 * size else 1}f} {unit}"
    return f"{n_bytes / 2 ** 20:,.0f} MiB"


def ran_out_at(error: BaseException, step: int, out: Path, device: torch.device, batch_size: int, tidy: bool,
               created: Path | None) -> TrainUsageError:
    """The usage error (exit code 2, as a network too large to build) for a run that ran out of memory at step (in
    it, or in its sample grid, evaluation or checkpoint): it ended in a traceback, or CUDA's raw text. Tidied (tidy:
    the process that writes): a checkpoint half-written removed, the last one kept for --resume; without one, the
    run's files removed, and the folders made for it (created) if that leaves them empty. Another error: raised.
    batch_size: the images a step trained on."""
    from ..engine.ran_out import out_of_memory
    from .checkpoints import checkpoint_step
    if not out_of_memory(error):
        raise error
    traceback.clear_frames(error.__traceback__)  # the failed step's tensors freed, before the checkpoint is read
    kept = None
    if tidy:
        forget_half_written(out)
        if (out / CHECKPOINT_FILE).is_file():
            kept = checkpoint_step(out / CHECKPOINT_FILE)
        else:  # a sample grid or best.pt alone: nothing --resume could go on from
            forget_earlier_run(out)
            if created is not None:
                remove_if_empty(out, created)
    smaller = f"a smaller --batch-size ({batch_size // 2}; {batch_size} now)" if batch_size > 1 else ""
    other = ("; or close other programs" if device.type == "cpu"
             else "; or close other GPU programs, or train on the CPU (--device cpu, slower)")
    if not (out / CHECKPOINT_FILE).is_file():
        try_ = f"; try {smaller} or --resolution" if smaller else "; try a smaller --resolution"
        return TrainUsageError(f"out of memory on {device} at step {step}, before the run's first checkpoint: nothing "
                               f"is written{try_}{other}")
    at = f" (step {kept})" if kept is not None else ""
    resume = f"--resume and {smaller}" if smaller else "--resume once more memory is free"
    return TrainUsageError(f"out of memory on {device} at step {step}: {out / CHECKPOINT_FILE}{at} is kept: go on "
                           f"from it with {resume}, or start over with a smaller --resolution (--overwrite){other}")
