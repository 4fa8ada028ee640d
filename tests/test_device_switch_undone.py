"""A device switch that runs out of memory halfway (the VAE moved, the GAN too large for what is left) is undone: every
model stays on the device it was on, the message names the device that ran out, and the device box shows the one the
models are on. The VAE stayed on the new device and the GAN on the old; the message named the old one ("out of memory
on cpu"), and every decode after failed ("Tensor on device … is not on the expected device cpu!"). This machine may
have no GPU: "meta" stands in for one, as a device a tensor can be moved to."""
from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui.edit import edited_latent
from genimg_gui.engine import runtime as runtime_module
from test_masked_edits import settle
from ui_helpers import shown

GPU = "cuda:0"


def test_a_switch_that_runs_out_of_memory_halfway_leaves_every_model_where_it_was(qtbot, window, reference,
                                                                                  monkeypatch):
    doc = window.document
    rt = doc.engine.worker.runtime  # the worker is idle: no race
    gan = rt.models["gan"].net
    real_to = type(gan).to

    def halfway(net, device, *args, **kwargs):  # the GAN's first layers fit on the GPU, the rest do not
        if torch.device(device).type == "meta":
            real_to(next(net.children()), device)
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_to(net, device, *args, **kwargs)
    monkeypatch.setattr(gan, "to", lambda *args, **kwargs: halfway(gan, *args, **kwargs))
    monkeypatch.setattr(runtime_module, "pick_device", lambda name: torch.device("meta" if name == GPU else name))
    window.model_panel.set_devices(("cpu", GPU), "cpu")  # as a machine with a GPU lists its devices
    box = window.model_panel.device
    box.setFocus()
    with qtbot.waitSignal(doc.error, timeout=UI_TIMEOUT) as error:
        qtbot.keyClick(box, Qt.Key.Key_Down)  # the user picks the GPU
    assert error.args[0] == ("out of memory on meta; the models stay on cpu: close other GPU programs, or load a "
                             "smaller model")
    qtbot.waitUntil(lambda: box.currentText() == "cpu", timeout=UI_TIMEOUT)
    assert not window.status.retry.isVisible()  # the request to switch is no work to do again on the CPU
    on = {t.device.type for model in rt.models.values() for t in (*model.net.parameters(), *model.net.buffers())}
    assert on == {"cpu"} and str(rt.device) == "cpu"
    item = doc.current  # the GAN's sample: its slider draws it, with the weights it had before the switch
    window.sliders.sliders[0].setValue(100)
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.0, timeout=UI_TIMEOUT)
    settle(qtbot, item)
    drawn = reference.decode("gan", edited_latent(item.history.current, reference.models["gan"].directions))
    assert np.array_equal(shown(window), drawn) and window.last_error == error.args[0]  # nothing failed since
