"""A model switch draws the picture on screen again first: the worker serves requests in the order asked, and the
Edited pane of the sample the user looked at waited behind every other open sample's seed (or picture's encoding)."""
from __future__ import annotations

import torch

from conftest import TINY_GAN, TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.engine import requests as rq
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.document import Document
from test_document_held import HeldEngine, w
from ui_helpers import drop_and_wait, the_sample


def six_samples(qtbot, window) -> list:
    """The window's sample and five more, each of its own seed, in the filmstrip's order."""
    doc = window.document
    the_sample(window)
    for seed in range(21, 26):
        doc.generate(seed, 0.7, new_item=True)
        qtbot.waitUntil(lambda: any(i.seed == seed for i in doc.items.values()), timeout=UI_TIMEOUT)
    return list(doc.items.values())


def answers_of_switch(qtbot, window, folder, item) -> list:
    """Every result the engine sends from the switch to a new model until all items follow it and item's
    picture of it is shown."""
    doc = window.document
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    results: list = []
    doc.engine.result.connect(results.append)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    qtbot.waitUntil(lambda: not doc.carry.pending_any(), timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    doc.engine.result.disconnect(results.append)
    return results


def before_its_picture(results: list, item) -> list:
    """The results that came before item's picture drawn by the new model."""
    drawn = next(i for i, r in enumerate(results) if isinstance(r, rq.Decoded) and r.tag == item.id)
    return results[:drawn]


def other_gan(tmp_path):
    torch.manual_seed(5)
    return make_model_folder(tmp_path / "other-gan", Generator(TINY_GAN), "other-gan")


def test_the_sample_on_screen_is_drawn_by_a_new_gan_before_the_other_samples(qtbot, window, tmp_path):
    samples = six_samples(qtbot, window)
    looked_at = samples[2]
    window.filmstrip.setCurrentRow(2)
    assert window.document.current is looked_at
    results = answers_of_switch(qtbot, window, other_gan(tmp_path), looked_at)
    seeds = [r.seed for r in before_its_picture(results, looked_at) if isinstance(r, rq.Mapped)]
    assert seeds == [looked_at.seed]  # its own seed, then its edit drawn: no other sample's seed between
    assert {r.seed for r in results if isinstance(r, rq.Mapped)} == {s.seed for s in samples}  # all follow


def test_a_sample_chosen_while_a_new_gan_draws_the_samples_again_is_drawn_next(qtbot, window, tmp_path):
    samples = six_samples(qtbot, window)
    first, chosen = samples[0], samples[-1]
    window.filmstrip.setCurrentRow(0)
    doc = window.document

    def choose(text: str) -> None:  # as the switch is said, its requests asked: the user clicks the last sample
        if "Drawing your samples again" in text:
            window.filmstrip.setCurrentRow(len(samples) - 1)

    doc.message.connect(choose)
    results = answers_of_switch(qtbot, window, other_gan(tmp_path), chosen)
    assert doc.current is chosen
    seeds = {r.seed for r in before_its_picture(results, chosen) if isinstance(r, rq.Mapped)}
    assert seeds == {first.seed, chosen.seed}  # the one on screen at the switch was asked first: it alone went before


def test_the_picture_on_screen_is_drawn_by_a_new_vae_before_the_others_are_encoded(qtbot, window, tmp_path,
                                                                                    image_files):
    drop_and_wait(qtbot, window, image_files, 3)
    doc = window.document
    pictures = [i for i in doc.items.values() if i.kind == "vae"]
    looked_at = pictures[1]
    doc.select(looked_at.id)
    torch.manual_seed(6)
    folder = make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae")
    results = answers_of_switch(qtbot, window, folder, looked_at)
    encoded = [r.name for r in before_its_picture(results, looked_at) if isinstance(r, rq.Encoded)]
    assert encoded == [looked_at.name]
    assert {r.name for r in results if isinstance(r, rq.Encoded)} == {p.name for p in pictures}


def held_switch(qtbot) -> tuple:
    """Two samples in a document on a stand-in engine, the first on screen, as a new GAN arrives: only the one on
    screen is asked for."""
    engine = HeldEngine()
    doc = Document(engine)
    engine.answer(doc.generate(3, 0.7, new_item=True), w(3))
    engine.answer(doc.generate(4, 0.7, new_item=True), w(4))
    first = next(iter(doc.items.values()))
    doc.select(first.id)
    doc.carry.items("gan")
    assert [r.seed for r in engine.sent[-1:]] == [3] and doc.carry.pending_any()
    return doc, engine


def test_the_other_samples_are_asked_for_when_the_one_on_screen_cannot_be_drawn(qtbot):
    doc, engine = held_switch(qtbot)
    engine.out_of_memory(len(engine.sent))
    assert engine.sent[-1].seed == 4  # not held for ever behind a seed that failed


def test_the_other_samples_are_asked_for_when_the_one_on_screen_was_closed_meanwhile(qtbot):
    doc, engine = held_switch(qtbot)
    seq = len(engine.sent)
    doc.close_item()
    engine.answer(seq, w(30))
    assert engine.sent[-1].seed == 4
    engine.answer(len(engine.sent), w(40))
    assert not doc.carry.pending_any()
