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
from genimg_gui import cli
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
