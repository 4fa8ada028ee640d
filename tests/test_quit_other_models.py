"""The quit question counts edits made in a model that is not loaded now: pictures edited in one VAE, a sample in
one GAN, then other models loaded, and File → Quit named the sample alone (or nothing), though every edit was in its
history and came back on switching back; Discard deleted them "for good" unnamed."""
from __future__ import annotations

import numpy as np
import torch
from PySide6.QtGui import QAction

import foreign_builders as fb
from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder, quit_questions_cancelled
from genimg_gui.models.gan import Generator
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions

from test_masked_edits import open_images, settle
from test_open_latents import load, other_vae
from test_switch_values import double_click_model, move, named_rows  # noqa: F401 (a fixture)
from ui_helpers import exports_written, the_sample


def shown(qtbot, window, item) -> None:
    """item made current by a click on its thumbnail, its picture drawn."""
    window.filmstrip.setCurrentRow(window.document.place_of(item.id))
    qtbot.waitUntil(lambda: window.document.current is item, timeout=UI_TIMEOUT)
    settle(qtbot, item)


def edit(qtbot, window, item, moves: list[tuple[int, float]]) -> None:
    """item shown and its sliders (by row) moved to each value in turn, each a step of its History."""
    shown(qtbot, window, item)
    for row, value in moves:
        move(qtbot, window, item, window.sliders.labels()[row], value)
    settle(qtbot, item)


def quit_asked(window, monkeypatch) -> list[str]:
    """File → Quit, the real question answered Cancel: its text, if it asked (the window stays open either way, and
    its teardown's close discards)."""
    asked = quit_questions_cancelled(monkeypatch)
    [quit_action] = [a for a in window.findChildren(QAction) if a.text() == "&Quit"]
    quit_action.trigger()
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: DISCARD)
    return asked


def test_pictures_and_a_sample_edited_in_models_not_loaded_now_are_named_on_quitting(
        qtbot, window, image_files, tmp_path, monkeypatch):
    """The tester's steps: two pictures edited in the VAE (PC1, PC2), the GAN's sample edited (PC1), another VAE and
    another GAN loaded, Quit: the question named none of them (it counted the other models' sliders, all at 0)."""
    sample = the_sample(window)
    edit(qtbot, window, sample, [(0, 1.5)])
    first, second = open_images(qtbot, window, image_files[:2])
    edit(qtbot, window, first, [(0, 1.2)])
    edit(qtbot, window, second, [(1, -0.8)])
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    torch.manual_seed(5)
    load(qtbot, window, make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    assert all(not any(item.history.current.values) for item in (sample, first, second))  # nothing shows here

    assert quit_asked(window, monkeypatch) == [
        f"1 edited sample and 2 edited images have not been exported: “{sample.name}”, “{first.name}” "
        f"and “{second.name}”."]
    assert window.isVisible()  # Cancel: nothing lost


def test_an_edit_undone_in_another_model_is_no_edit_and_an_export_holds_there(
        qtbot, window, image_files, tmp_path, monkeypatch):
    """Edited in the VAE, then in another VAE: a picture taken back to its first step (Ctrl+Z) is as it was
    opened in both, and one exported before the switch is exported in both: nothing to ask."""
    doc = window.document
    undone, exported = open_images(qtbot, window, image_files[:2])
    edit(qtbot, window, undone, [(0, 1.2)])
    edit(qtbot, window, exported, [(2, 0.9)])
    window.exports.export_png(str(tmp_path / "exported.png"))
    exports_written(qtbot, window)  # written off the GUI thread
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    shown(qtbot, window, undone)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: undone.history.current_id == 0, timeout=UI_TIMEOUT)
    assert doc.unexported() == [] and quit_asked(window, monkeypatch) == []


def test_an_edit_made_after_the_export_in_another_model_is_named_back_in_the_exported_ones(
        qtbot, window, image_files, tmp_path, monkeypatch):
    """A picture exported in the VAE, then moved along the other VAE's PC3, then the first VAE loaded again: that
    step changes nothing in the first VAE, and the quit named nothing, though the other VAE's edit was never
    exported (it shows again there)."""
    [picture] = open_images(qtbot, window, image_files[:1])
    edit(qtbot, window, picture, [(0, 1.2)])
    window.exports.export_png(str(tmp_path / "exported.png"))
    exports_written(qtbot, window)  # written off the GUI thread
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    edit(qtbot, window, picture, [(2, 1.95)])
    double_click_model(qtbot, window, "tiny-vae")
    qtbot.waitUntil(lambda: not window.document.carry.pending_any(), timeout=UI_TIMEOUT)
    assert picture.history.current.values[0] == 1.2 and picture.history.current.values[2] == 0  # as exported here
    assert quit_asked(window, monkeypatch) == [f"The edited image “{picture.name}” has not been exported."]


def test_a_named_edit_both_models_share_taken_back_in_the_other_is_no_edit(
        qtbot, named_rows, window, image_files, tmp_path, monkeypatch):  # noqa: F811 (the fixture)
    """"smile", which both VAEs have, moved in the first and back to 0 in the other: back in the first it reads 0
    too (a switch carries a shared direction's value), so there is nothing to name; PC1 moved in the first is."""
    smiled, both = open_images(qtbot, window, image_files[:2])
    edit(qtbot, window, smiled, [(window.sliders.labels().index("smile"), 1.0)])
    edit(qtbot, window, both, [(window.sliders.labels().index("smile"), 1.0), (0, 0.7)])
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    for item in (smiled, both):
        edit(qtbot, window, item, [(window.sliders.labels().index("smile"), 0.0)])
    assert quit_asked(window, monkeypatch) == [f"The edited image “{both.name}” has not been exported."]


def test_a_deleted_directions_edit_folded_in_a_latent_shape_left_is_named(
        qtbot, named_rows, window, image_files, tmp_path, monkeypatch):  # noqa: F811 (the fixture)
    """"smile" moved, then deleted (its share moves into the base latent), then a spatial VAE loaded: the base of
    the other shape has no such fold, yet switching back brings it back; the quit named nothing."""
    doc = window.document
    [picture] = open_images(qtbot, window, image_files[:1])
    edit(qtbot, window, picture, [(window.sliders.labels().index("smile"), 2.0)])
    window.directions_tool.delete(doc.directions("vae").index_of("smile"))
    assert not np.array_equal(picture.history.current.base, picture.history.nodes()[0].state.base)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])  # spatial: (4, h/8, w/8) latents
    qtbot.waitUntil(lambda: picture.history.current.base.ndim == 3 and not doc.carry.pending_any(),
                    timeout=UI_TIMEOUT)
    assert picture.history.current.same_as(picture.unedited())  # nothing shows in this VAE
    assert quit_asked(window, monkeypatch) == [f"The edited image “{picture.name}” has not been exported."]
