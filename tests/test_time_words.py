"""A slow load and a slow encode say how long they took in the unit that fits it, as the status bar's decode time
does (wording.duration, one way everywhere): an SD VAE's load read "Loaded … in 12034 ms", a large photo's
"Encoded photo.jpg in 31044 ms", and its card's Load time "12034 ms on cpu", beside "decode: 32 s"."""
from __future__ import annotations

import re
import shutil
import time

from conftest import UI_TIMEOUT, slowed
from editing_helpers import open_image
from genimg_gui.engine import runtime
from genimg_gui.engine.runtime import Runtime

SLOW_S = 1.0  # added to each load and encode: a second or more, said in seconds
IN_SECONDS = r"\d+(\.\d)? s"  # "1.3 s", or "12 s" on a machine busy enough to make it take that long


def test_a_slow_load_and_encode_say_their_time_in_seconds_not_thousands_of_ms(qtbot, window, model_dir, tmp_path,
                                                                             image_files, monkeypatch):
    doc, said = window.document, []
    doc.message.connect(said.append)
    reads = runtime.load_model
    monkeypatch.setattr(runtime, "load_model", lambda folder: time.sleep(SLOW_S) or reads(folder))  # inside the timing
    slowed(monkeypatch, Runtime, "encode", SLOW_S)
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "tiny-vae")  # a folder not loaded yet
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(copy))
    loaded = next(s for s in said if s.startswith("Loaded "))
    assert re.fullmatch(rf"Loaded tiny-vae from .+ on cpu in {IN_SECONDS}", loaded), loaded
    assert re.fullmatch(rf"{IN_SECONDS} on cpu", window.model_panel.details["Load time"].text())

    open_image(qtbot, window, image_files[1])  # square: no crop note after the time
    encoded = next(s for s in said if s.startswith("Encoded "))
    assert re.fullmatch(rf"Encoded image 1\.png in {IN_SECONDS}", encoded), encoded
