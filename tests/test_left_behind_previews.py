"""A picture left behind by a VAE switch (its encoding with the new VAE cancelled: test_cancel_switch) keeps the last
VAE's latent until it is next shown or edited. Its preview strips and History thumbnails were drawn from that latent
by the new VAE meanwhile (another model's latent: wrong pictures) and its typicality read it against the new VAE's
directions. Now none is drawn until the picture is encoded again, and then they are drawn from its new latent."""
from __future__ import annotations

from typing import Callable

import numpy as np

from conftest import UI_TIMEOUT
from genimg_gui.edit import edited_latent
from genimg_gui.engine import requests as rq
from genimg_gui.engine.encode_inputs import thumbnail
from genimg_gui.engine.runtime import Runtime
from genimg_gui.session import load_session
from genimg_gui.ui.history_controller import THUMB_TAG
from genimg_gui.ui.preview_controller import THUMB_SIZE, TAG_SLOTS, strip_latents
from genimg_gui.ui.qimage import from_qimage
from test_cancel_switch import edited_into, reencode_cancelled
from test_masked_edits import open_images, settle


def strips_answered(qtbot, window) -> Callable[[], None]:
    """A wait for the last preview strip asked in each lane (slider strips and History thumbnails) to be answered,
    and for none to be about to be asked (the slider strips' pause): what the views show then stays until the next
    change. Only the last: a strip replaced in its lane while it waited is dropped unrun, and never answered."""
    newest: dict[int, int] = {}  # lane (tag) -> the seq of the strip asked last in it
    answered: set[int] = set()

    def asked(request: rq.Request) -> None:
        if isinstance(request, rq.PreviewStrip):
            newest[request.tag] = request.seq
    window.document.engine.submitted.connect(asked)
    window.document.previewed.connect(lambda r: answered.add(r.seq))
    window.document.engine.failed.connect(lambda f: answered.add(f.seq))

    def wait() -> None:
        qtbot.waitUntil(lambda: set(newest.values()) <= answered and not window.previews.timer.isActive(),
                        timeout=UI_TIMEOUT)
    return wait


def switch_cancelled(qtbot, window, tmp_path, monkeypatch) -> Runtime:
    """other-vae (the tiny VAE's sizes, other weights) loaded, and the encoding of the picture on screen with it
    cancelled from the status bar: the picture is left behind. Returns a Runtime on other-vae."""
    reference, said = reencode_cancelled(qtbot, window, tmp_path, monkeypatch)
    assert any(text.startswith("Cancelled: ") for text in said)
    assert window.document.carry.left_behind == {window.document.current.id}
    return reference


def thumbnails(reference: Runtime, latents: list[np.ndarray], tag: int, size: int) -> list[np.ndarray]:
    return [thumbnail(reference.render_thumbnail("vae", latent, None, None, tag, size), size) for latent in latents]


def close_to(shown: list[np.ndarray], drawn: list[np.ndarray]) -> bool:
    return len(shown) == len(drawn) and all(np.abs(a.astype(int) - b.astype(int)).max() <= 1
                                            for a, b in zip(shown, drawn))


def test_preview_strips_of_a_picture_left_behind_wait_for_its_encoding(qtbot, window, image_files, tmp_path,
                                                                     monkeypatch):
    sliders = window.sliders
    answered = strips_answered(qtbot, window)
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    sliders.previews_box.setChecked(True)
    qtbot.waitUntil(lambda: sliders.strips and all(len(s.images) == 7 for s in sliders.strips), timeout=UI_TIMEOUT)
    reference = switch_cancelled(qtbot, window, tmp_path, monkeypatch)
    answered()
    # other-vae's drawings of tiny-vae's latent were shown under the sliders, and the meter read that latent
    assert not any(strip.images for strip in sliders.strips)
    assert sliders.meter.distance is None
    edited_into(qtbot, window, item, reference)  # encoded with other-vae first, then edited
    qtbot.waitUntil(lambda: all(len(s.images) == 7 for s in sliders.strips), timeout=UI_TIMEOUT)
    answered()
    directions = reference.models["vae"].directions
    latents = strip_latents(item.history.current, directions, 0, sliders.preview_values())
    drawn = thumbnails(reference, list(latents), item.id * TAG_SLOTS, THUMB_SIZE)
    assert close_to([from_qimage(image) for image in sliders.strips[0].images], drawn)
    assert sliders.meter.distance is not None


def test_history_thumbnails_of_a_picture_left_behind_wait_for_its_encoding(qtbot, window, image_files, tmp_path,
                                                                         monkeypatch):
    """A restart brings the picture back still left behind, its first step without a thumbnail: the History tab drew
    it from tiny-vae's latent with other-vae."""
    doc, saver = window.document, window.autosaver
    answered = strips_answered(qtbot, window)
    [item] = open_images(qtbot, window, image_files[:1])
    settle(qtbot, item)
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: len(item.history) == 2, timeout=UI_TIMEOUT)
    settle(qtbot, item)
    reference = switch_cancelled(qtbot, window, tmp_path, monkeypatch)
    saver.save_now()
    saver.wait()  # written on the autosave's own thread
    session = load_session(saver.path)
    doc.close_item(item.id)
    doc.restore(session)
    restored = doc.current
    assert restored.name == item.name and doc.carry.pending(restored.id)
    answered()
    assert 0 not in restored.thumbs  # nothing drawn yet: no other model's drawing of the stale latent
    edited_into(qtbot, window, restored, reference)
    qtbot.waitUntil(lambda: 0 in restored.thumbs, timeout=UI_TIMEOUT)
    answered()
    first = restored.history.nodes()[0].state
    drawn = thumbnails(reference, [edited_latent(first, reference.models["vae"].directions)],
                       restored.id * 1000 + THUMB_TAG, 48)
    assert close_to([restored.thumbs[0]], drawn)
