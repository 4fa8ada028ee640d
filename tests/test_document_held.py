"""The document's bookkeeping around a new GAN and requests retried on the CPU, driven by a stand-in engine
that answers only when told to (so the order of results is the test's)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from genimg_gui import session as sess
from genimg_gui.edit import Directions, EditState
from genimg_gui.engine import requests as rq
from genimg_gui.ui.document import Document


class HeldEngine(QObject):
    """Records what is submitted; results and failures are emitted by the test."""
    result = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    done = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[rq.Request] = []
        self.classes: tuple[str, ...] = ()  # the loaded GAN's, in which a sample's class is found by name
        self.result.connect(self._note_gan)

    def _note_gan(self, r: object) -> None:
        if isinstance(r, rq.ModelInfo) and r.kind == "gan":
            self.classes = r.classes

    def submit(self, request: rq.Request) -> int:
        self.sent.append(request)
        return len(self.sent)

    def resubmit(self, seq: int) -> int:
        return self.submit(self.sent[seq - 1])

    def request(self, seq: int) -> rq.Request:
        return self.sent[seq - 1]

    def forget(self, seq: int) -> None:
        """As Engine.forget: a request no retry will send (what the test sent stays, for its answers)."""

    def answer(self, seq: int, latent: np.ndarray) -> None:
        r = self.sent[seq - 1]
        image = np.full((4, 4, 3), int(latent[0]) % 256, np.uint8)
        cls = self.classes.index(r.class_name) if r.class_name in self.classes else None
        self.result.emit(rq.Mapped(seq, r.seed, r.psi, r.tag, latent, image, 0.0, cls, r.draw, r.record, r.draw,
                                   r.class_name))

    def decoded(self, seq: int) -> None:
        """The worker's decode of request seq: an image whose first value is the latent's first."""
        r = self.sent[seq - 1]
        image = np.full((4, 4, 3), int(r.latent[0]) % 256, np.uint8)
        self.result.emit(rq.Decoded(seq, r.kind, r.tag, r.latent, image, 0.0))

    def last(self, kind: type, **fields) -> int:
        """The seq of the last request of that kind whose fields have those values."""
        return max(s for s, r in enumerate(self.sent, 1)
                   if isinstance(r, kind) and all(getattr(r, k) == v for k, v in fields.items()))

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


def restored(qtbot, tmp_path) -> tuple[Document, HeldEngine]:
    """sampled()'s document saved, and restored into a fresh one (the session leaves seed 3's image out)."""
    doc, _ = sampled(qtbot)
    engine = HeldEngine()
    again = Document(engine)
    again.restore(sess.load_session(sess.save_session(doc.to_session(), tmp_path / "s.safetensors")))
    return again, engine


def test_a_seed_chosen_while_a_new_gan_redraws_the_old_one_stays_on_screen(qtbot):
    doc, engine = sampled(qtbot)
    [item] = doc.items.values()
    doc.carry.items("gan")
    first, second = len(engine.sent) - 1, len(engine.sent)
    chosen = doc.generate(9, 0.7)  # while the re-maps are on their way
    engine.answer(first, w(40))    # the sample on screen, redrawn: a decode asked after the new seed
    redraw = engine.last(rq.Decode, tag=item.id)
    engine.answer(second, w(30))
    engine.answer(chosen, w(9))
    engine.decoded(redraw)         # the redraw of seed 4 comes back after seed 9 is shown
    assert item.seed == 9 and item.image[0, 0, 0] == 9


def test_a_compare_image_of_the_old_gan_never_replaces_the_new_gans(qtbot, tmp_path):
    doc, engine = restored(qtbot, tmp_path)
    [item] = doc.items.values()
    doc.carry.items("gan")
    first, second = len(engine.sent) - 1, len(engine.sent)
    asked = len(engine.sent)
    doc.undo()  # to seed 3, whose image the session left out: its (old) w is not decoded, the new GAN draws its seed
    assert not any(isinstance(r, rq.Decode) and r.tag == 0 for r in engine.sent[asked:])
    engine.answer(first, w(40))
    engine.answer(second, w(30))
    assert item.drawn[0].original[0, 0, 0] == 30
    engine.decoded(engine.last(rq.Decode, tag=item.id))  # its edit drawn by the new GAN: Compare's sample with it
    assert item.original[0, 0, 0] == 30 and item.image[0, 0, 0] == 30


def test_a_compare_image_on_its_way_when_closed_is_asked_for_again_on_reopening(qtbot, tmp_path):
    doc, engine = restored(qtbot, tmp_path)
    [item] = doc.items.values()
    doc.undo()
    dropped = engine.last(rq.Decode, tag=0)
    doc.close_item()
    engine.decoded(dropped)
    doc.reopen_closed()
    engine.decoded(engine.last(rq.Decode, tag=0))
    assert item.seed == 3 and item.original[0, 0, 0] == 3


def test_an_inverted_picture_on_screen_is_redrawn_by_a_new_gan(qtbot):
    engine = HeldEngine()
    doc = Document(engine)
    image = np.zeros((4, 4, 3), np.uint8)
    item = doc.add_item("gan", "photo (inverted)", image, image, w(1))
    # seed 7 drawn into it, as the Generate tab did before it made a new sample instead (sessions saved then
    # hold such items still)
    item.history.push(EditState(w(7), ()))
    item.seed, item.psi = 7, 0.7
    item.remember_drawn()
    doc.undo()  # back to the inversion's w, which has no seed to draw again
    asked = len(engine.sent)
    doc.carry.items("gan")
    assert any(isinstance(r, rq.Decode) and r.tag == item.id and r.latent[0] == 1 for r in engine.sent[asked:])


def test_seeds_asked_over_an_inversion_make_one_new_sample_the_last_and_leave_the_inversion_as_it_was(qtbot):
    engine = HeldEngine()
    doc = Document(engine)
    image = np.zeros((4, 4, 3), np.uint8)
    item = doc.add_item("gan", "photo (inverted)", image, image, w(1))
    first, last = doc.generate(7, 0.7), doc.generate(8, 0.7)  # two seed arrow clicks, before either lands
    assert doc.generate(9, 0.5, record=False) is None  # nothing drawn mid ψ-drag: the release asks
    assert [engine.sent[s - 1].tag for s in (first, last)] == [0, 0]  # not the inversion's lane
    engine.answer(first, w(7))
    engine.answer(last, w(8))
    [sample] = [i for i in doc.items.values() if i is not item]
    assert doc.current is sample and sample.seeded and sample.seed == 8
    assert not item.seeded and len(item.history) == 1 and item.history.current.base[0] == 1


def test_a_gan_with_another_w_size_keeps_every_step_draws_the_one_on_screen_at_once_and_gives_the_ws_back(qtbot):
    doc, engine = sampled(qtbot)  # seed 3 at node 0, seed 4 on screen at node 1
    [item] = doc.items.values()
    doc.carry.items("gan")
    first, second = len(engine.sent) - 1, len(engine.sent)
    engine.answer(first, np.full(8, 40, np.float32))  # seed 4 in a w of 8 numbers, not 4
    # both steps kept, in the new size at once (no step of a size the GAN cannot draw), seed 3 on seed 4's new w
    # until its own is back; the sample on screen drawn without waiting for it
    assert [n.state.base.tolist() for n in item.history.nodes()] == [[40] * 8] * 2
    assert any(isinstance(r, rq.Decode) and r.tag == item.id for r in engine.sent[second:])
    engine.answer(second, np.full(8, 30, np.float32))
    assert [n.state.base.tolist() for n in item.history.nodes()] == [[30] * 8, [40] * 8]
    doc.undo()
    assert item.seed == 3 and item.history.current.base[0] == 30
    doc.redo()
    doc.carry.items("gan")  # back to the GAN of 4 numbers, which draws the seeds as before
    first, second = len(engine.sent) - 1, len(engine.sent)
    engine.answer(first, w(4))
    engine.answer(second, w(3))
    assert [n.state.base.tolist() for n in item.history.nodes()] == [w(3).tolist(), w(4).tolist()]


def test_the_autosave_waits_until_a_new_models_latents_have_all_arrived(qtbot, tmp_path):
    from genimg_gui.ui.autosave import Autosaver

    doc, engine = sampled(qtbot)
    saver = Autosaver(doc, tmp_path / "s.safetensors")
    doc.carry.items("gan")
    first, second = len(engine.sent) - 1, len(engine.sent)
    engine.answer(first, w(40))
    saver.save_now()  # half carried over: a crash now must not leave the old GAN's w in the new GAN's session
    assert not saver.path.exists() and saver.timer.isActive()
    engine.answer(second, w(30))
    saver.save_now()
    saver.wait()  # written on the autosave's own thread
    assert saver.path.is_file()


def gan_info(path: str, directions: int = 0) -> rq.ModelInfo:
    """A loaded GAN as the worker describes it: w of 4 numbers, `directions` sliders."""
    d = Directions(np.zeros(4, np.float32), np.eye(directions, 4, dtype=np.float32),
                   np.ones(directions, np.float32), np.zeros(directions, np.float32), ("a",) * directions)
    return rq.ModelInfo(path, path, "gan", {}, "cpu", 4, 0, d, 0.0, identity=f"weights of {path}")


def test_a_failed_re_encode_does_not_hold_the_autosave_back(qtbot, tmp_path):
    from genimg_gui.ui.autosave import Autosaver

    engine = HeldEngine()
    doc = Document(engine)
    image = np.zeros((4, 4, 3), np.uint8)
    doc.add_item("vae", "photo", image, image, w(1))
    saver = Autosaver(doc, tmp_path / "s.safetensors")
    doc.carry.items("vae")  # a new VAE: encoded again, which runs out of memory
    engine.failed.emit(rq.Failed(len(engine.sent), "EncodeImage", "out of memory on cuda:0", retry_on_cpu=True))
    saver.save_now()
    saver.wait()
    assert saver.path.is_file() and not doc.carry.pending_any()


def test_a_slider_moved_while_the_same_sample_is_drawn_again_is_shown_when_let_go(qtbot):
    doc, engine = sampled(qtbot)
    doc.models["gan"] = gan_info("gan", directions=1)
    [item] = doc.items.values()
    item.history.push(item.history.current.with_values((0.0,)))  # one slider, at 0
    again = doc.generate(4, 0.7)  # the same seed again (a ψ drag let go where it started does this too)
    doc.preview((1.0,))           # a slider held, before the sample is back
    held = engine.last(rq.Decode, tag=item.id)
    engine.answer(again, w(4))    # the same w: what is shown is the unedited sample
    engine.decoded(held)          # asked before the sample landed: not shown
    doc.commit((1.0,))            # let go: the edit is asked for again
    assert engine.last(rq.Decode, tag=item.id) > held


def test_reopening_after_a_gan_change_asks_no_compare_image_of_the_old_w(qtbot, tmp_path):
    doc, engine = restored(qtbot, tmp_path)
    doc.models["gan"] = gan_info("a")
    doc.undo()  # to seed 3, whose Compare image is decoded again
    dropped = engine.last(rq.Decode, tag=0)
    doc.close_item()
    engine.decoded(dropped)
    doc.models["gan"] = gan_info("b")  # another GAN while it is closed
    asked = len(engine.sent)
    doc.reopen_closed()
    assert not any(isinstance(r, rq.Decode) and r.tag == 0 for r in engine.sent[asked:])
    assert {r.seed for r in engine.sent[asked:] if isinstance(r, rq.MapSeed)} == {3, 4}  # which bring them


def test_a_decode_retried_on_the_cpu_is_the_newest_asked_for_its_item(qtbot):
    doc, engine = sampled(qtbot)
    [item] = doc.items.values()
    doc.undo()
    failed = item.requested_seq
    engine.failed.emit(rq.Failed(failed, "Decode", "out of memory on cuda:0", retry_on_cpu=True))
    new = doc.retry_on_cpu(failed)
    assert item.requested_seq == new > failed


def test_an_older_decode_arriving_after_an_inversion_lands_does_not_replace_it(qtbot):
    from types import SimpleNamespace

    from genimg_gui.ui.inversion_controller import InversionController

    engine = HeldEngine()
    doc = Document(engine)
    image = np.zeros((4, 4, 3), np.uint8)
    item = doc.add_item("gan", "photo (inverted)", image, image, w(1))
    doc.redraw(item)  # e.g. a model's redraw of the starting guess, still in flight when the inversion ends
    older = len(engine.sent)
    inverted = np.full((4, 4, 3), 9, np.uint8)
    result = rq.Inverted(0, 0, 10, 10, w(9), inverted, 0.01, True)
    InversionController._settle(SimpleNamespace(document=doc), item, result, "Inverted from photo (10 steps)")
    engine.decoded(older)
    assert item.image[0, 0, 0] == 9 and item.thumbs[item.history.current_id][0, 0, 0] == 9


def test_a_class_survives_a_switch_to_a_gan_without_it_and_is_drawn_again_on_switching_back(qtbot, tmp_path):
    from types import SimpleNamespace

    engine = HeldEngine()
    doc = Document(engine)

    def load(*classes: str) -> None:  # what the document reads of a loaded GAN, and the worker's GAN its classes
        doc.models["gan"] = SimpleNamespace(classes=classes, directions=None, path=f"gan of {len(classes)}",
                                            identity=f"weights of the gan of {len(classes)}")
        engine.classes = classes

    pets = ("cat", "dog")
    load(*pets)
    engine.answer(doc.generate(3, 0.7, gan_class=1, new_item=True), w(3))
    [item] = doc.items.values()
    assert item.gan_class == 1
    load()  # a GAN without classes
    doc.carry.items("gan", pets)
    assert engine.sent[-1].class_name == "dog"  # which it lacks: it draws the seed's own
    engine.answer(len(engine.sent), w(30))
    assert item.gan_class is None and item.drawn[0].class_name == "dog"
    again = Document(HeldEngine())  # the name is kept across a session too
    again.restore(sess.load_session(sess.save_session(doc.to_session(), tmp_path / "s.safetensors")))
    assert next(iter(again.items.values())).drawn[0].class_name == "dog"
    load("bird", "cat", "dog")  # back to one with dogs
    doc.carry.items("gan", ())
    assert engine.sent[-1].class_name == "dog"
    engine.answer(len(engine.sent), w(300))
    assert item.gan_class == 2 and item.history.current.base[0] == 300


def test_a_reopened_inversion_keeps_the_name_that_tells_it_apart_through_undo(qtbot):
    doc = Document(HeldEngine())
    image = np.zeros((4, 4, 3), np.uint8)
    first = doc.add_item("gan", "photo.png (inverted)", image, image, w(1))
    doc.close_item(first.id)
    second = doc.add_item("gan", "photo.png (inverted)", image, image, w(2))  # inverted again meanwhile
    assert doc.reopen_closed() is first
    assert (first.name, second.name) == ("photo.png (inverted) (2)", "photo.png (inverted)")
    doc.commit_state(first.history.current.with_values((1.0,) + first.history.current.values[1:]))
    doc.undo()  # recall_drawn: the name it remembers is the new one
    assert first.name == "photo.png (inverted) (2)"



def test_the_autosave_does_not_wait_for_ever_while_changes_keep_coming(qtbot, tmp_path, monkeypatch):
    """A save waited for the user to pause (3 s without a change): an edit every 2 s was never saved, and a crash
    after five minutes of steady work lost all of it. Now a change is saved at most max_wait_ms after it. The
    saver's clock is the test's: a change every 100 ms on it, and a pause (a minute) the test never makes."""
    from types import SimpleNamespace

    from genimg_gui.ui import autosave

    now = [0.0]
    monkeypatch.setattr(autosave, "time", SimpleNamespace(monotonic=lambda: now[0]))
    doc, _engine = sampled(qtbot)
    saver = autosave.Autosaver(doc, tmp_path / "s.safetensors", idle_ms=60_000, max_wait_ms=900)
    for change in range(30):
        now[0] = change / 10
        doc.history_changed.emit()
        qtbot.wait(10)  # the saver's timer fires here, if it is due
        saver.wait()  # its write, on the writer's thread, has ended: saves counts it (on a busy machine it had not)
        if saver.saves:
            break
    assert saver.saves == 1 and now[0] <= 0.9, f"not saved by {now[0]} s into the changes"
    assert saver.path.is_file()
