"""A model switch in the real window: the items' slider values are re-expressed in the new model's directions
(a named direction both models have keeps its value, the rest start at 0), so an export never writes values and
labels of different lengths; switching back to a model brings the edits made in it back."""
from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pytest
import torch

from PySide6.QtCore import Qt

from conftest import TINY_GAN, TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.edit import Directions, EditState, edited_latent
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.model_panel import PATH_ROLE
from genimg_gui.user_directions import legacy_directions_file, save_user_directions
from test_directions_ui import settle
from ui_helpers import drop_and_wait, load_other, the_sample, vae_items


def user_rows(model_name: str, dim: int, labels: tuple[str, ...]) -> None:
    """The user's own directions for a model, saved where the app reads them when the model loads."""
    rng = np.random.default_rng(len(labels))
    basis = rng.standard_normal((len(labels), dim)).astype(np.float32)
    basis /= np.linalg.norm(basis, axis=1, keepdims=True)
    rows = Directions(np.zeros(dim, np.float32), basis, np.ones(len(labels), np.float32),
                      np.zeros(len(labels), np.float32), labels)
    save_user_directions(legacy_directions_file(model_name), rows)  # by name alone: the first model of it takes them


@pytest.fixture()
def named_rows(user_folders) -> None:
    """tiny-gan and tiny-vae carry "smile" and "old only"; the models switched to below carry "smile" alone."""
    vae_dim = int(np.prod(TINY_VAE.latent_shape))
    for name, dim in (("tiny-gan", TINY_GAN.w_dim), ("tiny-vae", vae_dim)):
        user_rows(name, dim, ("smile", "old only"))
    for name, dim in (("other-gan", TINY_GAN.w_dim), ("other-vae", vae_dim)):
        user_rows(name, dim, ("smile",))


def move(qtbot, window, item, label: str, value: float) -> None:
    row = window.sliders.labels().index(label)
    window.sliders.sliders[row].setValue(round(value * 100))
    qtbot.waitUntil(lambda: item.history.current.values[row] == value, timeout=UI_TIMEOUT)


def exported(qtbot, window, path) -> dict:
    """The current item's latent exported, once the new model's latents for it have come (exported before, they
    were the last model's: not exported, said)."""
    doc = window.document
    qtbot.waitUntil(lambda: not doc.carry.pending(doc.current.id), timeout=UI_TIMEOUT)
    window.exports.export_latent(str(path))
    with np.load(path) as f:
        return {"values": f["values"].tolist(), "labels": f["labels"].tolist()}


def expected_after_switch(labels: tuple[str, ...], smile: float) -> list[float]:
    return [smile if label == "smile" else 0.0 for label in labels]


def test_a_new_gan_resets_edits_along_its_own_directions_and_keeps_a_shared_named_one(
        qtbot, named_rows, window, tmp_path):
    doc = window.document
    item = the_sample(window)
    for label, value in (("smile", 1.5), ("old only", -0.5), (window.sliders.labels()[0], 1.0)):
        move(qtbot, window, item, label, value)
    steps = len(item.history)
    doc.generate(7, 0.7, new_item=True)  # a sample never edited, as seed 0 in the report
    qtbot.waitUntil(lambda: any(i.seed == 7 for i in doc.items.values()), timeout=UI_TIMEOUT)
    unedited = doc.current
    said: list[str] = []
    doc.message.connect(said.append)
    torch.manual_seed(5)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    labels = doc.directions("gan").labels
    assert len(labels) == TINY_GAN.w_dim + 1 and labels[-1] == "smile"  # one fewer than the old GAN's
    assert list(item.history.current.values) == expected_after_switch(labels, 1.5)
    assert all(len(n.state.values) == len(labels) for n in item.history.nodes()) and len(item.history) == steps
    assert "start again at 0" in said[-1] and "old only" in said[-1] and "PC1" in said[-1]
    for shown, smile in ((unedited, 0.0), (item, 1.5)):
        doc.select(shown.id)
        assert window.sliders.values() == tuple(expected_after_switch(labels, smile))
        npz = exported(qtbot, window, tmp_path / f"{shown.id}.npz")
        assert npz["labels"] == list(labels) and npz["values"] == expected_after_switch(labels, smile)


def test_a_new_vae_does_the_same_for_its_pictures_open_and_closed(qtbot, named_rows, window, image_files, tmp_path):
    doc = window.document
    drop_and_wait(qtbot, window, image_files[:2], 2)
    closed, item = vae_items(window)
    doc.select(item.id)
    for label, value in (("smile", -1.0), (window.sliders.labels()[2], 2.0)):
        move(qtbot, window, item, label, value)
    doc.close_item(closed.id)
    torch.manual_seed(7)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    labels = doc.directions("vae").labels
    assert list(item.history.current.values) == expected_after_switch(labels, -1.0)
    assert len(closed.history.current.values) == len(labels)  # reopened later under the new VAE
    npz = exported(qtbot, window, tmp_path / "picture.npz")
    assert npz["labels"] == list(labels) and npz["values"] == expected_after_switch(labels, -1.0)


def double_click_row(qtbot, window, name: str) -> None:
    """The Models tab: a double-click on the model's row, as a user loads it (not waiting for the load)."""
    window.tabs.setCurrentWidget(window.model_panel)
    models = window.model_panel.list
    [row] = [models.item(i) for i in range(models.count()) if models.item(i).data(PATH_ROLE).endswith(name)]
    models.scrollToItem(row)
    where = models.visualItemRect(row).center()
    qtbot.mouseClick(models.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a double-click's first press
    qtbot.mouseDClick(models.viewport(), Qt.MouseButton.LeftButton, pos=where)


def double_click_model(qtbot, window, name: str) -> None:
    """double_click_row, and the load it asks for done."""
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        double_click_row(qtbot, window, name)


def test_switching_back_to_a_gan_brings_its_edits_back(qtbot, window, reference, tmp_path):
    doc = window.document
    item = the_sample(window)
    pc1 = window.sliders.labels()[0]
    move(qtbot, window, item, pc1, 1.5)  # edited in GAN A (tiny-gan)
    edited = reference.decode("gan", edited_latent(item.history.current, reference.models["gan"].directions))
    qtbot.waitUntil(lambda: np.array_equal(item.image, edited), timeout=UI_TIMEOUT)

    torch.manual_seed(5)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    labels = doc.directions("gan").labels
    assert not any(item.history.current.values) and window.sliders.sliders[0].value() == 0  # B's PC1 is not A's
    npz = exported(qtbot, window, tmp_path / "in B.npz")
    assert npz["labels"] == list(labels) and npz["values"] == [0.0] * len(labels)
    move(qtbot, window, item, window.sliders.labels()[1], 0.8)  # a step made in B

    double_click_model(qtbot, window, "tiny-gan")
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    # B's step: its PC2 is not A's, so it changes nothing in A and shows the edit made there (it read all 0)
    assert item.history.current.values == (1.5,) + (0.0,) * (len(window.sliders.labels()) - 1)
    qtbot.waitUntil(lambda: np.array_equal(item.image, edited), timeout=UI_TIMEOUT)
    window.undo_action.trigger()  # back at the step made in A: its edit as it was
    assert item.history.current.values[0] == 1.5 and window.sliders.sliders[0].value() == 150
    qtbot.waitUntil(lambda: np.array_equal(item.image, edited), timeout=UI_TIMEOUT)  # the picture as before
    npz = exported(qtbot, window, tmp_path / "in A again.npz")
    assert npz["labels"] == list(window.sliders.labels()) and npz["values"][0] == 1.5
    assert len(npz["values"]) == len(npz["labels"])


def test_two_copies_of_one_vae_are_one_model_and_keep_the_pc_edits(qtbot, window, model_dir, image_files, tmp_path):
    """Models were told apart by their folder: switching to a copy of the VAE reset every PC edit, as if it were
    another model; the weights' SHA-256 says which model it is."""
    doc = window.document
    first, second = (shutil.copytree(model_dir / "tiny-vae", tmp_path / name) for name in ("copy A", "copy B"))
    load_other(qtbot, doc, first)
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    labels = window.sliders.labels()
    move(qtbot, window, item, labels[0], 1.5)
    move(qtbot, window, item, labels[2], -0.5)
    edited, steps = item.history.current.values, len(item.history)
    said: list[str] = []
    doc.message.connect(said.append)
    load_other(qtbot, doc, second)
    assert item.history.current.values == edited and len(item.history) == steps
    assert doc.models["vae"].path.endswith("copy B") and doc.models["vae"].identity == sha256_of(first)
    assert window.sliders.values() == edited and not any("start again at 0" in s for s in said)
    assert not doc.carry.pending_any()  # the same model: nothing to encode again
    torch.manual_seed(7)
    retrained = make_model_folder(tmp_path / "copy B trained again", ConvVAE(TINY_VAE), "tiny-vae")
    load_other(qtbot, doc, retrained)  # another model, whatever its name: PC edits start again at 0
    assert not any(item.history.current.values) and "start again at 0" in said[-1]


def sha256_of(folder) -> str:
    return hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()


def test_switching_back_after_a_restart_brings_the_edits_back(qtbot, window, model_dir, tmp_path):
    """The values kept for the model switched away from were not in the autosave: restored, a switch back reset
    them."""
    from genimg_gui import session as sess
    from genimg_gui.catalog import read_entry
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow

    item = the_sample(window)
    move(qtbot, window, item, window.sliders.labels()[0], 1.5)  # edited in GAN A (tiny-gan)
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    load_other(qtbot, window.document, other)
    move(qtbot, window, item, window.sliders.labels()[1], 0.8)  # a step made in B
    saved = sess.save_session(window.document.to_session(), tmp_path / "autosave.safetensors")
    window.close()  # the restart
    entries = [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan"), read_entry(other)]
    again = MainWindow(Engine("cpu"), entries)
    qtbot.addWidget(again)
    try:
        doc = again.document
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT,
                              check_params_cb=lambda info: info.kind == "gan"):
            doc.restore(sess.load_session(saved))  # loads B, the GAN the session names
        [restored] = doc.items.values()
        assert restored.history.current.values[1] == 0.8
        double_click_model(qtbot, again, "tiny-gan")
        qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
        again.undo_action.trigger()  # back at the step made in A: its edit as it was
        assert restored.history.current.values[0] == 1.5 and again.sliders.sliders[0].value() == 150
    finally:
        again.close()


def a_pc1_step_undone(qtbot, window, image_files):
    """A picture opened, moved +1.5σ along PC1 and that step undone (to be redone or named later): (the item, PC1's
    label, the step's id)."""
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    pc1 = window.sliders.labels()[0]
    move(qtbot, window, item, pc1, 1.5)
    step = item.history.current_id
    assert window.history.step_name(item, step) == f"{pc1} +1.50σ"
    window.undo_action.trigger()
    return item, pc1, step


def test_a_step_along_a_direction_the_new_vae_lacks_is_still_named_by_it(qtbot, window, image_files, tmp_path):
    """After a switch it read a bare "Edit" (and the Edit menu "Redo Edit"): it names what it changed in the model
    it was made in, and that the model now loaded lacks it; switching back names it as before."""
    doc = window.document
    item, pc1, step = a_pc1_step_undone(qtbot, window, image_files)

    torch.manual_seed(7)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert window.history.step_name(item, step) == f"{pc1} +1.50σ (not in other-vae)"
    assert window.redo_action.text() == f"&Redo {pc1} +1.50σ (not in other-vae)"

    double_click_model(qtbot, window, "tiny-vae")
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert window.history.step_name(item, step) == f"{pc1} +1.50σ"


def test_a_drag_back_to_0_is_not_named_a_reset_in_a_vae_that_lacks_its_direction(qtbot, window, image_files,
                                                                                 tmp_path):
    """A slider moved back to 0 read "PC1 +0.00σ", and after a switch to a model without PC1 "Reset PC1 (not in
    other-vae)": named by its value there too, and only a reset (the 0 key, as ↺) is named a reset."""
    doc = window.document
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    pc1, slider = window.sliders.labels()[0], window.sliders.sliders[0]
    move(qtbot, window, item, pc1, 1.5)
    move(qtbot, window, item, pc1, 0.0)  # a drag or keys back to 0, not a reset
    dragged = item.history.current_id
    move(qtbot, window, item, pc1, 0.5)
    qtbot.keyClick(slider, Qt.Key.Key_0)  # a reset, as ↺
    reset = item.history.current_id
    assert [window.history.step_name(item, n) for n in (dragged, reset)] == [f"{pc1} +0.00σ", f"Reset {pc1}"]

    torch.manual_seed(7)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert [window.history.step_name(item, n) for n in (dragged, reset)] == \
        [f"{pc1} +0.00σ (not in other-vae)", f"Reset {pc1} (not in other-vae)"]


def test_a_model_named_as_the_one_a_step_was_made_in_is_told_apart_from_it(qtbot, window, image_files, model_dir,
                                                                            tmp_path):
    """Models are known by their weights: another tiny-vae (trained apart, same name) lacks the step's direction, a
    copy of the first in another folder has it. The mark named the model now loaded by its name alone, so under
    another tiny-vae it read "(not in tiny-vae)", as if not in the very model the step was made in."""
    doc = window.document
    item, pc1, step = a_pc1_step_undone(qtbot, window, image_files)
    torch.manual_seed(7)
    other = make_model_folder(tmp_path / "other" / "tiny-vae", ConvVAE(TINY_VAE), "tiny-vae")
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "copy" / "tiny-vae")
    for folder, name in ((other, f"{pc1} +1.50σ (not in tiny-vae in …/other/tiny-vae)"), (copy, f"{pc1} +1.50σ")):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(folder))
        qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
        assert doc.models["vae"].name == "tiny-vae" and window.history.step_name(item, step) == name


def test_a_change_too_small_to_read_is_no_change_in_a_step_name():
    """Values re-expressed in another model differ in their last bits: a step made in an SD VAE read
    "PC4 (2.9%) +0.00σ" in the 64-px one (and "PC1 +0.00σ, PC2 +0.00σ" another), so it was never named by what it
    moved where it was made. Such a step is an "Edit" here, which the History then names by its own model."""
    from genimg_gui.ui.history_words import describe_step

    before = EditState(np.zeros(4, np.float32), (0.0, 0.0, 0.0))
    assert describe_step(before, before.with_values((0.0, 0.003, -0.004)), ("PC1", "PC2", "PC3")) == "Edit"
    assert describe_step(before, before.with_values((0.0, 0.01, 0.0)), ("PC1", "PC2", "PC3")) == "PC2 +0.01σ"


def step_texts(qtbot, window, item) -> list[str]:
    """The rows of an item's steps in the History tab, as the user reads them."""
    window.filmstrip.setCurrentRow(window.document.place_of(item.id))
    panel = window.history_panel
    qtbot.waitUntil(lambda: panel.item_for(len(item.history) - 1) is not None, timeout=UI_TIMEOUT)
    return [panel.item_for(n.id).text(0) for n in item.history.nodes()]


def test_a_step_made_in_another_vae_keeps_the_edit_and_its_name_on_switching_back(
        qtbot, window, image_files, tmp_path):
    """Back in the VAE a picture was edited in, its step made meanwhile in another VAE (along a direction this one
    lacks) showed no edit, every slider at 0: it had taken the values the other VAE started again at 0, and was
    named "PC1 +0.00σ" for undoing PC1. It changes nothing here, so it shows its parent's edit, named as made."""
    doc = window.document
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    pc1 = window.sliders.labels()[0]
    move(qtbot, window, item, pc1, 1.86)
    settle(qtbot, item)
    edited = item.image.copy()

    torch.manual_seed(7)
    load_other(qtbot, doc, make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae"))
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    pc3 = window.sliders.labels()[2]  # other-vae's own PC3
    move(qtbot, window, item, pc3, 1.95)

    double_click_model(qtbot, window, "tiny-vae")
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    assert item.history.current.values[0] == 1.86 and window.sliders.values()[0] == 1.86
    settle(qtbot, item)
    assert np.array_equal(item.image, edited)  # the picture as edited in tiny-vae
    named = f"{pc3} +1.95σ (not in tiny-vae)"
    assert step_texts(qtbot, window, item) == ["Opened", f"{pc1} +1.86σ", named]
    assert window.undo_action.text() == f"&Undo {named}"


def test_steps_made_in_a_model_not_loaded_are_named_alike_after_a_restart(
        qtbot, named_rows, window, model_dir, image_files, tmp_path):
    """A step along a direction of a model switched away from was named by that model's directions until a
    restart, then by a bare number ("direction 1 +1.50σ (not in other-vae)"): their names were not in the
    session."""
    from genimg_gui import session as sess
    from genimg_gui.catalog import read_entry
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow

    doc = window.document
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [item] = vae_items(window)
    pc1 = window.sliders.labels()[0]
    for label, value in ((pc1, 1.5), ("old only", 0.8), ("smile", -0.5)):
        move(qtbot, window, item, label, value)
    torch.manual_seed(7)
    other = make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae")
    load_other(qtbot, doc, other)
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    before, undo = step_texts(qtbot, window, item), window.undo_action.text()
    assert undo == "&Undo smile -0.50σ"
    assert before[1:] == [f"{pc1} +1.50σ (not in other-vae)", "old only +0.80σ (not in other-vae)", "smile -0.50σ"]
    saved = sess.save_session(doc.to_session(), tmp_path / "autosave.safetensors")
    window.close()  # the restart, with other-vae loaded
    entries = [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan"), read_entry(other)]
    again = MainWindow(Engine("cpu"), entries)
    qtbot.addWidget(again)
    try:
        loaded: list[str] = []
        again.document.model_loaded.connect(lambda info: loaded.append(info.name))
        again.document.restore(sess.load_session(saved))
        qtbot.waitUntil(lambda: len(loaded) == 2, timeout=UI_TIMEOUT)
        assert again.document.models["vae"].name == "other-vae" and "tiny-vae" not in loaded
        [restored] = vae_items(again)
        assert step_texts(qtbot, again, restored) == before and again.undo_action.text() == undo
    finally:
        again.close()


def test_the_labels_a_session_keeps_come_back_and_old_sessions_have_none(tmp_path):
    from genimg_gui import session as sess
    from session_helpers import _rewritten, branching_history

    image = np.zeros((2, 2, 3), np.uint8)
    item = sess.SessionItem("vae", "a.png", image, image, branching_history(), values_by_model={"A": {1: (1.5,)}})
    labels = {"A": ("PC1 (1.2%)", "old only"), "B": ("PC1 (3.0%)",)}
    path = sess.save_session(sess.Session([item], identities={"vae": "B"}, labels=labels), tmp_path / "s.safetensors")
    assert sess.load_session(path).labels == labels
    _rewritten(path, lambda doc: doc.pop("labels"))  # as sessions were saved before: steps named by numbers
    assert sess.load_session(path).labels == {}
