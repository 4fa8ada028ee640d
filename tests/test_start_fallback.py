"""A start whose last model is damaged. A tester loaded a GAN they trained, quit, cut its model.safetensors in half
and started genimg-gui: a red message for a few seconds, then no GAN at all (Active GAN "–"), not the bundled one,
and a greyed-out Generate tab whose note read "e010.png was not drawn from a seed… choosing a seed or changing any
of them makes one", which nothing on screen allowed. Now the bundled model of that kind loads instead, one error
saying why, and while no GAN is loaded the Generate tab's note says so."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from conftest import UI_TIMEOUT
from genimg_gui import app
from genimg_gui.catalog import BUNDLED_DIR, DEFAULT_MODELS
from genimg_gui.paths import shown_path
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.settings import Settings
from genimg_gui.weights_file import WEIGHTS_NAME

NO_GAN_NOTE = "No GAN is loaded: load one in the Models tab"


def damaged_copy(model: Path, folder: Path) -> Path:
    """A copy of a model folder whose weights file was cut in half, as the tester cut theirs."""
    shutil.copytree(model, folder)
    weights = folder / WEIGHTS_NAME
    data = weights.read_bytes()
    weights.write_bytes(data[:len(data) // 2])
    return folder


def started(qtbot, monkeypatch, argv: list[str], ready) -> MainWindow:
    """genimg-gui started by app.main (the bundled models, the settings in the test's folder), its event loop run
    until ready(window)."""
    windows = []

    def run_until_ready(_app) -> int:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        qtbot.addWidget(window)  # closed after the test, which shuts its engine down
        windows.append(window)
        qtbot.waitUntil(lambda: ready(window), timeout=UI_TIMEOUT)
        return 0
    monkeypatch.setattr(QApplication, "exec", run_until_ready)
    assert app.main(argv) == 0
    return windows[0]


def errors(window: MainWindow) -> list[str]:
    return [entry.text for entry in window.status.log.entries if entry.error]


@pytest.mark.parametrize("kind", ["gan", "vae"])
def test_a_damaged_last_model_gives_way_to_the_bundled_one_saying_why(qtbot, monkeypatch, model_dir, tmp_path,
                                                                      kind):
    last = damaged_copy(model_dir / f"tiny-{kind}", tmp_path / "run_model")
    Settings().set_last_model(kind, str(last))
    window = started(qtbot, monkeypatch, [], lambda w: {"vae", "gan"} <= set(w.document.models))

    bundled = BUNDLED_DIR / DEFAULT_MODELS[kind]
    assert window.document.models[kind].path == str(bundled)
    assert window.model_panel.details[f"Active {kind.upper()}"].text() == DEFAULT_MODELS[kind]
    [said] = errors(window)  # one message, not the load's error and then another
    head = f"The last {kind.upper()}, tiny-{kind} ({shown_path(last)}), could not be loaded: "
    assert said.startswith(head) and said.endswith(f"; loading the bundled {DEFAULT_MODELS[kind]} instead")
    assert "is a damaged file" in said  # the load's own reason, in between
    assert said in window.status.currentMessage()
    assert window.gan_panel.isEnabled() and window.gan_panel.no_seed_note.text() != NO_GAN_NOTE
    assert Settings().last_model(kind) == str(bundled)  # the next start goes straight to it


def test_a_damaged_gan_asked_for_leaves_the_generate_tab_saying_that_no_gan_is_loaded(qtbot, monkeypatch, model_dir,
                                                                                     tmp_path):
    """--gan names the model to load: a damaged one is not swapped for another, and the tab says what to do."""
    asked = damaged_copy(model_dir / "tiny-gan", tmp_path / "run_gan")
    window = started(qtbot, monkeypatch, ["--gan", str(asked)],
                     lambda w: "vae" in w.document.models and bool(errors(w)))

    panel = window.gan_panel
    assert "gan" not in window.document.models and not panel.isEnabled()
    assert errors(window)[0].startswith(f"{asked / WEIGHTS_NAME} is a damaged file")
    assert panel.no_seed_note.text() == NO_GAN_NOTE and not panel.no_seed_note.isHidden()


def test_the_generate_tab_says_no_gan_is_loaded_over_an_open_picture_until_one_is(qtbot, engine, model_dir,
                                                                                 image_files):
    """The tester's note named their picture (“e010.png” was not drawn from a seed…) and offered what the greyed-out
    controls could not do."""
    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    doc, panel = window.document, window.gan_panel
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-vae"))
    doc.open_files([str(image_files[0])])
    qtbot.waitUntil(lambda: doc.current is not None, timeout=UI_TIMEOUT)
    assert not panel.isEnabled() and panel.seed.text() == "—"
    assert panel.no_seed_note.text() == NO_GAN_NOTE and not panel.no_seed_note.isHidden()
    assert panel.no_seed_note.toolTip() == ""

    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-gan"))
    assert panel.isEnabled() and panel.no_seed_note.text() != NO_GAN_NOTE
    doc.select(next(i for i in doc.items.values() if i.kind == "vae").id)  # the picture, past the GAN's sample
    assert panel.no_seed_note.text().startswith("“image 0.png” is a picture in the VAE editor: it has no seed. The")
