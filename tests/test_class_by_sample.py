"""Each GAN sample keeps its class by name. A kept session's GAN folder trained again in place carries the session's
samples over by the names of the classes they were drawn in; the class names were one list for the whole kind, so a
sample drawn this run in the new weights, beside the restored ones, had its class index read through the session's
names: a dog drawn as the session GAN's second class, a fox this GAN lacks, and so in the seed's own class."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from genimg_gui import session as sess
from genimg_gui.edit import Directions
from genimg_gui.engine import requests as rq
from genimg_gui.ui.document import Document
from test_document_held import HeldEngine, w


def gan(identity: str, *classes: str) -> rq.ModelInfo:
    """The GAN of folder "gan" as the worker describes it: w of 4 numbers, no sliders, these classes."""
    none = Directions(np.zeros(4, np.float32), np.zeros((0, 4), np.float32), np.ones(0, np.float32),
                      np.zeros(0, np.float32), ())
    return rq.ModelInfo("gan", "gan", "gan", {"config": {"classes": list(classes)}}, "cpu", 4, 0, none, 0.0,
                        identity=identity)


def kept_owl() -> sess.Session:
    """A session of the GAN in folder "gan" as it was (owl, fox): seed 5, drawn as an owl."""
    engine = HeldEngine()
    doc = Document(engine)
    engine.result.emit(gan("old weights", "owl", "fox"))
    engine.answer(doc.generate(5, 0.7, gan_class=0, new_item=True), w(5))
    return replace(doc.to_session(), kept=True)


@pytest.mark.parametrize("saved", ["with names", "before names were kept"])
def test_a_sample_drawn_beside_a_restored_session_keeps_its_own_class(saved, qtbot, tmp_path):
    session = kept_owl()
    if saved == "before names were kept":  # the session's class names alone tell its samples' classes
        session = replace(session, items=[replace(i, drawn={n: replace(d, class_name=None) for n, d in i.drawn.items()})
                                          for i in session.items])
    session = sess.load_session(sess.save_session(session, tmp_path / "s.safetensors"))
    engine = HeldEngine()
    doc = Document(engine)
    engine.result.emit(gan("new weights", "cat", "dog"))  # the folder trained again since, with other classes
    engine.answer(doc.generate(3, 0.7, gan_class=1, new_item=True), w(3))  # a dog, drawn in the new weights
    drawn = len(engine.sent)
    doc.restore(session)  # its items follow the new weights, by the names of their classes
    seq = drawn
    while seq < len(engine.sent):  # the worker answers each request, those held until the one on screen is drawn too
        seq += 1
        r = engine.request(seq)
        engine.answer(seq, w(r.seed * 10)) if isinstance(r, rq.MapSeed) else engine.decoded(seq)
    asked = {r.seed: r.class_name for r in engine.sent[drawn:] if isinstance(r, rq.MapSeed)}
    assert asked == {3: "dog", 5: "owl"}  # no owl in the new weights: the seed's own class, its name kept
    dog, owl = sorted(doc.items.values(), key=lambda i: i.seed)
    assert dog.gan_class == 1 and dog.drawn[dog.sample_node()].class_name == "dog"  # not the session's "fox"
    assert owl.gan_class is None and owl.drawn[owl.sample_node()].class_name == "owl"
