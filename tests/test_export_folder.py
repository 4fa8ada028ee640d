"""Where the export dialogs start: the folder last exported to, else the picture's own, else where pictures were last
opened from; never the folder of a model opened last (recent files hold models too)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from conftest import UI_TIMEOUT
from genimg_gui.ui.settings import Settings

from test_morph_ui import action, open_images, open_morph
from test_save_over import typed_in_dialog
from ui_helpers import TIMEOUT, drop, drop_and_wait, exports_written, vae_items


def test_exports_start_beside_the_picture_not_the_model_opened_last_then_where_the_last_export_went(
        qtbot, window, model_dir, tmp_path, monkeypatch):
    """After ~/photos/cat.png and then a model from ~/models, Export PNG… started in ~/models."""
    photos, others, models, exports = (tmp_path / name for name in ("photos", "other photos", "models", "exports"))
    cat, dog = photos / "cat.png", others / "dog.png"
    for picture, grey in ((cat, 90), (dog, 170)):
        picture.parent.mkdir()
        Image.new("RGB", (32, 32), (grey, grey, grey)).save(picture)
    exports.mkdir()
    model = shutil.copytree(model_dir / "tiny-vae", models / "my-vae")
    drop_and_wait(qtbot, window, [cat, dog], 2)  # the cat's own folder, not the dog's, opened last
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        drop(window, [model])  # as a drop opens it: a recent file, the newest
    assert Path(Settings().recent_files()[0]) == model
    window.document.select(next(i for i in vae_items(window) if i.name == "cat.png").id)
    offered: list[str] = []
    answers = iter([("", ""), (str(exports / "mine.png"), ""), ("", ""), ("", ""), ("", ""), ("", "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _w, _t, start, _f, *_: offered.append(start) or next(answers))
    window.sliders.sliders[0].setValue(150)  # an edit: a recipe saves one

    window.recipes.save_dialog()  # before any export: beside the picture, under its name (cancelled)
    assert offered[0] == str(photos / "cat.recipe.json")
    window.exports.export_png_dialog(1)
    assert offered[1] == str(photos / "cat_edited.png")
    exports_written(qtbot, window)  # the edit's picture, once drawn
    assert (exports / "mine.png").is_file()
    window.exports.export_latent_dialog()  # then where the user exported to, for every kind of export
    assert offered[2] == str(exports / "cat_edited.npz")
    sample = next(i for i in window.document.items.values() if i.kind == "gan")
    window.document.select(sample.id)
    window.exports.export_png_dialog(1)
    assert offered[3] == str(exports / f"seed{sample.seed:04d}.png")
    window.document.select(next(i for i in vae_items(window) if i.name == "cat.png").id)
    dialog = window.morph.open_dialog()
    dialog.export_button.click()
    assert Path(offered[4]).parent == exports
    dialog.close()
    assert Settings().export_folder() == exports  # kept for the next start


def test_before_any_export_a_sample_is_offered_the_folder_pictures_were_last_opened_from(
        qtbot, window, model_dir, tmp_path, monkeypatch):
    """A GAN sample has no file of its own: its export started in the folder of the model opened last."""
    photos, models = tmp_path / "photos", tmp_path / "models"
    photos.mkdir()
    Image.new("RGB", (32, 32), (90, 90, 90)).save(photos / "cat.png")
    drop_and_wait(qtbot, window, [photos / "cat.png"], 1)
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        drop(window, [shutil.copytree(model_dir / "tiny-gan", models / "my-gan")])
    window.document.select(next(i for i in window.document.items.values() if i.kind == "gan").id)
    offered: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: offered.append(start) or ("", ""))
    window.exports.export_png_dialog(1)
    assert Path(offered[0]).parent == photos


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc takes no new files on Linux")
def test_a_folder_where_nothing_could_be_written_is_not_where_the_next_save_starts(qtbot, window, image_files,
                                                                                    tmp_path, monkeypatch):
    """Export PNG… to /proc/nope.png said "Could not write …: /proc takes no new files", and every save dialog
    after it (PNG, latent, recipe, morph) started in /proc, at the next start too: the folder was remembered as the
    dialog closed, before anything was written there. Now only a folder a file was written to is."""
    exports = tmp_path / "exports"
    exports.mkdir()
    open_images(qtbot, window, image_files[:2])
    window.sliders.sliders[0].setValue(150)  # an edit: a recipe saves one
    opened_at = typed_in_dialog(monkeypatch, str(exports / "first.png"))
    action(window, "&Export PNG…").trigger()
    exports_written(qtbot, window)  # the edit drawn first
    assert (exports / "first.png").is_file() and Path(opened_at[0]).parent == tmp_path  # beside the picture

    saves = [("&Export PNG…", "nope.png", "Could not write /proc/nope.png"),
             ("Export &latent (.npz)…", "nope.npz", "Could not write /proc/nope.npz"),
             ("Sa&ve edit recipe…", "nope.recipe.json", "Could not save the recipe /proc/nope.recipe.json")]
    for text, name, error in saves:
        typed_in_dialog(monkeypatch, f"/proc/{name}")
        action(window, text).trigger()
        exports_written(qtbot, window)  # a PNG is written off the GUI thread
        assert window.last_error == f"{error}: /proc takes no new files"
        opened_at = typed_in_dialog(monkeypatch)  # the next save of each kind, cancelled
        for again, *_ in saves:
            action(window, again).trigger()
        assert [Path(path).parent for path in opened_at] == [exports] * len(saves), (name, opened_at)

    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(3)
    typed_in_dialog(monkeypatch, "/proc/nope.gif")  # the worker's write fails: /proc is no folder to refuse at once
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert window.last_error.startswith("Could not write /proc/nope.gif")
    opened_at = typed_in_dialog(monkeypatch)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    action(window, "&Export PNG…").trigger()
    assert [Path(path).parent for path in opened_at] == [exports, exports]
    dialog.close()
    assert Settings().export_folder() == exports  # what the next start offers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc takes no new files on Linux")
@pytest.mark.parametrize("remembered", ["/proc", "{tmp}/gone"])
def test_a_remembered_folder_that_takes_no_files_now_is_not_where_a_save_starts(remembered, qtbot, window,
                                                                                image_files, tmp_path, monkeypatch):
    """The folder of the last export, as an earlier run (or an older genimg) left it in the settings, was offered
    at every start while it was still a folder, though it took no files (/proc: every save dialog started there,
    and every save there failed). One that takes none, or is gone, is passed over: the save starts beside the
    picture, as before any export."""
    folder = Path(remembered.format(tmp=tmp_path))
    Settings().exported_to(str(folder / "last.png"))  # as the settings file of an earlier run holds it
    open_images(qtbot, window, image_files[:1])
    opened_at = typed_in_dialog(monkeypatch)  # cancelled
    action(window, "&Export PNG…").trigger()
    assert [Path(path).parent for path in opened_at] == [tmp_path]
    assert Settings().export_folder() != folder
