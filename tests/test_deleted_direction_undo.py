"""Deleting one of the user's directions in the real window, then doing what is no edit: Undo still brings it back
after a switch to another model and back, and the History tab names a later mask stroke as before."""
from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from conftest import TINY_GAN, TINY_VAE, UI_TIMEOUT, make_model_folder, own_directions_file
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.user_directions import load_user_directions
from test_directions_ui import BLUE, RED, define, settle, slider_menu, write_group
from test_masked_edits import stroke
from test_switch_values import double_click_model, move, user_rows
from ui_helpers import load_other, the_sample

NAME = "frowning → smiling"
OFFER = f"&Undo delete “{NAME}”"


@pytest.fixture()
def groups(tmp_path) -> dict[str, list[str]]:
    """The examples of the direction: red pictures "from", blue ones "to"."""
    return {"red": write_group(tmp_path / "red", "red", RED, 6, 1),
            "blue": write_group(tmp_path / "blue", "blue", BLUE, 6, 2)}


def a_picture_edited_along_a_new_direction(qtbot, window, image_file, groups, value: int):
    """A picture opened, a direction made from examples (the dialog filled in) and its slider moved to value/100."""
    doc = window.document
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_file)])
    item = doc.current
    define(qtbot, window, NAME, groups["red"], groups["blue"])
    row = window.sliders.labels().index(NAME)
    window.sliders.sliders[row].setValue(value)
    qtbot.waitUntil(lambda: item.history.current.values[row] == value / 100, timeout=UI_TIMEOUT)
    settle(qtbot, item)
    return item, row


def switched(qtbot, window, load) -> None:
    load()
    qtbot.waitUntil(lambda: not window.document.carry.pending_any(), timeout=UI_TIMEOUT)


def test_undo_of_a_deletion_outlasts_a_switch_to_another_gan_and_waits_for_its_vae(qtbot, window, image_files,
                                                                                 groups, tmp_path):
    """A switch took the offer away: the Edit menu read "Undo frowning → smiling -1.32σ (deleted)", the step before,
    and the direction was lost. A switch is no edit: another GAN leaves the offer, another VAE (the direction is the
    first's alone) sets it aside, said, until the first is back."""
    doc = window.document
    item, row = a_picture_edited_along_a_new_direction(qtbot, window, image_files[0], groups, -132)
    edited = (item.history.current, item.image.copy())
    slider_menu(window, row, "Delete")
    assert window.undo_action.text() == OFFER

    torch.manual_seed(5)
    switched(qtbot, window, lambda: load_other(qtbot, doc, make_model_folder(tmp_path / "other-gan",
                                                                             Generator(TINY_GAN), "other-gan")))
    assert window.undo_action.text() == OFFER

    said: list[str] = []
    doc.message.connect(said.append)
    torch.manual_seed(7)
    switched(qtbot, window, lambda: load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae",
                                                                             ConvVAE(TINY_VAE), "other-vae")))
    assert window.undo_action.text() != OFFER  # it cannot bring back a tiny-vae direction into other-vae
    assert f"Undo delete “{NAME}” waits for tiny-vae, whose direction it was: load tiny-vae again to bring it " \
           "back (an edit before then ends the offer)" in said

    switched(qtbot, window, lambda: double_click_model(qtbot, window, "tiny-vae"))
    assert window.undo_action.text() == OFFER and f"Undo delete “{NAME}” is on offer again (Edit → Undo)" in said
    window.undo_action.trigger()
    settle(qtbot, item)
    assert window.sliders.labels()[row] == NAME and window.sliders.values()[row] == -1.32
    assert item.history.current.values == edited[0].values and np.array_equal(item.image, edited[1])
    saved = load_user_directions(own_directions_file(doc), doc.directions("vae").basis.shape[1])
    assert saved.labels == (NAME,)


def test_an_edit_in_the_other_vae_ends_the_offer_set_aside(qtbot, window, image_files, groups, tmp_path):
    """Undo brings a deleted direction back until the next edit: one made in the other VAE is that edit."""
    doc = window.document
    item, row = a_picture_edited_along_a_new_direction(qtbot, window, image_files[0], groups, 150)
    slider_menu(window, row, "Delete")
    torch.manual_seed(7)
    switched(qtbot, window, lambda: load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae",
                                                                             ConvVAE(TINY_VAE), "other-vae")))
    window.sliders.sliders[0].setValue(80)  # an edit in other-vae
    qtbot.waitUntil(lambda: item.history.current.values[0] == 0.8, timeout=UI_TIMEOUT)
    switched(qtbot, window, lambda: double_click_model(qtbot, window, "tiny-vae"))
    assert window.undo_action.text() != OFFER and NAME not in window.sliders.labels()


def test_a_mask_stroke_after_an_edit_along_a_deleted_direction_keeps_its_name(qtbot, window, image_files, groups):
    """The stroke's state keeps the unedited latent outside its mask, its parent's took the deleted direction's part
    in: the History tab read "New latent" where it had read "mask: paint"."""
    item, row = a_picture_edited_along_a_new_direction(qtbot, window, image_files[0], groups, 168)
    window.mask_tool.brush.setChecked(True)
    stroke(window, 0.2, 0.6, 0.4)
    window.mask_tool.brush.setChecked(False)
    settle(qtbot, item)
    *_, moved, painted = item.history.path()
    names = window.history.step_name
    assert names(item, moved) == f"{NAME} +1.68σ" and names(item, painted) == "mask: paint"
    slider_menu(window, row, "Delete")
    window.tabs.setCurrentWidget(window.history_panel)
    assert names(item, moved) == f"{NAME} +1.68σ (deleted)" and names(item, painted) == "mask: paint"


@pytest.fixture()
def smile_in_tiny_gan(user_folders) -> None:
    """The user's own "smile" direction for tiny-gan, read as it loads."""
    user_rows("tiny-gan", TINY_GAN.w_dim, ("smile",))


def held_seeds(monkeypatch) -> tuple[threading.Event, threading.Event, threading.Event]:
    """(hold, taken, let_go): once hold is set, the worker waits before drawing a seed's w until let_go is set,
    having set taken."""
    hold, taken, let_go = threading.Event(), threading.Event(), threading.Event()
    map_seed = Runtime.map_seed

    def held(self, *args, **kwargs):  # on the worker's thread
        if hold.is_set():
            taken.set()
            let_go.wait(UI_TIMEOUT / 1000)  # a deadline, never a measure
        return map_seed(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "map_seed", held)
    return hold, taken, let_go


def test_undo_of_a_gan_deletion_waits_for_the_samples_drawn_again_in_its_gan(qtbot, smile_in_tiny_gan, window,
                                                                            monkeypatch, tmp_path):
    """Back in the GAN a direction was deleted from, Undo delete was offered at once, while each seed was still
    being drawn again: pressed then, it put back the histories as they were in that GAN, and each seed arriving
    moved them by what it moved from the other GAN's w a second time (another face). It comes back once they are
    in, and puts back the direction and the samples' latents as they were."""
    doc = window.document
    item = the_sample(window)
    move(qtbot, window, item, "smile", 1.4)
    settle(qtbot, item)
    before = (item.history.current, {n: d.latent.copy() for n, d in item.drawn.items()})
    row = window.sliders.labels().index("smile")
    slider_menu(window, row, "Delete")
    assert window.undo_action.text() == "&Undo delete “smile”"
    settle(qtbot, item)

    hold, taken, let_go = held_seeds(monkeypatch)
    torch.manual_seed(5)
    switched(qtbot, window, lambda: load_other(qtbot, doc, make_model_folder(tmp_path / "other-gan",
                                                                             Generator(TINY_GAN), "other-gan")))
    hold.set()
    try:
        double_click_model(qtbot, window, "tiny-gan")
        qtbot.waitUntil(taken.is_set, timeout=UI_TIMEOUT)  # the sample's seed, being drawn again by tiny-gan
        # pressed now, it put back histories in tiny-gan's w that the seed's arrival then moved again
        assert doc.carry.pending_any() and window.undo_action.text() != "&Undo delete “smile”"
    finally:
        hold.clear()
        let_go.set()
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert window.undo_action.text() == "&Undo delete “smile”"
    window.undo_action.trigger()
    settle(qtbot, item)
    assert window.sliders.labels()[row] == "smile" and window.sliders.values()[row] == 1.4
    state, latents = before
    assert item.history.current.values == state.values and np.array_equal(item.history.current.base, state.base)
    assert all(np.array_equal(item.drawn[n].latent, w) for n, w in latents.items())
