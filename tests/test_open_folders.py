"""Where the open dialogs start: File → Open images…, File → Open model… (and the Models tab's Open model…), Open
model folder…, Apply recipe…, New direction from examples' Add images… and the Train… dialog's Browse… buttons start
in the folder their last files were opened from (a recipe's: also saved to), also after a restart; never opened from,
in Pictures (images), the last export's folder (recipes), the models folder (Save to) or home. They started in the
folder the app was launched from, every time."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from conftest import UI_TIMEOUT, drag_drop, file_mime
from genimg_gui.ui.directions_dialog import DirectionsDialog
from genimg_gui.ui.settings import Settings
from genimg_gui.ui.train_dialog import TrainDialog
from test_open_dialog import type_and_accept


def test_open_images_starts_where_the_last_images_were_opened_from_also_after_a_restart(qtbot, window, tmp_path,
                                                                                        monkeypatch):
    holiday = tmp_path / "holiday"
    holiday.mkdir()
    for shade, name in ((90, "beach.png"), (150, "hill.png")):  # two pictures (one's copy would be the one open)
        Image.fromarray(np.full((32, 32, 3), shade, np.uint8)).save(holiday / name)
    started: list[str] = []

    def exec_(dialog):
        started.append(dialog.directory().absolutePath())
        type_and_accept(qtbot, dialog, holiday, [("beach.png", "hill.png")[len(started) - 1]])  # (one open is shown)
        return dialog.result()
    monkeypatch.setattr(QFileDialog, "exec", exec_)
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.opener.open_dialog()
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    assert started[0] in (str(Path.home()), pictures)  # none opened yet, not the folder the app started in
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.opener.open_dialog()
    assert started[1] == str(holiday)  # where the last ones came from
    assert Settings().open_folder("images") == str(holiday)  # the next start's settings


def test_open_images_starts_beside_the_last_image_opened_by_the_command_line_a_drop_or_open_recent(qtbot, window,
                                                                                                  tmp_path,
                                                                                                  monkeypatch):
    """After `genimg-gui /tmp/photos/a.jpg` the first Ctrl+O started in the folder the dialog itself last used."""
    photos, dropped, earlier = tmp_path / "photos", tmp_path / "dropped", tmp_path / "earlier"
    for shade, folder in ((90, photos), (120, dropped), (150, earlier)):  # three pictures, not copies of one
        folder.mkdir()
        Image.fromarray(np.full((32, 32, 3), shade, np.uint8)).save(folder / "a.png")
    Settings().opened_from("images", str(earlier))  # where the dialog was last used
    started: list[str] = []
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: started.append(dialog.directory().absolutePath()) or 0)
    doc = window.document
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(photos / "a.png")], after_loads=True)  # as app.main opens the command line's files
    window.opener.open_dialog()  # (cancelled)
    assert started == [str(photos)]
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        assert drag_drop(window, file_mime([dropped / "a.png"])) is not None
    window.opener.open_dialog()
    assert started[1] == str(dropped) and Settings().open_folder("images") == str(dropped)  # next start's too
    window.opener.fill_recent_menu()
    earliest = next(a for a in window.recent_menu.actions() if a.data() == str(photos / "a.png"))
    earliest.trigger()  # open already: shown, and the dialog starts beside it all the same
    window.opener.open_dialog()
    assert started[2] == str(photos)


def test_open_model_starts_among_the_models_last_opened_from_either_dialog(qtbot, window, model_dir, tmp_path,
                                                                          monkeypatch):
    started: list[str] = []
    answers = iter([str(model_dir / "tiny-vae" / "card.json"), ""])

    def get_open_file_name(_parent, _title, folder, _filter):
        started.append(folder)
        return next(answers), ""

    def get_existing_directory(_parent, _title, folder):
        started.append(folder)
        return str(model_dir / "tiny-gan")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(get_open_file_name))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(get_existing_directory))
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.model_panel.open_button, Qt.MouseButton.LeftButton)  # the Models tab's Open model…
    assert started == [str(Path.home())]
    window.model_opener.open_dialog()  # File → Open model…, cancelled
    # beside the model folder whose card.json was chosen, where its siblings are, not inside it
    assert started[1] == str(model_dir)
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.model_opener.open_folder_dialog()
    assert started[2] == str(model_dir) and Settings().open_folder("models") == str(model_dir)


def test_a_remembered_folder_that_is_gone_is_not_offered(tmp_path):
    settings = Settings(str(tmp_path / "settings.ini"))
    settings.opened_from("images", str(tmp_path / "unplugged drive"))
    assert Path(settings.open_folder("images")).is_dir()
    settings.opened_from("models", str(tmp_path))
    assert settings.open_folder("models") == str(tmp_path)


def folders_asked(monkeypatch, name: str, answers: list) -> list[str]:
    """QFileDialog's static name stubbed: it answers the next of answers, and the list returned gets each folder it
    was asked to start in."""
    started: list[str] = []
    answers = iter(answers)

    def ask(_parent, _title, folder, *_filter):
        started.append(folder)
        return next(answers)
    monkeypatch.setattr(QFileDialog, name, staticmethod(ask))
    return started


def files_asked(monkeypatch, answers: list) -> list[str]:
    """The open dialog File → Open images… and Add images… show (file_dialogs.ask_open_files): it chooses the next of
    answers (None: cancelled), and the list returned gets each folder it started in."""
    started: list[str] = []
    answers = iter(answers)

    def exec_(dialog):
        started.append(dialog.directory().absolutePath())
        chosen = next(answers)
        if chosen is None:
            return QDialog.DialogCode.Rejected
        dialog.selectFile(chosen)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(QFileDialog, "exec", exec_)
    return started


def test_apply_recipe_starts_where_the_last_recipe_was_saved_or_applied_from(qtbot, window, tmp_path, monkeypatch):
    saved, applied, exports = tmp_path / "recipes", tmp_path / "shared recipes", tmp_path / "exports"
    for folder in (saved, applied, exports):
        folder.mkdir()
    Settings().exported_to(str(exports / "cat.png"))  # an image exported before any recipe was saved
    opened = folders_asked(monkeypatch, "getOpenFileName", [("", ""), (str(applied / "smile.json"), ""), ("", "")])
    window.recipes.apply_dialog()  # cancelled
    assert opened == [str(exports)]  # where Save edit recipe… put recipes until now
    folders_asked(monkeypatch, "getSaveFileName", [(str(saved / "frown.recipe.json"), "")])
    window.sliders.sliders[0].setValue(150)  # an edit of the sample: a recipe saves one
    window.recipes.save_dialog()
    assert (saved / "frown.recipe.json").is_file()  # (only a folder written to is remembered)
    Settings().exported_to(str(exports / "dog.png"))  # an image exported since: not where the recipes are
    window.recipes.apply_dialog()  # smile.json, which the tiny window cannot apply: the folder is still remembered
    assert opened[1] == str(saved)
    window.recipes.apply_dialog()
    assert opened[2] == str(applied) and Settings().open_folder("recipes") == str(applied)


def test_add_images_for_a_direction_starts_where_images_were_last_opened_from(qtbot, tmp_path, monkeypatch):
    holiday, faces = tmp_path / "holiday", tmp_path / "faces"
    for folder in (holiday, faces):
        folder.mkdir()
        Image.fromarray(np.full((32, 32, 3), 90, np.uint8)).save(folder / "a.png")
    Settings().opened_from("images", str(holiday))  # File → Open images… opened from there
    dialog = DirectionsDialog()
    qtbot.addWidget(dialog)
    started = files_asked(monkeypatch, [str(faces / "a.png"), None])
    qtbot.mouseClick(dialog.add_buttons["from"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_buttons["to"], Qt.MouseButton.LeftButton)
    assert started == [str(holiday), str(faces)]
    assert Settings().open_folder("images") == str(faces)  # and File → Open images… starts there next


def test_the_train_dialogs_browse_buttons_start_at_their_fields_folder_else_the_remembered_one(qtbot, tmp_path,
                                                                                               monkeypatch):
    home, holiday, shapes = tmp_path / "home", tmp_path / "holiday", tmp_path / "shapes"
    for folder in (home, holiday, shapes):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    settings = Settings(str(tmp_path / "settings.ini"))
    settings.opened_from("images", str(holiday))  # File → Open images… opened from there
    dialog = TrainDialog(settings=settings)
    qtbot.addWidget(dialog)
    started = folders_asked(monkeypatch, "getExistingDirectory", [str(shapes), "", "", "", str(home / "mine")])
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    assert started == [str(holiday)] and dialog.data.text() == str(shapes)
    assert settings.open_folder("images") == str(shapes)  # Open images… starts there next
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)  # cancelled
    assert started[1] == str(shapes)  # the field's folder
    assert dialog.out.text() == str(home / "genimg-models" / "vae-shapes")  # suggested, not made yet
    qtbot.mouseClick(dialog.out_browse, Qt.MouseButton.LeftButton)
    assert started[2] == str(home)  # the nearest folder of it that is there
    (home / "genimg-models").mkdir()
    qtbot.mouseClick(dialog.out_browse, Qt.MouseButton.LeftButton)
    assert started[3] == str(home / "genimg-models")
    dialog.out.setText("")
    qtbot.mouseClick(dialog.out_browse, Qt.MouseButton.LeftButton)
    assert started[4] == str(home / "genimg-models") and dialog.out.text() == str(home / "mine")


def test_save_to_left_empty_browses_from_the_folder_its_placeholder_names(qtbot, tmp_path, monkeypatch):
    """Its Browse… started in ~/genimg-models whatever the placeholder said Start saves to, outside a vae-pets an
    earlier run had made there."""
    home, pets = tmp_path / "home", tmp_path / "pets"
    for folder in (home / "genimg-models" / "vae-pets", pets):
        folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    dialog = TrainDialog(settings=Settings(str(tmp_path / "settings.ini")))
    qtbot.addWidget(dialog)
    started = folders_asked(monkeypatch, "getExistingDirectory", ["", "", "", str(home / "mine")])
    dialog.data.setText(str(pets))
    dialog.out.setText("")
    assert dialog.out.placeholderText() == "left empty, Start saves to ~/genimg-models/vae-pets"
    qtbot.mouseClick(dialog.out_browse, Qt.MouseButton.LeftButton)
    assert started == [str(home / "genimg-models" / "vae-pets")]  # in it, where an earlier run made it
    dialog.kind.set_value("gan")  # ~/genimg-models/gan-pets: not made yet
    dialog.out.setText("")  # the kind filled in its suggestion
    assert dialog.out.placeholderText() == "left empty, Start saves to ~/genimg-models/gan-pets"
    qtbot.mouseClick(dialog.out_browse, Qt.MouseButton.LeftButton)
    assert started[1] == str(home / "genimg-models")  # beside it, where Start would make it
    (home / "genimg-models").rename(home / "old-models")
    qtbot.mouseClick(dialog.out_browse, Qt.MouseButton.LeftButton)
    assert started[2] == str(home)  # the nearest folder above it that is there
    dialog.out.setText("  ")  # blanks are no folder: the placeholder's still
    qtbot.mouseClick(dialog.out_browse, Qt.MouseButton.LeftButton)
    assert started[3] == str(home) and dialog.out.text() == str(home / "mine")
