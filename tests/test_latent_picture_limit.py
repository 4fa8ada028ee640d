"""A latent file's picture is bounded in pixels, whatever its channels: a (4, 1600, 1600) latent (a 40 KB file) passed
the bound on values, sized for 16 channels a cell, and `genimg decode --vae taesd_encoder.pth` drew it at
12800×12800 (164 megapixels, above the 150 genimg opens), still running after 90 s at 2.5 GB. It is now refused as
the file is read (at 8×8 pixels a latent cell, the cell of the spatial VAEs people use), and again before any decode,
at the VAE's own cell, with the size it would draw and the limit."""
from __future__ import annotations

import numpy as np
import pytest

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui import cli, export
from genimg_gui.engine.runtime import Runtime
from genimg_gui.export import read_latent
from ui_helpers import drop

BIG = (4, 1600, 1600)  # 12800×12800 at 8×8 pixels a cell: 164 megapixels
TOO_LARGE = ("is too large to draw: its 4×1600×1600 latent makes a picture of 12800×12800 pixels (164 megapixels) at "
             "8×8 pixels a latent cell, above genimg's limit of 150 megapixels (GENIMG_MAX_PIXELS sets it)")


def big_latent_file(path):
    np.savez_compressed(path, latent=np.zeros(BIG, np.float32))  # zeros: 40 KB on disk
    return path


def test_a_latent_drawing_past_the_limit_is_refused_as_it_is_read(tmp_path):
    with pytest.raises(ValueError) as refused:
        read_latent(big_latent_file(tmp_path / "big.npz"))
    assert str(refused.value) == f"big.npz {TOO_LARGE}"


def test_a_latent_of_four_channels_at_the_limit_is_read(tmp_path):
    """At the limit (here 1,530×1,530 cells: 149.8 megapixels) it reads, as its picture would open."""
    path = tmp_path / "edge.npz"
    np.savez_compressed(path, latent=np.zeros((4, 1530, 1530), np.float32))
    assert read_latent(path).latent.shape == (4, 1530, 1530)


def test_decode_refuses_it_without_drawing(tmp_path, capsys):
    enc, _ = fb.taesd_pair(tmp_path)
    path = big_latent_file(tmp_path / "big.npz")
    assert cli.main(["decode", "--vae", str(enc), "-o", str(tmp_path / "out"), "--device", "cpu", str(path)]) == 1
    assert TOO_LARGE in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("channels", [4, 16])
def test_the_runtime_refuses_to_decode_past_the_limit_at_the_vaes_cell(tmp_path, channels):
    """The check before a decode, which the window's and the command line's drawings all pass through: a latent
    that came some other way than a file (an edit, a session) is bounded too, at the VAE's own cell."""
    rt = Runtime("cpu")
    rt.load(str(fb.taesd_pair(tmp_path, channels)[0]), lambda *_: None)
    latent = np.zeros((channels, 1600, 1600), np.float32)
    with pytest.raises(ValueError) as refused:
        rt.render("vae", latent, np.ones((4, 4), np.float32), latent)
    assert str(refused.value) == (f"this {channels}×1600×1600 latent is too large to draw: the VAE makes a picture "
                                  "of 12800×12800 pixels (164 megapixels) of it, above genimg's limit of 150 "
                                  "megapixels (GENIMG_MAX_PIXELS sets it)")
    assert rt.decode_count == 0
    assert rt.decode("vae", np.zeros((channels, 8, 8), np.float32)).shape == (64, 64, 3)


def test_the_window_says_so_and_keeps_its_pictures(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])
    items = dict(window.document.items)
    drop(window, [big_latent_file(tmp_path / "big.npz")])
    qtbot.waitUntil(lambda: "big.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == f"big.npz {TOO_LARGE}"
    qtbot.waitUntil(lambda: not window.opener.latents.on_their_way(), timeout=UI_TIMEOUT)
    assert window.document.items == items


def open_from_recent(window, path) -> None:
    """File → Open recent → path, as the user picks it."""
    window.opener.fill_recent_menu()
    [action] = [a for a in window.recent_menu.actions() if a.data() == str(path)]
    action.trigger()


def refused_from_recent(qtbot, window, path) -> None:
    """Open path from File → Open recent, and wait until the window has said why not and is done with it."""
    window.settings.add_recent([str(path)])
    items = dict(window.document.items)
    open_from_recent(window, path)
    qtbot.waitUntil(lambda: path.name in window.last_error, timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: not window.opener.latents.on_their_way(), timeout=UI_TIMEOUT)
    assert window.document.items == items


@pytest.fixture
def taesd_window(qtbot, window, tmp_path):
    """The window with a spatial VAE (TAESD, 8×8 pixels a latent cell) loaded."""
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])
    return window


def test_a_latent_too_large_to_draw_read_by_the_worker_stays_in_open_recent(qtbot, taesd_window, tmp_path):
    """It was taken out of Open recent as a damaged file; nothing is wrong with it: a raised limit opens it."""
    path = big_latent_file(tmp_path / "big.npz")  # its arrays are past READ_HERE: read on the worker
    refused_from_recent(qtbot, taesd_window, path)
    assert taesd_window.last_error == f"big.npz {TOO_LARGE}"
    assert str(path) in taesd_window.settings.recent_files()


def test_a_latent_too_large_to_draw_read_here_stays_in_open_recent_and_opens_past_a_raised_limit(
        qtbot, taesd_window, tmp_path, monkeypatch):
    """A small file (read on the GUI thread) past a small limit: kept; the limit raised, the same entry opens it."""
    path = tmp_path / "small.npz"
    np.savez(path, latent=np.zeros((4, 100, 100), np.float32))  # 800×800 pixels at 8×8 a cell
    monkeypatch.setattr(export, "MAX_PIXELS", 600 * 600)
    refused_from_recent(qtbot, taesd_window, path)
    assert "small.npz is too large to draw: its 4×100×100 latent makes a picture of 800×800 pixels" in (
        taesd_window.last_error)
    assert str(path) in taesd_window.settings.recent_files()
    monkeypatch.undo()
    open_from_recent(taesd_window, path)
    qtbot.waitUntil(lambda: any(i.name.startswith("small") for i in taesd_window.document.items.values()),
                    timeout=UI_TIMEOUT)


def test_a_latent_file_its_vae_refuses_to_draw_as_too_large_stays_in_open_recent(qtbot, taesd_window, tmp_path,
                                                                                 monkeypatch):
    """One read at a smaller cell than its VAE's (a VAE of 16×16 pixels a cell draws 4× the picture read_latent
    bounds), refused by the Runtime before the decode: it records its VAE's weights, and was said to be damaged."""
    path, info = tmp_path / "made.npz", taesd_window.document.models["vae"]
    latent = np.zeros((4, 100, 100), np.float32)
    export.export_latent(path, latent, latent, (), (), export.model_record(info))
    monkeypatch.setattr(export, "MAX_PIXELS", 600 * 600)
    monkeypatch.setattr(export, "LATENT_CELL", 4)  # read: 400×400 pixels, within; drawn at the VAE's 8: 800×800
    refused_from_recent(qtbot, taesd_window, path)
    assert "this 4×100×100 latent is too large to draw: the VAE makes a picture of 800×800 pixels" in (
        taesd_window.last_error)
    assert str(path) in taesd_window.settings.recent_files()
