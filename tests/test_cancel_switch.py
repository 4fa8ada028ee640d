"""Cancel, or a failure, while a VAE switch encodes the open pictures again. Each encoding shows a progress bar with
Cancel; a click dropped the picture's encoding and said a bare "Cancelled", so the picture kept the last VAE's latent,
which the new VAE then drew (another model's latent, a garbled picture) and autosave and Keep stored as the new VAE's.
Now the picture is said to be not in the new VAE yet, and showing or editing it encodes it first, also after a restart
that brings it back."""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.edit import edited_latent
from genimg_gui.engine.runtime import Runtime
from genimg_gui.session import load_session
from test_masked_edits import open_images, settle
from test_open_latents import other_vae
from ui_helpers import shown

NOT_YET = "image 0.png is not encoded with other-vae yet: showing or editing it encodes it"


def held_encode(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Runtime.encode held at its first call until go is set (or UI_TIMEOUT: a test that fails cannot hang)."""
    inside, go = threading.Event(), threading.Event()
    real = Runtime.encode

    def encode(self, *args, **kwargs):
        if not inside.is_set():
            inside.set()
            go.wait(UI_TIMEOUT / 1000)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "encode", encode)
    return inside, go


def cancel_the_reencode(qtbot, window, image, tmp_path, monkeypatch):
    """One picture open (image), other-vae loaded, and the status bar's Cancel clicked on its encoding with it;
    returns (the picture, a Runtime on other-vae, what the document said)."""
    [item] = open_images(qtbot, window, [image])
    settle(qtbot, item)
    return (item, *reencode_cancelled(qtbot, window, tmp_path, monkeypatch))


def reencode_cancelled(qtbot, window, tmp_path, monkeypatch):
    """other-vae (the tiny VAE's sizes, other weights) loaded, and the status bar's Cancel clicked on its encoding of
    image 0.png, the picture on screen; returns (a Runtime on other-vae, what the document said)."""
    doc = window.document
    folder = other_vae(tmp_path / "other-vae", 7, "other-vae")
    said: list[str] = []
    doc.message.connect(said.append)
    inside, go = held_encode(monkeypatch)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    qtbot.waitUntil(inside.is_set, timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: window.status.cancel.isVisible()
                    and window.status.bar.toolTip().startswith("Encoding image 0.png"), timeout=UI_TIMEOUT)
    qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: any(text.startswith("Cancelled") for text in said), timeout=UI_TIMEOUT)
    reference = Runtime("cpu")
    reference.load(str(folder), lambda *_: None)
    return reference, said


def edited_into(qtbot, window, item, reference) -> None:
    """Move PC1 of the item on screen by its slider: the item is encoded with the reference's VAE first, and the edit
    drawn from that encoding is shown."""
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.0 and not window.document.carry.pending(item.id),
                    timeout=UI_TIMEOUT)
    settle(qtbot, item)
    _, new_latent, _ = reference.encode(item.source if item.source is not None else item.original, item.fit)
    assert np.allclose(item.history.nodes()[0].state.base, new_latent, atol=1e-4)
    vae = reference.models["vae"]
    drawn = reference.render("vae", edited_latent(item.history.current, vae.directions), None, None, 0)
    assert np.abs(shown(window).astype(int) - drawn.astype(int)).max() <= 1


def test_a_cancelled_reencode_is_said_and_done_as_the_picture_is_next_edited(qtbot, window, image_files, tmp_path,
                                                                             monkeypatch):
    item, reference, said = cancel_the_reencode(qtbot, window, image_files[0], tmp_path, monkeypatch)
    old_latent = item.history.current.base.copy()
    assert said[-1] == f"Cancelled: {NOT_YET}"
    assert window.status.currentMessage() == f"Cancelled: {NOT_YET}"
    assert window.document.carry.pending(item.id)  # closed now, Reopen encodes it again too
    edited_into(qtbot, window, item, reference)
    assert not np.allclose(item.history.nodes()[0].state.base, old_latent, atol=1e-3)


def test_the_autosave_marks_a_cancelled_picture_and_its_restore_encodes_it_as_it_is_edited(qtbot, window, image_files,
                                                                                          tmp_path, monkeypatch):
    """Autosave and Keep went on storing the last VAE's latent as other-vae's, which came back after a restart as
    other-vae's garbled drawing of it; now the saved picture is marked, and encoded with other-vae as it is edited."""
    item, reference, _ = cancel_the_reencode(qtbot, window, image_files[0], tmp_path, monkeypatch)
    doc, saver = window.document, window.autosaver
    saves = saver.saves
    saver.save_now()
    saver.wait()  # written on the autosave's own thread
    assert saver.saves == saves + 1  # not held back: a crash keeps the work done since the switch
    session = load_session(saver.path)
    assert [saved.left_behind for saved in session.items] == [True]
    doc.close_item(item.id)
    doc.restore(session)
    restored = doc.current
    assert restored.name == item.name and np.array_equal(restored.history.current.base, item.history.current.base)
    edited_into(qtbot, window, restored, reference)
