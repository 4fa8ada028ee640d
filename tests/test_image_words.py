"""Why an image file did not open, and what of it opened, in a user's words, the same in the window and the CLI. A
tester saw "truncated.jpg is damaged or truncated (OSError: image file is truncated (18 bytes not processed))" for a
JPEG cut in half, "notreally.png is not an image Pillow can read (it holds text)", a missing file named by its full
path in the window (every other file by its name), and an animated GIF opened as its first frame without a word."""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
from PIL import Image

from conftest import UI_TIMEOUT, drag_drop, file_mime
from genimg_gui.cli import main as cli_main

JARGON = re.compile(r"Pillow|PIL\b|OSError|ValueError|Errno|bytes not processed|Error\b")
TRUNCATED = "truncated.jpg is damaged or cut short (its end is missing)"
TEXT = "notreally.png is not an image (it holds text)"
ANIMATION = "anim.gif is an animation of 3 frames: its first frame was opened"
FRAMES = ((255, 0, 0), (0, 0, 255), (0, 255, 0))


def make_files(folder: Path) -> dict[str, Path]:
    """A JPEG cut in half, a text file named .png, a 3-frame GIF (red, then blue, then green), a path to nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    jpeg = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)).save(jpeg, "JPEG")
    (folder / "truncated.jpg").write_bytes(jpeg.getvalue()[:len(jpeg.getvalue()) // 2])
    (folder / "notreally.png").write_text("a shopping list: eggs, milk\n")
    frames = [Image.new("RGB", (40, 40), colour) for colour in FRAMES]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:], duration=80, loop=0)
    return {"truncated": folder / "truncated.jpg", "text": folder / "notreally.png", "gif": folder / "anim.gif",
            "missing": folder / "nonexist.jpg"}


# --- the window ------------------------------------------------------------

def test_the_window_says_why_files_given_on_the_command_line_did_not_open_in_plain_words(
        qtbot, window, tmp_path, monkeypatch):
    """`genimg-gui photos/truncated.jpg photos/notreally.png photos/nonexist.jpg`: every file named by its name, the
    missing one too (its path was made absolute: "/tmp/…/photos/nonexist.jpg does not exist")."""
    make_files(tmp_path / "photos")
    monkeypatch.chdir(tmp_path)
    errors: list[str] = []
    window.document.error.connect(errors.append)
    window.open_paths(["photos/truncated.jpg", "photos/notreally.png", "photos/nonexist.jpg"])
    qtbot.waitUntil(lambda: bool(errors), timeout=UI_TIMEOUT)
    assert errors == [f"3 files were not opened: {TRUNCATED}; {TEXT}; nonexist.jpg does not exist"]
    assert not JARGON.search(errors[0]) and str(tmp_path) not in errors[0]
    assert errors[0] in window.status.currentMessage() and errors[0] in window.status.log.text()


def test_a_dropped_animation_opens_at_its_first_frame_and_the_window_says_so_once(qtbot, window, tmp_path):
    files = make_files(tmp_path)
    said: list[str] = []
    window.document.message.connect(said.append)
    before = len(window.document.items)
    assert drag_drop(window, file_mime([files["gif"]])) is not None
    qtbot.waitUntil(lambda: len(window.document.items) == before + 1, timeout=UI_TIMEOUT)
    item = window.document.current
    assert item.name == "anim.gif"
    assert np.abs(item.original.reshape(-1, 3).astype(int) - FRAMES[0]).max() <= 12  # red: the first frame
    assert said.count(ANIMATION) == 1 and ANIMATION in window.status.log.text(), said
    assert window.last_error == ""


# --- the command line ------------------------------------------------------

def test_the_cli_says_the_same_words_and_names_each_file_as_typed(tmp_path, monkeypatch, capsys, model_dir):
    """The window's words, each file named by its path as typed (photos/truncated.jpg: another folder's file may have
    its name), where the window names it by its name."""
    make_files(tmp_path / "photos")
    monkeypatch.chdir(tmp_path)
    names = ["photos/truncated.jpg", "photos/notreally.png", "photos/anim.gif", "photos/nonexist.jpg"]
    code = cli_main(["encode", *names, "--vae", str(model_dir / "tiny-vae"), "-o", "out", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 1
    for line in (f"genimg: error: photos/{TRUNCATED}", f"genimg: error: photos/{TEXT}",
                 f"genimg: note: photos/{ANIMATION}", "genimg: error: photos/nonexist.jpg does not exist"):
        assert err.count(f"{line}\n") == 1, err
    assert not JARGON.search(err.replace("genimg: error:", "")), err
    assert (tmp_path / "out" / "anim.npz").is_file()


def test_cli_edit_notes_an_animation_once_per_file(tmp_path, capsys, model_dir):
    gif = make_files(tmp_path)["gif"]
    assert cli_main(["edit", str(gif), "--edit", "PC1=1", "--vae", str(model_dir / "tiny-vae"),
                     "-o", str(tmp_path / "out"), "--device", "cpu"]) == 0
    assert capsys.readouterr().err.count(ANIMATION) == 1
