"""A model is named one way on the status bar: by its card's name, as the Models tab lists it and "Loaded …" says
it. A model folder run3 whose card names it my-vae, dropped while a picture was being encoded, read "Loading run3…"
beside "my-vae will load when the encoding of 1 image ends": the loading note named a folder not listed yet by the
folder, the waiting note by its card, each with a helper of its own."""
from __future__ import annotations

import torch

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder, write_directions
from genimg_gui.models.vae import ConvVAE
from test_cancel_switch import held_encode


def test_a_model_loading_behind_an_encode_is_named_by_its_card_on_every_note(qtbot, window, image_files, tmp_path,
                                                                             monkeypatch):
    doc, status = window.document, window.status
    torch.manual_seed(9)
    run3 = write_directions(make_model_folder(tmp_path / "run3", ConvVAE(TINY_VAE), "my-vae"))
    inside, go = held_encode(monkeypatch)
    window.open_paths([str(image_files[0])])
    qtbot.waitUntil(inside.is_set, timeout=UI_TIMEOUT)  # the worker busy encoding the picture
    said: list[str] = []
    doc.message.connect(said.append)
    window.open_paths([str(run3)])  # the model folder dropped on the window meanwhile
    qtbot.waitUntil(lambda: status.waiting.text() != "", timeout=UI_TIMEOUT)
    assert status.busy.text() == "Loading my-vae…"
    assert status.waiting.text() == "my-vae will load when the encoding of 1 image ends"
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        go.set()
    assert any(m.startswith("Loaded my-vae from ") for m in said), said
