"""A GAN sample's own image, which Compare's "Generated" pane shows, asked while another GAN loads: an undo to a
sample whose image a restored session did not keep asks for it (GanSamples.draw_original), the worker busy; the new
GAN's load runs first. Its decode named no model, so the new GAN drew the old GAN's w and Compare showed that
picture, neither GAN's sample. Now it names the GAN it was asked of, as the other decodes do: the new GAN leaves it,
and the switch draws the sample again from the new GAN's own w. Nor is it asked of a sample whose w are still the
old GAN's once the new one is loaded (that drawing cancelled): the GAN loaded drew the old w there too; the switch
drawing it again brings it."""
from __future__ import annotations

import numpy as np

from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.engine.runtime import Runtime
from genimg_gui.ui.canvas import CompareMode
from genimg_gui.ui.qimage import from_qimage
from test_request_notes import asked_by, held_in_the_vae_encoder, restored_one_seed_on, send
from test_send_waits import drawings_held
from test_switch_first import other_gan


def alike(a: np.ndarray, b: np.ndarray) -> bool:
    """The same picture, to a level of rounding (two runs of one network on the CPU)."""
    return a.shape == b.shape and int(np.abs(a.astype(int) - b).max()) <= 1


def test_a_compare_image_asked_during_a_switch_to_another_gan_is_never_the_old_w_drawn_by_it(qtbot, window,
                                                                                              tmp_path):
    doc = window.document
    window.canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    restored, _, seed = restored_one_seed_on(qtbot, window, tmp_path)
    folder = other_gan(tmp_path)  # a w of tiny-gan's size: it draws the old w without an error
    compare_images: list[np.ndarray] = []
    doc.engine.result.connect(lambda r: compare_images.append(r.image)
                              if isinstance(r, rq.Decoded) and r.tag == 0 else None)
    with held_in_the_vae_encoder(window) as gate:
        send(window)  # the worker busy: what is asked now waits, and the load, a job, runs first
        qtbot.waitUntil(gate.inside.is_set, timeout=UI_TIMEOUT)
        compare = asked_by(window, window.undo_action.trigger, rq.Decode, tag=0)
        old_w = restored.drawn[restored.sample_node()].latent.copy()
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(folder))
            gate.go.set()
    qtbot.waitUntil(lambda: doc.engine.request(compare) is None and not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: restored.shown_seq >= restored.requested_seq, timeout=UI_TIMEOUT)
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    old_w_drawn_by_new = reference.decode("gan", old_w)
    assert not any(alike(image, old_w_drawn_by_new) for image in compare_images)
    assert restored.seed == seed
    own = reference.decode("gan", reference.map_seed(restored.seed, restored.psi))
    assert alike(restored.original, own)
    window.filmstrip.setCurrentRow(list(doc.items).index(restored.id))  # back from the picture sent to the VAE
    assert doc.current is restored and alike(from_qimage(window.canvas.original), own)


def test_a_compare_image_asked_of_a_sample_left_behind_by_a_switch_is_never_the_old_w_drawn_by_the_new_gan(
        qtbot, window, tmp_path, monkeypatch):
    """other-gan loaded and its drawing of the samples' seeds cancelled: the sample keeps tiny-gan's w (left behind).
    An undo then asked for the first seed's own image of other-gan, the GAN loaded, from that old w."""
    doc = window.document
    window.canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    restored, _, seed = restored_one_seed_on(qtbot, window, tmp_path)
    folder = other_gan(tmp_path)
    with drawings_held(monkeypatch):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(folder))
        for remap in list(doc.carry.remaps):
            doc.cancel(remap)
    qtbot.waitUntil(lambda: restored.id in doc.carry.left_behind, timeout=UI_TIMEOUT)
    compare_images: list[np.ndarray] = []
    doc.engine.result.connect(lambda r: compare_images.append(r.image)
                              if isinstance(r, rq.Decoded) and r.tag == 0 else None)
    window.undo_action.trigger()
    old_w = restored.drawn[restored.sample_node()].latent.copy()
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: restored.shown_seq >= restored.requested_seq and not doc.samples.originals,
                    timeout=UI_TIMEOUT)
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    assert not any(alike(image, reference.decode("gan", old_w)) for image in compare_images)
    own = reference.decode("gan", reference.map_seed(seed, restored.psi))
    assert restored.seed == seed and alike(restored.original, own)
    assert doc.current is restored and alike(from_qimage(window.canvas.original), own)
