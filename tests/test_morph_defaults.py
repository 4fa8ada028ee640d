"""One morph, one animation: `genimg interpolate` starts from the Morph dialog's settings, the dialog keeps its
settings when closed (and across restarts), and interpolate refuses an output it cannot write before any frame."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QPoint, Qt

from conftest import UI_TIMEOUT
from genimg_gui import cli
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.animation_files import default_scale, frame_size, output_size
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.settings import Settings
from test_cli import run
from test_morph_ui import open_images, open_morph

LEFT = Qt.MouseButton.LeftButton


def test_interpolate_starts_from_the_morph_dialogs_settings(qtbot, window, image_files, capsys):
    """The dialog started on Spherical and `genimg interpolate` on --mode linear: two animations of one morph."""
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    shown = dialog.settings()
    typed = cli.build_parser().parse_args(["interpolate", "a.png", "b.png", "-o", "m.gif"])
    assert (typed.mode, typed.frames, typed.fps, typed.loop) == (shown.mode, shown.frames, shown.fps, shown.loop)
    assert shown.mode == "spherical"

    assert run("interpolate", "--help") == 0
    said = " ".join(capsys.readouterr().out.split())  # argparse wraps the help
    assert "(default spherical, as the Morph dialog" in said and "(default 24)" in said and "(default 12)" in said


def test_interpolate_writes_a_morph_at_the_size_the_dialog_starts_at(qtbot, window, model_dir, image_files, tmp_path):
    """The dialog started at ×4 for a 64-px model and `genimg interpolate` at ×1: one morph, two sizes."""
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    side = window.document.models["vae"].card["resolution"]  # a photo is cropped to the model's square
    assert dialog.scale.value() == default_scale((side, side)) > 1
    out = tmp_path / "m.gif"
    assert run("interpolate", "--vae", model_dir / "tiny-vae", *image_files[:2], "--frames", "2", "-o", out) == 0
    assert frame_size(out) == output_size((side, side), dialog.scale.value(), ".gif")
    assert dialog.size_label.text() == "{} × {} px".format(*frame_size(out))


def set_form(qtbot, dialog) -> None:
    """Frames 10, 20 fps, Linear, Loop and ×3, as a user sets them."""
    dialog.frames.setValue(10)
    dialog.fps.setValue(20)
    dialog.mode.setCurrentIndex(dialog.mode.findData("linear"))
    qtbot.mouseClick(dialog.loop, LEFT, pos=QPoint(5, dialog.loop.height() // 2))
    dialog.scale.setValue(3)


def form_of(dialog) -> tuple:
    settings = dialog.settings()
    return settings.frames, settings.fps, settings.mode, settings.loop, settings.scale, dialog.timeline.maximum()


def test_the_morph_dialog_keeps_its_settings_when_closed_and_after_a_restart(qtbot, window, model_dir, image_files):
    """Frames 10 and Loop, closed and opened again: back at 24 frames, 12 fps, Spherical, no loop."""
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    assert form_of(dialog)[:4] == (24, 12, "spherical", False)
    set_form(qtbot, dialog)
    qtbot.mouseClick(dialog.close_button, LEFT)
    assert not dialog.isVisible() and window.morph.dialog is None

    again, _ = open_morph(qtbot, window)
    assert again is not dialog and form_of(again) == (10, 20, "linear", True, 3, 9)
    again.close()

    later = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae")])  # a restart: its own engine
    qtbot.addWidget(later)
    try:
        with qtbot.waitSignal(later.document.model_loaded, timeout=UI_TIMEOUT):
            later.document.load_model(str(model_dir / "tiny-vae"))
        open_images(qtbot, later, image_files[:2])
        restarted, _ = open_morph(qtbot, later)
        assert form_of(restarted) == (10, 20, "linear", True, 3, 9)
    finally:
        later.close()
        later.document.engine.shutdown()


def test_a_scale_never_chosen_follows_the_keyframes_size_and_odd_values_are_left(qtbot, window, image_files):
    """Only a chosen Scale is kept: the ×4 a 64-px model starts at would make a photo's morph huge. A value of
    another type (a settings file edited by hand) leaves its field's default."""
    Settings().set_morph_form({"frames": "ten", "fps": 30, "mode": "cubic", "loop": 1})
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    assert form_of(dialog)[:4] == (24, 30, "spherical", False)
    dialog.frames.setValue(6)  # a change of the form, not of Scale
    assert Settings().morph_form() == {"frames": 6, "fps": 30, "mode": "spherical", "loop": False, "format": ".gif"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc takes no new files on Linux")
def test_interpolate_refuses_an_output_it_cannot_write_before_any_frame(model_dir, image_files, tmp_path,
                                                                        monkeypatch, capsys):
    """200 frames were drawn (1 min 21 s) before "/proc/m.gif cannot be written: /proc takes no new files"."""
    vae, images = model_dir / "tiny-vae", image_files[:2]
    decoded = []
    decode = Runtime.decode
    monkeypatch.setattr(Runtime, "decode", lambda rt, *a, **k: (decoded.append(1), decode(rt, *a, **k))[1])
    assert run("interpolate", "--vae", vae, *images, "--frames", "200", "-o", "/proc/m.gif") == 1
    err = capsys.readouterr().err
    assert "genimg: error: /proc/m.gif cannot be written: /proc takes no new files" in err, err
    assert not decoded and "frames" not in err and ".tmp" not in err

    assert run("interpolate", "--vae", vae, *images, "--frames", "2", "-o", tmp_path / "new" / "m.gif") == 0
    assert len(decoded) == 2 and [p.name for p in (tmp_path / "new").iterdir()] == ["m.gif"]  # the check left nothing


def ticked_names(dialog) -> list[str]:
    rows = [dialog.keyframes.item(r) for r in range(dialog.keyframes.count())]
    return [row.text() for row in rows if row.checkState() == Qt.CheckState.Checked]


def test_the_morph_dialog_keeps_its_ticked_keyframes_and_their_order_when_closed(qtbot, window, image_files):
    """Three pictures ticked, the last moved first, Close, Ctrl+M: only the current picture and the next were
    ticked, in the filmstrip's order, and a GIF then an MP4 of the morph were two animations."""
    a, b, c = open_images(qtbot, window, image_files)
    dialog, _ = open_morph(qtbot, window)
    rows = [dialog.keyframes.item(r).text() for r in range(dialog.keyframes.count())]
    dialog.keyframes.item(rows.index([n for n in rows if n not in ticked_names(dialog)][0])).setCheckState(
        Qt.CheckState.Checked)  # the one picture not ticked
    dialog.keyframes.setCurrentRow(rows.index(c.name))
    for _ in range(rows.index(c.name)):
        qtbot.mouseClick(dialog.up_button, LEFT)
    assert ticked_names(dialog) == [c.name, a.name, b.name]
    qtbot.mouseClick(dialog.close_button, LEFT)
    window.document.make_current(b)  # another picture current since: the user's ticks are the animation

    again, _ = open_morph(qtbot, window)
    assert again is not dialog and ticked_names(again) == [c.name, a.name, b.name]
    assert again.settings().item_ids == (c.id, a.id, b.id)
    qtbot.mouseClick(again.close_button, LEFT)
    window.document.close_item(a.id)  # a picture closed since is dropped

    left, _ = open_morph(qtbot, window)
    assert ticked_names(left) == [c.name, b.name]
    left.keyframes.item(0).setCheckState(Qt.CheckState.Unchecked)  # c: one keyframe left ticked
    qtbot.mouseClick(left.close_button, LEFT)

    fewer, _ = open_morph(qtbot, window)  # fewer than two: the current picture and the next, as at first
    assert ticked_names(fewer) == [b.name, c.name]
