"""The morph preview's frame cache across a VAE switch. A frame asked of one VAE was drawn by another when that
one's load, a job, went before the queued frame: it was kept as the first VAE's frame, and shown as such once the
first VAE was back (the other model's drawing, 46 grey levels off on average)."""
from __future__ import annotations

import threading

import numpy as np
import torch

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.vae import ConvVAE
from genimg_gui.morph import morph_layers
from test_morph_ui import open_images, open_morph


def settled(qtbot, doc) -> None:
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs
                    and all(i.shown_seq >= i.requested_seq for i in doc.items.values()), timeout=UI_TIMEOUT)


def load(qtbot, doc, path) -> None:
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(path))
    settled(qtbot, doc)


def test_a_frame_drawn_by_the_vae_loaded_before_it_is_not_kept_as_the_first_vaes(qtbot, window, image_files,
                                                                                  model_dir, tmp_path, monkeypatch):
    doc, morph = window.document, window.morph
    first = model_dir / "tiny-vae"
    torch.manual_seed(7)
    other = make_model_folder(tmp_path / "vae-b", ConvVAE(TINY_VAE), "vae-b")
    load(qtbot, doc, other)  # once, to estimate its directions now
    load(qtbot, doc, first)
    a, _ = open_images(qtbot, window, image_files[:2])
    settled(qtbot, doc)
    doc.select(a.id)
    dialog, shown = open_morph(qtbot, window)
    dialog.frames.setValue(5)
    qtbot.waitUntil(lambda: bool(shown), timeout=UI_TIMEOUT)

    entered, release = threading.Event(), threading.Event()
    real = Runtime.render

    def held(self, *args, **kwargs):  # the first draw waits until the frame and the load are both queued behind it
        if not entered.is_set():
            entered.set()
            release.wait(UI_TIMEOUT / 1000)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", held)
    morph.request_frame(1)
    qtbot.waitUntil(entered.is_set, timeout=UI_TIMEOUT)
    asked = morph.request_frame(3)  # of the first VAE; waits, a live request
    doc.load_model(str(other))  # a job: runs before frame 3, which the other VAE draws
    release.set()
    qtbot.waitUntil(lambda: asked not in morph._frame_seqs, timeout=UI_TIMEOUT)
    settled(qtbot, doc)
    load(qtbot, doc, first)  # back to the first VAE

    shown.clear()
    morph.request_frame(3)
    qtbot.waitUntil(lambda: bool(shown), timeout=UI_TIMEOUT)
    settings = dialog.settings()
    frame = morph_layers(morph.keyframes(settings), 5, settings.mode, settings.loop, 3).edited[0]
    drawings = {}
    for path in (first, other):
        reference = Runtime("cpu")
        reference.load(str(path), lambda *_: None)
        drawings[path] = reference.decode("vae", frame).astype(int)
    index, image = shown[-1]
    assert index == 3
    off, apart = np.abs(image - drawings[first]).max(), np.abs(drawings[other] - drawings[first]).mean()
    assert off <= 1 and apart > 10, (off, apart)  # the first VAE's frame 3, not the other's
