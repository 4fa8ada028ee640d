"""An edit under a painted mask, everywhere it leaves the canvas: Export latent (decoded headless), Morph
keyframes (timeline and export), and the History tab's step names."""
from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from conftest import UI_TIMEOUT
from genimg_gui import cli
from genimg_gui.edit import EditState, edited_latent
from genimg_gui.masking import blend
from genimg_gui.morph import lerp
from genimg_gui.ui.history_words import describe_step

from ui_helpers import exports_written


def open_images(qtbot, window, paths) -> list:
    doc = window.document
    before = len(doc.items)
    window.open_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: len(doc.items) == before + len(paths), timeout=UI_TIMEOUT)
    return [i for i in doc.items.values() if i.kind == "vae"][-len(paths):]


def settle(qtbot, item) -> None:
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)


def stroke(window, x0: float, x1: float, y: float) -> None:
    """One brush (or erase) stroke across the edited picture, at fractions of its width and height."""
    canvas = window.canvas
    rect = canvas.edited_rect()

    def at(fx: float) -> QPoint:
        return QPoint(int(rect.left() + rect.width() * fx), int(rect.top() + rect.height() * y))
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x0))
    QTest.mouseMove(canvas, at(x1))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x1))


def masked_edit(qtbot, window, item) -> None:
    """PC1 and PC2 moved, then one stroke of the mask brush: the edit shows along the stroke only."""
    window.document.select(item.id)
    window.sliders.sliders[0].setValue(267)
    window.sliders.sliders[1].setValue(-291)
    window.mask_tool.brush.setChecked(True)
    stroke(window, 0.2, 0.6, 0.4)
    window.mask_tool.brush.setChecked(False)
    settle(qtbot, item)
    mask = item.history.current.mask
    assert mask is not None and 0 < mask.mean() < 0.5


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def test_an_exported_latent_decodes_headless_to_the_exported_png(qtbot, window, reference, model_dir, image_files,
                                                                 tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    masked_edit(qtbot, window, item)
    window.exports.export_png(str(tmp_path / "edit.png"))
    exports_written(qtbot, window)  # written off the GUI thread
    window.exports.export_latent(str(tmp_path / "edit.npz"))
    assert cli.main(["decode", str(tmp_path / "edit.npz"), "--vae", str(model_dir / "tiny-vae"),
                     "-o", str(tmp_path / "out"), "--device", "cpu"]) == 0
    decoded = pixels(tmp_path / "out" / "edit_decoded.png")
    assert np.array_equal(decoded, pixels(tmp_path / "edit.png"))
    assert np.array_equal(decoded, item.image)


def test_a_masked_keyframe_is_morphed_as_the_canvas_shows_it(qtbot, window, reference, image_files, tmp_path):
    a, b = open_images(qtbot, window, image_files[:2])
    masked_edit(qtbot, window, a)
    window.document.select(b.id)
    window.sliders.sliders[2].setValue(150)  # b: an edit of the whole picture
    settle(qtbot, b)
    window.document.select(a.id)
    dialog = window.morph.open_dialog()
    qtbot.addWidget(dialog)
    shown = []
    show = dialog.show_frame
    dialog.show_frame = lambda index, image: (shown.append((index, image)), show(index, image))
    dialog.mode.setCurrentIndex(dialog.mode.findData("linear"))
    dialog.frames.setValue(5)
    for index, keyframe in ((0, a), (4, b)):
        dialog.timeline.setValue(index)
        qtbot.waitUntil(lambda: bool(shown) and shown[-1][0] == index, timeout=UI_TIMEOUT)
        assert np.array_equal(shown[-1][1], keyframe.image)  # as the canvas and the keyframe list show it

    with qtbot.waitSignal(window.document.frames_ready, timeout=UI_TIMEOUT) as got:
        window.morph.export(str(tmp_path / "morph.gif"))
    frames = got.args[0].images
    assert np.array_equal(frames[0], a.image) and np.array_equal(frames[-1], b.image)
    # half way: the edited layer goes from a's edit to b's picture, the unedited one from a's unedited latent to
    # b's picture (an unmasked keyframe's both layers), and a's mask fades to b's "everywhere"
    d = window.document.directions("vae")
    edited = [edited_latent(i.history.current, d) for i in (a, b)]
    halfway = blend(reference.decode("vae", lerp(*edited, 0.5)),
                    reference.decode("vae", lerp(a.history.current.base, edited[1], 0.5)),
                    (a.history.current.mask + 1) / 2)
    assert np.abs(frames[2].astype(int) - halfway).max() <= 1  # its float64 mask may round a pixel otherwise


def test_history_names_paint_erase_and_clear_apart(qtbot, window, image_files):
    item, = open_images(qtbot, window, image_files[:1])
    window.mask_tool.brush.setChecked(True)
    stroke(window, 0.2, 0.7, 0.5)
    window.mask_tool.erase.setChecked(True)
    stroke(window, 0.3, 0.5, 0.5)
    window.mask_tool.clear.trigger()
    window.tabs.setCurrentWidget(window.history_panel)
    panel = window.history_panel
    names = [panel.item_for(n.id).text(0) for n in item.history.nodes()]
    assert names == ["Opened", "mask: paint", "mask: erase", "mask: clear"]


def test_a_mask_that_grows_in_one_place_and_shrinks_in_another_was_replaced():
    base = np.zeros(4, np.float32)
    left, right = np.zeros((4, 4), np.float32), np.zeros((4, 4), np.float32)
    left[:, :2], right[:, 2:] = 1.0, 1.0
    before = EditState(base, (0.0,)).with_mask(left)
    assert describe_step(before, before.with_mask(right), ("PC1",)) == "mask: replaced"
    assert describe_step(before, before.with_mask(right).with_values((1.0,)), ("PC1",)) == "PC1 +1.00σ, mask: replaced"


def test_the_mask_tools_are_in_the_edit_menu_and_their_keys_work_once(qtbot, window):
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    mask = next(a.menu() for a in edit.actions() if a.menu() is not None and a.text() == "M&ask")
    shown = {a.text(): a.shortcut().toString() for a in mask.actions() if not a.isSeparator()}
    assert shown == {"Mask &brush": "B", "&Erase": "E", "&Clear mask": "", "&Larger brush": "]", "&Smaller brush": "["}
    window.activateWindow()
    window.canvas.setFocus()
    tool = window.mask_tool
    qtbot.keyClick(window.canvas, Qt.Key.Key_B)  # one action on toolbar and menu: not an ambiguous pair
    assert tool.brush.isChecked()
    qtbot.keyClick(window.canvas, Qt.Key.Key_E)  # one tool at a time: Erase takes the brush's place
    assert tool.erase.isChecked() and not tool.brush.isChecked()
    qtbot.keyClick(window.canvas, Qt.Key.Key_E)  # the pressed one again: no brushing
    assert not tool.brush.isChecked() and not tool.erase.isChecked()
    radius = tool.radius.value()
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketRight)
    assert tool.radius.value() > radius
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketLeft)
    assert tool.radius.value() == radius



def test_the_radius_keys_leave_the_radius_box_looking_unfocused(qtbot, window):
    """] and [ step the radius with the focus elsewhere (a slider): its number was left selected, highlighted as
    if the box had the focus too."""
    tool, slider = window.mask_tool, window.sliders.sliders[0]
    window.activateWindow()
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    unfocused = tool.radius.grab().toImage()
    for key in (Qt.Key.Key_BracketRight, Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight):
        qtbot.keyClick(slider, key)
        assert not tool.radius.lineEdit().hasSelectedText() and slider.hasFocus()
    qtbot.keyClick(slider, Qt.Key.Key_BracketLeft)  # back to the first number: the box looks as it did
    assert tool.radius.grab().toImage() == unfocused
