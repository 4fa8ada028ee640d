"""Directions in the real window: made from example image files, saved per model and loaded back,
renamed and deleted from the slider menu (images unchanged), kept apart from named directions;
preview strips under the sliders and the typicality meter."""
from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from conftest import UI_TIMEOUT, own_directions_file
from genimg_gui.edit import Directions, EditState, edited_latent, without_direction
from genimg_gui.history import History
from genimg_gui.imaging import open_image
from genimg_gui.typicality import TYPICAL_BELOW, PriorModel, reading
from genimg_gui.ui.action_texts import undo_text
from genimg_gui.ui.directions_dialog import DirectionsDialog
from genimg_gui.user_directions import load_user_directions

RED, BLUE = (200, 50, 40), (40, 60, 200)


def write_group(folder, name: str, colour, n: int, seed: int) -> list[str]:
    """n noisy images of one colour, as real PNG files."""
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        arr = np.clip(np.array(colour) + rng.normal(0, 35, (32, 32, 3)), 0, 255).astype(np.uint8)
        path = folder / f"{name}{i}.png"
        Image.fromarray(arr).save(path)
        paths.append(str(path))
    return paths


@pytest.fixture()
def groups(tmp_path) -> dict[str, list[str]]:
    return {"red": write_group(tmp_path / "red", "red", RED, 6, 1),
            "blue": write_group(tmp_path / "blue", "blue", BLUE, 6, 2),
            "held": write_group(tmp_path / "held", "held", RED, 3, 3)}


def menu_action(window, text: str):
    return next(a for menu in window.menuBar().actions() if menu.menu()
                for a in menu.menu().actions() if a.text() == text)


def define(qtbot, window, name, from_paths, to_paths, keep_fixed=False, method="means", until=None,
           wait=True) -> int | None:
    """Edit → New direction from examples…, its dialog filled as a user would (method: "means" or "linear") and
    Make direction clicked; waits for the direction made, or for until (a signal: document.error for one refused).
    wait=False: only sends it, for a test that waits on something else, and returns the seq of its request sent last
    (the "to" side's encode)."""
    QTimer.singleShot(0, lambda: make_in_dialog(qtbot, name, from_paths, to_paths, keep_fixed, method))
    new_direction = menu_action(window, "New &direction from examples…")
    if not wait:
        new_direction.trigger()  # returns once the dialog, modal, has closed
        return max(window.document.jobs)
    with qtbot.waitSignal(window.document.directions_changed if until is None else until, timeout=UI_TIMEOUT):
        new_direction.trigger()
    return None


def make_in_dialog(qtbot, name, from_paths, to_paths, keep_fixed: bool, method: str) -> None:
    """In the New direction dialog open (modal): the examples given on each side (as a drop or Add images… gives
    them; those of a refused try it opened with removed), the name typed, the method and Keep … fixed chosen, then
    Make direction clicked. Should it fail, the dialog is cancelled: left open, it would hold the test forever."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DirectionsDialog), dialog
    try:
        for which, paths in (("from", from_paths), ("to", to_paths)):
            dialog.lists[which].selectAll()
            qtbot.mouseClick(dialog.remove_buttons[which], Qt.MouseButton.LeftButton)
            dialog.add_files(which, paths)
        dialog.name.setText(name)
        dialog.method.setCurrentIndex(dialog.method.findData(method))
        dialog.keep_fixed.setChecked(keep_fixed)
        make = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert make.isEnabled(), dialog.name_note.text()
        qtbot.mouseClick(make, Qt.MouseButton.LeftButton)
    finally:
        if dialog.isVisible():
            dialog.reject()


def test_the_dialog_names_a_direction_by_what_its_examples_share(qtbot, tmp_path):
    def files(*names):
        for name in names:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (8, 8), "red").save(tmp_path / name)
        return [str(tmp_path / n) for n in names]
    dialog = DirectionsDialog()
    qtbot.addWidget(dialog)
    dialog.add_files("from", files("frowning/IMG_0001.jpg", "frowning/IMG_0002.jpg"))
    assert dialog.name.text() == "frowning → B"  # one side so far: its folder, not IMG_0001
    dialog.add_files("to", files("smiling/IMG_0003.jpg"))
    assert dialog.name.text() == "frowning → smiling"  # the folders, not IMG_0001 → IMG_0003
    for which in ("from", "to"):
        dialog.lists[which].clear()
    dialog.add_files("from", files("all/frown_01.png", "all/Frown-02.png"))
    dialog.add_files("to", files("all/smile_01.png", "all/smile_02.png"))
    assert dialog.name.text() == "frown → smile"
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "grumpy to happy")  # a typed name is kept over any suggestion
    dialog.add_files("to", files("all/grin.png"))
    assert dialog.name.text() == dialog.request().name == "grumpy to happy"


def slider_menu(window, index: int, text: str) -> None:
    menu = window.sliders.context_menu(index)
    next(a for a in menu.actions() if a.text() == text).trigger()


def settle(qtbot, item) -> None:
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)


# --- the editing core's helpers ----------------------------------------------------

def test_history_mapped_keeps_ids_branches_and_redo():
    h = History(EditState(np.zeros(2, np.float32), (0.0,)))
    for v in (1.0, 2.0):
        h.push(h.current.with_values((v,)))
    h.undo()
    h.push(h.current.with_values((5.0,)))  # a branch from node 1
    h.undo()
    m = h.mapped(lambda s: s.with_values(tuple(v * 10 for v in s.values)))
    assert [(n.id, n.parent) for n in m.nodes()] == [(n.id, n.parent) for n in h.nodes()]
    assert [n.state.values for n in m.nodes()] == [(0.0,), (10.0,), (20.0,), (50.0,)]
    assert m.current_id == h.current_id == 1 and m.children(1) == [2, 3]
    assert m.redo().values == (50.0,)  # redo follows the branch visited last
    assert h.current.values == (1.0,)  # the original is untouched


def test_without_direction_keeps_the_latent():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(8, 3)))[0].T.astype(np.float32)
    d = Directions(np.zeros(8, np.float32), basis, np.array([0.5, 2.0, 1.5], np.float32), np.zeros(3, np.float32),
                   ("a", "b", "c"))
    state = EditState(rng.normal(size=8).astype(np.float32), (1.0, -2.5, 0.7))
    baked = without_direction(state, d, 1)
    assert baked.values == (1.0, 0.7)
    np.testing.assert_allclose(edited_latent(baked, d.without(1)), edited_latent(state, d), atol=1e-6)
    short = EditState(state.base, (1.0,))  # made before row 1 existed: nothing to move
    assert without_direction(short, d, 1) is short
    # under a mask base is what shows outside it: it stays, and the masked edit loses the deleted row's part
    masked = state.with_mask(np.ones((4, 4), np.float32))
    kept = without_direction(masked, d, 1)
    assert kept.values == (1.0, 0.7) and np.array_equal(kept.base, masked.base) and kept.mask is masked.mask


# --- the window ----------------------------------------------------------------------

def test_direction_from_examples_moves_held_out_images_and_persists(qtbot, window, reference, groups,
                                                                    monkeypatch, model_dir, tmp_path):
    broken = tmp_path / "red" / "broken.png"
    broken.write_text("not an image")
    doc = window.document
    builtin = len(doc.directions("vae"))
    define(qtbot, window, "red → blue", groups["red"] + [str(broken)], groups["blue"])
    d = doc.directions("vae")
    assert len(d) == builtin + 1 and d.labels[-1] == "red → blue" and d.explained[-1] == 0
    assert "broken.png" in window.last_error and "Skipped 1" in window.last_error  # reported, not fatal
    gap = float(window.status.currentMessage().split("sit ")[1].split("σ")[0])
    assert gap > 1.5  # the status figure: the blue mean sits that many sigma from the red one
    k = builtin

    # held-out reddish images, moved +2 sigma along it with the slider, get nearer the bluish ones
    def latent(path):
        return reference.encode_latent(np.asarray(open_image(path)), "crop")
    blue_mean = np.mean([latent(p) for p in groups["blue"]], 0)
    red_mean = np.mean([latent(p) for p in groups["red"]], 0)
    with qtbot.waitSignals([doc.item_added] * 3, timeout=UI_TIMEOUT):
        window.open_paths(groups["held"])
    items = [i for i in doc.items.values() if i.kind == "vae"]
    for item in items:
        doc.select(item.id)
        assert window.sliders.labels()[k] == "red → blue"
        before = doc.current_latent()
        window.sliders.sliders[k].setValue(200)
        after = doc.current_latent()
        assert item.history.current.values[k] == 2.0
        assert np.linalg.norm(after - blue_mean) < np.linalg.norm(before - blue_mean)
        assert np.linalg.norm(after - red_mean) > np.linalg.norm(before - red_mean)
        np.testing.assert_allclose((after - before) @ d.basis[k], 2 * d.sigma[k], rtol=1e-4)

    # saved for the model, and back in a new window
    saved = load_user_directions(own_directions_file(window.document), d.basis.shape[1])
    assert saved.labels == ("red → blue",)
    np.testing.assert_allclose(saved.basis[0], d.basis[k], atol=1e-6)
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow
    engine2 = Engine("cpu")
    w2 = MainWindow(engine2, [])
    qtbot.addWidget(w2)
    try:
        with qtbot.waitSignal(w2.document.model_loaded, timeout=UI_TIMEOUT):
            w2.document.load_model(str(model_dir / "tiny-vae"))
        assert w2.sliders.labels() == d.labels
        np.testing.assert_allclose(w2.document.directions("vae").basis, d.basis, atol=1e-6)
    finally:
        w2.close()

    # rename from the slider menu: the user's direction for good, a PCA row for the session
    monkeypatch.setattr(window.sliders, "_ask_name", lambda old: "warmer → cooler")
    slider_menu(window, k, "Rename…")
    assert window.sliders.labels()[k] == "warmer → cooler"
    saved = load_user_directions(own_directions_file(window.document), d.basis.shape[1])
    assert saved.labels == ("warmer → cooler",)
    monkeypatch.setattr(window.sliders, "_ask_name", lambda old: "brightness")
    slider_menu(window, 0, "Rename for this session…")
    assert window.sliders.labels()[0] == "brightness" and "this session" in window.status.currentMessage()
    assert window.sliders.values() == items[-1].history.current.values  # rebuilt sliders keep the values

    # a built-in row cannot be deleted (its menu says so); the user's can, and no image changes
    assert not next(a for a in window.sliders.context_menu(0).actions() if a.text().startswith("Delete")).isEnabled()
    window.sliders.sliders[1].setValue(-120)  # another edit on top, so the sum has several rows
    for item in items:
        settle(qtbot, item)
    old = {item.id: (item.image.copy(), [edited_latent(n.state, doc.directions("vae")) for n in item.history.nodes()])
           for item in items}
    ids = {item.id: [n.id for n in item.history.nodes()] for item in items}
    closed = doc.close_item(items[0].id)  # a closed image keeps its edit too, for when it is reopened
    asked = []
    monkeypatch.setattr(window.directions_tool, "_confirm_delete", lambda label: asked.append(label) or False)
    slider_menu(window, k, "Delete")  # asked first (Undo brings it back only until the next edit): "Cancel" keeps it
    assert asked == ["warmer → cooler"] and "warmer → cooler" in window.sliders.labels()
    monkeypatch.setattr(window.directions_tool, "_confirm_delete", lambda label: True)
    named = {item.id: window.history._step_names(item) for item in items}
    slider_menu(window, k, "Delete")
    assert doc.reopen_closed() is closed
    for item in items:  # the History tab names each step as before, a step of the deleted one marked so
        after = window.history._step_names(item)
        moved = [n for n, name in named[item.id].items() if "warmer → cooler" in name]
        assert moved and all(after[n] == named[item.id][n] + " (deleted)" for n in moved)
        assert all(after[n] == name for n, name in named[item.id].items() if n not in moved)
    new_d = doc.directions("vae")
    assert len(new_d) == builtin and "warmer → cooler" not in window.sliders.labels()
    assert not own_directions_file(window.document).exists()
    assert window.sliders.values() == doc.current.history.current.values and len(window.sliders.values()) == builtin
    for item in items:
        image, latents = old[item.id]
        assert [n.id for n in item.history.nodes()] == ids[item.id]
        for node, before in zip(item.history.nodes(), latents):
            np.testing.assert_allclose(edited_latent(node.state, new_d), before, atol=1e-5)
        settle(qtbot, item)  # the reopened one is drawn again
        redrawn = reference.decode("vae", edited_latent(item.history.current, new_d))
        diff = np.abs(redrawn.astype(int) - image.astype(int))
        assert diff.max() <= 1 and (diff == 0).mean() > 0.99  # float32 sums in another order


def test_keep_fixed_makes_the_direction_orthogonal_to_named_ones(qtbot, window, groups, tmp_path):
    red = groups["red"]
    purple = write_group(tmp_path / "purple", "purple", (170, 40, 190), 6, 5)  # shares much with red → blue
    doc = window.document
    define(qtbot, window, "red → blue", groups["red"], groups["blue"])
    define(qtbot, window, "purple, fixed", red, purple, keep_fixed=True)
    assert "kept apart from 1 named" in window.status.currentMessage()
    define(qtbot, window, "purple", red, purple)
    d = doc.directions("vae")
    named = [i for i in range(len(d)) if d.explained[i] == 0]
    assert [d.labels[i] for i in named] == ["red → blue", "purple, fixed", "purple"]
    red_blue, fixed, plain = d.basis[named]
    assert abs(float(plain @ red_blue)) > 0.05  # without: it shares some of "red → blue"
    assert abs(float(fixed @ red_blue)) < 1e-5
    assert float(fixed @ plain) > 0.5  # still about the purple examples
    assert load_user_directions(own_directions_file(window.document), d.basis.shape[1]).labels == (
        "red → blue", "purple, fixed", "purple")

    # the same examples kept apart from "purple" leave nothing: said, and nothing added
    define(qtbot, window, "again", red, purple, keep_fixed=True, until=doc.error)
    assert "Could not make again: “again” lies within" in window.last_error and len(doc.directions("vae")) == len(d)


def test_preview_strips_arrive_for_each_slider_and_match_the_image(qtbot, window, image_files):
    doc, sliders = window.document, window.sliders
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0])])
    item = doc.current
    sliders.sliders[0].setValue(100)  # +1 sigma: strip 0's fifth thumbnail (+1) is the image itself
    settle(qtbot, item)
    sliders.previews_box.setChecked(True)
    n = len(sliders.sliders)
    qtbot.waitUntil(lambda: all(len(s.images) == 7 for s in sliders.strips), timeout=UI_TIMEOUT)
    # the sliders' lanes only: the History tab's thumbnail of a new step (lane 999) comes on the same signal, and
    # counted, one that came after got.clear() made len(got) reach n with a slider's strip missing, or go past n
    # between two looks on a busy machine (the wait then timed out)
    lanes = {item.id * 1000 + i for i in range(n)}
    got = {}
    doc.previewed.connect(lambda r: got.__setitem__(r.tag, r.images) if r.tag in lanes else None)
    window.previews.request_strips()  # again, to read the arrays themselves
    qtbot.waitUntil(lambda: set(got) == lanes, timeout=UI_TIMEOUT)
    small = np.asarray(Image.fromarray(item.image).resize((48, 48), Image.Resampling.LANCZOS))
    positions = sliders.preview_values()
    for i, strip in got.items():
        at = positions.index(item.history.current.values[i % 1000])
        assert strip.shape == (7, 48, 48, 3)
        assert np.array_equal(strip[at], small)
    assert not np.array_equal(got[item.id * 1000][0], got[item.id * 1000][-1])

    # with a mask, the strips show the masked result
    mask = np.zeros(item.image.shape[:2], np.float32)
    mask[:, :16] = 1.0
    doc.commit_state(item.history.current.with_mask(mask))
    settle(qtbot, item)
    got.clear()
    window.previews.request_strips()
    qtbot.waitUntil(lambda: set(got) == lanes, timeout=UI_TIMEOUT)
    small = np.asarray(Image.fromarray(item.image).resize((48, 48), Image.Resampling.LANCZOS))
    assert np.array_equal(got[item.id * 1000 + 2][3], small)
    far = got[item.id * 1000][-1]
    assert np.array_equal(far[:, 30:], small[:, 30:])  # outside the mask, slider 0 at +3 changes nothing

    sliders.previews_box.setChecked(False)
    assert all(not s.images for s in sliders.strips)


def test_meter_follows_the_current_latent(qtbot, window, image_files):
    doc, sliders = window.document, window.sliders
    meter = sliders.meter
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[1])])
    d = doc.directions("vae")
    rest = meter.label.text()
    assert meter.distance == pytest.approx(reading(doc.current_latent(), d).sigma)
    rng = random.Random(7)
    for i in rng.sample(range(len(sliders.sliders)), 10):  # many directions at +3 sigma
        sliders.sliders[i].setValue(300)
    assert meter.distance == pytest.approx(reading(doc.current_latent(), d).sigma) and meter.distance > 2
    assert meter.label.text() != rest
    sliders.reset_all()
    assert meter.label.text() == rest
    doc.select(next(i.id for i in doc.items.values() if i.kind == "gan"))  # the GAN sample
    assert meter.distance == pytest.approx(reading(doc.current_latent(), doc.directions("gan")).sigma)


def test_one_slider_pushed_to_its_end_turns_the_meter_amber_and_names_it(qtbot, window):
    """The GAN sample, typical, with one slider at +-3 sigma, the way its own coordinate already leans:
    at least 3 sigma out along that direction. The overall distance, which the meter showed before,
    stayed green (~1.3)."""
    doc, sliders = window.document, window.sliders
    d = doc.directions("gan")
    assert sliders.meter.distance < TYPICAL_BELOW and sliders.meter.level == 0  # green
    z = (doc.current_latent() - d.mean) @ d.basis[0] / PriorModel.of(d).spread(d.basis[:1])[0]
    sliders.sliders[0].setFocus()
    qtbot.keyClick(sliders.sliders[0], Qt.Key.Key_End if z >= 0 else Qt.Key.Key_Home)  # the slider's end
    assert abs(sliders.values()[0]) == 3
    assert sliders.meter.distance >= 3 + abs(z) - 1e-3
    # named where PC1 sets the reading; the tiny GAN's mapped w lie evenly, and the pushed w may lie further still
    # from every one of them (typicality.in_spacing), a distance along no one direction
    assert sliders.meter.direction in (d.labels[0].split(" (")[0], None)
    assert "typical)" not in sliders.meter.label.text()
    assert sliders.meter.level != 0  # not green


def _masked_edit_with_a_user_direction(qtbot, window, image_file):
    """An image whose edit, masked to its left half, is +2.5σ along a user direction (the last slider)."""
    doc = window.document
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_file)])
    item = doc.current
    d = doc.directions("vae")
    vector = np.zeros(d.basis.shape[1], np.float32)
    vector[:4] = 1.0
    doc.set_directions("vae", d.with_direction(vector / np.linalg.norm(vector), 2.0, "mine"))
    mask = np.zeros(item.original.shape[:2], np.float32)
    mask[:, : mask.shape[1] // 2] = 1
    doc.commit_state(item.history.current.with_values((0.0,) * len(d) + (2.5,)).with_mask(mask))
    settle(qtbot, item)
    return item


@pytest.mark.parametrize("current", [True, False], ids=["on screen", "another image on screen"])
def test_deleting_a_direction_a_masked_edit_uses_keeps_outside_the_mask_unedited_and_redraws(qtbot, window,
                                                                                               reference,
                                                                                               image_files, current):
    doc = window.document
    item = _masked_edit_with_a_user_direction(qtbot, window, image_files[0])
    builtin = len(doc.directions("vae")) - 1
    if not current:
        with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
            window.open_paths([str(image_files[1])])
        assert doc.current is not item
    slider_menu(window, builtin, "Delete")
    state = item.history.current
    assert state.values == (0.0,) * builtin and state.mask is not None
    doc.select(item.id)
    settle(qtbot, item)
    # drawn again at once: the edit did not spread outside the mask, nor stayed on screen inside it
    assert np.array_equal(item.image, reference.decode("vae", state.base))


def test_undo_brings_a_deleted_direction_back_with_every_edit_until_the_next_change(qtbot, window, image_files):
    doc = window.document
    item = _masked_edit_with_a_user_direction(qtbot, window, image_files[0])
    builtin = len(doc.directions("vae")) - 1
    before = (item.history.current, item.image.copy(), window.history._step_names(item))
    slider_menu(window, builtin, "Delete")
    settle(qtbot, item)
    assert "mine" not in window.sliders.labels() and not np.array_equal(item.image, before[1])
    assert window.undo_action.text() == "&Undo delete “mine”" and window.undo_action.isEnabled()
    window.undo_action.trigger()
    settle(qtbot, item)
    assert window.sliders.labels()[builtin] == "mine" and window.sliders.values()[builtin] == 2.5
    assert item.history.current is before[0] and np.array_equal(item.image, before[1])  # the masked edit is back
    assert window.history._step_names(item) == before[2]  # no "(deleted)" left
    saved = load_user_directions(own_directions_file(doc), doc.directions("vae").basis.shape[1])
    assert saved.labels == ("mine",)  # saved again
    own_step = undo_text(window.history.step_name(item, item.history.current_id))  # the image's own last step
    assert window.undo_action.text() == own_step and "Brought back “mine”" in window.status.currentMessage()
    window.undo_action.trigger()  # the next Undo is the image's own last step again
    assert item.history.current.mask is None

    window.redo_action.trigger()
    slider_menu(window, builtin, "Delete")
    window.sliders.sliders[0].setValue(100)  # an edit after the deletion: Undo undoes that, and only that
    assert window.undo_action.text() == undo_text(window.history.step_name(item, item.history.current_id))
    window.undo_action.trigger()
    assert "mine" not in window.sliders.labels() and item.history.current.values[0] == 0.0


def test_a_step_along_a_direction_made_after_the_image_was_opened_is_named_by_it(qtbot, window, image_files):
    doc = window.document
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0])])
    item = doc.current
    d = doc.directions("vae")
    vector = np.zeros(d.basis.shape[1], np.float32)
    vector[:4] = 1.0
    doc.set_directions("vae", d.with_direction(vector / np.linalg.norm(vector), 2.0, "plain → fancy"))
    assert len(item.history.current.values) == len(d)  # the opened state has no value for it
    window.sliders.sliders[len(d)].setValue(-130)
    assert window.history._step_names(item)[item.history.current_id] == "plain → fancy -1.30σ"


def test_two_windows_keep_each_others_changes_to_the_saved_directions(qtbot, window, model_dir, image_files):
    """Each window wrote its own list whole: a rename made in one was lost when the other saved."""
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow
    from genimg_gui.user_directions import save_user_directions

    dim = window.document.directions("vae").basis.shape[1]
    rows = np.linalg.qr(np.random.default_rng(0).normal(size=(dim, 2)))[0].T.astype(np.float32)
    path = own_directions_file(window.document)
    save_user_directions(path, Directions(np.zeros(dim, np.float32), rows, np.ones(2, np.float32),
                                          np.zeros(2, np.float32), ("a", "b")), window.document.models["vae"].identity)
    other = MainWindow(Engine("cpu"), [])
    qtbot.addWidget(other)
    try:
        for w in (window, other):  # both load the saved rows, and show a picture the sliders edit
            with qtbot.waitSignal(w.document.model_loaded, timeout=UI_TIMEOUT):
                w.document.load_model(str(model_dir / "tiny-vae"))
            with qtbot.waitSignal(w.document.item_added, timeout=UI_TIMEOUT):
                w.open_paths([str(image_files[0])])
        k = window.directions_tool.builtin["vae"]
        other.directions_tool.rename(k, "a, renamed there")
        window.directions_tool.rename(k + 1, "b, renamed here")
        assert load_user_directions(path, dim).labels == ("a, renamed there", "b, renamed here")
        window.directions_tool.delete(k)  # this window still calls it "a"
        assert load_user_directions(path, dim).labels == ("b, renamed here",)
        window.document.undo()  # the deletion undone: the row is written back
        assert load_user_directions(path, dim).labels == ("b, renamed here", "a")
        np.testing.assert_array_equal(load_user_directions(path, dim).basis, rows[::-1])
    finally:
        other.close()


def test_after_a_new_direction_another_images_next_edit_makes_one_step_not_a_no_op_edit_first(qtbot, window, groups,
                                                                                              image_files):
    """Its states have no value for the new direction and the sliders a 0 there: counted as a change, the slider
    click before the edit recorded a step named "Edit" that changed nothing."""
    doc = window.document
    with qtbot.waitSignals([doc.item_added] * 2, timeout=UI_TIMEOUT):
        window.open_paths([str(p) for p in image_files[:2]])
    first, other = [i for i in doc.items.values() if i.kind == "vae"]
    doc.select(first.id)
    define(qtbot, window, "red → blue", groups["red"], groups["blue"])
    doc.select(other.id)
    slider = window.sliders.sliders[0]
    handle = slider.style().subControlRect(slider.style().ComplexControl.CC_Slider, _slider_option(slider),
                                           slider.style().SubControl.SC_SliderHandle, slider).center()
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=handle)  # pressed and let go: no move
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(other.history) > 1, timeout=UI_TIMEOUT)
    names = window.history._step_names(other)
    assert len(other.history) == 2 and names[other.history.current_id].endswith("+0.10σ"), names
    assert other.history.current.values[0] == 0.1


def _slider_option(slider):
    from PySide6.QtWidgets import QStyleOptionSlider
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    return option
