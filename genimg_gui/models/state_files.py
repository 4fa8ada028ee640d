"""Named tensors from a weights file of another project: .safetensors, or a torch file read with
weights_only=True (never unpickling code), and a strict load that says what does not fit."""
from __future__ import annotations

import json
import struct
import warnings
import zipfile
from pathlib import Path
from typing import IO, Any, Callable

import torch
from safetensors import SafetensorError, safe_open
from torch import nn

from ..file_damage import CUT_SHORT_SAID, GARBLED_HEADER_SAID, damage_reason
from ..wording import listed
from .errors import ModelFileError

TORCH_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin")
HEADER_CAP = 100 << 20  # a safetensors header longer than this is garbled, not a header
NAMED_MISFITS = 3  # tensors named per kind of misfit, the rest counted: a message, not a listing


def load_plain(source: str | Path | IO[bytes], mmap: bool = False) -> Any:
    """torch.load with weights_only=True: tensors and plain containers, never code. Quiet about a pickle protocol
    other than torch's own: the file is read as safely either way, and the UserWarning put torch's source path on
    the CLI's stderr."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Detected pickle protocol", UserWarning)
        return torch.load(source, map_location="cpu", weights_only=True, mmap=mmap)


def safetensors_names(path: Path) -> list[str]:
    """Tensor names from the JSON header alone (the first 8 bytes give its length)."""
    with path.open("rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        if length > HEADER_CAP:  # no header is so long: its first bytes are no safetensors length
            raise ModelFileError(GARBLED_HEADER_SAID)
        if length > path.stat().st_size - 8:  # the file stops inside its header
            raise ModelFileError(CUT_SHORT_SAID)
        header = json.loads(f.read(length))
    if not isinstance(header, dict):
        raise ModelFileError("its safetensors header is not a JSON object")
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    ends = [v["data_offsets"][1] for v in tensors.values() if isinstance(v, dict) and "data_offsets" in v]
    if ends and 8 + length + max(ends) > path.stat().st_size:  # the header alone read as a model that does not fit
        raise ModelFileError(f"{CUT_SHORT_SAID}, {path.stat().st_size:,} of {8 + length + max(ends):,} bytes")
    return list(tensors)


def error_reason(e: Exception, path: Path | None = None) -> str:
    """Why a weights file could not be read, in a few words: a ModelFileError's own, else file_damage's (torch's
    weights-only refusal runs to a page, and its class name told a user nothing)."""
    return str(e) if isinstance(e, ModelFileError) else damage_reason(e, path)


def damaged_safetensors(path: Path, error: Exception) -> str:
    """'a damaged file, not a readable safetensors file (why)', for a .safetensors file reading raised error on:
    why is its header's account where it gives one (truncated, a header longer than the file), else the error's.
    A file opened alone (foreign.identify) and a model folder's weights (weights.read_tensors) are named alike."""
    if path.is_file() and path.stat().st_size == 0:  # else explained as "unpack requires a buffer of 8 bytes"
        return "an empty file (0 bytes), not a readable safetensors file: copy or export it again"
    try:
        safetensors_names(path)
    except Exception as e:  # noqa: BLE001 - a damaged header fails in many ways (struct, JSON, its own checks)
        error = e
    return f"a damaged file, not a readable safetensors file ({error_reason(error, path)})"


def read_state_file(path: Path, keep: Callable[[str], bool] = lambda k: True) -> dict[str, torch.Tensor]:
    """Tensors named by `keep` from a .safetensors or a weights-only torch file; never unpickles code."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path} does not exist or is not a file")
    if path.suffix == ".safetensors":
        try:
            with safe_open(str(path), "pt") as f:  # reads only the tensors asked for: full SD files are GBs
                return {k: f.get_tensor(k) for k in f.keys() if keep(k)}
        except (SafetensorError, OSError, ValueError) as e:
            raise ModelFileError(f"{path.name} is {damaged_safetensors(path, e)}") from None
    if path.suffix not in TORCH_SUFFIXES:
        raise ModelFileError(f"{path.name}: expected a .safetensors or {'/'.join(TORCH_SUFFIXES)} weights file")
    try:
        raw = load_plain(str(path), mmap=zipfile.is_zipfile(path))
    except Exception as e:  # the weights-only unpickler raises several types for code or corrupt data
        raise ModelFileError(f"{path.name} cannot be read as plain tensors ({damage_reason(e, path)}); genimg "
                             "never runs code from a model file") from None
    if isinstance(raw, dict) and isinstance(raw.get("state_dict"), dict):
        raw = raw["state_dict"]
    if not isinstance(raw, dict):
        raise ModelFileError(f"{path.name} holds a {type(raw).__name__}, not a dict of named tensors")
    return {str(k): v for k, v in raw.items() if isinstance(v, torch.Tensor) and keep(str(k))}


# why weights hold NaN: a file from elsewhere may be either; a genimg model folder's were written by its training
FOREIGN_NAN_CAUSE = "a damaged copy, or a model whose training diverged"


def load_strict(net: nn.Module, state: dict[str, torch.Tensor], source: str, assign: bool = False) -> nn.Module:
    """load_state_dict(strict=True) of a file from elsewhere (source: the user's file, as messages name it), after
    the checks a genimg model folder's weights get (weights.load_model): names, shapes and number kinds (misfits: an
    integer copy of the weights, cast to float, drew a flat picture) and finite values (check_finite: NaN weights were
    converted into genimg's cache, then refused there in its name). Floating widths (fp16, bf16) are cast to the
    network's. assign=True takes the tensors themselves (a net built on the meta device has no storage to copy into)."""
    if problems := misfits(net, state):
        raise ModelFileError(f"{source} does not fit {type(net).__name__} ({'; '.join(problems)})")
    check_finite(state, source, FOREIGN_NAN_CAUSE)
    expected = net.state_dict()
    net.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()}, strict=True, assign=assign)
    return net.eval()


def check_finite(state: dict[str, torch.Tensor], source: str, cause: str) -> None:
    """Refuse weights that hold NaN or infinite values, which draw nothing; cause: what most likely put them there."""
    bad = [k for k, t in state.items() if t.is_floating_point() and not bool(torch.isfinite(t).all())]
    if bad:
        raise ModelFileError(f"{source} holds NaN or infinite values in {len(bad)} tensor{'s' if len(bad) > 1 else ''} "
                             f"({listed(bad, NAMED_MISFITS)}), so it would draw nothing: {cause}")


def misfits(net: nn.Module, state: dict) -> list[str]:
    """What in state does not fit net, each kind counted and its tensors named with what was found and expected
    ("2 missing: a, b", "1 with the wrong shape: c (8, 3) (expected (16, 3))", "1 with the wrong data type: d
    int64 (expected float32)"; a long list names NAMED_MISFITS and counts the rest), where load_state_dict's
    RuntimeError said "Error(s) in loading state_dict for ConvVAE"; [] when it fits."""
    expected = net.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    found = {k: state[k] for k in expected if isinstance(state.get(k), torch.Tensor)}
    wrong_shape = [f"{k} {tuple(t.shape)} (expected {tuple(expected[k].shape)})" for k, t in found.items()
                   if t.shape != expected[k].shape]
    wrong_type = [f"{k} {_dtype_name(t.dtype)} (expected {_dtype_name(expected[k].dtype)})" for k, t in found.items()
                  if _number_kind(t.dtype) != _number_kind(expected[k].dtype)]
    return [f"{len(items)} {what}: {listed(items, NAMED_MISFITS)}"
            for what, items in (("missing", missing), ("unexpected", unexpected), ("with the wrong shape", wrong_shape),
                                ("with the wrong data type", wrong_type)) if items]


def _number_kind(dtype: torch.dtype) -> str:
    """What a tensor's numbers are. Floating widths load into one another (an fp16 or bf16 copy of fp32 weights
    is cast as it loads); integers or booleans where weights belong were cast silently into nonsense."""
    if dtype.is_floating_point:
        return "floating point"
    return "complex" if dtype.is_complex else "bool" if dtype == torch.bool else "integer"


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")
