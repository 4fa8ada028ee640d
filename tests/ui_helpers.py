"""Helpers shared by the main-window tests on the real engine (test_window_files, _edits, _samples, _models)
and others: drop files and wait for their items, the one GAN sample, another model loaded, the picture shown."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from conftest import drag_drop, file_mime
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.qimage import from_qimage


TIMEOUT = 30_000  # ms; the first VAE load estimates directions (seconds on a busy CPU)


def drop(window, paths) -> None:
    """A real drag-enter + drop of file URLs onto the window."""
    assert drag_drop(window, file_mime(paths)) is not None


def vae_items(window) -> list:
    return [i for i in window.document.items.values() if i.kind == "vae"]


def exports_written(qtbot, window) -> None:
    """The PNG exports asked (those asked while their edit was still being drawn once it came: DrawingWait) have
    been written on the export thread and their end said on the GUI thread."""
    qtbot.waitUntil(lambda: not window.exports.drawing.waiting and not window.exports.writing(), timeout=TIMEOUT)


def drop_and_wait(qtbot, window, paths, expected_total: int) -> None:
    drop(window, paths)
    qtbot.waitUntil(lambda: len(vae_items(window)) == expected_total, timeout=TIMEOUT)


def the_sample(window):
    """The window's one item, its first GAN sample, made current by a click on its thumbnail."""
    [item] = window.document.items.values()
    window.filmstrip.setCurrentRow(0)
    return item


def load_other(qtbot, doc, folder) -> Runtime:
    """Load another model folder in the window; returns a Runtime on it, made after the window cached its
    directions, to draw what the window should show."""
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(folder))
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    return reference


def shown(window) -> np.ndarray:
    return from_qimage(window.canvas.edited)


def export_names_offered(window, folder: Path, monkeypatch) -> list[str]:
    """The names Export PNG…, Export PNG upscaled ×4… and Export latent… offer for the current image, in folder (made
    here, the last export's), each dialog cancelled."""
    folder.mkdir()
    window.settings.exported_to(str(folder / "earlier.png"))
    offered: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: offered.append(start) or ("", ""))
    window.exports.export_png_dialog(1)
    window.exports.export_png_dialog(4)
    window.exports.export_latent_dialog()
    assert all(Path(path).parent == folder for path in offered)
    return [Path(path).name for path in offered]


def invert_clicked(window) -> int:
    """Invert current image clicked (the Generate tab's button, as the user inverts) on a picture drawn already, so
    its run is asked at once (DrawingWait waits for one still being drawn): the run's seq."""
    before = set(window.inversion.runs)
    assert window.gan_panel.invert_button.isEnabled()
    window.gan_panel.invert_button.click()
    [seq] = set(window.inversion.runs) - before
    return seq
