"""The morph preview playing while an inversion runs: at 60 fps it asked a decode a frame, loop after loop, and the
worker drew every decode asked for while it drew the last, so the inversion ran 5 times slower, or not at all."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.ui.morph_controller import MORPH_TAG
from test_inversion_ui import inverting
from test_morph_ui import open_images, open_morph

PREVIEW_SEQ = 1_000_000  # the seqs of the decodes a test puts in the queue itself: far from the engine's


def test_a_preview_asking_faster_than_it_is_drawn_leaves_the_inversion_its_steps(qtbot, engine, model_dir,
                                                                               monkeypatch):
    """A preview that asks its next frame before the last is drawn (each decode asks another, as a 60 fps timer
    does when decodes take longer than 17 ms) gets one decode between two steps of the inversion, not all."""
    with qtbot.waitSignal(engine.result, timeout=UI_TIMEOUT, check_params_cb=lambda r: isinstance(r, rq.ModelInfo)):
        engine.submit(rq.LoadModel(str(model_dir / "tiny-gan")))
    worker = engine.worker
    said: list[str] = []  # on the worker thread, in the order it ran them: "step" or "decode"
    render = worker.runtime.render

    def render_and_ask_the_next(kind, latent, *args, **kwargs):
        said.append("decode")
        if said.count("decode") < 200:  # the preview's next frame, asked while this one is drawn
            engine.queue.put(rq.Decode(kind, latent, tag=MORPH_TAG, seq=PREVIEW_SEQ + len(said)))
        return render(kind, latent, *args, **kwargs)
    monkeypatch.setattr(worker.runtime, "render", render_and_ask_the_next)
    worker.progress.connect(lambda p: said.append("step") if p.text.startswith("Inverting") else None,
                            Qt.ConnectionType.DirectConnection)
    target = np.random.default_rng(0).integers(0, 255, (32, 32, 3), dtype=np.uint8)
    with qtbot.waitSignal(engine.started, timeout=UI_TIMEOUT):
        seq = engine.submit(rq.Invert(target, steps=40, preview_every=0))
    engine.submit(rq.Decode("gan", np.zeros(16, np.float32), tag=MORPH_TAG))  # the preview's first frame
    with qtbot.waitSignal(engine.result, timeout=UI_TIMEOUT,
                          check_params_cb=lambda r: isinstance(r, rq.Inverted) and r.seq == seq and r.final):
        pass
    during = said[:len(said) - said[::-1].index("step")]  # up to the inversion's last step
    runs = "".join("d" if s == "decode" else " " for s in during).split()
    assert during.count("decode") >= 2 and max(map(len, runs)) == 1, \
        f"decodes drawn in a row between two steps: {sorted(map(len, runs))[-5:]}"


def test_playing_the_morph_again_decodes_no_frame_twice(qtbot, window, image_files):
    """Each loop of Play decoded every frame again, 60 decodes a second at 60 fps, taken from the inversion under
    way. A frame once decoded is shown again as it was: the second loop and the next ask the worker for nothing."""
    open_images(qtbot, window, image_files[1:3])
    inverting(qtbot, window, image_files[0])
    doc = window.document
    doc.select(next(i for i in doc.items.values() if i.kind == "vae").id)
    asked = []
    doc.engine.submitted.connect(lambda r: asked.append(r) if isinstance(r, rq.Decode) and r.tag == MORPH_TAG
                                 else None)
    dialog, shown = open_morph(qtbot, window)
    dialog.frames.setValue(5)
    dialog.fps.setValue(60)
    qtbot.waitUntil(dialog.play_button.isEnabled, timeout=UI_TIMEOUT)  # once its first frame is shown
    qtbot.mouseClick(dialog.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: {i for i, _ in shown} == set(range(5)), timeout=UI_TIMEOUT)  # each frame, decoded
    first = {i: image for i, image in reversed(shown)}  # each frame as first decoded
    before, played, starts = len(asked), len(shown), []
    dialog.timeline.valueChanged.connect(lambda i: starts.append(i) if i == 0 else None)
    qtbot.waitUntil(lambda: len(starts) >= 3, timeout=UI_TIMEOUT)  # two loops more, played through
    assert window.status.cancel.isVisible()  # the inversion still running
    assert len(asked) == before, f"{len(asked) - before} frames decoded again"
    again = shown[played:]
    assert {i for i, _ in again} == set(range(5)) and all(np.array_equal(image, first[i]) for i, image in again)
    dialog.close()
