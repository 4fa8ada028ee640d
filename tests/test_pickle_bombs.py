"""A torch zip pickle whose one tensor record inflates far past its file: a 2 MB `.pkl` (2 GiB of zeros, deflated)
cost 4.4 GB of memory before foreign.identify answered (the record read whole, then copied into a storage). Now
identify reads no tensor data at all (its storages stand in on the meta device), and a load checks each record's
sizes against the tensor the pickle declares, and against how far a record of weights inflates, before it inflates."""
from __future__ import annotations

import io
import pickle
import tracemalloc
import zipfile

import pytest
import torch

from genimg_gui.models.errors import ModelFileError
from genimg_gui.models.foreign import identify
from genimg_gui.models.safe_pickle import read_network_pickle, stylegan_generator_state
from test_stylegan2 import tiny_generator, write_pickle

MIB = 1 << 20


class _Storage:
    """Where the pickle names its one storage (persistent_id below writes the reference)."""


def zip_pickle(path, declared: int, held: bytes, compression: int = zipfile.ZIP_DEFLATED):
    """A torch.save-like zip: data.pkl {'G_ema': a float storage of `declared` values}, its record holding `held`."""
    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ("storage", torch.FloatStorage, "0", "cpu", declared) if isinstance(obj, _Storage) else None
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump({"G_ema": _Storage()})
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        archive.writestr("archive/data/0", held)
    return path


def peak_bytes(action) -> int:
    """The most memory Python's allocator held while action ran (numpy and bytes objects alike)."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_identify_reads_no_tensor_data(tmp_path):
    path = zip_pickle(tmp_path / "bomb.pkl", 16 * MIB, bytes(64 * MIB))  # 64 MiB of zeros: 64 KB in the file
    assert path.stat().st_size < MIB
    found = []
    assert peak_bytes(lambda: found.append(identify(path))) < 8 * MIB
    assert found[0].kind == "unsupported" and "G_ema is a TypedStorage" in found[0].description


def test_a_record_that_inflates_far_past_its_file_is_refused_before_it_is_inflated(tmp_path):
    path = zip_pickle(tmp_path / "bomb.pkl", 16 * MIB, bytes(64 * MIB))
    refused = []

    def read() -> None:
        with pytest.raises(ModelFileError) as raised:
            read_network_pickle(path)
        refused.append(raised.value)
    assert peak_bytes(read) < 8 * MIB
    assert str(refused[0]) == (f"{path}'s tensor data record archive/data/0 inflates from 65 KB to 67 MB, more "
                                  "than the weights of any network do: a damaged file, or one made to fill memory")


def test_a_record_of_another_size_than_its_tensor_is_refused(tmp_path):
    path = zip_pickle(tmp_path / "odd.pkl", 16, bytes(range(256)) * 4096, zipfile.ZIP_STORED)  # 1 MiB for 64 bytes
    with pytest.raises(ModelFileError) as refused:
        read_network_pickle(path)
    assert str(refused.value) == (f"{path}'s tensor data record archive/data/0 holds 1,048,576 bytes where its tensor "
                                  "declares 64: a damaged file")


def test_a_stylegan_pickle_saved_by_torch_reads_whole(tmp_path):
    """The checks pass a real torch.save zip (its records stored, each the size of its tensor), and identify still
    tells what it is without its data."""
    net = tiny_generator()
    path = write_pickle(tmp_path / "g.pkl", net, tmp_path / "ran", writer="torch.save")
    assert identify(path).kind == "stylegan"
    _, state, _ = stylegan_generator_state(path)
    assert len(state) > 10 and all(t.device.type == "cpu" and t.isfinite().all() for t in state.values())
