"""What was exported stays exported across model switches and restarts, in the real window: a GAN sample's latent
exported and opened again, an edited picture's PNG, an edited inversion's PNG. Kept for next time while another model
was loaded, each came back asked about on every later quit once its own model was loaded again."""
from __future__ import annotations

import torch

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder, quit_questions_kept
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.models.gan import Generator
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions, unexported_work

from session_helpers import offered
from test_inversion_names import invert
from test_masked_edits import open_images, settle
from test_open_latents import load, opened, other_vae
from test_switch_values import double_click_model, move
from ui_helpers import exports_written, the_sample


def edited_and_exported(qtbot, window, item, value: float, write) -> None:
    """item moved along PC1 to value, then exported by write()."""
    move(qtbot, window, item, window.sliders.labels()[0], value)
    settle(qtbot, item)
    write()
    exports_written(qtbot, window)  # a PNG is written off the GUI thread


def switched_kept_and_back(qtbot, window, monkeypatch, others: list, home: list):
    """The models others loaded in window (its items carried to them), nothing to export there; window closed with
    nothing asked, the images kept; a new window on every model folder, the kept session back (in others); then
    each model in home double-clicked in the Models tab, the items carried back to it. Returns the new window."""
    for folder in others:
        load(qtbot, window, folder)
    doc = window.document
    assert doc.unexported() == [], unexported_work(doc.unexported())  # nothing new to export in the other models
    asked = quit_questions_kept(monkeypatch)
    assert window.close() and asked == []  # every edit exported: quits unasked, the images kept all the same
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)
    kept = sess.load_session(window.autosaver.path)
    assert kept.kept

    again = MainWindow(Engine("cpu"), [read_entry(folder) for folder in (*home, *others)])
    qtbot.addWidget(again)
    again.show()
    doc = again.document
    assert offered(qtbot, again) == len(kept.items)  # kept: back unasked, in the other models
    qtbot.waitUntil(lambda: len(doc.items) == len(kept.items) and not doc.jobs and not doc.carry.pending_any(),
                    timeout=UI_TIMEOUT)
    assert {doc.models[read_entry(folder).kind].path for folder in others} == {str(folder) for folder in others}
    assert doc.unexported() == [], unexported_work(doc.unexported())
    for folder in home:
        double_click_model(qtbot, again, folder.name)
        qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)
    for item in doc.items.values():
        settle(qtbot, item)
    return again


def asked_on_quitting(window, monkeypatch) -> list[str]:
    """The quit question's text as the window closes (answered Keep for next time), if it asks."""
    asked = quit_questions_kept(monkeypatch)
    assert window.close()
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, names, can_keep: DISCARD)
    return [text for text, _ in asked]


def test_an_opened_latent_and_an_exported_picture_stay_exported_after_a_switch_a_kept_quit_and_a_switch_back(
        qtbot, window, model_dir, image_files, tmp_path, monkeypatch):
    """seed0044.npz opened, then another GAN double-clicked and Ctrl+Q: unasked, rightly (the PC1 edit starts again
    at 0 there). The session kept no exported step for it (its states in the other GAN were not the state exported),
    so after the restart, back in its own GAN, every quit asked: "The edited sample “seed 44” has not been exported."
    The same for a picture's exported PNG across another VAE."""
    sample = the_sample(window)
    npz = tmp_path / f"{sample.file_name}.npz"
    edited_and_exported(qtbot, window, sample, 1.5, lambda: window.exports.export_latent(str(npz)))
    reopened = opened(qtbot, window, npz)  # File → Open images… on it
    # told apart from the sample it came from, still open beside it
    assert reopened.name == f"{sample.name} (2)" and reopened.history.current.values[0] == 1.5
    [picture] = open_images(qtbot, window, image_files[:1])
    edited_and_exported(qtbot, window, picture, 1.5,
                        lambda: window.exports.export_png(str(tmp_path / "picture_edited.png")))
    assert window.document.unexported() == []
    torch.manual_seed(5)
    others = [make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"),
              other_vae(tmp_path / "other-vae", 7, "other-vae")]

    again = switched_kept_and_back(qtbot, window, monkeypatch, others, [model_dir / "tiny-gan", model_dir / "tiny-vae"])
    doc = again.document
    [back] = [i for i in doc.items.values() if i.name == reopened.name and i.file is not None]
    [picture_back] = [i for i in doc.items.values() if i.name == picture.name]
    assert back.history.current.values[0] == 1.5 and picture_back.history.current.values[0] == 1.5  # edits back
    assert doc.unexported() == [], unexported_work(doc.unexported())
    doc.select(back.id)  # edited after its file was written: asked about, by name
    move(qtbot, again, back, again.sliders.labels()[0], 0.5)
    assert asked_on_quitting(again, monkeypatch) == [f"The edited sample “{back.name}” has not been exported."]


def test_an_exported_inversion_stays_exported_after_a_switch_a_kept_quit_and_a_switch_back(
        qtbot, window, model_dir, image_files, tmp_path, monkeypatch):
    """An edited inversion exported, another GAN loaded: its PC1 edit starts again at 0 there, its state no longer
    the one exported, and the quit asked "The inversion “image 0.png, inverted” has not been exported." at once."""
    open_images(qtbot, window, image_files[:1])
    inversion = invert(qtbot, window)
    edited_and_exported(qtbot, window, inversion, -1.0,
                        lambda: window.exports.export_png(str(tmp_path / "inversion.png")))
    assert window.document.unexported() == []
    torch.manual_seed(5)
    others = [make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")]

    again = switched_kept_and_back(qtbot, window, monkeypatch, others, [model_dir / "tiny-gan"])
    doc = again.document
    [back] = [i for i in doc.items.values() if i.name == inversion.name]
    assert back.history.current.values[0] == -1.0 and doc.unexported() == [], unexported_work(doc.unexported())
    doc.select(back.id)
    move(qtbot, again, back, again.sliders.labels()[0], 0.5)
    assert asked_on_quitting(again, monkeypatch) == [f"The inversion “{image_files[0].name}, inverted” has not been "
                                                     "exported."]
