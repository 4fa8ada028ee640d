"""Read StyleGAN network pickles without running any code from them.

A StyleGAN2-ADA / StyleGAN3 `network-snapshot.pkl` is a pickle of a dict of
networks. Each network is stored as `torch_utils.persistence.
_reconstruct_persistent_obj(meta)`, where meta holds the module's source code
(`module_src`) and its `__dict__` (`state`). A plain `pickle.load` would exec
that source, and any pickle can name any callable (`os.system`, `builtins.eval`).

Here the unpickler resolves only an allowlist of globals: torch's tensor and
storage rebuilders, numpy's array rebuilders, plain containers. The persistence
hook is replaced by a stub that keeps class name and state and never looks at
`module_src`. Every other global ends the read with an UnsafePickleError that
names it, before anything is called.
"""
from __future__ import annotations

import collections
import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..file_damage import TEXT_SAMPLE, damage_reason, is_pickle, system_reason
from .errors import ModelFileError
from .state_files import load_plain

_TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # first object of a pre-1.6 torch.save file


class UnsafePickleError(ModelFileError):
    """The pickle names a global that a network pickle never needs (and that could run code)."""

    def __init__(self, source: str, global_name: str) -> None:
        self.global_name = global_name
        super().__init__(f"{source} refers to {global_name}, which a network pickle never needs; "
                         "nothing was loaded from it, because unpickling it could run code. "
                         "Only tensors, plain containers and StyleGAN network objects are read.")


class TensorFlowPickleError(ModelFileError):
    """A pickle of the original TensorFlow StyleGAN (dnnlib.tflib): needs converting first."""


class PersistentStub:
    """What a `torch_utils.persistence` object becomes: its class name and its `__dict__`."""

    __slots__ = ("class_name", "state")

    def __init__(self, class_name: str, state: dict) -> None:
        self.class_name = class_name
        self.state = state

    def __repr__(self) -> str:
        return f"PersistentStub({self.class_name!r})"


class AttrDict(dict):
    """Stands in for dnnlib.util.EasyDict (a dict subclass) in `_init_kwargs`."""


def _reconstruct_persistent_obj(meta: Any) -> PersistentStub:
    # Deliberately reads only 'type', 'class_name' and 'state': meta['module_src'] is code.
    if not isinstance(meta, dict) or meta.get("type") != "class":
        raise ModelFileError("a persistent object in the pickle is not a class instance "
                             f"(type {meta.get('type') if isinstance(meta, dict) else type(meta).__name__!r})")
    state = meta.get("state")
    return PersistentStub(str(meta.get("class_name")), state if isinstance(state, dict) else {})


def _load_storage_bytes(data: bytes) -> Any:
    """`torch.storage._load_from_bytes`: a storage saved by torch.save, read weights-only."""
    return load_plain(io.BytesIO(data))


def _encode(text: str, encoding: str = "latin1") -> bytes:
    """`_codecs.encode`: how protocol-2 pickles spell a bytes object."""
    if not isinstance(text, str):
        raise ModelFileError("malformed bytes object in the pickle")
    return text.encode(encoding)


class _StorageType:
    """A `torch.FloatStorage`-like name in a zip pickle: only its dtype matters."""

    def __init__(self, dtype: torch.dtype) -> None:
        self.dtype = dtype


_STORAGE_DTYPES = {f"{name}Storage": dtype for name, dtype in (
    ("Double", torch.float64), ("Float", torch.float32), ("Half", torch.float16), ("BFloat16", torch.bfloat16),
    ("Long", torch.int64), ("Int", torch.int32), ("Short", torch.int16), ("Char", torch.int8),
    ("Byte", torch.uint8), ("Bool", torch.bool), ("Untyped", torch.uint8))}


def _torch_global(name: str) -> Any:
    """`torch.FloatStorage` and the like (zip pickles), dtypes, torch.Size and torch.device."""
    if name in _STORAGE_DTYPES:
        return _StorageType(_STORAGE_DTYPES[name])
    value = getattr(torch, name, None)
    if isinstance(value, torch.dtype) or name in ("Size", "device"):
        return value
    return None


try:  # numpy >= 2 moved numpy.core to numpy._core; pickles name either
    from numpy._core import multiarray as _np_multiarray
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core import multiarray as _np_multiarray
_NP_RECONSTRUCT = _np_multiarray._reconstruct
_NP_SCALAR = _np_multiarray.scalar


def _np_from_buffer(buf: Any, dtype: Any, shape: Any, order: str) -> np.ndarray:
    """`numpy._core.numeric._frombuffer`: an array from raw bytes (pickle protocol 5)."""
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order=order)
ALLOWED: dict[tuple[str, str], Any] = {
    ("torch._utils", "_rebuild_tensor"): torch._utils._rebuild_tensor,
    ("torch._utils", "_rebuild_tensor_v2"): torch._utils._rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): torch._utils._rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): torch._utils._rebuild_parameter_with_state,
    ("torch.storage", "_load_from_bytes"): _load_storage_bytes,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("_codecs", "encode"): _encode,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _NP_RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _NP_RECONSTRUCT,
    ("numpy.core.multiarray", "scalar"): _NP_SCALAR,
    ("numpy._core.multiarray", "scalar"): _NP_SCALAR,
    ("numpy.core.numeric", "_frombuffer"): _np_from_buffer,
    ("numpy._core.numeric", "_frombuffer"): _np_from_buffer,
    ("torch_utils.persistence", "_reconstruct_persistent_obj"): _reconstruct_persistent_obj,
    ("dnnlib.util", "EasyDict"): AttrDict,
    **{("builtins", t.__name__): t for t in (set, frozenset, dict, list, tuple, int, float, bool, complex)},
}


class RestrictedUnpickler(pickle.Unpickler):
    """An Unpickler that resolves only ALLOWED globals; storages of zip files come from `archive`."""

    def __init__(self, file: io.BufferedIOBase, source: str,
                 archive: zipfile.ZipFile | None = None, prefix: str = "", tensor_data: bool = True) -> None:
        """tensor_data=False reads no storage of the archive: each stands in on the meta device, of the size the
        pickle declares, for a caller that asks only what the pickle holds (foreign.identify)."""
        super().__init__(file)
        self.source, self.archive, self.prefix, self.tensor_data = source, archive, prefix, tensor_data

    def find_class(self, module: str, name: str) -> Any:
        module = {"__builtin__": "builtins", "copy_reg": "copyreg"}.get(module, module)
        if module.split(".")[0] == "tfutil" or module == "dnnlib.tflib" or module.startswith("dnnlib.tflib."):
            raise TensorFlowPickleError(
                f"{self.source} is a TensorFlow StyleGAN pickle (it holds {module}.{name}); "
                "convert it to PyTorch first (stylegan2-ada-pytorch's legacy.py does that), "
                "then open the converted .pkl")
        found = ALLOWED.get((module, name))
        if found is None and module == "torch":
            found = _torch_global(name)
        if found is None:
            raise UnsafePickleError(self.source, f"{module}.{name}")
        return found

    def persistent_load(self, pid: Any) -> Any:
        """Storages of a torch.save zip file: ('storage', type, key, location, numel)."""
        if self.archive is None or not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise ModelFileError(f"{self.source} holds an external reference the reader cannot follow")
        _, storage_type, key, _, numel = pid
        if not isinstance(storage_type, _StorageType):
            raise ModelFileError(f"{self.source} holds a storage of an unknown type")
        if not isinstance(numel, int) or numel < 0:
            raise ModelFileError(f"{self.source} declares a tensor of {numel!r} values")
        size = numel * storage_type.dtype.itemsize
        untyped = (self._read_record(f"{self.prefix}data/{key}", size) if self.tensor_data
                   else torch.UntypedStorage(size, device="meta"))
        return torch.storage.TypedStorage(wrap_storage=untyped, dtype=storage_type.dtype, _internal=True)

    def _read_record(self, name: str, size: int) -> torch.UntypedStorage:
        """The record's bytes, checked against the size its tensor declares and against how far weights inflate
        before any is inflated (a 2 MB file's one record inflated to 2 GiB, read whole and then copied: 4.4 GB),
        then read straight into the storage, a chunk at a time."""
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise ModelFileError(f"{self.source} lacks the tensor data record {name!r}") from None
        if info.file_size != size:
            raise ModelFileError(f"{self.source}'s tensor data record {name} holds {info.file_size:,} bytes where its "
                                 f"tensor declares {size:,}: a damaged file")
        if info.file_size > INFLATED_FREELY and info.file_size > MOST_INFLATION * info.compress_size:
            raise ModelFileError(f"{self.source}'s tensor data record {name} inflates from "
                                 f"{_size_said(info.compress_size)} to {_size_said(info.file_size)}, more than the "
                                 "weights of any network do: a damaged file, or one made to fill memory")
        storage = torch.UntypedStorage(size)
        into = torch.empty(0, dtype=torch.uint8).set_(storage).numpy()  # the storage's own bytes, written in place
        with self.archive.open(info) as record:
            for start in range(0, size, CHUNK):
                chunk = record.read(min(CHUNK, size - start))
                if len(chunk) != min(CHUNK, size - start):
                    raise ModelFileError(f"{self.source}'s tensor data record {name} ends early: a damaged file")
                into[start:start + len(chunk)] = np.frombuffer(chunk, np.uint8)
        return storage


# A torch.save zip stores its records as they are; weights deflated by hand shrink by a few percent, a layer of
# zeros (a bias, a noise strength) by up to 1000x but is small. A record larger than INFLATED_FREELY that inflates
# more than MOST_INFLATION times is refused unread: 2 GiB of zeros deflate 1000x, into 2 MB.
INFLATED_FREELY = 1 << 20
MOST_INFLATION = 50
CHUNK = 1 << 24  # bytes inflated at a time into a storage


def _size_said(size: int) -> str:
    """'65 KB', '67 MB': a record's size, in decimal units."""
    return next(f"{size / 10 ** power:,.0f} {unit}" for power, unit in ((9, "GB"), (6, "MB"), (3, "KB"), (0, "bytes"))
                if size >= 10 ** power or power == 0)


def _unpickle(path: Path, tensor_data: bool = True) -> Any:
    source = str(path)
    try:
        if zipfile.is_zipfile(path):  # torch.save's format: data.pkl + one record per storage
            with zipfile.ZipFile(path) as archive:
                record = next((n for n in archive.namelist() if n.endswith("data.pkl")), None)
                if record is None:
                    raise ModelFileError(f"{source} is a zip file but not a torch.save file (no data.pkl)")
                prefix = record[: -len("data.pkl")]
                with archive.open(record) as f:
                    return RestrictedUnpickler(f, source, archive, prefix, tensor_data).load()
        with open(path, "rb") as f:
            if not is_pickle(f.read(TEXT_SAMPLE)):  # protocol 0's text too: its globals are refused alike
                raise ModelFileError(f"{source} is not a network pickle (.pkl of StyleGAN2-ADA or StyleGAN3)")
            f.seek(0)
            return RestrictedUnpickler(f, source).load()
    except ModelFileError:
        raise
    except OSError as e:
        raise ModelFileError(f"cannot read {source} ({system_reason(e)})") from None
    except Exception as e:  # a corrupt pickle can fail in many ways; none of them ran foreign code
        raise ModelFileError(f"{source} is not a readable network pickle ({damage_reason(e, path)})") from None


def read_network_pickle(path: str | Path, tensor_data: bool = True) -> dict[str, Any]:
    """The pickle's top-level dict, with persistent networks as PersistentStub objects. tensor_data=False: a torch
    zip's tensors are left unread, on the meta device (RestrictedUnpickler)."""
    path = Path(path)
    data = _unpickle(path, tensor_data)
    if isinstance(data, int) and data == _TORCH_LEGACY_MAGIC:  # `==` on a tensor compares each element, or fails
        raise ModelFileError(f"{path} is a pre-1.6 torch.save file, not a network pickle")
    if not isinstance(data, dict):
        raise ModelFileError(f"{path} holds a {type(data).__name__}, not a dict of networks "
                             "(a StyleGAN pickle holds G, D and G_ema)")
    return data


def plain(value: Any) -> Any:
    """AttrDict/OrderedDict/tuples of them -> plain dicts and lists, for configs and JSON."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def flatten_state(stub: PersistentStub, prefix: str = "") -> dict[str, torch.Tensor]:
    """A module's `_parameters`, persistent `_buffers` and `_modules`, recursively, as state_dict keys."""
    state = stub.state
    skip = state.get("_non_persistent_buffers_set") or set()
    out: dict[str, torch.Tensor] = {}
    entries = list(state.get("_parameters", {}).items())
    entries += [(k, v) for k, v in state.get("_buffers", {}).items() if k not in skip]
    for name, tensor in entries:
        if tensor is None:
            continue
        if not isinstance(tensor, torch.Tensor):
            raise ModelFileError(f"{prefix}{name} in the pickle is a {type(tensor).__name__}, not a tensor")
        out[prefix + name] = tensor.detach()
    for name, child in state.get("_modules", {}).items():
        if child is None:
            continue
        if not isinstance(child, PersistentStub):
            raise ModelFileError(f"module {prefix}{name} in the pickle is a {type(child).__name__}, "
                                 "not a StyleGAN network object")
        out.update(flatten_state(child, f"{prefix}{name}."))
    return out


def stylegan_generator_state(path: str | Path, key: str = "G_ema") -> tuple[dict, dict[str, torch.Tensor], str]:
    """(init kwargs, state dict, class name) of the network stored under `key`."""
    data = read_network_pickle(path)
    if key not in data:
        found = ", ".join(sorted(map(str, data))) or "nothing"
        raise ModelFileError(f"{path} has no {key} network (it holds: {found}); "
                             "expected a StyleGAN2-ADA / StyleGAN3 network-snapshot .pkl")
    net = data[key]
    if not isinstance(net, PersistentStub):
        raise ModelFileError(f"{key} in {path} is a {type(net).__name__}, not a StyleGAN network object")
    kwargs = plain(net.state.get("_init_kwargs") or {})
    return kwargs, flatten_state(net), net.class_name
