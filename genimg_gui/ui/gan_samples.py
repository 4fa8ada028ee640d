"""GAN samples: a seed mapped into the current sample as an undoable step, or into a new item, and each sample's
own (unedited) image, which Compare shows. Every MapSeed is noted with the item it is for, so a sample that comes
back for an item closed meanwhile, or after a newer one for the same item, is dropped."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .. import seed_draws
from ..edit import EditState
from ..history import History
from ..engine import requests as rq
from .already_open import unique_name
from .document_session import stranded_refusal
from .item import Item
from .switch_notes import classes_lost_note

if TYPE_CHECKING:
    from .document import Document

AUTO_SAMPLE = -1  # MapSeed tag of the sample made when a GAN loads


class GanSamples:
    """The document's MapSeed requests and the Decodes of samples' own images, and what each becomes as it comes
    back."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.pending: dict[int, int] = {}     # MapSeed seq -> item id (0: a new item)
        # MapSeed seq -> the seed, ψ, class and draw asked of an item's sample: the Generate tab shows those of its
        # newest not back yet (asked), not those of an older sample that comes back meanwhile (set back into the box,
        # a late sample undid the seed arrows pressed since: ten presses ended 5 seeds on, with History out of order).
        # The class by name: a GAN that loads meanwhile counts its classes otherwise (a cat, shown again, read as its
        # first class, bird). By seq, as Retry on CPU carries a request's notes: kept by item, a retry lost them
        self.asks: dict[int, tuple[int, float, str | None, str]] = {}
        # the MapSeed seq of the last sample asked for over an item with no seed (generate), and a Retry on CPU's of it
        self.unseeded_asks: set[int] = set()
        self.auto_items: set[int] = set()  # ids of the samples made because a GAN loaded with none open
        self.auto_asks: set[int] = set()  # MapSeed seqs of such samples, still on their way
        # LoadModel seqs of the GANs a restore asked for (restore_session), and the identity of the GAN loaded now
        # if it came by one: it draws no sample as it arrives (start_sample_due)
        self.restore_loads: set[int] = set()
        self.restored_gan: str | None = None
        # MapSeed seqs that ask for a class the GAN loaded then lacked (kept by name): its switch said so already
        self.kept_asks: set[int] = set()
        # item id -> its newest live sample shown (mid-gesture), the state shown of it, and whether its class was
        # said lost at a switch: the gesture's step, if it ends on that sample (recorded_live)
        self.live: dict[int, tuple[rq.Mapped, EditState, bool]] = {}
        # MapSeed seq of a step asked for an item -> the history node it was asked at (not the node's own sample
        # asked again: _own_sample), and those of them set aside (an undo, redo or jump came before them): each is
        # added at its node as it comes (set_aside)
        self.asked_at: dict[int, int] = {}
        self.aside: set[int] = set()
        # Decode seq -> (item id, node, the w decoded) of a sample's own image, for Compare
        self.originals: dict[int, tuple[int, int, np.ndarray]] = {}

    def generate(self, seed: int, psi: float, gan_class: int | None = None, draw: str = seed_draws.OWN,
                 new_item: bool = False, auto: bool = False, record: bool = True) -> int | None:
        """Document.generate, which says what each argument asks."""
        current = self.document.current
        target = current if current and current.seeded and not new_item else None
        if target is not None and (why := stranded_refusal(self.document, target, "Not drawn")) is not None:
            # the GAN loaded drew the seed as a step of a sample of another GAN's, whose steps it cannot draw
            self.document.refuse("seed", f"{why} (New sample draws one in the GAN loaded)")  # a live one too
            self.document.current_changed.emit(target)  # the Generate tab back on the sample's seed
            return None
        if target is None and not record:
            return None
        tag = target.id if target else (AUTO_SAMPLE if auto else 0)
        # by name: gan_class counts the classes of the GAN loaded here, and a GAN loading meanwhile draws it
        classes = self._classes()
        name = seed_draws.class_named(gan_class, classes)
        kept = self._class_shown(target) if target is not None and gan_class is None else None
        if kept is not None and kept not in classes:
            # the Class box shows Any for a class this GAN lacks (the class it draws the seed in): the item keeps
            # it for a GAN that has it. A seed stepped here asked for Any, and a switch back lost the class
            name = kept
        if record and target is not None and (seq := self._recorded_live(target, seed, psi, name, draw)):
            return seq
        seq = self.document.engine.submit(rq.MapSeed(seed, psi, tag=tag, class_name=name, draw=draw, record=record))
        if name is not None and name not in classes:
            self.kept_asks.add(seq)
        if target is None and not new_item:
            # a change asked over an item with no seed: changes in quick succession (seed arrows, ψ keys) make one
            # new sample, the last asked, not one each
            for before in self.unseeded_asks:  # the one before: its result is dropped
                self.pending.pop(before, None)
            self.unseeded_asks.clear()
            self.unseeded_asks.add(seq)
        self.pending[seq] = target.id if target else 0
        self._prune()
        if target is not None:
            self.asks[seq] = (seed, psi, name, draw)
            if record and not _own_sample(target, seed, psi, name, draw):
                self.asked_at[seq] = target.history.current_id
        if auto and target is None:
            self.auto_asks.add(seq)
        return seq

    def model_arrived(self, info: rq.ModelInfo, loads_done: set[int]) -> None:
        """A model arrived, ending the loads (seqs) loads_done: a GAN notes whether a restore asked for it."""
        if info.kind == "gan":
            self.restored_gan = info.identity if loads_done & self.restore_loads else None
        self.restore_loads &= set(self.document.jobs)  # those still on their way (not one that failed)

    def start_sample_due(self) -> bool:
        """Whether the GAN arriving now draws a first sample (generate's auto): none of its samples is open, and no
        restore loaded it. A restore brings back what was open, and replaces the sample a GAN draws as it loads
        (close_start_samples); the GAN it loads itself arrives after the session's pictures are back, and drew
        its sample beside them (a "seed …" more at each restart of a session of pictures alone)."""
        doc = self.document
        gan = doc.models.get("gan")
        restored = gan is not None and gan.identity == self.restored_gan
        return not restored and not any(item.kind == "gan" for item in doc.items.values())

    def forget(self, item_id: int) -> None:
        """An item closed: a sample still on its way for it must not become a new item (a result for no item
        makes one)."""
        self.pending = {s: t for s, t in self.pending.items() if t != item_id}
        self._prune()
        self.live.pop(item_id, None)

    def _prune(self) -> None:
        """What is kept of requests, for those still pending only."""
        self.kept_asks &= set(self.pending)
        self.auto_asks &= set(self.pending)  # a start-up sample that failed, or was cancelled, stayed marked
        self.aside &= set(self.pending)
        self.unseeded_asks &= set(self.pending)
        self.asked_at = {seq: node for seq, node in self.asked_at.items() if seq in self.pending}
        self.asks = {seq: values for seq, values in self.asks.items() if seq in self.pending}

    def asked(self, item: Item) -> tuple[int, float, str | None, str] | None:
        """The seed, ψ, class by name and draw of the item's newest sample asked and not back yet (none set aside)."""
        seqs = [s for s, t in self.pending.items() if t == item.id and s in self.asks and s not in self.aside]
        return self.asks[max(seqs)] if seqs else None

    def steps_on_way(self, item: Item) -> list[int]:
        """The MapSeed seqs of the item's steps asked at its current node and still being drawn (a run of seed keys
        ended just now, its last seed not shown yet), set aside or not."""
        node = item.history.current_id
        return [s for s, t in self.pending.items() if t == item.id and self.asked_at.get(s, -1) == node]

    def step_to_take_back(self, item: Item) -> bool:
        """A step of the item asked at its current node is still being drawn and not set aside: an undo takes it
        back (set_aside)."""
        return bool(set(self.steps_on_way(item)) - self.aside)

    def step_asked(self, item: Item) -> tuple[int, float, str | None, str] | None:
        """The seed, ψ, class by name and draw of the item's step still being drawn, if one is (step_to_take_back):
        a session saved now keeps it, for the restart to draw (ask_again). Saved as it was, the session kept the
        seed before a run of seed keys closed on as its last seed was drawn."""
        return self.asked(item) if self.step_to_take_back(item) else None

    def shows(self, item: Item, asked: tuple[int, float, str | None, str] | None) -> bool:
        """Whether the item's step on screen draws the sample asked (asked: its seed, ψ, class by name and draw, as
        step_asked gives them): a seed or ψ step waited for came (DrawingWait)."""
        return asked is not None and _own_sample(item, *asked)

    def ask_again(self, item: Item, asked: tuple[int, float, str | None, str]) -> None:
        """A step a saved session asked and did not see drawn (step_asked), asked of this run for its item, restored
        on that step: it comes as the step it would have been, and the Generate tab shows its seed meanwhile."""
        seed, psi, class_name, draw = asked
        seq = self.document.engine.submit(rq.MapSeed(seed, psi, tag=item.id, class_name=class_name, draw=draw))
        self.pending[seq] = item.id
        self.asks[seq] = asked
        self.asked_at[seq] = item.history.current_id

    def set_aside(self, item: Item) -> bool:
        """An undo, redo or jump comes before the item's steps still being drawn: each comes as a step at the node
        it was asked at, not on top of the node gone to (_add_aside). The live samples on their way are dropped, and
        the Generate tab shows the node's own values, not those asked. True: one was asked at the current node, so
        an undo takes it back (the README's "Undo goes back to the seed before the run"; it undid the step before)."""
        steps = {s for s, t in self.pending.items() if t == item.id and s in self.asked_at}
        took_back = self.step_to_take_back(item)
        self.aside |= steps
        self.pending = {s: t for s, t in self.pending.items() if t != item.id or s in steps}
        self._prune()
        self.live.pop(item.id, None)
        return took_back

    def shown_values(self, item: Item) -> tuple[int, float, int | None, str]:
        """The seed, ψ, class and draw the Generate tab shows for a seeded item: those of its newest sample asked
        while one is on its way, else its own. The class is counted in the GAN loaded now, found by its name: the
        one asked, or drawn, may have been counted in another (a switch redraws the item after this shows it)."""
        classes, name = self._classes(), self._class_shown(item)
        if (asked := self.asked(item)) is not None:
            seed, psi, _, draw = asked
            return seed, psi, seed_draws.class_numbered(name, classes), draw
        # no name: its own class, or a sample of a session saved before names were kept (counted in this GAN)
        own = item.gan_class if name is None else seed_draws.class_numbered(name, classes)
        return item.seed, item.psi, own, item.draw

    def _class_shown(self, item: Item) -> str | None:
        """The class of a seeded item's newest sample asked, else of its own, by name (None: the seed's own)."""
        if (asked := self.asked(item)) is not None:
            return asked[2]
        node = item.sample_node()
        return item.drawn[node].class_name if node is not None else None

    def _classes(self) -> tuple[str, ...]:
        """The class names of the GAN loaded now (none: no GAN, or one without classes)."""
        return tuple(getattr(self.document.models.get("gan"), "classes", ()))

    def drop(self, seq: int) -> None:
        """A MapSeed failed: the older ones for its item were superseded in the queue and will not come back
        either, so the item waits for none of them (a retry asks again)."""
        target = self.pending.pop(seq, None)
        if target:
            self._forget_older(target, seq)
        self._prune()

    def _forget_older(self, target: int, seq: int) -> None:
        """Requests for item target up to seq were answered or superseded, and their asked values with them."""
        self.pending = {s: t for s, t in self.pending.items() if t != target or s > seq}
        self._prune()

    def on_mapped(self, r: rq.Mapped) -> None:
        doc = self.document
        if r.seq not in self.pending:  # asked for an item since closed
            return
        target = self.pending.pop(r.seq)
        self.auto_asks.discard(r.seq)
        said_at_switch = r.seq in self.kept_asks
        asked_at, aside = self.asked_at.get(r.seq), r.seq in self.aside
        if target > 0:  # older requests for this item were superseded in the queue: forget them
            self._forget_older(target, r.seq)
        zeros = (0.0,) * len(doc.directions("gan") or ())
        item = doc.items.get(target)
        if item is None:
            name = f"seed {r.seed}"
            item = Item(doc.next_id, "gan", name, r.image, r.image, History(EditState(r.latent, zeros)),
                        r.seq, r.seed, r.psi, r.cls, r.draw, asked_draw=r.asked)
            item.remember_drawn(r.class_name, r.drawn_class)
            if r.tag == AUTO_SAMPLE:
                self.auto_items.add(item.id)
            doc.insert_item(item, make_current=r.tag != AUTO_SAMPLE)
            self._say_class_lost(r, said_at_switch)
            return
        if aside:
            self._add_aside(item, r, asked_at, said_at_switch)
            return
        if r.seq <= item.shown_seq:
            return
        if not r.record:  # a live sample mid-gesture: shown, with the item's slider edit, and not recorded
            state = EditState(r.latent, item.history.current.values)
            doc.show_drawn(item, r.seq, r.image, state)
            self.live[item.id] = (r, state, said_at_switch)
            return
        self._record(item, r, said_at_switch)

    def _recorded_live(self, target: Item, seed: int, psi: float, class_name: str | None, draw: str) -> int | None:
        """Record the live sample shown as the step of the gesture that ended on it (a run of seed keys, a ψ drag),
        without drawing it again, when nothing was asked for the item since (its seq; None: ask the worker). Its
        step is in History at once: asked of the worker, it came after an undo pressed as the run ended (Ctrl+Z
        ends a run of seed keys), which undid the step before the run, and then the run's step came on top."""
        r, state, said_at_switch = self.live.pop(target.id, (None, None, False))
        if r is None or target.requested is not state or target.id in self.pending.values():
            return None  # another sample or edit asked since, or none shown yet
        if (r.seed, r.psi, r.class_name, r.asked) != (seed, psi, class_name, draw):
            return None
        self._record(target, r, said_at_switch)
        return r.seq

    def _record(self, item: Item, r: rq.Mapped, said_at_switch: bool) -> None:
        """A sample of item drawn as an undoable step: its History step, shown."""
        doc = self.document
        self.live.pop(item.id, None)
        values = item.history.current.values
        item.history.push(EditState(r.latent, values), lambda node: _same_sample(item, node, r))
        item.take_sample(r)
        # named by its seed, which another open item may be named by already (a latent file of that seed, opened)
        item.rename(unique_name(doc, item.name, besides=item))
        item.stale_below = item.requested_seq + 1  # e.g. a model switch's redraw of the sample this replaces
        doc.show_drawn(item, r.seq, r.image, item.history.current)
        doc.history_changed.emit()
        if item is doc.current:  # not another's (chosen away from since it was asked): show_drawn updated its thumbnail
            doc.current_changed.emit(item)
        self._say_class_lost(r, said_at_switch)

    def _add_aside(self, item: Item, r: rq.Mapped, node: int, said_at_switch: bool) -> None:
        """A step set aside as it was drawn (set_aside): added at the node it was asked at, the current one left as
        it is; an undo's redo goes to it. Pushed on the current node, it moved the step the undo went to aside."""
        if node >= len(item.history):
            return
        values = item.history.nodes()[node].state.values  # with that node's slider edit, as _record keeps the current's
        added = item.history.graft(node, EditState(r.latent, values), lambda n: _same_sample(item, n, r))
        if added is None:
            return
        item.keep_sample(added, r)
        if not any(values):  # unedited, the sample is the step's picture
            item.thumbs[added] = r.image
        with self.document.offer_kept():  # a step an undo took back, not a change: a deletion's undo stays on offer
            self.document.history_changed.emit()
        self._say_class_lost(r, said_at_switch)

    def _say_class_lost(self, r: rq.Mapped, said_at_switch: bool) -> None:
        """A sample asked in a class that the GAN which drew it lacks (one loaded after it was asked): drawn in the
        seed's own class, its class kept by name, as a switch says of the samples it draws again. Not one asked of
        a GAN that lacked it already (said_at_switch): each seed stepped there would say it again."""
        if r.class_name is None or r.cls is not None or said_at_switch:
            return
        gan = self.document.models.get("gan")
        classes = getattr(gan, "classes", ())
        self.document.message.emit(classes_lost_note([(f"seed {r.seed}", [r.class_name])],
                                                     getattr(gan, "name", "the new GAN"), classes))

    def draw_original(self, item: Item) -> None:
        """Decode the current sample's own w, for Compare: a restored session keeps only the newest one's image. The
        decode names the GAN loaded, whose w it is: another loading meanwhile does not draw it (the switch draws the
        sample again, its Compare image too). Not asked while the item's w are still the last GAN's (a switch's
        drawing of its seeds on its way, or cancelled: the decode that follows asks it again), which bring it."""
        if self.document.carry.pending(item.id):  # the GAN loaded would draw the last one's w
            return
        node = item.sample_node()
        latent, model = item.drawn[node].latent, self.document.model_identity("gan") or ""
        seq = self.document.engine.submit(rq.Decode("gan", latent, tag=0, model=model))  # a lane of its own
        self.originals[seq] = (item.id, node, latent)

    def on_decoded(self, r: rq.Decoded) -> bool:
        """A sample's own image, for Compare (True), or another decode (False: not ours)."""
        if r.seq not in self.originals:
            return False
        item_id, node, latent = self.originals.pop(r.seq)
        item = self.document.items.get(item_id)
        if item is not None and node in item.drawn and item.drawn[node].latent is latent:  # not carried since
            item.drawn[node] = replace(item.drawn[node], original=r.image)
            if item.sample_node() == node:
                item.original = r.image
                self.document.image_changed.emit(item)
        return True

    def close_start_samples(self) -> None:
        """Close the samples made because a GAN loaded with none open, if left as they came, and drop those still
        on their way: one asked as the GAN loaded came back after a kept session had reopened, a "seed 0" more.
        Reopen does not offer them: the user never had them (whether one was back before the restore depended on
        how long the models or the crash question took, and Reopen then added a second "seed 0")."""
        doc = self.document
        doc.failures.drop_marked(self.auto_asks)  # one that ran out of GPU memory, retried on the CPU or waiting to be
        self.pending = {s: t for s, t in self.pending.items() if s not in self.auto_asks}
        self.auto_asks.clear()
        self._prune()
        for item_id in self.auto_items & set(doc.items):
            if doc.items[item_id].as_it_came():
                doc.close_item(item_id, reopenable=False)


def _own_sample(item: Item, seed: int, psi: float, class_name: str | None, draw: str) -> bool:
    """Whether a sample asked (a run of seed keys ended where it began: 42, Up, Down) is the current node's own: its
    step changes nothing, and is none an undo takes back (set_aside), which would keep 42 in place of going back."""
    node = item.sample_node()
    d = item.drawn.get(node) if node is not None else None
    return d is not None and (d.seed, d.psi, d.class_name, d.asked_draw or d.draw) == (seed, psi, class_name, draw)


def _same_sample(item: Item, node: int, r: rq.Mapped) -> bool:
    """Whether history node edits the sample r is: the same seed, ψ, class and draw, not only an equal w (at ψ 0
    every seed's w is the class mean, and a new seed replaced the step's seed instead of adding one)."""
    sample = item.sample_node(node)
    d = item.drawn.get(sample) if sample is not None else None
    return d is not None and (d.seed, d.psi, d.gan_class, d.draw) == (r.seed, r.psi, r.cls, r.draw)
