"""An edit under a painted mask, everywhere it leaves the canvas: Export latent (decoded headless)."""
from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from conftest import UI_TIMEOUT
from genimg_gui import cli


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
    window.export_png(str(tmp_path / "edit.png"))
    window.export_latent(str(tmp_path / "edit.npz"))
    assert cli.main(["decode", str(tmp_path / "edit.npz"), "--vae", str(model_dir / "tiny-vae"),
                     "-o", str(tmp_path / "out"), "--device", "cpu"]) == 0
    decoded = pixels(tmp_path / "out" / "edit_decoded.png")
    assert np.array_equal(decoded, pixels(tmp_path / "edit.png"))
    assert np.array_equal(decoded, item.image)
