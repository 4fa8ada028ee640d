"""A listed model whose folder was moved or deleted while genimg ran. A tester's row stayed listed, and each
double-click said only "⚠ /tmp/x does not exist"; now the row leaves the list (and the settings), saying so."""
from __future__ import annotations

import shutil

from conftest import UI_TIMEOUT
from test_switch_values import double_click_row
from genimg_gui.catalog import read_entry
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.model_panel import PATH_ROLE
from genimg_gui.ui.settings import Settings


def test_a_listed_model_folder_gone_since_leaves_the_list_when_loaded_saying_so(qtbot, engine, model_dir,
                                                                                tmp_path):
    gone = shutil.copytree(model_dir / "tiny-gan", tmp_path / "run_gan")
    Settings().add_known_model(str(gone))  # opened in an earlier run: listed at the start
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae", bundled=True)])
    qtbot.addWidget(window)
    window.show()
    panel = window.model_panel.list
    assert panel.count() == 2
    shutil.rmtree(gone)  # moved or deleted by hand while genimg runs

    double_click_row(qtbot, window, "run_gan")
    qtbot.waitUntil(lambda: window.model_panel.list.count() == 1, timeout=UI_TIMEOUT)
    assert panel.item(0).data(PATH_ROLE) == str(model_dir / "tiny-vae")
    assert str(gone) not in Settings().known_models()  # nor listed at the next start
    said = f"{gone} no longer exists (moved or deleted?): it was taken off the Models list"
    assert window.status.log.entries[-1].text.startswith(said) and said in window.status.currentMessage()


def test_a_model_remembered_through_a_symlink_gone_since_leaves_the_settings_too(qtbot, engine, model_dir,
                                                                                tmp_path):
    """The settings kept a folder remembered by a symlink's path: once the link was gone too, its realpath was no
    longer the folder it had been listed as, so it stayed remembered, listed (and gone) again at each start."""
    real = shutil.copytree(model_dir / "tiny-gan", tmp_path / "real" / "run_gan")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    remembered = str(tmp_path / "link" / "run_gan")
    Settings().add_known_model(remembered)
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae", bundled=True)])
    qtbot.addWidget(window)
    window.show()
    assert window.model_panel.list.count() == 2
    shutil.rmtree(real.parent)  # the folder and the link to it, moved or deleted by hand
    (tmp_path / "link").unlink()

    double_click_row(qtbot, window, "run_gan")
    qtbot.waitUntil(lambda: window.model_panel.list.count() == 1, timeout=UI_TIMEOUT)
    assert remembered not in Settings().known_models()
