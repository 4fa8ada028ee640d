"""The Morph dialog on its own (no engine): keyframes and settings, the timeline, play and preview, the scale
and frames it states, and the file names its export offers."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel

from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.morph_settings import MorphSettings
from genimg_gui.ui.qimage import from_qimage
from genimg_gui.ui.settings import Settings

from conftest import UI_TIMEOUT
from widget_helpers import LEFT, shown, solid


def three_items() -> list:
    return [(10, "a.png", solid(10)), (11, "b.png", solid(100)), (12, "c.png", solid(200))]


@pytest.fixture()
def morph(qtbot) -> MorphDialog:
    return shown(qtbot, MorphDialog(three_items()))


def set_checked(dialog: MorphDialog, row: int, on: bool) -> None:
    dialog.keyframes.item(row).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def test_morph_keyframes_and_settings(qtbot, morph):
    assert morph.settings() == MorphSettings((10, 11), 24, 12, "spherical", False, 8)  # 16 px: ×8, the most
    assert morph.export_button.isEnabled() and not morph.isModal()
    with qtbot.waitSignal(morph.settings_changed) as sig:
        set_checked(morph, 1, False)
    assert sig.args[0].item_ids == (10,) and not morph.export_button.isEnabled()
    with qtbot.waitSignal(morph.settings_changed) as sig:
        set_checked(morph, 2, True)
    assert sig.args[0].item_ids == (10, 12) and morph.export_button.isEnabled()
    morph.keyframes.setCurrentRow(2)
    with qtbot.assertNotEmitted(morph.settings_changed, wait=50):
        qtbot.mouseClick(morph.up_button, LEFT)  # past an unticked item: same keyframes
    with qtbot.waitSignal(morph.settings_changed) as sig:
        qtbot.mouseClick(morph.up_button, LEFT)
    assert sig.args[0].item_ids == (12, 10)
    with qtbot.waitSignal(morph.settings_changed) as sig:  # a drag arrives as a row move
        morph.keyframes.model().moveRow(morph.keyframes.rootIndex(), 0, morph.keyframes.rootIndex(), 2)
    assert sig.args[0].item_ids == (10, 12)
    with qtbot.waitSignal(morph.settings_changed) as sig:
        morph.frames.setValue(5)
    assert sig.args[0].frames == 5 and morph.timeline.maximum() == 4
    with qtbot.waitSignal(morph.settings_changed) as sig:
        morph.mode.setCurrentIndex(morph.mode.findData("linear"))
    assert sig.args[0].mode == "linear"
    with qtbot.waitSignal(morph.settings_changed) as sig:
        qtbot.mouseClick(morph.loop, LEFT, pos=QPoint(5, morph.loop.height() // 2))
    assert sig.args[0].loop
    with qtbot.assertNotEmitted(morph.settings_changed, wait=50):
        morph.fps.setValue(30)  # the same frames, only played faster
        morph.scale.setValue(2)  # ...or written larger
    assert morph.settings() == MorphSettings((10, 12), 5, 30, "linear", True, 2)


def drawable(button) -> bool:
    """Every character of the button's text is in its font: none draws as an empty box."""
    metrics = QFontMetrics(button.font())
    return all(metrics.inFontUcs4(ord(c)) for c in button.text())


def test_morph_timeline_play_preview_export(qtbot, morph, tmp_path, monkeypatch):
    morph.frames.setValue(3)
    morph.fps.setValue(60)
    morph.show_frame(0, solid(40, 8))  # as the controller does once decoded: until then the timeline and Play wait
    with qtbot.waitSignal(morph.frame_requested, check_params_cb=lambda i: i == 1):
        qtbot.keyClick(morph.timeline, Qt.Key.Key_Right)
    assert morph.frame_label.text() == "2 / 3"
    seen: list[int] = []
    morph.frame_requested.connect(seen.append)
    qtbot.mouseClick(morph.play_button, LEFT)
    assert morph.play_button.text() == "Pause"
    assert drawable(morph.play_button)
    qtbot.waitUntil(lambda: seen[:3] == [2, 0, 1], timeout=UI_TIMEOUT)  # wraps around
    qtbot.mouseClick(morph.play_button, LEFT)
    assert not morph.timer.isActive() and morph.play_button.text() == "Play" and drawable(morph.play_button)
    assert morph.play_button.icon().isNull()  # words alone: the style's black ▶ was lost on a dark theme's button
    morph.show_frame(1, solid((250, 0, 0), 8))
    pix = morph.preview.pixmap()
    assert pix.width() == 256 and from_qimage(pix.toImage())[128, 128].tolist() == [250, 0, 0]
    morph.set_busy("Exporting frame 3/24")
    assert morph.busy.isVisible() and not morph.export_button.isEnabled()
    morph.set_busy(None)
    assert not morph.busy.isVisible() and morph.export_button.isEnabled()
    target = str(tmp_path / "m.gif")
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p == target):
        morph.export_to(target)
    monkeypatch.setattr(morph, "_ask_export_path", lambda: str(tmp_path / "m.mp4"))
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p.endswith("m.mp4")):
        qtbot.mouseClick(morph.export_button, LEFT)


def test_morph_scale_states_the_size_every_format_is_written_at(qtbot):
    items = [(1, "a.png", solid(10, 64)), (2, "b.png", solid(90, 64)), (3, "odd.png", solid(50, 33)[:, :31])]
    dialog = shown(qtbot, MorphDialog(items))
    assert dialog.scale.value() == 4 and dialog.size_label.text() == "256 × 256 px"  # a 64-px model starts at ×4
    dialog.scale.setValue(1)
    assert dialog.size_label.text() == "64 × 64 px" and dialog.settings().scale == 1
    dialog.keyframes.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.keyframes.item(2).setCheckState(Qt.CheckState.Checked)
    dialog.keyframes.model().moveRow(dialog.keyframes.rootIndex(), 2, dialog.keyframes.rootIndex(), 0)
    assert dialog.settings().item_ids == (3, 2)  # the morph plays at its first keyframe's size
    qtbot.waitUntil(lambda: dialog.size_label.text() == "31 × 33 px (32 × 34 in MP4: H.264 needs even sides)")
    dialog.scale.setValue(2)
    assert dialog.size_label.text() == "62 × 66 px"


def test_morph_export_says_what_it_wrote_and_suggests_morph_2_next(qtbot, morph, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    offered: list[str] = []
    answers = iter([str(tmp_path / "morph.mp4"), None])  # None: take the suggestion

    def save_dialog(_parent, _title, start, _filters, *_):
        offered.append(start)
        return next(answers) or start, ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p == str(tmp_path / "morph.mp4")):
        qtbot.mouseClick(morph.export_button, LEFT)
    (tmp_path / "morph.mp4").write_bytes(b"as the controller would")
    Settings().exported_to(str(tmp_path / "morph.mp4"))  # as the controller does once it is written
    morph.set_busy("Rendering 24 frames…")
    morph.set_busy(None)
    morph.show()
    height = morph.keyframes.height()
    morph.show_written(f"Wrote {tmp_path / 'morph.mp4'} (24 frames, 128×128, 2.0 s)")
    qtbot.wait(50)  # the layout settles
    assert morph.written.isVisible() and morph.written.text().startswith("Wrote ")
    assert morph.keyframes.height() == height  # the list does not shrink under the cursor
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p == str(tmp_path / "morph 2.mp4")):
        qtbot.mouseClick(morph.export_button, LEFT)
    assert offered[1] == str(tmp_path / "morph 2.mp4")  # was "morph (edited).mp4"; the last format is offered again
    morph.set_busy("Rendering 24 frames…")
    assert not morph.written.isVisible()  # it was about the export before


def test_morph_frames_never_fall_below_the_ticked_keyframes_and_the_dialog_says_when_raised(qtbot, morph):
    """Frames 2 with three keyframes ticked wrote 2 frames: the third keyframe was skipped without a word."""
    morph.frames.setValue(2)
    with qtbot.waitSignal(morph.settings_changed) as sig:
        set_checked(morph, 2, True)
    assert sig.args[0].item_ids == (10, 11, 12) and sig.args[0].frames == 3  # one frame per keyframe at least
    assert morph.frames.minimum() == 3 and morph.timeline.maximum() == 2 and morph.frame_label.text() == "— / 3"
    assert morph.frames_hint.text() == "Raised to 3: one frame per keyframe at least"
    morph.frames.setValue(2)
    assert morph.frames.value() == 3  # the field goes no lower
    morph.frames.setValue(10)
    assert morph.frames_hint.text() == ""  # it was about the raise
    set_checked(morph, 0, False)
    assert morph.frames.minimum() == 2 and morph.frames.value() == 10


def test_the_morph_dialog_keeps_its_width_when_the_frames_hint_shows_and_drops_the_hint_once_it_is_past(qtbot,
                                                                                                        morph):
    """The hint "Raised to N…" on one line widened the dialog (902 → 937 px) and moved the preview right."""
    morph.frames.setValue(2)
    morph.adjustSize()
    QApplication.processEvents()

    def places():
        morph.layout().activate()
        return morph.width(), morph.preview.mapTo(morph, QPoint()), morph.fps.mapTo(morph, QPoint())
    before = places()
    set_checked(morph, 2, True)
    QApplication.processEvents()
    assert morph.frames_hint.text().startswith("Raised to 3") and morph.frames_hint.isVisible()
    assert places() == before
    set_checked(morph, 0, False)  # two ticked: Frames 3 is the user's own number again
    assert morph.frames.value() == 3 and morph.frames_hint.text() == "" and places() == before


def test_morph_export_offers_a_number_no_morph_of_any_format_has_yet(qtbot, morph, tmp_path, monkeypatch):
    """After "morph 2.mp4" the dialog, back at GIF, offered "morph 2.gif": morph 2 again, beside the MP4."""
    from PySide6.QtWidgets import QFileDialog

    for name in ("morph.gif", "morph 2.mp4"):
        (tmp_path / name).write_bytes(b"an earlier morph")
    Settings().exported_to(str(tmp_path / "morph 2.mp4"))
    offered: list[str] = []

    def save_dialog(_parent, _title, start, _filters, *_):
        offered.append(start)
        return "", ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    qtbot.mouseClick(morph.export_button, LEFT)
    assert offered == [str(tmp_path / "morph 3.gif")]


def type_frames(qtbot, dialog: MorphDialog, text: str, confirm: Qt.Key) -> None:
    """text typed over Frames, then Tab or Enter, as a user does."""
    dialog.frames.setFocus()
    dialog.frames.selectAll()
    qtbot.keyClicks(dialog.frames, text)
    with qtbot.waitSignal(dialog.frames.editingFinished):
        qtbot.keyClick(dialog.frames, confirm)


def test_frames_typed_below_the_ticked_keyframes_are_raised_to_them_and_said(qtbot, morph):
    """Three keyframes ticked, 2 typed in Frames and Tab: back to 24 (or to 3) without a word; "Raised to 3…" came
    only when a keyframe was ticked."""
    set_checked(morph, 2, True)
    raised = "Raised to 3: one frame per keyframe at least"
    for before, confirm in ((3, Qt.Key.Key_Return), (24, Qt.Key.Key_Tab)):
        morph.frames.setValue(before)
        assert morph.frames_hint.text() == "" and morph.frames.minimum() == 3
        with qtbot.waitSignal(morph.settings_changed, raising=False, timeout=100) as changed:
            type_frames(qtbot, morph, "2", confirm)
        assert morph.frames.value() == 3 and morph.frames_hint.text() == raised
        assert changed.signal_triggered == (before != 3) and morph.timeline.maximum() == 2
    qtbot.keyClick(morph.frames, Qt.Key.Key_Up)
    assert morph.frames.value() == 4 and morph.frames_hint.text() == ""  # the user's own number now
    set_checked(morph, 2, False)
    type_frames(qtbot, morph, "1", Qt.Key.Key_Tab)  # two ticked: a morph's fewest frames
    assert morph.frames.value() == 2 and morph.frames_hint.text() == "Raised to 2: a morph has 2 frames at least"
    type_frames(qtbot, morph, "", Qt.Key.Key_Tab)  # no number: the one before stays
    assert morph.frames.value() == 2


def test_the_format_last_exported_is_offered_again_in_the_next_morph_dialog(qtbot, morph, tmp_path, monkeypatch):
    """After an MP4 export the save dialog was back on GIF, in the same dialog and in the next, where Frames,
    Speed and Loop were remembered."""
    from PySide6.QtWidgets import QFileDialog

    settings = Settings()
    morph.form_changed.connect(settings.set_morph_form)  # as MorphController does
    asked: list[tuple[str, str]] = []

    def save_dialog(_parent, _title, start, _filters, selected=""):
        asked.append((Path(start).suffix, selected))
        return "", ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    qtbot.mouseClick(morph.export_button, LEFT)
    morph.export_to(str(tmp_path / "morph.mp4"))
    qtbot.mouseClick(morph.export_button, LEFT)
    assert Settings().morph_form()["format"] == ".mp4"  # in the settings file: across restarts too
    morph.close()
    again = shown(qtbot, MorphDialog(three_items(), remembered=Settings().morph_form()))
    qtbot.mouseClick(again.export_button, LEFT)
    assert asked == [(".gif", "GIF (*.gif)")] + [(".mp4", "MP4 video (*.mp4)")] * 2


def test_a_long_message_keeps_the_row_under_the_settings_its_height(qtbot, morph, tmp_path):
    """A "Wrote …" of three lines (a long path, a GIF's capped rate, a retry on the CPU) made its row beside Export
    and Close taller: the keyframe list shrank under the cursor and the settings scrolled. It keeps two lines, the
    last cut short with "…", the whole message in its tooltip; a short one has no tooltip."""
    morph.show_written(f"Wrote {tmp_path / 'morph.gif'} (24 frames, 128×128, 2.0 s)")
    qtbot.wait(50)  # the layout settles
    sizes = (morph.written.height(), morph.keyframes.height(), morph.preview.geometry(), morph.size())
    assert morph.written.toolTip() == ""
    folder = tmp_path / "holidays" / "2026" / "a-long-folder-name-without-any-spaces-in-it" / "morphs"
    long = (f"Wrote {folder / 'morph.gif'} (24 frames, 128×128, 0.5 s); a GIF plays at most 50 fps: written at 50 "
            "fps, not 60; done on the CPU, as the GPU ran out of memory")
    morph.show_written(long)
    qtbot.wait(50)
    assert (morph.written.height(), morph.keyframes.height(), morph.preview.geometry(), morph.size()) == sizes
    shown_lines = QLabel.text(morph.written).split("\n")  # what it shows
    assert len(shown_lines) == 2 and shown_lines[-1].endswith("…")
    metrics = morph.written.fontMetrics()
    assert all(metrics.horizontalAdvance(line) <= morph.written.contentsRect().width() for line in shown_lines)
    assert morph.written.text() == morph.written.toolTip() == long  # whole
    morph.set_busy("Writing morph.gif… (Cancel in the status bar)")
    qtbot.wait(50)
    assert (morph.keyframes.height(), morph.size()) == (sizes[1], sizes[3])
