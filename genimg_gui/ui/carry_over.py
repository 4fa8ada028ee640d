"""A new VAE or GAN takes the open items with it: each picture is encoded again (from its pixels as opened) and
each seed of a GAN item's history drawn again, and every branch of their histories follows (history.carried_over;
carried_across for a VAE of another latent shape or a GAN whose w has another size), so undo still walks back through
them in the new model. Slider values count the old model's directions, so they are re-expressed in the new one's
first (values): a named direction both models have keeps its value, the rest start at 0, and an item carried back to
a model it was edited in gets its values there back (a step made meanwhile keeps its parent's there).

The worker serves requests in the order asked, and the picture on screen is drawn again only once its latents are
back: asked with the others', its Edited pane waited seconds behind every other open item's. So the other items'
requests are held until it is drawn (or cannot be), and an item chosen meanwhile has its own sent at once."""
from __future__ import annotations

import os
from collections.abc import Container
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..edit import shared_rows
from ..history import carried_across, carried_over, fits_over
from ..engine import requests as rq
from ..seed_draws import class_named

if TYPE_CHECKING:
    from ..seed_draws import Drawn
    from .document import Document
from .carry_values import reexpress, rows_by_label
from .item import Item
from .latent_files import picture_file
from .switch_notes import (classes_lost_note, dropped_edits_note, file_lost, from_fit_note, invert_again_note,
                           lost_classes, switch_message)


class CarryOver:
    """The document's requests for a new model's latents, and what to do with each as it comes back."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.reencodes: dict[int, int] = {}          # EncodeImage seq -> item id
        self.remaps: dict[int, tuple[int, int]] = {}  # MapSeed seq -> (item id, node whose seed it draws)
        self.redraws: dict[int, int] = {}  # item id -> the Decode seq of its edit drawn by the new GAN (on_redrawn)
        # kind -> the seq whose answer lets the other items' requests go: the picture on screen's latents, then its
        # decode (answered: the first answer to it or to a later request, so a superseded or failed one holds none)
        self.leads: dict[str, int] = {}
        self.held: dict[str, list[tuple[Item, rq.Request, dict, object]]] = {}  # kind -> (item, request, book, note)
        # ids of the items whose latents stayed the last model's: their encoding (or a seed's drawing) by the new one
        # was cancelled or failed (not_carried). The new VAE drew the old latent, and a save kept it as the new
        # VAE's; each is carried again as it is next chosen or drawn (carry_again), and a session marks it so
        self.left_behind: set[int] = set()
        # kind -> the model (path) a kind's restored items wait for in place of their own: the user opened it while a
        # kept session waited, or the bundled one stands in, and the session's was not loaded (restore_session); the
        # arrival of a model of that kind carries them over
        self.unloaded: dict[str, str] = {}
        # kind -> (folder, identity, note): a restored session's model on its way, whose items were made in those
        # weights; arriving with others (trained again in place since), it carries them over, the note saying why
        self.expected: dict[str, tuple[str, str, str]] = {}

    def expect(self, kind: str, folder: str, identity: str, note: str) -> None:
        self.expected[kind] = (folder, identity, note)

    def not_coming(self, kind: str, folder: str, instead: str) -> None:
        """A restored session's model of a kind, on its way, could not be loaded: its items follow the model that
        comes in its place (the bundled one the start-up loads instead), as those of a model not loaded do. They
        waited for it, and the bundled model drew their latents as they were, another model's."""
        # both as canonical: the session's folder is as it named it (restored_folder), the last model as remembered
        if (expected := self.expected.get(kind)) and os.path.realpath(expected[0]) == os.path.realpath(folder):
            del self.expected[kind]
            self.unloaded[kind] = instead

    def trained_again(self, info: rq.ModelInfo) -> str | None:
        """Why the items a session restored follow info, its model loaded from the session's folder though it holds
        other weights now; None when it holds the same, or is another model (the session's own follows it)."""
        if (expected := self.expected.get(info.kind)) is None:
            return None
        folder, identity, note = expected
        if info.path != folder and folder in self.document.loading_paths():
            return None  # asked for before the session's: that one comes next
        del self.expected[info.kind]
        return note if info.path == folder and info.identity != identity else None

    def made_in(self, info: rq.ModelInfo) -> set[int]:
        """The open items of info's kind whose latents are info's already (Item.directions_of names it): restored
        from a session made in it, which loaded after the last model of the kind. Read before values(), which names
        info for every item. Encoded again as they followed it, a big SD VAE took long over each, their latents
        moved by float rounding, and the log said "Encoding your pictures again with the new VAE"."""
        return {i.id for i in self.document.items.values() if i.kind == info.kind and i.directions_of == info.identity}

    def follow(self, kind: str, unnamed: tuple[str, ...], reset: str | None, why: str | None = None,
               staying: Container[int] = (), apart: Container[int] = ()) -> None:
        """The switch to the new model of a kind, after values() (which must come before the views show the new
        sliders; this need not): every open item of that kind follows it (items), and what that does is said in one
        message, last so that the status bar shows it. why: said in front, the model's folder trained again since a
        session was kept (the old weights gone: no switching back); unnamed, staying, apart: as items says."""
        if said := switch_message(self.items(kind, unnamed, reset, why is not None, staying, apart)):
            self.document.message.emit(f"{why}: {said}" if why else said)

    def items(self, kind: str, unnamed: tuple[str, ...] = (), reset: str | None = None,
              old_gone: bool = False, staying: Container[int] = (), apart: Container[int] = ()) -> list[str]:
        """A new model of a kind: every open item of that kind follows it, the one on screen first, each sample's
        class by the name it keeps (Drawn.class_name). unnamed: the class names that the class index of a sample
        without one counts (a session saved before names were kept); reset: what values() said of the edits that
        start again at 0; old_gone: the model it replaces is no more (its folder trained again in place), so there
        is no switching back to it; staying: the ids of items in the new model already (made_in), which stay as they
        are; apart: those left in a model that failed to load (model_arrival.kept_apart), untouched. Returns what the
        user must hear, each said once for all items, the most needed first (the status bar cuts a long message's
        end; switch_message joins them): six messages in one second left the status bar showing the last alone."""
        doc = self.document
        for item in doc.items.values():
            if item.id in staying:
                self._stay(item)
        mine = [i for i in sorted(doc.items.values(), key=lambda i: i is not doc.current)
                if i.kind == kind and i.id not in staying and i.id not in apart]
        self.held.pop(kind, None)  # a switch before asked for them for a model now gone: all are asked again
        self.leads.pop(kind, None)
        if doc.current is not None and doc.current.kind == kind:
            self.held[kind] = []
        from_fit = from_fit_note([lost for item in mine if (lost := file_lost(item))])  # before they are asked
        unfit = [item.name for item in mine if self._follow(item, unnamed)]
        if kind not in self.leads:  # nothing on screen to wait for
            self._release(kind)
        lost = self._classes_lost_note(mine, old_gone) if kind == "gan" else None
        # a VAE encodes each picture again; a GAN draws each sample's seeds again
        doing = "Encoding your pictures" if kind == "vae" else "Drawing your samples"
        again = f"{doing} again with the new {kind.upper()} ({len(mine)})" if mine else None
        return [note for note in (lost, reset, invert_again_note(unfit), from_fit, again) if note]

    def _stay(self, item: Item) -> None:
        """An item in the new model already (made_in) keeps its latents; what was drawn of it while another model of
        its kind was loaded (a slider moved, Reopen, its History thumbnails) took that model's directions, and is
        drawn again (the thumbnails as the History tab asks for them)."""
        item.thumbs.clear()
        if item.requested_seq:
            self.document.redraw(item)
        self.document.history_moved()

    def _classes_lost_note(self, items: list[Item], old_gone: bool) -> str | None:
        """Which samples the new GAN draws without their class, once for all (a "face-glasses" sample was drawn
        again in emoji-gan's own class, and only "Drawing your samples again" said anything)."""
        gan = self.document.models.get("gan")
        classes = getattr(gan, "classes", ())
        lost = [(item.name, names) for item in items if (names := lost_classes(item, classes))]
        return classes_lost_note(lost, getattr(gan, "name", "the new GAN"), classes, old_gone)

    def values(self, old: rq.ModelInfo | None, new: rq.ModelInfo, apart: Container[int] = ()) -> str | None:
        """Every item of new's kind (closed ones too: they may be reopened) has its slider values, which count the
        directions of the model new replaced, old, re-expressed in new's: one value per new direction, at every
        step of its history (reexpress). Returns a note that names the directions whose edits start again at 0,
        if any. Items restored from a session of the new model already count its directions; those restored from
        a session of another model that did not load (old None: no model of the kind loaded) count its, known by
        the labels the session kept, a named direction by its name. apart: as items says, left as they are."""
        shared = shared_rows(old.directions, new.directions) if old is not None else {}
        on_show: dict[int, str] = {}  # row -> its name, in the directions the values counted: the open items' steps
        elsewhere: dict[int, str] = {}  # on show; and those of the other steps alone (undone, closed items')
        for item in self.document.all_items(new.kind):
            made_in = item.directions_of or (old.identity if old is not None else None)
            if made_in is None or made_in == new.identity or item.id in apart:
                continue
            if old is not None and made_in == old.identity:
                labels, rows = old.directions.labels, shared
            else:
                labels = self.document.direction_labels.get(made_in, ())
                rows = rows_by_label(labels, new)
            shown, anywhere = reexpress(item, made_in, new, rows)
            for i in anywhere:
                named = on_show if i in shown and self.document.items.get(item.id) is item else elsewhere
                named.setdefault(i, labels[i] if i < len(labels) else f"direction {i + 1}")
        return dropped_edits_note(on_show, elsewhere, new.kind)

    def item(self, item: Item) -> None:
        """One item follows the models loaded now (a closed one reopened after a switch), saying what it must."""
        from_fit = from_fit_note([lost] if (lost := file_lost(item)) else [])
        if note := invert_again_note([item.name] if self._follow(item) else []) or from_fit:
            self.document.message.emit(note)

    def _follow(self, item: Item, unnamed: tuple[str, ...] = ()) -> bool:
        """Ask for the item's latents in the new model; True for an inversion whose w the new GAN keeps unfitted."""
        self.left_behind.discard(item.id)
        if item.kind == "vae":
            # the pixels as opened, not the last VAE's fit (a 64-px VAE's crop of a 4:3 photo; a session saved before
            # they were kept has that fit alone: its file is read again, if still as it was)
            if item.source is None and picture_file(item) is None:  # a latent file's: its drawing, kept at its size
                item.source = item.original  # (a 16-px VAE's fit of it came back to its own VAE upscaled, blurred)
            pixels, file = (item.original, picture_file(item)) if item.source is None else (item.source, None)
            self._ask(item, rq.EncodeImage(pixels, item.name, item.fit, file), self.reencodes, item.id)
            return False
        return self._remap(item, unnamed)

    def pending_any(self, kind: str | None = None) -> bool:  # any new model's latents on their way, or of a kind
        books = [book for of, book in (("vae", self.reencodes), ("gan", self.remaps)) if kind in (None, of)]
        return any(books) or any(queue for of, queue in self.held.items() if kind in (None, of))

    def pending(self, item_id: int) -> bool:
        """Whether latents of a new model are still on their way for the item (or held, to be asked)."""
        return (item_id in self.reencodes.values() or any(t == item_id for t, _ in self.remaps.values())
                or any(held[0].id == item_id for queue in self.held.values() for held in queue)
                or item_id in self.left_behind)

    def on_its_way(self, item: Item) -> bool:
        """Whether the latents of the item's step on screen are still to come from a new model (asked, or held to be
        asked): its picture being encoded again, or the seed that step edits drawn again. Its arrival draws it."""
        ours = item.id if item.kind == "vae" else (item.id, item.sample_node())
        held = (note for queue in self.held.values() for *_, note in queue)
        return ours in (*self.reencodes.values(), *self.remaps.values(), *held)

    def not_carried(self, seq: int, why: str | None) -> str | None:
        """seq, a request for an item's latents in the new model, was cancelled (why None) or failed for good (why):
        the item, if open, is left behind until carry_again. Returns what to tell of it; None where seq was none."""
        item_id = self.reencodes.pop(seq, None)
        if item_id is None and seq in self.remaps:
            item_id = self.remaps.pop(seq)[0]
        if (item := self.document.items.get(item_id)) is None:
            return None
        self.left_behind.add(item.id)
        if item is self.document.current:  # the views read it again (the meter read it as the new model came)
            self.document.history_moved()
        model = getattr(self.document.models.get(item.kind), "name", f"the new {item.kind.upper()}")
        done, does = ("encoded with", "encodes") if item.kind == "vae" else ("drawn by", "draws")
        if why is None:
            return f"{item.name} is not {done} {model} yet: showing or editing it {does} it"
        return f"{item.name} could not be {done} {model} ({why}); showing or editing it tries again"

    def carry_again(self, item: Item) -> bool:
        """An item left behind (not_carried) is to be drawn: its latents in the new model are asked for again (True),
        and it is drawn as they come back."""
        if item.id not in self.left_behind:
            return False
        self._follow(item)  # which takes it off left_behind
        return True

    def _ask(self, item: Item, request: rq.Request, book: dict, note: object) -> None:
        """Send a request for the item's latents in a new model, noted in book by its seq (book[seq] = note); held
        while the picture on screen is to be drawn first, unless it is that one. The first asked for the picture
        on screen leads: its answer sends the picture's decode (lead_to), whose answer sends the held ones."""
        kind = item.kind
        if kind in self.held and item is not self.document.current:
            self.held[kind].append((item, request, book, note))
            return
        seq = self.document.engine.submit(request)
        book[seq] = note
        if kind in self.held and kind not in self.leads:
            self.leads[kind] = seq

    def lead_to(self, item: Item, answered: int) -> None:
        """The picture on screen was asked to be drawn again as its latents came back (answered): the held requests
        wait on that decode now."""
        if self.leads.get(item.kind) == answered:
            self.leads[item.kind] = item.requested_seq

    def answered(self, r: object) -> None:
        """Any result or failure the engine sent, once the document has handled it: the held requests of a kind go
        once its lead, or a request asked after it, is answered (nothing else comes of a superseded decode). A
        ModelInfo has no seq: a load answers nothing held."""
        seq = getattr(r, "seq", None)
        for kind, lead in list(self.leads.items()):
            if seq is not None and seq >= lead:
                self._release(kind)
        self.document.offer_once_carried()  # an Undo set aside for the model loaded now, once its items are in it

    def _release(self, kind: str) -> None:
        self.leads.pop(kind, None)
        for item, request, book, note in self.held.pop(kind, []):
            book[self.document.engine.submit(request)] = note

    def hurry(self, item: Item) -> None:
        """The item is on screen now (chosen while a switch's requests are held): its own requests go at once, and
        the rest wait on its picture instead. One left behind (not_carried) is carried now."""
        self.carry_again(item)
        queue = self.held.get(item.kind, [])
        mine = [held for held in queue if held[0] is item]
        if not mine:
            return
        self.held[item.kind] = [held for held in queue if held[0] is not item]
        self.leads.pop(item.kind, None)
        for _, request, book, note in mine:
            self._ask(item, request, book, note)

    def _remap(self, item: Item, unnamed: tuple[str, ...] = ()) -> bool:
        """Draw every seed of a GAN item's history with the new GAN; as each comes back, the part of the history
        that edits it follows (_carry_sample). True when the item on screen is an inversion's w that the new GAN
        draws as it is, though it was not inverted in it (to invert again)."""
        doc, current = self.document, item.sample_node()
        for node in sorted(item.drawn, key=lambda n: n != current):  # the sample on screen first
            d = item.drawn[node]
            if d.seed is None:  # an inversion's guess: no seed to draw again
                continue
            # a class is drawn again where the new GAN has one of its name, else the seed draws its own and the
            # name waits for a GAN that has it (the worker finds it by name in the GAN that draws it: another may
            # load first); refined again by a GAN that can, after one that could not.
            # tag 0: a lane of its own, so no re-map supersedes another
            name = class_name(d, unnamed)
            item.drawn[node] = replace(d, class_name=name)
            psi, draw = 1.0 if d.psi is None else d.psi, d.asked_draw or d.draw
            self._ask(item, rq.MapSeed(d.seed, psi, tag=0, class_name=name, draw=draw), self.remaps, (item.id, node))
        for n in item.history.nodes():  # no seed to wait for (an inversion's w): thumbnails drawn again as it is
            sample = item.sample_node(n.id)
            if sample is None or item.drawn[sample].seed is None:
                item.thumbs.pop(n.id, None)
        if current is None or item.drawn[current].seed is None:  # on screen: an inversion's w, drawn by the new GAN
            doc.redraw(item)
            if item is doc.current and "gan" in self.held:  # its decode leads, not its other seeds
                self.leads["gan"] = item.requested_seq
            gan = doc.models.get("gan")
            return gan is None or item.inverted_in != gan.identity  # back in the GAN it was inverted in, it fits
        return False

    def on_mapped(self, r: rq.Mapped) -> bool:
        """A seed drawn again by a new GAN (True), or another sample (False: not ours)."""
        if r.seq not in self.remaps:
            return False
        item_id, node = self.remaps.pop(r.seq)
        item = self.document.items.get(item_id)  # None: closed meanwhile (reopening draws it again)
        if item is not None and node in item.drawn:
            self._carry_sample(item, node, r)
        return True

    def _carry_sample(self, item: Item, node: int, r: rq.Mapped) -> None:
        """One seed of the item's history, drawn by the new GAN: the nodes that edit that sample move by what its
        w moved (an edit folded into a base comes along); the rest stay until their own seed is back. A w of another
        size first moves the whole history to that size (_carry_across)."""
        if not fits_over(item.history, {node: (item.drawn[node].latent, r.latent)}):
            _carry_across(item, r.latent)
        anchors = {n: (d.latent, d.latent) for n, d in item.drawn.items()}
        anchors[node] = (item.drawn[node].latent, r.latent)
        moved = [n.id for n in item.history.nodes() if item.sample_node(n.id) == node]
        item.history = carried_over(item.history, anchors)
        item.drawn[node] = replace(item.drawn[node], gan_class=r.cls, draw=r.draw, asked_draw=r.asked,
                                   latent=r.latent, original=r.image, drawn_class=r.drawn_class)
        for n in moved:
            item.thumbs.pop(n, None)
        if item.sample_node() == node:
            # Compare's "Generated" keeps the old GAN's sample until "Edited" shows the new GAN's edit (on_redrawn):
            # shown at once, it sat beside the old face for seconds, the edit drawn behind the other samples' seeds
            shown = item.original
            item.recall_drawn()
            item.original = shown
            self.document.redraw(item)
            self.redraws[item.id] = item.requested_seq
            self.lead_to(item, r.seq)
        self.document.history_moved()

    def on_redrawn(self, item: Item, seq: int) -> None:
        """An edited picture of the item about to be shown: from its edit drawn by the new GAN on, the Compare
        sample is the new GAN's too (the one of the node on screen then: an undo meanwhile may have moved it)."""
        if seq >= self.redraws.get(item.id, seq + 1):
            del self.redraws[item.id]
            item.recall_drawn()

    def on_encoded(self, r: rq.Encoded) -> bool:
        """A picture encoded again by a new VAE (True), or a newly opened one (False: not ours). Its whole
        history follows the new encoding, every step kept: moved by what the encoding moved where the latent keeps
        its shape, else rebuilt on it (carried_across), the bases of the shape it leaves kept for a switch back."""
        if r.seq not in self.reencodes:
            return False
        item = self.document.items.get(self.reencodes.pop(r.seq))
        if item is not None:
            self.left_behind.discard(item.id)  # in the new VAE now (a Retry on CPU's encoding, say)
            old, latent = item.history.nodes()[0].state.base, self._latent_in_model(item, r)
            anchors = {0: (old, latent)}
            if fits_over(item.history, anchors):
                item.history = carried_over(item.history, anchors)
            else:  # another latent shape: the values and masks stay, and so do the values kept for other models
                item.bases_by_shape[old.shape] = {n.id: n.state.base for n in item.history.nodes()}
                kept = item.bases_by_shape.pop(r.latent.shape, None)
                item.history = carried_across(item.history, {0: latent}, kept)
            item.original = r.original  # a new model may fit it differently
            if r.file is not None:  # its file read again (a restored picture): kept, as opening keeps it
                item.source = r.source
            item.thumbs.clear()
            self.document.redraw(item)
            self.lead_to(item, r.seq)
            self.document.history_moved()
        return True

    def _latent_in_model(self, item: Item, r: rq.Encoded) -> np.ndarray:
        """The item's unedited latent in the VAE that encoded r (the one loaded: its load came before r's request):
        the latent a file opened in it gave it (Item.latent_by_model), else r's encoding of its picture."""
        vae = self.document.models.get("vae")
        kept = item.latent_by_model.get(vae.identity) if vae is not None else None
        return kept if kept is not None and kept.shape == r.latent.shape else r.latent


def _carry_across(item: Item, w: np.ndarray) -> None:
    """A seed of item's history drawn in a w of another size: every step moves to that size at once, values and
    masks kept (carried_across), and the bases of the size it leaves are kept for a switch back. Each seed's node
    takes the w it had when last in this size (a switch back: exactly its own, as the seed draws it there), else w
    until its own seed is back and moves it (a step of no size the GAN draws would fail to decode meanwhile)."""
    nodes = item.history.nodes()
    item.bases_by_shape[nodes[0].state.base.shape] = {n.id: n.state.base for n in nodes}
    kept = item.bases_by_shape.pop(w.shape, {})
    item.history = carried_across(item.history, {n: kept.get(n, w) for n in item.drawn}, kept)
    bases = {n.id: n.state.base for n in item.history.nodes()}
    item.drawn = {n: replace(d, latent=bases[n]) for n, d in item.drawn.items()}


def class_name(d: Drawn, classes: tuple[str, ...]) -> str | None:
    """The class a sample was asked to draw, by name: the name it keeps, else (a sample of a session saved before
    names were kept) the name classes give its index (None: the seed's own)."""
    return d.class_name if d.class_name is not None else class_named(d.gan_class, classes)
