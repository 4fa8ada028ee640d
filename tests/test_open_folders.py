"""Where the open dialogs start: File → Open images…, File → Open model… (and the Models tab's Open model…) and
Open model folder… start in the folder their last files were opened from, also after a restart; never opened
from, in Pictures (images) or home. They started in the folder the app was launched from, every time."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog

from conftest import UI_TIMEOUT
from genimg_gui.ui.settings import Settings
from test_open_dialog import type_and_accept


def test_open_images_starts_where_the_last_images_were_opened_from_also_after_a_restart(qtbot, window, tmp_path,
                                                                                        monkeypatch):
    holiday = tmp_path / "holiday"
    holiday.mkdir()
    for name in ("beach.png", "hill.png"):
        Image.fromarray(np.full((32, 32, 3), 90, np.uint8)).save(holiday / name)
    started: list[str] = []

    def exec_(dialog):
        started.append(dialog.directory().absolutePath())
        type_and_accept(qtbot, dialog, holiday, ["beach.png"])
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
