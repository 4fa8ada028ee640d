"""An SD VAE dropped from Hugging Face's download cache, while it loads. Loaded, it is named after its repository
(test_hf_cache_paths), but until then the status bar and the Sliders tab said "Loading 3d6d6d4b…f70…" for a pipeline's
snapshot folder ("Loading diffusion_pytorch_model.safetensors…" for its weights file), and the latent-scale question
asked "3d6d6d4b…f70 is a Stable Diffusion VAE…" and, cancelled, said "3d6d6d4b…f70 was not opened: no latent scale
chosen". A file or folder outside the cache is named as it is given."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.catalog import read_entry
from genimg_gui.ui.main_window import MainWindow
from test_hf_cache_paths import HUB_VAES, REVISION, hf_cache_vae, snapshot_of
from ui_helpers import drop

SCALE = 0.13025  # recorded in a config.json beside the weights: no question asked


def bare_window(qtbot, engine, model_dir) -> MainWindow:
    """The window as it starts, no model loaded yet: the Sliders tab names the model loading."""
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def loading_said(window) -> tuple[str, str]:
    """The status bar's busy note (as shown) and the Sliders tab's title."""
    busy = window.status.busy.text() if window.status.busy.isVisible() else ""
    return busy, window.slider_tab.title.text()


def drop_and_load(qtbot, window, path: Path) -> tuple[tuple[str, str], str]:
    """What the window says while the dropped model loads (the worker's result is not taken before the event loop
    runs again), and the name it loads as."""
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT) as loaded:
        drop(window, [path])
        said = loading_said(window)
    return said, loaded.args[0].name


# the VAE repository's weights and snapshot folder; the pipeline's snapshot folder (as downloaded) and its vae/ file
DROPPED = [(*HUB_VAES[0], "file"), (*HUB_VAES[0], "snapshot"), (*HUB_VAES[1], "snapshot"), (*HUB_VAES[1], "file")]


@pytest.mark.parametrize(("repo", "inside", "name", "dropped"), DROPPED)
def test_a_cache_vae_loading_is_named_after_its_repository(qtbot, engine, model_dir, tmp_path, repo, inside, name,
                                                           dropped):
    vae = hf_cache_vae(tmp_path, repo, inside, REVISION, scaling_factor=SCALE)
    window = bare_window(qtbot, engine, model_dir)
    said, loaded = drop_and_load(qtbot, window, vae if dropped == "file" else snapshot_of(vae, inside))
    assert said == (f"Loading {name}…", f"Loading {name}…")
    assert loaded == name


def answer_scale_question_with_cancel(asked: list[str], read=QInputDialog.labelText) -> QTimer:
    """Watches for the real latent-scale question; keeps what read takes of it (its words, or with
    QInputDialog.textValue the choice it offers first) and presses Cancel."""
    def look() -> None:
        if isinstance(box := QApplication.activeModalWidget(), QInputDialog):
            asked.append(read(box))
            box.reject()
    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(10)
    return timer


def test_the_scale_question_names_a_cache_vae_after_its_repository(qtbot, engine, model_dir, tmp_path):
    """No config.json: the scale is asked, by the repository's name, and so is the question cancelled."""
    snapshot = snapshot_of(hf_cache_vae(tmp_path, *HUB_VAES[1][:2], REVISION), "vae")
    window = bare_window(qtbot, engine, model_dir)
    said, asked = [], []
    window.document.message.connect(said.append)
    watch = answer_scale_question_with_cancel(asked)
    drop(window, [snapshot])
    assert loading_said(window) == ("Loading stable-diffusion-xl-base-1.0-vae…",) * 2
    qtbot.waitUntil(lambda: bool(said), timeout=UI_TIMEOUT)
    watch.stop()
    assert len(asked) == 1 and asked[0].startswith("stable-diffusion-xl-base-1.0-vae is a Stable Diffusion VAE"), asked
    assert said == ["stable-diffusion-xl-base-1.0-vae was not opened: no latent scale chosen"]


def test_a_vae_outside_the_cache_is_named_as_given_while_it_loads(qtbot, engine, model_dir, tmp_path):
    """A pipeline folder of one's own is named by the folder as it was (it loads as sd15-vae), a weights file by the
    file: only the cache's commit and diffusers' one file name say nothing."""
    snapshot = snapshot_of(hf_cache_vae(tmp_path, *HUB_VAES[1][:2], REVISION, scaling_factor=SCALE), "vae")
    pipeline = Path(shutil.copytree(snapshot, tmp_path / "sd15"))
    window = bare_window(qtbot, engine, model_dir)
    assert drop_and_load(qtbot, window, pipeline) == (("Loading sd15…",) * 2, "sd15-vae")
    (tmp_path / "own").mkdir()
    own = fb.sd_vae_file(tmp_path / "own" / "my-vae.safetensors", "diffusers")
    (own.parent / "config.json").write_text(f'{{"scaling_factor": {SCALE}}}')
    said, loaded = drop_and_load(qtbot, window, own)
    assert (said[0], loaded) == ("Loading my-vae.safetensors…", "my-vae")  # the Sliders tab shows sd15-vae's
