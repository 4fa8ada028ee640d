"""Latent files whose .npy headers claim more than any latent: a 310-byte file claiming a (4, 10^6, 10^6) latent
asked numpy for 14.6 TiB, and its MemoryError went up as a traceback (the window said nothing, `genimg decode` ended
in it); a 1 MB compressed file of zeros held the window for 8 s and 1 GiB. Each is now refused from its header, in
the words of any other damaged latent file; and the window reads a large latent file on the worker, not on its
own thread (a file at the size limit took 10 s). One that meets a MemoryError as it is read:
test_latent_out_of_memory."""
from __future__ import annotations

import io
import json
import threading
import zipfile

import numpy as np
import pytest

from conftest import UI_TIMEOUT
from genimg_gui import cli, export
from genimg_gui.engine import worker
from genimg_gui.export import read_latent
from genimg_gui.ui import latent_files
from genimg_gui.ui.settings import Settings

from test_masked_edits import open_images
from ui_helpers import drop

BOMB = (4, 10**6, 10**6)
BOMB_SAID = ("edit.npz is not a readable latent file (its 'latent' array claims 4×1000000×1000000 values, more than "
             "a latent of a picture at genimg's limit of 150 megapixels holds; GENIMG_MAX_PIXELS sets it)")


def npy_header(shape: tuple[int, ...], dtype: str = "<f4") -> bytes:
    """An .npy member that holds only its header: the array it claims, none of its data."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def bomb(path, key: str = "latent", shape: tuple[int, ...] = BOMB, dtype: str = "<f4"):
    """A small latent file, as the app writes one, whose array `key` claims `shape` (and holds nothing)."""
    arrays = {"latent": np.zeros(512, np.float32), "base": np.zeros(512, np.float32),
              "model": np.asarray(json.dumps({"name": "tiny-vae", "kind": "vae"}))}
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            if name != key:
                buffer = io.BytesIO()
                np.save(buffer, array)
                archive.writestr(f"{name}.npy", buffer.getvalue())
        archive.writestr(f"{key}.npy", npy_header(shape, dtype))
    return path


def test_a_dropped_bomb_is_said_and_the_window_keeps_its_pictures(qtbot, window, image_files, tmp_path):
    doc = window.document
    open_images(qtbot, window, image_files[:1])
    items = dict(doc.items)
    path = bomb(tmp_path / "edit.npz")
    Settings().add_recent([str(path)])
    drop(window, [path])
    qtbot.waitUntil(lambda: "edit.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == BOMB_SAID
    assert window.statusBar().currentMessage() == f"⚠ {BOMB_SAID}"
    qtbot.waitUntil(lambda: not window.opener.latents.on_their_way(), timeout=UI_TIMEOUT)
    assert doc.items == items
    assert str(path) not in Settings().recent_files()  # as a damaged picture leaves Open recent
    open_images(qtbot, window, image_files[1:2])  # and the window goes on


def test_the_window_reads_a_large_latent_file_on_the_worker(qtbot, window, tmp_path, monkeypatch):
    """A file at the size limit took 10 s to read: on the GUI thread, it held the window that long. One past
    READ_HERE (by its headers) is read by the worker, and opens as any other."""
    threads = []

    def read_noting_thread(path):
        threads.append(threading.current_thread())
        return read_latent(path)
    monkeypatch.setattr(worker, "read_latent", read_noting_thread)
    path, latent = tmp_path / "masked.npz", np.zeros(512, np.float32)
    np.savez_compressed(path, latent=latent, base=latent, mask=np.ones((1100, 1100), np.float32))
    assert export.bytes_to_read(path) > latent_files.READ_HERE
    before = len(window.document.items)
    window.open_paths([str(path)])
    qtbot.waitUntil(lambda: len(window.document.items) == before + 1, timeout=UI_TIMEOUT)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert "Opened masked.npz" in window.status.log.text()


def test_decode_of_a_bomb_says_so_without_a_traceback(tmp_path, capsys):
    path = bomb(tmp_path / "edit.npz")
    assert cli.main(["decode", str(path), "-o", str(tmp_path / "out"), "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert err == f"genimg: error: {BOMB_SAID.replace('edit.npz', str(path), 1)}\n"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("key", ["latent", "base", "mask", "model"])
def test_every_array_read_is_bounded_by_its_header(tmp_path, key):
    """One value past the bound, in numbers; a JSON record of more bytes than as many float64 values."""
    most = export.MOST_MASK_VALUES if key == "mask" else export.MOST_LATENT_VALUES
    shape, dtype, claimed = (most + 1,), "<f4", f"{most + 1:,} values"
    if key == "model":  # one string of 4 bytes a character
        shape, dtype, claimed = (), f"<U{most * 2 + 1}", f"1 value of {most * 8 + 4:,} bytes"
    with pytest.raises(ValueError) as refused:
        read_latent(bomb(tmp_path / "x.npz", key, shape, dtype))
    assert str(refused.value).startswith(f"x.npz is not a readable latent file (its '{key}' array claims {claimed}")


def test_an_array_at_the_bound_is_read_past_its_header(tmp_path):
    """At the bound, numpy reads on and finds the data missing (a file cut short), as any cut-off file."""
    with pytest.raises(ValueError) as refused:
        read_latent(bomb(tmp_path / "x.npz", "latent", (export.MOST_LATENT_VALUES,)))
    assert "claims" not in str(refused.value) and "x.npz is not a readable latent file (" in str(refused.value)


def test_a_latent_member_that_is_no_npy_is_refused_unread(tmp_path):
    """np.load reads a member that is not an .npy as its bytes, whole: a compressed gigabyte of zeros held 1 GiB."""
    path = tmp_path / "x.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("latent", b"\0" * 1000)
    with pytest.raises(ValueError, match=r"^x\.npz is not a readable latent file \(the magic string is not correct"):
        read_latent(path)


def test_the_bound_follows_the_picture_limit():
    """One limit, GENIMG_MAX_PIXELS: a latent holds at most 16 values an 8×8 cell (SD3's and Flux's VAEs)."""
    assert export.MOST_MASK_VALUES == export.MAX_PIXELS
    assert export.MOST_LATENT_VALUES == export.MAX_PIXELS // 4

