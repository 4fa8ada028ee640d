"""A model the user opens while a kept session waits for the start-up's models wins over the session's. The restore
waited for every load, the user's too, and then loaded the session's model after it: the user's choice was replaced
with nothing said. Now the session comes back once the start-up's own loads end, and the user's model, asked after,
draws its items."""
from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import TINY_GAN, UI_TIMEOUT, make_model_folder
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.gan import Generator
from genimg_gui.ui.main_window import MainWindow
from session_helpers import keep_a_fox_and_an_owl, offered
from test_switch_values import double_click_row


def keep_one_sample(qtbot, window, picture: Path | None = None, kept: bool = True) -> sess.Session:
    """window's work saved for the next start: one sample of its own (the start-up's, untouched, is not kept), after
    the photo picture if one is given; kept: on quitting, else autosaved, as a crash leaves it."""
    doc = window.document
    [auto] = doc.items.values()
    if picture is not None:
        with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
            doc.open_files([str(picture)])
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    doc.close_item(auto.id)
    session = replace(doc.to_session(), kept=kept)
    window.close()
    sess.save_session(session)
    return session


def held_loads(monkeypatch, folder: str) -> threading.Event:
    """The worker's load of folder waits until the event is set: the user's click lands while it is held."""
    gate, load = threading.Event(), Runtime.load

    def held(self, path, *args, **kwargs):
        if os.path.realpath(path) == folder:
            gate.wait(UI_TIMEOUT / 1000)
        return load(self, path, *args, **kwargs)
    monkeypatch.setattr(Runtime, "load", held)
    return gate


@pytest.mark.parametrize("held", ["tiny-vae", "tiny-gan"])
def test_a_model_opened_while_a_kept_session_waits_is_the_one_loaded(held, qtbot, window, model_dir, tmp_path,
                                                                    monkeypatch):
    """held tiny-vae: the start-up's GAN load still waits as the user opens other-gan (so it is dropped, and the
    session's GAN is not there when the session comes back); held tiny-gan: it runs, and the session comes back
    in it before other-gan arrives."""
    kept = keep_one_sample(qtbot, window)
    torch.manual_seed(7)  # other weights: another model, not a copy of tiny-gan
    other = os.path.realpath(make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan"))
    gate = held_loads(monkeypatch, str(model_dir / held))
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / n) for n in ("tiny-vae", "tiny-gan")]
                       + [read_entry(Path(other))])
    qtbot.addWidget(again)
    again.show()
    doc = again.document
    seqs = {name: doc.load_model(str(model_dir / name)) for name in ("tiny-vae", "tiny-gan")}  # as genimg starts
    assert offered(qtbot, again) == 1 and not doc.items  # back once the start-up's models are
    qtbot.waitUntil(lambda: doc.engine.place(seqs[held]) is None, timeout=UI_TIMEOUT)  # the held load runs
    double_click_row(qtbot, again, "other-gan")  # the user's choice, while the restore waits
    gate.set()

    def settled() -> bool:
        reopened = any(e.text.startswith("Reopened") for e in again.status.log.entries)
        drawn = all(i.shown_seq >= i.requested_seq for i in doc.items.values())  # its picture is back
        return reopened and not doc.jobs and not doc.carry.pending_any() and not doc.samples.pending and drawn
    qtbot.waitUntil(settled, timeout=UI_TIMEOUT)
    gan = doc.models["gan"]
    assert gan.name == "other-gan"  # the session's tiny-gan was loaded after it, and replaced it
    [item] = doc.items.values()
    assert item.name == kept.items[0].name and item.directions_of == gan.identity  # drawn by other-gan
    assert not np.array_equal(item.image, kept.items[0].image)
    said = [e.text for e in again.status.log.entries]
    if held == "tiny-vae":
        assert "The session's tiny-gan was not loaded: you opened other-gan" in said
    assert said[-1] == "Drawing your samples again with the new GAN (1)"  # the last word: what became of them
    again.close()


def test_a_gan_opened_while_a_kept_session_waits_keeps_each_samples_class_by_name(qtbot, model_dir, tmp_path,
                                                                                   monkeypatch):
    """The session's class-gan (cat, fox, owl) not loaded, the user's other-gan (fox, cat) drew its samples with no
    class names to go by: the fox sample (index 1) lost its class unsaid. Now the session's class names carry it over
    as a switch does: the fox is other-gan's fox, and the owl is drawn in the seed's own class, kept by name and
    said."""
    torch.manual_seed(1)
    session_gan = make_model_folder(tmp_path / "class-gan", Generator(replace(TINY_GAN, classes=("cat", "fox", "owl"))),
                                    "class-gan")
    torch.manual_seed(8)
    other = os.path.realpath(make_model_folder(tmp_path / "other-gan",
                                               Generator(replace(TINY_GAN, classes=("fox", "cat"))), "other-gan"))
    entries = [read_entry(model_dir / "tiny-vae"), read_entry(session_gan), read_entry(Path(other))]
    w = MainWindow(Engine("cpu"), entries)
    qtbot.addWidget(w)
    keep_a_fox_and_an_owl(qtbot, w, session_gan)

    gate = held_loads(monkeypatch, str(model_dir / "tiny-vae"))
    again = MainWindow(Engine("cpu"), entries)
    qtbot.addWidget(again)
    again.show()
    doc = again.document
    vae = doc.load_model(str(model_dir / "tiny-vae"))  # as genimg starts: its GAN load waits behind the VAE's
    doc.load_model(str(session_gan))
    assert offered(qtbot, again) == 2
    qtbot.waitUntil(lambda: doc.engine.place(vae) is None, timeout=UI_TIMEOUT)  # the held load runs
    double_click_row(qtbot, again, "other-gan")
    gate.set()
    qtbot.waitUntil(lambda: len(doc.items) == 2 and not doc.jobs and not doc.carry.pending_any()
                    and all(i.shown_seq >= i.requested_seq for i in doc.items.values()), timeout=UI_TIMEOUT)
    said = [e.text for e in again.status.log.entries]
    assert doc.models["gan"].name == "other-gan"
    assert "The session's class-gan was not loaded: you opened other-gan" in said
    fox, owl = sorted(doc.items.values(), key=lambda i: i.seed)
    reference = Runtime("cpu")
    reference.load(other, lambda *_: None)
    assert fox.gan_class == 0  # other-gan's fox, not the seed's own class
    np.testing.assert_allclose(fox.drawn[fox.sample_node()].latent, reference.map_seed(7, 0.7, 0), atol=1e-5)
    assert owl.gan_class is None and owl.drawn[owl.sample_node()].class_name == "owl"  # for a GAN that has it
    np.testing.assert_allclose(owl.drawn[owl.sample_node()].latent, reference.map_seed(8, 0.7), atol=1e-5)
    assert any(f"{owl.name} (owl): other-gan has no class owl; drawn in its own class — switch back to bring it "
               "back" in t for t in said), said
    again.close()
