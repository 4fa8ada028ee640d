"""A latent file given where another kind goes is told one from its arrays' headers alone (export.holds_latent). The
notes read it whole to decide (not_a_model.latent_file_note, latent_as_picture_note, export.file_kind): an .npz
dropped on the Models tab, or picked with Open model…, was read on the GUI thread, ~10 s for a valid file near
read_latent's size limit. Here numpy's array reader counts what it is asked to read; the words are the same."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import UI_TIMEOUT, drag_drop, file_mime
from genimg_gui.cli import main
from genimg_gui.export import MOST_LATENT_VALUES, WIDEST_VALUE, file_kind
from genimg_gui.not_a_model import latent_as_picture_note
from genimg_gui.recipe import Recipe, RecipeError
from test_foreign_ui import menu_action

SHAPE = (16, 1024, 1536)  # a 4096×6144 picture's SD3 latent: 200 MB of float64 once read, 0.9 MB compressed
NOTE = ("big.npz is a latent file (from genimg encode, generate, edit or the app), not a model: open it with File → "
        "Open images… or drop it on the canvas")


def npy_member(archive: zipfile.ZipFile, key: str, array_or_shape) -> None:
    """key.npy in archive: an array, or zeros of a shape written chunk by chunk (never held whole here)."""
    with archive.open(f"{key}.npy", "w", force_zip64=True) as npy:
        if isinstance(array_or_shape, np.ndarray):
            np.lib.format.write_array(npy, array_or_shape, allow_pickle=False)
            return
        header = {"descr": "<f8", "fortran_order": False, "shape": array_or_shape}
        np.lib.format.write_array_header_1_0(npy, header)
        chunk = bytes(2**24)
        for _ in range(int(np.prod(array_or_shape)) * WIDEST_VALUE // len(chunk)):
            npy.write(chunk)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A valid latent file near read_latent's size limit, as `np.savez_compressed` writes one, with its model."""
    assert np.prod(SHAPE) <= MOST_LATENT_VALUES and np.prod(SHAPE) * WIDEST_VALUE % 2**24 == 0
    path = tmp_path_factory.mktemp("big") / "big.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        npy_member(archive, "latent", SHAPE)
        npy_member(archive, "model", np.asarray(json.dumps({"name": "sd3-vae", "kind": "vae"})))
    return path


@pytest.fixture()
def arrays_read(monkeypatch) -> list[tuple]:
    """The arrays numpy reads from now on (np.load's every f[key]), as (shape, dtype)."""
    read, real = [], np.lib.format.read_array

    def counted(*args, **kwargs):
        array = real(*args, **kwargs)
        read.append((array.shape, array.dtype))
        return array
    monkeypatch.setattr(np.lib.format, "read_array", counted)
    return read


def test_a_large_latent_given_as_a_model_is_told_without_reading_its_arrays(qtbot, window, big, arrays_read,
                                                                             monkeypatch):
    doc = window.document
    loaded = dict(doc.models)
    with qtbot.waitSignal(doc.error, timeout=UI_TIMEOUT) as said:
        assert drag_drop(window.model_panel, file_mime([big])) is not None  # a real drop on the Models tab
    assert said.args[0] == NOTE
    monkeypatch.setattr(window.model_opener, "ask_model_path", lambda: str(big))
    with qtbot.waitSignal(doc.error, timeout=UI_TIMEOUT) as said:
        menu_action(window, "Open &model…").trigger()
    assert said.args[0] == NOTE
    assert arrays_read == [] and doc.models == loaded and not doc.jobs  # nothing read, loaded or asked of the worker


def test_a_large_latent_given_as_a_picture_or_a_recipe_is_told_without_reading_its_arrays(big, arrays_read, capsys):
    assert main(["info", str(big)]) == 1
    assert capsys.readouterr().err == (f"genimg: error: {big} is a latent file (from genimg encode, generate, edit or "
                                       f"the app), not a model: `genimg decode {big} -o {big.parent}` decodes it "
                                       "beside itself\n")
    assert latent_as_picture_note(big, "encode").startswith("big.npz is a latent file, not an image: encode takes")
    assert file_kind(big) == "a latent file"
    with pytest.raises(RecipeError, match="^big.npz is a latent file, not an edit recipe: "):
        Recipe.load(big)
    assert arrays_read == []  # the old notes, which read_latent read whole (a second a note here), said the same


def test_an_npz_of_other_arrays_or_of_pickled_ones_is_no_latent_file(tmp_path, arrays_read):
    np.savez(tmp_path / "weights.npz", w=np.zeros(3))
    np.savez(tmp_path / "pickled.npz", latent=np.array([{"a": 1}], dtype=object))
    for name in ("weights.npz", "pickled.npz"):
        assert file_kind(tmp_path / name) == "" and latent_as_picture_note(tmp_path / name, "edit") == ""
    assert arrays_read == []
