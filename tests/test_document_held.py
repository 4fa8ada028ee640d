"""The document's bookkeeping around a new GAN and requests retried on the CPU, driven by a stand-in engine
that answers only when told to (so the order of results is the test's)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from genimg_gui.engine import requests as rq
from genimg_gui.ui.document import Document


class HeldEngine(QObject):
    """Records what is submitted; results and failures are emitted by the test."""
    result = Signal(object)
    failed = Signal(object)
    progress = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[rq.Request] = []

    def submit(self, request: rq.Request) -> int:
        self.sent.append(request)
        return len(self.sent)

    def resubmit(self, seq: int) -> int:
        return self.submit(self.sent[seq - 1])

    def answer(self, seq: int, latent: np.ndarray) -> None:
        r = self.sent[seq - 1]
        image = np.full((4, 4, 3), int(latent[0]) % 256, np.uint8)
        self.result.emit(rq.Mapped(seq, r.seed, r.psi, r.tag, latent, image, 0.0, r.cls, r.draw, r.record, r.draw))

    def out_of_memory(self, seq: int) -> None:
        self.failed.emit(rq.Failed(seq, "MapSeed", "out of memory on cuda:0", retry_on_cpu=True))


def w(value: float) -> np.ndarray:
    return np.full(4, value, np.float32)


def sampled(qtbot) -> tuple[Document, HeldEngine]:
    """A document holding one GAN item whose history drew seed 3, then seed 4."""
    engine = HeldEngine()
    doc = Document(engine)
    engine.answer(doc.generate(3, 0.7, new_item=True), w(3))
    engine.answer(doc.generate(4, 0.7), w(4))
    return doc, engine


def test_a_seed_of_a_carried_over_history_that_ran_out_of_memory_follows_once_retried(qtbot):
    doc, engine = sampled(qtbot)
    [item] = doc.items.values()
    doc.carry.items("gan")  # a new GAN: both seeds are drawn again, the one on screen first
    first, second = len(engine.sent) - 1, len(engine.sent)
    assert [engine.sent[s - 1].seed for s in (first, second)] == [4, 3]
    engine.answer(first, w(40))
    redraw = engine.sent[-1]  # the sample on screen is drawn at once, before the other seeds are back
    assert isinstance(redraw, rq.Decode) and redraw.tag == item.id and redraw.latent[0] == 40
    engine.out_of_memory(second)
    assert [n.state.base[0] for n in item.history.nodes()] == [3, 40]  # seed 3 waits for the retry
    retried = doc.retry_on_cpu(second)
    engine.answer(retried, w(30))
    assert [n.state.base[0] for n in item.history.nodes()] == [30, 40]
    assert item.drawn[0].latent[0] == 30 and item.seed == 4


def test_a_retried_sample_for_an_item_closed_meanwhile_is_dropped(qtbot):
    doc, engine = sampled(qtbot)
    [item] = doc.items.values()
    seq = doc.generate(5, 0.7)
    engine.out_of_memory(seq)
    doc.close_item()
    engine.answer(doc.retry_on_cpu(seq), w(5))
    assert doc.items == {} and len(item.history) == 2


def test_an_edit_folded_into_a_samples_own_node_comes_along_to_the_new_gan(qtbot):
    doc, engine = sampled(qtbot)
    [item] = doc.items.values()
    # a deleted direction's share, folded into every base (directions_controller.delete does this)
    item.history = item.history.mapped(lambda state: replace(state, base=state.base + 0.5))
    doc.carry.items("gan")
    first, second = len(engine.sent) - 1, len(engine.sent)
    engine.answer(first, w(40))
    engine.answer(second, w(30))
    assert [n.state.base[0] for n in item.history.nodes()] == [30.5, 40.5]


def test_a_seed_drawn_at_psi_0_is_drawn_again_at_psi_0(qtbot):
    doc, engine = sampled(qtbot)
    engine.answer(doc.generate(4, 0.0), w(0))
    doc.carry.items("gan")
    assert [r.psi for r in engine.sent[-3:]] == [0.0, 0.7, 0.7]
