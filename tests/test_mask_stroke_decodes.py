"""A mask stroke, its undo and its redo change only the mask: the edited picture is not decoded again (an SD VAE on a
CPU spent 5 to 14 s a stroke on it). Counted: the worker's real decodes of the main picture, its thumbnails' aside."""
from __future__ import annotations

import threading

import numpy as np

from conftest import UI_TIMEOUT
from genimg_gui import masking
from genimg_gui.edit import edited_latent
from genimg_gui.engine import requests as rq

from editing_helpers import drag_across, open_image, settle
from test_morph_ui import open_images, open_morph, wait_frame


def count_picture_decodes(runtime) -> list[int]:
    """[decodes so far] of the runtime's network decodes that are not a preview strip's thumbnails (strips come on a
    timer, as many as the sliders). Wraps the runtime's own methods: the real decode still runs."""
    counted, in_thumbnail = [0], threading.local()
    decode, render_thumbnail = runtime.decode, runtime.render_thumbnail

    def counting_decode(*args, **kwargs):
        if not getattr(in_thumbnail, "on", False):
            counted[0] += 1
        return decode(*args, **kwargs)

    def marked_thumbnail(*args, **kwargs):
        in_thumbnail.on = True
        try:
            return render_thumbnail(*args, **kwargs)
        finally:
            in_thumbnail.on = False
    runtime.decode, runtime.render_thumbnail = counting_decode, marked_thumbnail
    return counted


def test_a_stroke_and_its_undo_and_redo_decode_nothing_new_and_a_slider_after_does(qtbot, window, reference,
                                                                                     image_files):
    item = open_image(qtbot, window, image_files[1])
    settle(qtbot, window, item)
    document, counted = window.document, count_picture_decodes(window.document.engine.worker.runtime)

    def decodes_for(action) -> int:
        before = counted[0]
        action()
        settle(qtbot, window, item)
        return counted[0] - before

    slider = window.sliders.sliders[0]
    assert decodes_for(lambda: slider.setValue(200)) == 1
    window.mask_tool.brush.setChecked(True)
    decodes_for(lambda: drag_across(window.canvas, "edited", 0.5, 0.2, 0.45))  # the unedited decode, at most
    strokes = [decodes_for(lambda: drag_across(window.canvas, "edited", 0.3, 0.5, 0.8))]
    two_strokes = item.image.copy()
    strokes += [decodes_for(document.undo), decodes_for(document.redo)]
    assert strokes == [0, 0, 0], f"network decodes for a stroke, its undo, its redo: {strokes}"
    assert np.array_equal(item.image, two_strokes)  # the kept decodes blend to the very same pixels

    state = item.history.current
    edited = reference.decode("vae", edited_latent(state, document.directions("vae")))
    unedited = reference.decode("vae", state.base)
    mask = masking.resize_mask(state.mask, edited.shape[:2])
    assert np.array_equal(item.image, masking.blend(edited, unedited, mask))

    undone = [decodes_for(document.undo), decodes_for(document.undo)]  # to the slider's step: no mask at all
    assert item.history.current.mask is None and undone == [0, 0]
    assert np.array_equal(item.image, edited)
    assert decodes_for(lambda: slider.setValue(-200)) == 1  # a new edited latent is decoded
    assert not np.array_equal(item.image, edited)


def test_a_model_load_or_device_switch_decodes_a_kept_latent_again(vae_reference):
    runtime = vae_reference
    latent = np.random.default_rng(7).standard_normal(runtime.model("vae").latent_shape).astype(np.float32).ravel()
    first = runtime.render("vae", latent)
    before = runtime.decode_count
    assert np.array_equal(runtime.render("vae", latent), first) and runtime.decode_count == before
    runtime.set_device("cpu")  # another device may round a pixel differently
    assert np.array_equal(runtime.render("vae", latent), first) and runtime.decode_count == before + 1
    runtime.load(runtime.model("vae").path, lambda *_: None)
    runtime.render("vae", latent)
    assert runtime.decode_count == before + 2


def test_a_morph_export_leaves_the_pictures_kept_decode_for_its_next_stroke(qtbot, vae_engine, tmp_path):
    """A morph export's many frames were kept as the picture's decodes are, and pushed them out: the first stroke
    after it decoded the picture again."""
    engine, runtime = vae_engine, vae_engine.worker.runtime
    rng = np.random.default_rng(3)
    picture, base = (rng.standard_normal(runtime.model("vae").latent_shape).astype(np.float32).ravel()
                     for _ in range(2))
    stroke, next_stroke = np.zeros((8, 8), np.float32), np.zeros((8, 8), np.float32)
    stroke[:4], next_stroke[:, :4] = 1.0, 1.0
    asked: list[int] = []

    def drawn(request: rq.Request) -> None:
        with qtbot.waitSignal(engine.done, timeout=UI_TIMEOUT, check_params_cb=asked.__contains__):
            asked.append(engine.submit(request))
    drawn(rq.Decode("vae", picture, tag=1, mask=stroke, base=base))
    frames = np.stack([picture + step for step in np.linspace(0.1, 1.0, 7, dtype=np.float32)])
    drawn(rq.RenderFrames("vae", frames, tag=2, write=rq.AnimationFile(str(tmp_path / "morph.gif"), 10.0)))
    assert (tmp_path / "morph.gif").is_file()
    before = runtime.decode_count
    drawn(rq.Decode("vae", picture, tag=1, mask=next_stroke, base=base))
    assert runtime.decode_count == before  # the picture's decode kept, and its base's (the item's own slot)


def test_a_morph_played_through_leaves_the_pictures_kept_decode_for_its_undo(qtbot, window, image_files):
    """The Morph dialog's frames were kept as the picture's decodes are: going through its timeline pushed them out,
    and undoing the stroke after it decoded the picture again."""
    _, item = open_images(qtbot, window, image_files[:2])
    window.document.select(item.id)
    counted = count_picture_decodes(window.document.engine.worker.runtime)
    window.sliders.sliders[0].setValue(200)
    settle(qtbot, window, item)
    window.mask_tool.brush.setChecked(True)
    drag_across(window.canvas, "edited", 0.5, 0.2, 0.45)
    settle(qtbot, window, item)
    dialog, shown = open_morph(qtbot, window)
    dialog.frames.setValue(7)
    for frame in range(1, 6):  # between the keyframes: the last, the picture itself, would be drawn from the kept
        dialog.timeline.setValue(frame)
        wait_frame(qtbot, shown, frame)
    dialog.close()
    before = counted[0]
    window.document.undo()  # the stroke taken back: the mask alone changes
    settle(qtbot, window, item)
    assert item.history.current.mask is None and counted[0] == before
