"""File → Export PNG… and Export PNG upscaled ×4… say the size they wrote, and offer names of their own: both
wrote the model's resolution or four times it (a 4000 × 3000 photo exported as 64 × 64) under the same words,
and the ×4 export was offered the plain export's name."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from genimg_gui.ui.settings import Settings
from ui_helpers import export_names_offered, exports_written

TIMEOUT = 30_000


def test_exports_name_the_size_written_and_the_upscaled_one_its_own_file(qtbot, window, tmp_path, monkeypatch):
    photo = tmp_path / "photos" / "big4000.png"
    photo.parent.mkdir()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 400, 3), np.uint8)).save(photo)
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(photo)])
    exports = tmp_path / "exports"
    exports.mkdir()
    window.settings.exported_to(str(exports / "earlier.png"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: (start, ""))  # as offered
    log = window.status.log
    said = []
    for scale in (1, 4):
        window.exports.export_png_dialog(scale)
        exports_written(qtbot, window)  # written off the GUI thread
        said.append(log.entries[-1].text)
    assert said == [f"Exported {exports / 'big4000_edited.png'} (32×32)",  # the tiny VAE's resolution
                    f"Exported {exports / 'big4000_edited@4x.png'} (128×128)"]
    assert window.statusBar().currentMessage() == said[-1]
    for name, side in (("big4000_edited.png", 32), ("big4000_edited@4x.png", 128)):
        with Image.open(exports / name) as im:
            assert im.size == (side, side)  # what the message says
    window.exports.export_png_dialog(4)  # a second one is numbered as the plain exports are, @4x kept last
    exports_written(qtbot, window)
    assert log.entries[-1].text == f"Exported {exports / 'big4000-2_edited@4x.png'} (128×128)"
    window.exports.export_latent(str(exports / "big4000_edited.npz"))  # a latent has no pixels to count
    assert log.entries[-1].text == f"Exported {exports / 'big4000_edited.npz'}"


def test_a_very_long_name_keeps_its_upscale_mark_when_cut(tmp_path):
    settings = Settings()
    settings.exported_to(str(tmp_path / "earlier.png"))
    name = Path(settings.export_path(f"{'y' * 250}.png", ".png", scale=4, edit=True)).name
    assert name.endswith("…_edited@4x.png") and len(name.encode()) <= 255 and name.startswith("y" * 200)


def test_the_window_offers_an_edit_the_names_genimg_edit_writes(qtbot, window, model_dir, tmp_path, monkeypatch,
                                                                  capsys):
    """The window's Export offered "cat (edited).png" where `genimg edit cat.png` writes cat_edited.png, and its ×4
    export "cat@4x.png", without the mark of an edit: two names for one thing. Now one rule (export.name_tail)."""
    from genimg_gui.cli import main

    photo = tmp_path / "photos" / "cat.png"
    photo.parent.mkdir()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (40, 40, 3), np.uint8)).save(photo)
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(photo)])
    offered = export_names_offered(window, tmp_path / "exports", monkeypatch)
    assert offered == ["cat_edited.png", "cat_edited@4x.png", "cat_edited.npz"]
    cli = tmp_path / "cli"
    assert main(["edit", "--vae", str(model_dir / "tiny-vae"), str(photo), "--edit", "0=1", "--save-latents",
                 "-o", str(cli)]) == 0
    written = [Path(line).name for line in capsys.readouterr().out.split("\n")[:-1]]
    assert written == [offered[0], offered[2]]  # the window's names, as the CLI writes them
