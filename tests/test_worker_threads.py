"""The engine's worker computes what a Runtime on the test's own thread computes, bit for bit, whatever ran before:
torch gives a new thread the CPU thread count last set anywhere in the process (conftest.new_threads_count_as_this_one
sets it back to this thread's before each test). The two tests run in this order: the first leaves the count the app
sets, the second is the test that followed it."""
from __future__ import annotations

import threading

import numpy as np
import torch

from conftest import UI_TIMEOUT
from genimg_gui.engine import requests as rq
from genimg_gui.engine.engine import Engine
from genimg_gui.models.device import gui_friendly_threads


def test_the_apps_engine_takes_all_cores_but_one(qtbot, model_dir):
    ours = torch.get_num_threads()  # this thread's count, fixed from its first use of torch on
    engine = Engine("cpu", threads=0)  # as app.main makes it: torch.set_num_threads(all cores but one) on its worker
    try:
        with qtbot.waitSignal(engine.result, timeout=UI_TIMEOUT,
                              check_params_cb=lambda r: isinstance(r, rq.ModelInfo)):
            engine.submit(rq.LoadModel(str(model_dir / "tiny-vae")))
    finally:
        engine.shutdown()
    counts = []  # what torch gives a thread made now: the worker's count, not this thread's
    thread = threading.Thread(target=lambda: counts.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    assert counts == [gui_friendly_threads()] and torch.get_num_threads() == ours


def test_a_later_engine_encodes_as_this_thread_does(qtbot, vae_engine, vae_reference):
    image = np.asarray(np.random.default_rng(3).integers(0, 255, (40, 30, 3), dtype=np.uint8))
    with qtbot.waitSignal(vae_engine.result, timeout=UI_TIMEOUT,
                          check_params_cb=lambda r: isinstance(r, rq.Encoded)) as blocker:
        vae_engine.submit(rq.EncodeImage(image, "noise.png"))
    encoded = blocker.args[0]
    _, latent, recon = vae_reference.encode(image, "crop")
    # 1 thread against 2 sums the convolutions in another order: 1e-6 apart, not equal
    assert np.array_equal(encoded.latent, latent) and np.array_equal(encoded.image, recon)
