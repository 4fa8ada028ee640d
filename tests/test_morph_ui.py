"""Morphs and edit recipes in the real window: timeline frames, GIF/MP4 export, recipes saved
in the app and applied in the app or headless (the CLI), undo, and the errors users see."""
from __future__ import annotations

import json

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from conftest import UI_TIMEOUT
from genimg_gui import cli
from genimg_gui.edit import Directions, EditState, edited_latent
from genimg_gui.masking import soft_brush
from genimg_gui.animation_files import count_frames, frame_size
from genimg_gui.morph import morph_path
from genimg_gui.recipe import Recipe
from genimg_gui.ui.recipe_actions import applied_message, holds_recipe, recipe_state

GIF_TOLERANCE = 12  # GIF frames go through a 256-colour palette: mean |error| per channel, in levels


def open_images(qtbot, window, paths):
    doc = window.document
    before, jobs = len(doc.items), set(doc.jobs)
    window.open_paths([str(p) for p in paths])
    opening = set(doc.jobs) - jobs
    qtbot.waitUntil(lambda: len(doc.items) == before + len(paths), timeout=UI_TIMEOUT)
    # and its job ended: that end (progress 1.0) came late on a busy machine, into the export's progress
    qtbot.waitUntil(lambda: not opening & set(doc.jobs), timeout=UI_TIMEOUT)
    return [i for i in doc.items.values() if i.kind == "vae"][-len(paths):]


def settle(qtbot, item):
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)


def action(window, text):
    found = [a for menu in window.findChildren(QMenu) for a in menu.actions() if a.text() == text]
    assert len(found) == 1, text
    return found[0]


def open_morph(qtbot, window):
    action(window, "&Morph / interpolate…").trigger()
    dialog = window.morph.dialog
    qtbot.addWidget(dialog)
    shown = []
    show = dialog.show_frame
    dialog.show_frame = lambda index, image: (shown.append((index, image)), show(index, image))
    return dialog, shown


def keyframes(window, items):
    return np.stack([edited_latent(i.history.current, window.document.directions("vae")) for i in items])


def wait_frame(qtbot, shown, index):
    qtbot.waitUntil(lambda: bool(shown) and shown[-1][0] == index, timeout=UI_TIMEOUT)
    return shown[-1][1]


def test_timeline_shows_the_morph_latents_decode_and_follows_undo(qtbot, window, reference, image_files):
    a, b = open_images(qtbot, window, image_files[:2])
    dialog, shown = open_morph(qtbot, window)
    offered = [dialog.keyframes.item(r).text() for r in range(dialog.keyframes.count())]
    assert offered == [a.name, b.name]  # the GAN sample is another latent space: not offered
    assert dialog.settings().item_ids == (a.id, b.id)  # ticked: the current image and another
    assert not window.morph.note.isVisible()
    dialog.frames.setValue(7)
    dialog.timeline.setValue(3)
    path = morph_path(keyframes(window, [a, b]), 7, "spherical")
    assert np.array_equal(wait_frame(qtbot, shown, 3), reference.decode("vae", path[3]))

    # an edit of a keyframe shows at once; undo takes it back out of the morph
    window.document.select(b.id)
    window.sliders.sliders[0].setValue(200)
    settle(qtbot, b)
    dialog.timeline.setValue(6)
    assert np.array_equal(wait_frame(qtbot, shown, 6), b.image)
    window.document.undo()
    qtbot.waitUntil(lambda: np.array_equal(shown[-1][1], reference.decode("vae", b.history.current.base)),
                    timeout=UI_TIMEOUT)
    dialog.close()


def test_the_morph_counter_play_and_timeline_wait_for_the_first_frame(qtbot, window, image_files):
    """The preview read "Frames appear here" while its counter said "1 / 24", Play and the timeline live."""
    open_images(qtbot, window, image_files[:2])
    dialog, shown = open_morph(qtbot, window)
    frames = dialog.frames.value()
    assert not shown and dialog.preview.text() == "Frames appear here"  # its first frame is still being decoded
    assert dialog.frame_label.text() == f"— / {frames}"
    assert not dialog.play_button.isEnabled() and not dialog.timeline.isEnabled()
    wait_frame(qtbot, shown, 0)
    assert dialog.frame_label.text() == f"1 / {frames}" and not dialog.preview.pixmap().isNull()
    assert dialog.play_button.isEnabled() and dialog.timeline.isEnabled()
    # one keyframe left ticked: no morph, so no frame of it
    dialog.keyframes.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.frame_label.text() == f"— / {frames}" and dialog.preview.pixmap().isNull()
    assert dialog.preview.text() == "Frames appear here" and not dialog.play_button.isEnabled()
    dialog.keyframes.item(1).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: dialog.frame_label.text() == f"1 / {frames}", timeout=UI_TIMEOUT)  # decoded again
    assert dialog.play_button.isEnabled() and not dialog.preview.pixmap().isNull()
    dialog.close()


def test_the_morph_dialog_rides_out_a_vae_switch_and_shows_the_new_models_frames(qtbot, window, image_files,
                                                                                   tmp_path):
    import foreign_builders as fb

    items = open_images(qtbot, window, image_files[:2])
    dialog, shown = open_morph(qtbot, window)
    wait_frame(qtbot, shown, 0)
    doc = window.document
    # the keyframes are re-encoded one at a time: between the two, they are of two latent shapes
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(fb.taesd_pair(tmp_path)[0])])
    qtbot.waitUntil(lambda: all(i.history.current.base.ndim == 3 for i in items) and not doc.jobs,
                    timeout=UI_TIMEOUT)
    shown.clear()
    dialog.timeline.setValue(1)
    assert wait_frame(qtbot, shown, 1).shape == items[0].image.shape  # drawn by the new VAE


def test_a_morph_needs_two_items_of_the_current_kind(qtbot, window):
    window.document.select(next(iter(window.document.items)))  # the GAN's sample, alone of its kind
    dialog, _ = open_morph(qtbot, window)
    assert dialog.keyframes.count() == 1
    assert window.morph.note.isVisible() and "Only 1 GAN sample" in window.morph.note.text()
    assert not dialog.export_button.isEnabled()
    dialog.close()


def export(qtbot, window, dialog, path):
    with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                          check_params_cb=lambda text: text.startswith("Wrote")) as blocker:
        dialog.export_to(str(path))
        assert dialog.busy.isVisible() and not dialog.export_button.isEnabled()
    assert not dialog.busy.isVisible()
    return blocker.args[0]


def test_export_gif_and_mp4_with_the_asked_frame_count(qtbot, window, image_files, tmp_path):
    a, b = open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(7)
    assert dialog.scale.value() == 8  # 32 px: ×8 at first
    dialog.scale.setValue(1)  # the model's pixels, to compare with the items'
    text = export(qtbot, window, dialog, tmp_path / "morph.gif")
    assert text == f"Wrote {tmp_path / 'morph.gif'} (7 frames, 32×32, 0.6 s)"
    assert count_frames(tmp_path / "morph.gif") == 7
    with Image.open(tmp_path / "morph.gif") as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(np.asarray(gif.convert("RGB"), np.float64))
    for frame, item in ((frames[0], a), (frames[-1], b)):
        assert np.abs(frame - item.image).mean() < GIF_TOLERANCE
    assert np.abs(frames[0] - frames[-1]).mean() > 2 * GIF_TOLERANCE  # ...and the ends do differ

    export(qtbot, window, dialog, tmp_path / "morph.mp4")
    assert count_frames(tmp_path / "morph.mp4") == 7


def test_export_button_writes_every_format_at_the_scale_shown_and_says_so(qtbot, window, image_files, tmp_path,
                                                                         monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(24)
    dialog.scale.setValue(2)
    dialog.timeline.setValue(7)
    assert dialog.size_label.text() == "64 × 64 px"  # the tiny VAE's 32 px, ×2
    offered: list[str] = []
    answers = iter([str(tmp_path / "morph.mp4"), None, str(tmp_path / "morph.gif")])  # None: the suggestion

    def save_dialog(_parent, _title, start, _filters, *_):
        offered.append(start)
        return next(answers) or start, ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    written = []
    for _ in range(3):
        with qtbot.waitSignal(window.document.message, timeout=UI_TIMEOUT,
                              check_params_cb=lambda text: text.startswith("Wrote")) as blocker:
            qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        written.append(blocker.args[0])
        assert window.status.currentMessage() == blocker.args[0]  # the status bar says it...
        assert dialog.written.isVisible() and dialog.written.text() == blocker.args[0]  # ...and so does the dialog
    assert offered[1] == str(tmp_path / "morph 2.mp4")  # was "morph (edited).mp4"
    assert written == [f"Wrote {tmp_path / name} (24 frames, 64×64, 2.0 s)" for name in
                       ("morph.mp4", "morph 2.mp4", "morph.gif")]
    assert {frame_size(tmp_path / name) for name in ("morph.mp4", "morph 2.mp4", "morph.gif")} == {(64, 64)}
    assert dialog.timeline.value() == 7
    dialog.close()


def test_export_errors_are_shown_and_the_app_goes_on(qtbot, window, image_files, tmp_path, monkeypatch):
    open_images(qtbot, window, image_files[:2])
    dialog, shown = open_morph(qtbot, window)
    dialog.export_to(str(tmp_path / "morph.txt"))
    assert "must end in .gif, .webp or .mp4" in window.last_error
    assert dialog.written.isVisible() and dialog.written.text() == window.last_error  # the dialog says it too
    dialog.export_to(str(tmp_path / "no such folder" / "morph.gif"))
    missing = tmp_path / "no such folder"  # the file named, as the PNG export names it
    assert window.last_error == f"Could not write {missing / 'morph.gif'}: the folder {missing} does not exist"
    assert dialog.written.text() == window.last_error  # its line, where "Wrote …" goes, was empty
    (tmp_path / "taken.gif").mkdir()  # passes the checks, fails when written
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT):
        dialog.export_to(str(tmp_path / "taken.gif"))
    assert window.last_error == f"Could not write {tmp_path / 'taken.gif'}: a folder of that name is in the way"
    assert dialog.written.isVisible() and dialog.written.text() == window.last_error
    assert not dialog.busy.isVisible() and not window.morph.exporting()

    dialog.frames.setValue(600)  # long enough to cancel from the status bar while it renders
    dialog.export_to(str(tmp_path / "long.gif"))
    qtbot.waitUntil(lambda: window.status.cancel.isVisible(), timeout=UI_TIMEOUT)
    window.status.cancel.click()
    qtbot.waitUntil(lambda: not window.morph.exporting(), timeout=UI_TIMEOUT)
    assert not dialog.busy.isVisible() and not (tmp_path / "long.gif").exists()
    dialog.timeline.setValue(5)  # still alive
    wait_frame(qtbot, shown, 5)

    shown.clear()
    dialog.frames.setValue(7)
    wait_frame(qtbot, shown, 5)  # the timeline's decode, drawn before the renders fail

    def failing(*_args, **_kwargs):
        raise ValueError("Out of memory rendering 7 frames")
    monkeypatch.setattr(window.document.engine.worker.runtime, "render", failing)  # a render failing
    with qtbot.waitSignal(window.document.error, timeout=UI_TIMEOUT):
        window.morph.export(str(tmp_path / "failed.gif"))
    assert dialog.written.text() == window.last_error == "Out of memory rendering 7 frames"
    assert not dialog.busy.isVisible() and not window.morph.exporting()
    assert not (tmp_path / "failed.gif").exists()



def test_a_gif_asked_faster_than_a_gif_plays_says_the_rate_it_was_written_at(qtbot, window, image_files, tmp_path):
    """60 fps in a GIF was written at 50 (its delays come in 10 ms steps, 20 ms at least), with only "0.5 s" said."""
    open_images(qtbot, window, image_files[:2])
    dialog, _ = open_morph(qtbot, window)
    dialog.frames.setValue(24)
    dialog.fps.setValue(60)
    dialog.scale.setValue(1)
    assert export(qtbot, window, dialog, tmp_path / "fast.gif") == (
        f"Wrote {tmp_path / 'fast.gif'} (24 frames, 32×32, 0.5 s); a GIF plays at most 50 fps: written at 50 fps, "
        "not 60")
    assert dialog.written.text().endswith("not 60") and "a GIF plays at most 50 fps" in dialog.fps.toolTip()
    webp = tmp_path / "fast.webp"  # plays 60 fps: nothing to add
    assert export(qtbot, window, dialog, webp) == f"Wrote {webp} (24 frames, 32×32, 0.4 s)"


# --- recipes -----------------------------------------------------------------

def edit_with_sliders(qtbot, window, item, values):
    window.document.select(item.id)
    for index, value in values.items():
        window.sliders.sliders[index].setValue(value)
    settle(qtbot, item)


def save_recipe(window, monkeypatch, path):
    monkeypatch.setattr(window.recipes, "_ask_save_path", lambda suggestion: str(path))
    action(window, "Sa&ve edit recipe…").trigger()
    assert path.is_file(), window.last_error


def apply_recipe(window, monkeypatch, path, all_items=False):
    monkeypatch.setattr(window.recipes, "_ask_open_path", lambda: str(path))
    text = "Apply recipe to all images of its &kind…" if all_items else "&Apply recipe to current image…"
    action(window, text).trigger()


def headless(model_dir, recipe, image, out):
    assert cli.main(["edit", str(image), "--vae", str(model_dir / "tiny-vae"), "--recipe", str(recipe),
                     "-o", str(out), "--device", "cpu"]) == 0
    return np.asarray(Image.open(out / f"{image.stem}_edited.png").convert("RGB"))


def test_a_recipe_saved_in_the_app_gives_the_same_pixels_headless(qtbot, window, monkeypatch, model_dir,
                                                                  image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    edit_with_sliders(qtbot, window, item, {0: 150, 3: -70, 5: 45})
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    assert np.array_equal(headless(model_dir, tmp_path / "r.json", image_files[0], tmp_path / "out"), item.image)

    # with a soft painted mask: edit inside, the unedited decode outside, blended alike
    mask = np.zeros(item.image.shape[:2], np.float32)
    mask = soft_brush(mask, 10.0, 12.0, 9.0, 0.5, 1.0)
    window.document.commit_state(item.history.current.with_mask(mask))
    settle(qtbot, item)
    save_recipe(window, monkeypatch, tmp_path / "masked.json")
    assert (tmp_path / "masked.mask.png").is_file()
    masked = headless(model_dir, tmp_path / "masked.json", image_files[0], tmp_path / "out2")
    assert np.array_equal(masked, item.image)
    assert not np.array_equal(masked, headless(model_dir, tmp_path / "r.json", image_files[0], tmp_path / "o3"))


def test_applying_a_recipe_is_one_undoable_step_per_image(qtbot, window, reference, monkeypatch, model_dir,
                                                          image_files, tmp_path):
    a, b, c = open_images(qtbot, window, image_files)
    edit_with_sliders(qtbot, window, a, {1: 120, 2: -90})
    save_recipe(window, monkeypatch, tmp_path / "r.json")
    before = {i.id: (i.image.copy(), len(i.history)) for i in (b, c)}

    window.document.select(b.id)
    apply_recipe(window, monkeypatch, tmp_path / "r.json")  # the current image only
    settle(qtbot, b)
    assert "Applied r.json to 1 image; Ctrl+Z takes it back" in window.statusBar().currentMessage()
    assert len(b.history) == before[b.id][1] + 1 and len(c.history) == before[c.id][1]
    assert window.sliders.values()[1:3] == (1.2, -0.9)  # the recipe's strengths on the sliders
    recipe = Recipe.load(tmp_path / "r.json")
    assert np.array_equal(b.image, reference.decode("vae", recipe.apply(b.history.nodes()[0].state.base)))
    assert np.array_equal(b.image, headless(model_dir, tmp_path / "r.json", image_files[1], tmp_path / "out"))
    window.document.undo()
    settle(qtbot, b)
    assert np.array_equal(b.image, before[b.id][0])

    a_before = (a.history.current_id, a.history.current.values, a.image.copy())
    apply_recipe(window, monkeypatch, tmp_path / "r.json", all_items=True)
    for item in (a, b, c):
        settle(qtbot, item)
    assert window.document.current is b
    assert len(c.history) == before[c.id][1] + 1
    # a, the image it was saved from, already has it: stacking would double its edit
    assert (a.history.current_id, a.history.current.values) == a_before[:2]
    assert np.array_equal(a.image, a_before[2])
    assert ("Applied r.json to 2 images; 1 already had it and was left as it is; Ctrl+Z on each takes it back"
            in window.statusBar().currentMessage())  # "1 already had it and were left as they are"
    apply_recipe(window, monkeypatch, tmp_path / "r.json", all_items=True)  # again: each has it now
    assert ("All 3 images already had r.json; nothing changed"  # not "Applied r.json to 0 images; 3 already had it"
            == window.statusBar().currentMessage())
    assert len(c.history) == before[c.id][1] + 1
    window.document.select(c.id)
    window.document.undo()
    settle(qtbot, c)
    assert np.array_equal(c.image, before[c.id][0])
    gan = next(i for i in window.document.items.values() if i.kind == "gan")
    assert len(gan.history) == 1  # a VAE recipe leaves GAN samples alone


def test_a_recipe_applied_again_to_the_current_image_leaves_it_as_it_is(qtbot, window, monkeypatch, image_files,
                                                                        tmp_path):
    """Applied twice to the current image, PC2 +1.48σ became +2.96σ, each time "Applied photo.json to 1 image"."""
    a, b = open_images(qtbot, window, image_files[:2])
    edit_with_sliders(qtbot, window, a, {1: 148})
    save_recipe(window, monkeypatch, tmp_path / "photo.json")
    steps = len(a.history)
    apply_recipe(window, monkeypatch, tmp_path / "photo.json")  # the image it was saved from
    assert window.statusBar().currentMessage() == "The image already had photo.json; nothing changed"
    assert len(a.history) == steps and window.sliders.values()[1] == 1.48

    window.document.select(b.id)
    apply_recipe(window, monkeypatch, tmp_path / "photo.json")
    settle(qtbot, b)
    assert window.statusBar().currentMessage() == "Applied photo.json to 1 image; Ctrl+Z takes it back"
    steps = len(b.history)
    apply_recipe(window, monkeypatch, tmp_path / "photo.json")  # again: it has it now
    assert window.statusBar().currentMessage() == "The image already had photo.json; nothing changed"
    assert len(b.history) == steps and window.sliders.values()[1] == 1.48  # not 2.96


def test_a_recipe_saved_into_a_missing_folder_says_so_in_words(qtbot, window, monkeypatch, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    edit_with_sliders(qtbot, window, item, {1: 148})
    missing = tmp_path / "nodir"
    monkeypatch.setattr(window.recipes, "_ask_save_path", lambda suggestion: str(missing / "x.json"))
    action(window, "Sa&ve edit recipe…").trigger()  # was "…: [Errno 2] No such file or directory: '…'"
    assert window.last_error == f"Could not save the recipe {missing / 'x.json'}: the folder {missing} does not exist"
    assert not missing.exists()


def test_an_unedited_picture_is_told_there_is_nothing_to_save_before_any_file_dialog(qtbot, window, monkeypatch,
                                                                                     image_files):
    """Save edit recipe… on a picture as it opened asked for a file name, and only then said nothing was saved."""
    open_images(qtbot, window, image_files[:1])
    asked = []
    monkeypatch.setattr(window.recipes, "_ask_save_path", lambda suggestion: asked.append(suggestion) or "")
    action(window, "Sa&ve edit recipe…").trigger()
    assert asked == []
    assert window.last_error == "Nothing to save: move a slider first (a recipe holds direction strengths)"


def test_a_masked_recipe_is_held_only_with_its_mask_and_strengths(tmp_path):
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(8, 3)))[0].T.astype(np.float32)  # 3 unit rows in 8 dimensions
    d = Directions(np.zeros(8, np.float32), basis, np.ones(3, np.float32), np.zeros(3, np.float32),
                   ("a", "b", "c"))
    mask = np.zeros((16, 16), np.float32)
    mask[4:12, 2:9] = 0.7
    state = EditState(np.zeros(8, np.float32), (0.0, 1.25, -0.5), mask)
    recipe = Recipe.load(Recipe.from_edit(state, d, "m", "vae").save(tmp_path / "r.json"))  # through its files
    assert holds_recipe(state, recipe, d, (16, 16))
    assert not holds_recipe(state.with_mask(None), recipe, d, (16, 16))
    assert not holds_recipe(state.with_mask(np.roll(mask, 3, axis=1)), recipe, d, (16, 16))
    assert not holds_recipe(state.with_values((0.0, 1.25, 0.0)), recipe, d, (16, 16))
    assert holds_recipe(state.with_values((2.0, 1.25, -0.5)), recipe, d, (16, 16))  # more edits besides it


def test_an_unmasked_recipe_on_a_masked_image_joins_its_sliders_and_is_held_once_there():
    """An unmasked recipe moved a masked image's whole base; it now adds to the sliders its mask confines, so an
    image with the same strength inside its mask has it already: Apply to all must skip it, not double it."""
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(8, 3)))[0].T.astype(np.float32)
    d = Directions(np.zeros(8, np.float32), basis, np.ones(3, np.float32), np.zeros(3, np.float32), ("a", "b", "c"))
    recipe = Recipe.from_edit(EditState(np.zeros(8, np.float32), (1.0, 0.0, 0.0)), d, "m", "vae")
    mask = np.zeros((16, 16), np.float32)
    mask[:4, :4] = 1.0
    masked = EditState(np.zeros(8, np.float32), (0.0, 0.5, 0.0)).with_mask(mask)
    applied = recipe_state(masked, recipe, d, (16, 16))
    assert np.array_equal(applied.base, masked.base) and np.array_equal(applied.mask, mask)
    assert applied.values == (1.0, 0.5, 0.0)
    assert not holds_recipe(masked, recipe, d, (16, 16)) and holds_recipe(applied, recipe, d, (16, 16))


def test_a_recipe_with_foreign_vectors_moves_the_base(qtbot, window, reference, monkeypatch, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    rng = np.random.default_rng(3)
    d = window.document.directions("vae")
    vector = rng.normal(size=d.basis.shape[1]).astype(np.float32)
    d2 = d.with_direction(vector, 2.0, "made elsewhere")
    recipe = Recipe.from_edit(item.history.current.with_values((0.0,) * len(d) + (1.5,)), d2, "tiny-vae", "vae")
    recipe.save(tmp_path / "foreign.json")
    apply_recipe(window, monkeypatch, tmp_path / "foreign.json")
    settle(qtbot, item)
    assert np.array_equal(item.history.current.base, recipe.apply(item.history.nodes()[0].state.base))
    assert np.array_equal(item.image, reference.decode("vae", item.history.current.base))


def test_recipe_errors_are_shown_in_the_window(qtbot, window, monkeypatch, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    Recipe("other-vae", "vae", 7, ()).save(tmp_path / "small.json")
    apply_recipe(window, monkeypatch, tmp_path / "small.json")
    # named by both models, not by latent sizes a user cannot place ("made for a latent of 7 numbers … has 512")
    assert "small.json was made with other-vae, not tiny-vae" in window.last_error
    assert window.last_error.endswith("; load other-vae to apply it")

    (tmp_path / "bad.json").write_text("{not json")
    apply_recipe(window, monkeypatch, tmp_path / "bad.json")
    assert "bad.json: its JSON is broken at line 1, column 2" in window.last_error

    d = window.document.directions("vae")
    escaping = json.loads(Recipe("tiny-vae", "vae", d.basis.shape[1], ()).to_json())
    escaping["mask"] = "../outside.png"
    (tmp_path / "escaping.json").write_text(json.dumps(escaping))
    apply_recipe(window, monkeypatch, tmp_path / "escaping.json")
    assert "lies outside the recipe's folder" in window.last_error

    gan = json.loads(Recipe("tiny-gan", "gan", 16, ()).to_json())
    (tmp_path / "gan.json").write_text(json.dumps(gan))
    apply_recipe(window, monkeypatch, tmp_path / "gan.json")
    assert "it edits GAN samples, and the current image is a VAE image" in window.last_error
    assert len(item.history) == 1  # nothing was applied


def test_applying_a_recipe_every_image_has_says_nothing_changed():
    """It said "Applied r1.json to 0 images; 3 already had it and were left as they are"."""
    assert applied_message("r1.json", 0, 3) == "All 3 images already had r1.json; nothing changed"
    assert applied_message("r1.json", 0, 1) == "The image already had r1.json; nothing changed"
    assert applied_message("r1.json", 1, 1) == ("Applied r1.json to 1 image; 1 already had it and was left as it is; "
                                                "Ctrl+Z takes it back")
