"""A crop that cuts away a noticeable part of a picture is said once per picture, in the window (the encode's status
message and the message log) and on the command line's stderr, in the words of imaging.crop_note."""
from __future__ import annotations

import re

import numpy as np
from PIL import Image

from genimg_gui.cli import main

TIMEOUT = 30_000
IN_WINDOW = ("its centre square was kept (8 % of the picture); to keep it all, set Fit new images to letterbox and "
             "open it again")


def picture(path, width: int, height: int):
    """A real JPEG of width × height: smooth colours, as a photo."""
    x, y = np.meshgrid(np.linspace(0, 255, width), np.linspace(0, 255, height))
    Image.fromarray(np.stack([x, y, 255 - x], -1).astype(np.uint8)).save(path)
    return path


def test_the_note_says_how_much_a_crop_kept_and_only_when_it_is_noticeable():
    from genimg_gui.imaging import crop_note  # here: the window's and the CLI's tests run on code without it too

    assert crop_note(6000, 500, "crop", "use --fit letterbox") == (
        "its centre square was kept (8 % of the picture); to keep it all, use --fit letterbox")
    assert "(75 % of the picture)" in crop_note(4000, 3000, "crop", "x")
    assert "(67 % of the picture)" in crop_note(200, 300, "crop", "x")  # portrait alike
    assert crop_note(6000, 500, "letterbox", "x") == ""  # all of it is kept
    assert crop_note(1024, 1000, "crop", "x") == crop_note(64, 64, "crop", "x") == ""  # a sliver, or nothing


def test_the_window_says_what_a_crop_cut_away_with_the_encode_message(qtbot, window, tmp_path):
    doc = window.document
    log = window.status.log
    doc.open_files([str(picture(tmp_path / "panorama.jpg", 600, 50))], window.fit_mode.currentText())
    qtbot.waitUntil(lambda: any("panorama.jpg" in e.text for e in log.entries), timeout=TIMEOUT)
    said = [e.text for e in log.entries if "panorama.jpg" in e.text]
    assert len(said) == 1  # one message: the note does not hide the encode's "Encoded … in … ms"
    assert said[0].startswith("Encoded panorama.jpg in ") and said[0].endswith(f" ms: {IN_WINDOW}")
    assert window.statusBar().currentMessage() == said[0]

    window.fit_mode.setCurrentText("letterbox")  # as the note says: then nothing is cut away
    doc.open_files([str(tmp_path / "panorama.jpg"), str(picture(tmp_path / "square.jpg", 40, 40))],
                   window.fit_mode.currentText())
    qtbot.waitUntil(lambda: any("square.jpg" in e.text for e in log.entries), timeout=TIMEOUT)
    later = [e.text for e in log.entries][-2:]
    assert [re.fullmatch(r"Encoded (\S+) in \d+ ms", t)[1] for t in later] == ["panorama.jpg", "square.jpg"]

def test_encode_edit_and_interpolate_note_a_crop_on_stderr(model_dir, tmp_path, capsys):
    vae = model_dir / "tiny-vae"
    wide, square = picture(tmp_path / "panorama.jpg", 600, 50), picture(tmp_path / "square.jpg", 40, 40)
    note = ("genimg: note: panorama.jpg: its centre square was kept (8 % of the picture); to keep it all, "
            "use --fit letterbox")
    for command in (["encode"], ["edit", "--edit", "PC1=1"], ["interpolate", "--frames", "2"]):
        out = tmp_path / "morph.gif" if command[0] == "interpolate" else tmp_path / command[0]
        assert main([*command, "--vae", str(vae), str(wide), str(square), "-o", str(out)]) == 0
        err = capsys.readouterr().err
        assert err.count(note) == err.count("was kept") == 1, (command, err)  # once, for the one cropped
        assert main([*command, "--vae", str(vae), str(wide), str(square), "-o", str(out), "--fit", "letterbox"]) == 0
        assert "kept" not in capsys.readouterr().err
