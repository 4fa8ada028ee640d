"""genimg run from two installs on one settings folder (a checkout and a clone, or a venv and the new one it was
installed into): the session and the settings the first left name its bundled folder, still on disk, which the
second listed as an opened model beside its own bundled copy, "bundled" and "opened" for the same model. A model is
its weights, so the second install's bundled folder stands for them; a copy trained on is another model."""
from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path

import pytest
import torch

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.catalog import bundled_models
from genimg_gui.engine.engine import Engine
from genimg_gui.models.vae import ConvVAE
from genimg_gui.session import save_session
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.model_panel import PATH_ROLE
from genimg_gui.ui.settings import Settings
from genimg_gui.weights_file import WEIGHTS_NAME
from session_helpers import offered
from ui_helpers import drop_and_wait, vae_items


@pytest.fixture()
def engines(qtbot):
    """A new engine for each window (closing a window shuts its engine down), each shut down after the test."""
    made: list[Engine] = []
    yield lambda: made.append(Engine("cpu")) or made[-1]
    for engine in made:
        engine.shutdown()


def two_installs(model_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The bundled folders (weights/) of two installs, each with the tiny VAE and GAN."""
    roots = tmp_path / "main" / "weights", tmp_path / "ciclone" / "weights"
    for root in roots:
        for name in ("tiny-vae", "tiny-gan"):
            shutil.copytree(model_dir / name, root / name)
    return roots


def install_window(qtbot, engines, weights: Path) -> MainWindow:
    """The window of the install whose bundled folder is weights."""
    window = MainWindow(engines(), bundled_models(weights))
    qtbot.addWidget(window)
    return window


def loaded(qtbot, window: MainWindow, folders: list) -> MainWindow:
    for folder in folders:
        with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
            window.document.load_model(str(folder))
    qtbot.waitUntil(lambda: bool(window.document.items), timeout=UI_TIMEOUT)  # the GAN's first sample
    return window


def started(qtbot, engines, weights: Path) -> MainWindow:
    """The install's window, its models loaded as app.main loads them at a start."""
    window = install_window(qtbot, engines, weights)
    return loaded(qtbot, window, [window.model_list.start_folder(kind) for kind in ("vae", "gan")])


def rows(window: MainWindow) -> list[tuple[str, str]]:
    """The Models tab's rows: (text, folder)."""
    panel = window.model_panel.list
    return [(panel.item(i).text(), panel.item(i).data(PATH_ROLE)) for i in range(panel.count())]


def retrained_copy(folder: Path) -> Path:
    """The tiny VAE trained on: the same network (a weights file of the same size), other weights."""
    torch.manual_seed(5)
    return make_model_folder(folder, ConvVAE(TINY_VAE), "tiny-vae")


def test_a_session_from_another_install_restores_this_installs_bundled_model_listed_once(
        qtbot, engines, model_dir, image_files, tmp_path):
    first, second = two_installs(model_dir, tmp_path)
    window = loaded(qtbot, install_window(qtbot, engines, first), [first / "tiny-vae", first / "tiny-gan"])
    drop_and_wait(qtbot, window, image_files[:1], 1)
    session = window.document.to_session()
    assert session.models["vae"] == str(first / "tiny-vae")
    window.close()
    save_session(session)  # as a crash (or Keep for next time) leaves it
    # as after a start with a VAE other than the session's too (--vae): the session's is loaded for its pictures
    again = loaded(qtbot, install_window(qtbot, engines, second), [second / "tiny-gan"])
    again.questions.ask_restore = lambda names: True
    with qtbot.waitSignal(again.document.model_loaded, timeout=UI_TIMEOUT):
        assert offered(qtbot, again) == 1  # the picture (the start-up sample as it came is left out)
    qtbot.waitUntil(lambda: len(vae_items(again)) == 1, timeout=UI_TIMEOUT)
    assert again.document.models["vae"].path == str(second / "tiny-vae")
    vaes = [(text, path) for text, path in rows(again) if text.startswith("tiny-vae ")]
    assert vaes == [(vaes[0][0], str(second / "tiny-vae"))] and "bundled" in vaes[0][0], rows(again)
    assert str(first / "tiny-vae") not in Settings().known_models()


def test_the_model_loaded_last_in_another_install_starts_as_this_installs_bundled_one(
        qtbot, engines, model_dir, tmp_path):
    first, second = two_installs(model_dir, tmp_path)
    started(qtbot, engines, first).close()  # its VAE, first/tiny-vae, is the last one loaded
    again = started(qtbot, engines, second)
    assert again.document.models["vae"].path == str(second / "tiny-vae")
    assert sum(text.startswith("tiny-vae ") for text, _ in rows(again)) == 1, rows(again)
    # but the user's own copy trained on, loaded last, is started with
    mine = retrained_copy(tmp_path / "mine" / "tiny-vae")
    assert (mine / WEIGHTS_NAME).stat().st_size == (second / "tiny-vae" / WEIGHTS_NAME).stat().st_size
    Settings().set_last_model("vae", str(mine))
    assert again.model_list.start_folder("vae") == str(mine)


def test_a_remembered_copy_of_a_bundled_model_is_not_listed_again_but_one_trained_on_is(
        qtbot, engines, model_dir, tmp_path):
    """The first install's bundled folder, remembered as opened by a run of the second before this was fixed."""
    first, second = two_installs(model_dir, tmp_path)
    mine = retrained_copy(tmp_path / "mine" / "tiny-vae")
    settings = Settings()
    for folder in (mine, first / "tiny-vae", first / "tiny-gan"):
        settings.add_known_model(str(folder))
    settings.sync()
    window = install_window(qtbot, engines, second)
    assert [path for _, path in rows(window)] == [str(second / "tiny-gan"), str(second / "tiny-vae"), str(mine)]
    assert "opened" in rows(window)[2][0]


def test_the_start_compares_remembered_folders_with_the_bundled_ones_by_their_cards_reading_no_weights(
        qtbot, engines, model_dir, tmp_path, monkeypatch):
    """The start compared a remembered folder's weights with each bundled model's of one size byte for byte, on the
    UI thread: megabytes read before the window showed. The cards' recorded digests tell the same."""
    first, second = two_installs(model_dir, tmp_path)
    mine = retrained_copy(tmp_path / "mine" / "tiny-vae")  # of one size: only its card tells it apart
    copied = first / "tiny-vae" / WEIGHTS_NAME
    os.utime(copied, ns=(1, 1))  # not the same time as this install's either: its bytes would be read
    settings = Settings()
    for folder in (mine, first / "tiny-vae", first / "tiny-gan"):
        settings.add_known_model(str(folder))
    settings.set_last_model("vae", str(first / "tiny-vae"))
    settings.sync()
    read: list[str] = []
    real_open = builtins.open

    def recording_open(file, *args, **kwargs):
        if Path(str(file)).name == WEIGHTS_NAME:
            read.append(str(file))
        return real_open(file, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(builtins, "open", recording_open)
        window = install_window(qtbot, engines, second)
        start = window.model_list.start_folder("vae")
    assert read == []
    assert [path for _, path in rows(window)] == [str(second / "tiny-gan"), str(second / "tiny-vae"), str(mine)]
    assert start == str(second / "tiny-vae")
