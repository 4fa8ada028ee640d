"""What a test writes once its user_folders are undone (a monkeypatch.undo() undoes the suite's patches with the
test's own) goes to a folder of the run's, not to the user's own settings, sessions and directions, and the suite's
guard (written_outside_user_folders) names it."""
from __future__ import annotations

from pathlib import Path

import platformdirs

from conftest import forget_stray_files, stray_files
from genimg_gui.paths import APP, config_dir, data_dir
from genimg_gui.ui.settings import Settings
from genimg_gui.user_directions import user_directions_file


def test_a_test_without_its_user_folders_writes_into_the_runs_stray_folder_not_the_users(monkeypatch,
                                                                                          stray_user_folder):
    """It wrote into ~/.config/genimg and ~/.local/share/genimg, where the user's own settings are."""
    users_own = {Path(platformdirs.user_config_dir(APP)), Path(platformdirs.user_data_dir(APP))}
    monkeypatch.undo()  # what this test is about; other tests restore their own patches with monkeypatch.context()
    assert {config_dir(), data_dir()}.isdisjoint(users_own)
    assert stray_files(stray_user_folder) == []
    settings = Settings()
    settings.set_last_model("vae", "/models/tiny-vae")
    settings.q.sync()
    directions = user_directions_file("tiny-vae", "0" * 12)
    directions.parent.mkdir(parents=True, exist_ok=True)  # made by a save, not by asking where the file is
    directions.write_bytes(b"")
    assert stray_files(stray_user_folder) == ["config/settings.ini", str(directions.relative_to(stray_user_folder))]
    forget_stray_files(stray_user_folder)  # else the guard fails this test at its teardown, as it should any other
