"""The user's directions file is shared by every genimg window: a direction renamed, made or deleted in one window
shows in the others at once (it showed only after a restart), and theirs keep their edits, an unfinished one too."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import UI_TIMEOUT, own_directions_file
from genimg_gui.edit import Directions, edited_latent, values_along
from genimg_gui.user_directions import load_user_directions, save_user_directions
from test_directions_ui import BLUE, RED, define, write_group


def saved_rows(window, dim: int, labels: tuple[str, ...]) -> Directions:
    """The user's own directions for the tiny VAE, written where the app reads them."""
    rows = np.linalg.qr(np.random.default_rng(0).normal(size=(dim, len(labels))))[0].T.astype(np.float32)
    saved = Directions(np.zeros(dim, np.float32), rows, np.ones(len(labels), np.float32),
                       np.zeros(len(labels), np.float32), labels)
    save_user_directions(own_directions_file(window.document), saved, window.document.models["vae"].identity)
    return saved


def with_a_picture(qtbot, window, model_dir, image_file) -> None:
    """The tiny VAE loaded (again: the user rows saved since come with it) and a picture the sliders edit."""
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(str(model_dir / "tiny-vae"))
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_file)])


@pytest.fixture()
def other(qtbot):
    """A second window of this process, with its own engine."""
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow

    w = MainWindow(Engine("cpu"), [])
    qtbot.addWidget(w)
    yield w
    w.close()


def test_a_change_in_one_window_shows_in_the_other_which_keeps_its_edits(qtbot, window, other, model_dir,
                                                                        image_files, tmp_path):
    dim = window.document.directions("vae").basis.shape[1]
    saved_rows(window, dim, ("a", "b"))
    for w in (window, other):
        with_a_picture(qtbot, w, model_dir, image_files[0])
    k = other.directions_tool.builtin["vae"]  # "a", then "b"
    item, sliders = other.document.current, other.sliders
    for row, raw in ((0, 150), (k + 1, 100)):  # PC1 +1.5σ and b +1σ, each one finished step
        sliders.sliders[row].setValue(raw)
    sliders.sliders[k].setSliderDown(True)  # a drag on "a" still going on when the other window renames it
    sliders.sliders[k].setValue(70)
    assert item.history.current.values[k] == 0.0

    window.directions_tool.rename(k, "a, renamed there")
    qtbot.waitUntil(lambda: sliders.labels()[k] == "a, renamed there", timeout=UI_TIMEOUT)
    assert item.history.current.values[:1] + item.history.current.values[k:] == (1.5, 0.7, 1.0)  # the drag kept
    assert sliders.values()[:1] + sliders.values()[k:] == (1.5, 0.7, 1.0)
    assert "Another genimg window changed your directions for tiny-vae: renamed “a” to “a, renamed there”" in [
        e.text for e in other.status.log.entries]

    red = write_group(tmp_path / "red", "red", RED, 4, 1)
    blue = write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    define(qtbot, window, "red → blue", red, blue)
    qtbot.waitUntil(lambda: sliders.labels()[-1] == "red → blue", timeout=UI_TIMEOUT)
    assert sliders.values()[:1] + sliders.values()[k:] == (1.5, 0.7, 1.0, 0.0)
    np.testing.assert_array_equal(other.document.directions("vae").basis[-1],
                                  window.document.directions("vae").basis[-1])

    latent = edited_latent(item.history.current, other.document.directions("vae"))
    window.directions_tool.delete(k + 1)  # "b", which the other window's picture is edited along
    qtbot.waitUntil(lambda: "b" not in sliders.labels(), timeout=UI_TIMEOUT)
    assert sliders.labels()[k:] == ("a, renamed there", "red → blue")
    assert values_along(item.history.current, other.document.directions("vae"))[k:] == (0.7, 0.0)
    assert sliders.values()[:1] + sliders.values()[k:] == (1.5, 0.7, 0.0)
    np.testing.assert_allclose(edited_latent(item.history.current, other.document.directions("vae")), latent,
                               atol=1e-5)  # its picture stays as it was: b's share moved into its base
    assert len(sliders.sliders) == len(other.document.directions("vae")) == len(window.document.directions("vae"))
    saved = load_user_directions(own_directions_file(window.document), dim)
    assert saved.labels == ("a, renamed there", "red → blue")


def test_a_change_saved_by_genimg_in_another_process_shows_too(qtbot, window, model_dir, image_files):
    """Another process cannot signal: the window watches the folder."""
    dim = window.document.directions("vae").basis.shape[1]
    before = saved_rows(window, dim, ("a",))
    with_a_picture(qtbot, window, model_dir, image_files[0])
    save_user_directions(own_directions_file(window.document), before.renamed(0, "a, renamed elsewhere"),
                         window.document.models["vae"].identity)
    qtbot.waitUntil(lambda: window.sliders.labels()[-1] == "a, renamed elsewhere", timeout=UI_TIMEOUT)
    assert window.document.directions("vae").labels[-1] == "a, renamed elsewhere"
