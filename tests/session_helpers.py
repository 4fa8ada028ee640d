"""Helpers shared by the session tests (test_session_*.py): a branching history, a session file rewritten as
another version would write it, one left by a crash, and a window with the tiny VAE."""
from __future__ import annotations

import errno
import json
import os
from dataclasses import replace

import numpy as np

from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import EditState
from genimg_gui.history import History
from genimg_gui.paths import data_dir
from genimg_gui.ui.main_window import MainWindow


TIMEOUT = 30_000


def branching_history() -> History:
    base = np.arange(8, dtype=np.float32)
    mask = np.zeros((4, 4), np.float32)
    mask[1:3, 1:3] = 0.5
    h = History(EditState(base, (0.0, 0.0)))
    h.push(h.current.with_values((1.0, 0.0)))
    h.push(h.current.with_mask(mask))
    h.undo()
    h.undo()
    h.push(h.current.with_values((0.0, -2.0)))  # a second branch from the root
    return h


def _rewritten(path, change) -> None:
    """The session file at path with its JSON changed by change(doc), as another version of genimg might write it."""
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file
    with safe_open(str(path), "np") as f:
        doc = json.loads(f.metadata()["session"])
    change(doc)
    save_file(load_file(str(path)), str(path), metadata={"session": json.dumps(doc)})


def _left_by_a_crash(model_dir, image_file):
    """An autosaved session of one image, "left by a crash", encoded by the tiny VAE; its path."""
    from PIL import Image

    from genimg_gui.engine.runtime import Runtime

    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-vae"), lambda *_: None)
    original, latent, _ = rt.encode(np.asarray(Image.open(image_file).convert("RGB")), "crop")
    history = History(EditState(latent, (0.0,) * len(rt.model("vae").directions)))
    return sess.save_session(sess.Session([sess.SessionItem("vae", "left by a crash", original, original, history)]))


def _window_with_the_vae(qtbot, engine, model_dir) -> MainWindow:
    """A window started after that crash (its autosave quick), the tiny VAE loaded, no question asked yet."""
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    w.autosaver.timer.setInterval(10)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    return w


def keep_a_fox_and_an_owl(qtbot, window: MainWindow, gan_folder) -> None:
    """Loads the GAN in gan_folder (classes cat, fox, owl) into window, draws seed 7 as a fox and seed 8 as an owl in
    place of the start-up's sample, and quits keeping them (the session saved as Keep for next time does)."""
    doc = window.document
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(gan_folder))
    qtbot.waitUntil(lambda: len(doc.items) == 1, timeout=TIMEOUT)  # the start-up's sample
    [auto] = doc.items.values()
    for seed, cls in ((7, 1), (8, 2)):  # fox, owl
        with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
            doc.generate(seed, 0.7, cls, new_item=True)
    doc.close_item(auto.id)
    kept = replace(doc.to_session(), kept=True)
    assert [i.gan_class for i in kept.items] == [1, 2]
    window.close()
    sess.save_session(kept)


def offered(qtbot, window: MainWindow) -> int:
    """window.questions.offer_restore, as app.main calls it, followed to its end: the session is read off the GUI
    thread, and `offered` then says how many images were restored (or are coming back once the models load)."""
    with qtbot.waitSignal(window.questions.offered, timeout=TIMEOUT) as blocker:
        window.questions.offer_restore()
    return blocker.args[0]


def read_only_data_folder(monkeypatch) -> None:
    """Nothing can be written in the data folder from here on (a read-only disk)."""
    real_open, real_mkdir = os.open, os.mkdir

    def on_data_disk(file) -> bool:
        return os.fspath(file).startswith(str(data_dir()))

    def read_only(file, flags, *args, **kwargs):
        if on_data_disk(file) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    def no_folders(file, *args, **kwargs):
        if on_data_disk(file) and not os.path.exists(file):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(file))
        return real_mkdir(file, *args, **kwargs)
    monkeypatch.setattr(os, "open", read_only)
    monkeypatch.setattr(os, "mkdir", no_folders)
