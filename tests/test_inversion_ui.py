"""GAN inversion from the window: previews, a final editable item, undo to the start, cancel keeps the best."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT, quit_questions_cancelled
from ui_helpers import exports_written


def open_image(qtbot, window, path):
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(path)])
    return window.document.current


def error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))


def test_inverting_the_current_image_makes_an_editable_gan_item(qtbot, window, reference, image_files):
    source = open_image(qtbot, window, image_files[1])
    window.gan_panel.steps.setValue(30)
    window.gan_panel.editability.setValue(0)
    inverted = []
    window.document.inverted.connect(inverted.append)
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    item = window.document.current
    assert item.kind == "gan" and item.name == f"{source.name}, inverted"
    assert [r.step for r in inverted] == [0, 10, 20, 30] and inverted[-1].final
    start, final = inverted[0], inverted[-1]
    assert error(final.image, final.original) < error(start.image, start.original)  # it got closer
    # the finished inversion is the item's first state, named so: an undo showed the starting guess, named "Opened"
    assert len(item.history) == 1 and np.array_equal(item.history.current.base, final.latent)
    assert step_name(window, 0) == f"Inverted from {source.name} (30 steps)"
    assert not window.undo_action.isEnabled()
    assert np.array_equal(item.image, reference.decode("gan", final.latent))
    window.sliders.sliders[0].setValue(200)  # the sliders edit the inverted image
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    assert not np.array_equal(item.image, final.image)
    window.document.undo()
    window.document.undo()  # no further back than the finished inversion
    assert np.array_equal(item.history.current.base, final.latent) and not item.history.can_undo()
    qtbot.waitUntil(lambda: np.array_equal(item.image, final.image), timeout=UI_TIMEOUT)


def step_name(window, node_id: int) -> str:
    return window.history_panel.item_for(node_id).text(0)


def row_names(window) -> list[str]:
    from PySide6.QtWidgets import QTreeWidgetItemIterator

    rows, it = [], QTreeWidgetItemIterator(window.history_panel.tree)
    while it.value() is not None:
        rows.append(it.value().text(0))
        it += 1
    return rows


def test_an_inverted_picture_shows_no_seed_and_a_seed_typed_then_makes_a_new_sample_leaving_it(qtbot, window,
                                                                                                  image_files):
    doc, panel = window.document, window.gan_panel
    window.tabs.setCurrentWidget(panel)
    window.filmstrip.setCurrentRow(0)  # the first sample, given a seed of its own to look for later
    [sample] = doc.items.values()
    panel.seed.setValue(4321)
    qtbot.waitUntil(lambda: sample.seed == 4321, timeout=UI_TIMEOUT)
    open_image(qtbot, window, image_files[1])
    panel.steps.setValue(10)
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        panel.invert_button.click()
    item = doc.current
    assert item.name.endswith(", inverted")
    assert panel.seed.text() == "—" and panel.no_seed_note.isVisible() and item.name in panel.no_seed_note.text()
    base, steps, count = item.history.current.base, len(item.history), len(doc.items)
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "77")
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    new = doc.current
    assert new is not item and new.seed == 77 and len(doc.items) == window.filmstrip.count() == count + 1
    assert panel.seed.text() == "77" and not panel.no_seed_note.isVisible()
    assert item.history.current.base is base and len(item.history) == steps and item.seed is None
    window.filmstrip.setCurrentRow(list(doc.items).index(item.id))  # back to the inversion
    assert panel.seed.text() == "—"
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        panel.random_button.click()
    assert doc.current.seeded and len(doc.items) == count + 2
    assert item.history.current.base is base and len(item.history) == steps
    window.filmstrip.setCurrentRow(list(doc.items).index(item.id))
    window.sliders.sliders[0].setValue(200)  # its own history, as it was: an edit, then undo to the inversion
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert item.history.current.base is base and item.history.can_redo() and not item.history.can_undo()


def test_a_new_gan_keeps_an_inverted_items_w_draws_it_and_says_to_invert_again(qtbot, window, image_files,
                                                                                 tmp_path):
    import torch

    from conftest import TINY_GAN, make_model_folder
    from genimg_gui.engine.runtime import Runtime
    from genimg_gui.models.gan import Generator

    open_image(qtbot, window, image_files[1])
    window.gan_panel.steps.setValue(10)
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    item, doc = window.document.current, window.document
    w, steps = item.history.current.base, len(item.history)
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT, check_params_cb=lambda m: "invert the picture" in m):
        doc.load_model(str(other))
    reference = Runtime("cpu")
    reference.load(str(other), lambda *_: None)
    qtbot.waitUntil(lambda: np.array_equal(item.image, reference.decode("gan", w)), timeout=UI_TIMEOUT)
    assert item.history.current.base is w and len(item.history) == steps and item.seed is None



def test_switching_back_to_the_gan_an_item_was_inverted_in_does_not_say_to_invert_again(qtbot, window, image_files,
                                                                                         tmp_path):
    """The advice fits a GAN the w was not made in; back in that GAN (a copy of its folder: the same weights) the
    w fits, and the advice was given again all the same."""
    import shutil

    import torch

    from conftest import TINY_GAN, make_model_folder
    from genimg_gui.models.gan import Generator

    open_image(qtbot, window, image_files[1])
    window.gan_panel.steps.setValue(10)
    doc = window.document
    home = doc.models["gan"]
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    item = doc.current
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")
    with qtbot.waitSignal(doc.message, timeout=UI_TIMEOUT, check_params_cb=lambda m: "invert the picture" in m):
        doc.load_model(str(other))
    said = []
    doc.message.connect(said.append)
    copy = shutil.copytree(home.path, tmp_path / "same-gan")
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(copy))
    assert doc.models["gan"].identity == home.identity
    drawn = window_reference(home.path).decode("gan", item.history.current.base)
    qtbot.waitUntil(lambda: np.array_equal(item.image, drawn), timeout=UI_TIMEOUT)
    assert said and not [m for m in said if "invert the picture" in m]


def window_reference(path: str):
    from genimg_gui.engine.runtime import Runtime

    reference = Runtime("cpu")
    reference.load(path, lambda *_: None)
    return reference


def test_quitting_names_an_inverted_item_that_was_not_exported(qtbot, window, image_files, monkeypatch, tmp_path):
    """An inversion's w took computing to make: the quit question names it (as an inversion, not an "edited image"),
    and Discard no longer drops it unnamed. Exported, it goes unasked."""

    source = open_image(qtbot, window, image_files[1])
    window.gan_panel.steps.setValue(10)
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    asked = quit_questions_cancelled(monkeypatch)
    assert not window.close()
    inverted = f"{source.name}, inverted"  # as the filmstrip names it
    # named for what it is, not an "edited image"; with an edited picture beside it, each kind counted
    assert window.isVisible() and asked == [f"The inversion “{inverted}” has not been exported."]
    inversion = window.document.current
    window.document.select(source.id)
    window.sliders.sliders[0].setValue(150)
    assert not window.close()
    assert asked[1] == (f"1 edited image and 1 inversion have not been exported: “{source.name}” "
                        f"and “{inverted}”.")
    window.exports.export_png(str(tmp_path / "source.png"))
    window.document.select(inversion.id)
    window.exports.export_png(str(tmp_path / "out.png"))
    exports_written(qtbot, window)  # each edit's picture, once drawn
    assert window.close() and len(asked) == 2


def inverting(qtbot, window, image_file, steps: int = 2000) -> list:
    """An inversion of image_file under way, past its start and one preview: the previews so far."""
    open_image(qtbot, window, image_file)
    window.gan_panel.steps.setValue(steps)
    previews = []
    window.document.inverted.connect(previews.append)
    window.gan_panel.invert_button.click()
    qtbot.waitUntil(lambda: len(previews) >= 2, timeout=UI_TIMEOUT)
    return previews


def test_cancelling_an_inversion_keeps_its_best_preview(qtbot, window, image_files):
    previews = inverting(qtbot, window, image_files[0])
    assert window.status.cancel.isVisible()
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    item = window.document.current
    last = previews[-1]
    assert last.step < 2000 and not last.final
    assert np.array_equal(item.history.current.base, last.latent) and len(item.history) == 1
    # named as stopped, not as a finished inversion, and the status bar says what was kept
    assert item.name == f"{image_files[0].name}, inverted (stopped at step {last.step})"
    assert window.filmstrip.currentItem().toolTip() == item.name
    assert step_name(window, 0) == f"{image_files[0].name}: inversion stopped at step {last.step}"
    assert window.status.currentMessage() == (
        f"Cancelled the inversion of {image_files[0].name} at step {last.step}: kept its last preview "
        f"(pixel error {last.loss:.4f}) as “{item.name}”")


def test_an_edit_made_mid_inversion_stays_a_step_after_what_a_cancel_kept(qtbot, window, image_files):
    """Cancelled, the last preview is the first state, as a finished result is: History read "Starting guess" →
    the edit → the stopped preview, an undo going to the edited preview the run had not stopped at."""
    previews = inverting(qtbot, window, image_files[0])
    item = window.document.current
    assert step_name(window, 0) == "Starting guess"
    window.sliders.sliders[0].setValue(200)  # an edit of the guess while the run goes on
    assert len(item.history) == 2
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    last = previews[-1]
    assert len(item.history) == 2 and item.history.current_id == 1
    assert np.array_equal(item.history.current.base, last.latent) and item.history.current.values[0] == 2.0
    assert step_name(window, 0) == f"{image_files[0].name}: inversion stopped at step {last.step}"
    window.undo_action.trigger()
    assert not any(item.history.current.values) and np.array_equal(item.history.current.base, last.latent)
    assert not item.history.can_undo()


HELD_STEP = 15  # past the previews of steps 0 and 10, well short of 150


@contextmanager
def held_at_step(step: int):
    """The worker held as an inversion begins its optimisation step `step`, until go is set (or UI_TIMEOUT: a worker
    that never stops cannot hang the suite). A 150-step run took under a second: on a busy machine it ran to its end
    before the test's edit, which then landed after the run instead of mid-run."""
    from genimg_gui.engine import inversion

    gate, real, taken = SimpleNamespace(inside=threading.Event(), go=threading.Event()), inversion._adam_step, []

    def step_held(*args, **kwargs):  # on the worker's thread
        taken.append(1)
        if len(taken) == step:
            gate.inside.set()
            gate.go.wait(UI_TIMEOUT / 1000)
        return real(*args, **kwargs)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(inversion, "_adam_step", step_held)
        try:
            yield gate
        finally:
            gate.go.set()


def finishing(qtbot, window, image_file, act) -> tuple[list, object]:
    """A 150-step inversion of image_file with act() done mid-run (after its second preview, while the worker is held
    at step HELD_STEP, so before its result is taken): the previews and the item, once the run has finished."""
    with held_at_step(HELD_STEP) as gate:
        previews = inverting(qtbot, window, image_file, steps=150)
        qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)
        item = window.document.current
        act()
        assert not previews[-1].final and window.inversion.runs  # still running
        gate.go.set()
        qtbot.waitUntil(lambda: not window.inversion.runs, timeout=60_000)
    assert previews[-1].final and previews[-1].step == 150
    return previews, item


def test_a_slider_moved_mid_inversion_is_one_step_after_the_finished_inversion(qtbot, window, reference,
                                                                              image_files):
    """History read "Starting guess" → "PC1 … +2.00σ" → "Inverted from …": an undo went to a half-done preview
    with the edit, the next to the starting guess (tester)."""
    from genimg_gui.edit import edited_latent

    previews, item = finishing(qtbot, window, image_files[0], lambda: window.sliders.sliders[0].setValue(200))
    final = previews[-1]
    assert len(item.history) == 2 and item.history.current_id == 1
    assert step_name(window, 0) == f"Inverted from {image_files[0].name} (150 steps)"
    assert step_name(window, 1) != "Starting guess" and "+2.00σ" in step_name(window, 1)
    assert [n.parent for n in item.history.nodes()] == [None, 0]
    assert np.array_equal(item.history.current.base, final.latent) and item.history.current.values[0] == 2.0
    edited = reference.decode("gan", edited_latent(item.history.current, window.document.directions("gan")))
    qtbot.waitUntil(lambda: np.array_equal(item.image, edited), timeout=UI_TIMEOUT)  # the edit of the result
    window.undo_action.trigger()  # to the finished inversion, unedited, and no further
    assert item.history.current_id == 0 and not any(item.history.current.values)
    assert np.array_equal(item.history.current.base, final.latent) and not window.undo_action.isEnabled()
    qtbot.waitUntil(lambda: np.array_equal(item.image, final.image), timeout=UI_TIMEOUT)


def test_an_undo_mid_inversion_undoes_the_slider_and_leaves_no_branch(qtbot, window, image_files):
    """An undo during the run left a dead step and "↳ Branch 2 from 'Starting guess'" holding the result."""
    def move_and_undo():
        window.sliders.sliders[1].setValue(180)
        window.undo_action.trigger()
        assert not any(window.document.current.history.current.values)

    previews, item = finishing(qtbot, window, image_files[0], move_and_undo)
    assert len(item.history) == 1 and not item.history.can_redo() and not window.undo_action.isEnabled()
    assert step_name(window, 0) == f"Inverted from {image_files[0].name} (150 steps)"
    assert row_names(window) == [f"Inverted from {image_files[0].name} (150 steps)"]  # no branch, no dead step
    assert np.array_equal(item.history.current.base, previews[-1].latent) and not any(item.history.current.values)
    qtbot.waitUntil(lambda: np.array_equal(item.image, previews[-1].image), timeout=UI_TIMEOUT)
    assert not any(window.sliders.values())


def test_slider_moves_and_undos_mid_inversion_keep_only_the_values_they_ended_at(qtbot, window, image_files):
    def moves():
        window.sliders.sliders[0].setValue(100)
        window.sliders.sliders[0].setValue(150)
        window.undo_action.trigger()
        window.sliders.sliders[1].setValue(-120)  # a branch from the first move, while the run goes on
        assert len(window.document.current.history) == 4

    previews, item = finishing(qtbot, window, image_files[0], moves)
    assert len(item.history) == 2 and item.history.current_id == 1
    assert item.history.current.values[:2] == (1.0, -1.2) and not any(item.history.current.values[2:])
    assert np.array_equal(item.history.current.base, previews[-1].latent)


def test_a_slider_moved_mid_inversion_shows_on_the_inversion_while_it_runs(qtbot, window, reference, image_files):
    """The edit is drawn on the run's newest w between its steps: the canvas showed the unedited previews until the
    run ended, then the edited result at once, and the edit's History thumbnail was one it never showed."""
    from genimg_gui.edit import EditState, edited_latent
    from genimg_gui.engine import requests as rq

    previews = inverting(qtbot, window, image_files[0])
    item, doc = window.document.current, window.document
    drawn = []
    doc.engine.result.connect(lambda r: drawn.append(r) if isinstance(r, rq.Decoded) and r.tag == item.id else None)
    window.sliders.sliders[0].setValue(200)  # an edit while the run goes on
    state = item.history.current
    assert state.values[0] != 0

    def edited(preview: rq.Inverted) -> np.ndarray:
        return edited_latent(EditState(preview.latent, state.values), doc.directions("gan"))

    # a later preview arrives drawn with the edit, while the run still goes on
    qtbot.waitUntil(lambda: any(d.image is item.image and p.step > previews[1].step and
                                np.array_equal(d.latent, edited(p)) for d in drawn for p in previews[2:]),
                    timeout=UI_TIMEOUT)
    assert window.inversion.runs and not previews[-1].final
    shown = next(d for d in drawn if d.image is item.image)
    assert np.array_equal(item.image, reference.decode("gan", shown.latent))
    assert np.array_equal(item.thumbs[item.history.current_id], item.image)  # its History row shows what was shown
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    assert item.running_w is None


def test_closing_an_image_mid_inversion_stops_the_run_and_reopening_brings_its_best_preview(qtbot, window,
                                                                                             image_files):
    previews = inverting(qtbot, window, image_files[0])
    item = window.document.current
    assert item.name.endswith(", inverted")
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.document.close_item(item.id)
    qtbot.waitUntil(lambda: not window.inversion.runs, timeout=UI_TIMEOUT)  # stopped, not run to its 2,000 steps
    assert not previews[-1].final and previews[-1].step < 2000
    assert window.document.reopen_closed() is item
    assert np.array_equal(item.history.current.base, previews[-1].latent)


def test_out_of_gpu_memory_offers_retry_on_cpu_in_the_status_bar(qtbot, window, image_files, monkeypatch):
    """The worker believes it runs on a full GPU; the status bar's Retry on CPU encodes the image after all."""
    import torch

    from genimg_gui.engine.runtime import Runtime

    runtime = window.document.engine.worker.runtime
    monkeypatch.setattr(runtime, "device", torch.device("cuda:0"))  # the worker is idle: no race
    real = Runtime.encode

    def encode(self, *args, **kwargs):
        if self.device.type == "cuda":
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "encode", encode)
    before = len(window.document.items)
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0])])
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    assert "out of memory on cuda:0" in window.last_error and len(window.document.items) == before
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT) as added:
        qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    assert added.args[0].name == image_files[0].name and str(runtime.device) == "cpu"
    assert not window.status.retry.isVisible()


def test_an_edited_photo_is_inverted_as_edited_and_an_unedited_one_as_the_photo(qtbot, window, image_files):
    """Invert current image inverted the photo even after the sliders had changed it, losing the edit."""
    source = open_image(qtbot, window, image_files[1])
    window.gan_panel.steps.setValue(10)
    targets = []
    window.document.inverted.connect(lambda r: targets.append(r.original) if r.step == 0 else None)
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    window.filmstrip.setCurrentRow(window.document.place_of(source.id))
    with qtbot.waitSignal(window.document.image_changed, timeout=UI_TIMEOUT):
        window.sliders.sliders[0].setValue(300)  # +3 sigma on the first principal component
    qtbot.waitUntil(lambda: source.shown_seq >= source.requested_seq, timeout=UI_TIMEOUT)
    edited = source.image.copy()
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    unedited_target, edited_target = targets
    assert error(edited_target, edited) < error(edited_target, unedited_target) / 4  # the edit, not the photo
    assert error(unedited_target, source.original) < error(unedited_target, edited)
