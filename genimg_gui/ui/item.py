"""An open image (a dropped file, a GAN sample, an inversion) with its edit history, and what the GAN drew
at each of its steps. Plain data, no Qt: the Document changes items and tells the views."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .. import seed_draws
from ..edit import EditState
from ..file_stamp import FileStamp
from ..history import History
from ..engine import requests as rq
from .kept_edits import SharedRows, same_in_kept_models


@dataclass
class Item:
    id: int
    kind: str                 # "vae" or "gan"
    name: str
    original: np.ndarray      # what "compare" shows: the fitted input, or the unedited sample
    image: np.ndarray         # the last decoded (edited) image
    history: History
    shown_seq: int = 0        # the newest result shown; older ones are stale
    seed: int | None = None
    psi: float | None = None
    gan_class: int | None = None  # a conditional GAN's class; None: the one the seed draws
    draw: str = seed_draws.OWN    # how the seed was drawn: its own z, skipping mixtures or refined (seed_draws.py)
    asked_draw: str | None = None  # the draw last asked for: `draw` unless the GAN could not draw so
    requested: EditState | None = None  # the state last sent to the worker
    requested_seq: int = 0
    # the history node exported last (closing warns about edits since; None: never exported): the node, not its state,
    # which a model switch or a deleted direction moves (history.mapped keeps the ids): the state kept went stale, the
    # session kept no node for it, and back in its model after a restart the export was asked about on every quit
    exported_node: int | None = None
    thumbs: dict[int, np.ndarray] = field(default_factory=dict)  # history node id -> its image, once shown
    # history node id -> its name from before the direction it moved was deleted (the History tab keeps it)
    step_names: dict[int, str] = field(default_factory=dict)
    # history node id -> the gesture that made it when its values alone name it badly ("Reset all", "Randomise",
    # "Recipe cat.recipe.json"): a reset read as a list of "+0.00σ" values, cut after two
    made_by: dict[int, str] = field(default_factory=dict)
    stale_below: int = 0  # decodes of a lower seq were asked for a state a newer sample replaced
    drawn: dict[int, seed_draws.Drawn] = field(default_factory=dict)  # GAN: node id -> the sample mapped there
    # the model (ModelInfo.identity) whose directions its slider values count, once a session or a model switch named
    # it (None: the one of its kind loaded); CarryOver.values re-expresses them in a new model's
    directions_of: str | None = None
    # model identity -> {history node id -> slider values}: the values the item had in a model it was carried away
    # from, so carrying it back brings its edits back (CarryOver.values), also after a restart (saved in sessions)
    values_by_model: dict[str, dict[int, tuple[float, ...]]] = field(default_factory=dict)
    # the GAN (ModelInfo.identity) an inversion fitted its w in; None: not made by an inversion. Its w took
    # computing to make (unexported counts it) and fits that GAN alone (CarryOver says so after a switch)
    inverted_in: str | None = None
    # the GAN sample Send to VAE editor made it from ("seed 42"): its first step and Compare panes say so, not
    # "Opened" and "Original"; None for a picture opened or pasted
    sent_from: str | None = None
    # an inversion's newest w while it runs (None otherwise): decodes draw it in place of the states' base, the
    # starting guess, so a slider moved during the run shows on the inversion as it goes, as on its result
    running_w: np.ndarray | None = None
    # a picture's pixels as opened (file, paste or sample sent), before a VAE fitted them, and how they were fitted:
    # a new VAE encodes these, not `original`, which is the last VAE's fit (a 64-px square crop of a 4:3 photo);
    # kept in sessions. None where original is all there is (a latent file's drawing, until a switch keeps it here),
    # or restored from a session saved before they were kept: a switch reads `file` again, if unchanged
    source: np.ndarray | None = None
    fit: str = "crop"
    # the picture's (width, height) as opened, which sessions keep where they do not keep its pixels: whether the fit
    # cut any of it away (a square's crop and letterbox are the same picture: already_open) and how much (its crop
    # note after a restart: encoded_message); None: not known (restored from a session saved before this was kept)
    source_size: tuple[int, int] | None = None
    # the file it was opened from, as it was then (None: not opened from a file, or restored from a session saved
    # before this was kept): the same file opened again unchanged, with the same fit, shows this item (already_open)
    file: FileStamp | None = None
    # latent shape -> {history node id -> its base}: the bases an item's steps had when it was last in a latent of
    # that shape (a VAE's encoding, a GAN's w of that size), so switching back to such a model brings back an edit
    # folded into a base there, and a GAN sample's w's exactly (history.carried_across)
    bases_by_shape: dict[tuple[int, ...], dict[int, np.ndarray]] = field(default_factory=dict)
    # model identity -> the unedited latent a latent file gave the item in that model (latent_files): a VAE switched
    # back to takes it again, not an encoding of its picture, which is another latent (a VAE does not give back the
    # latent it decoded): the picture moved off the file's, and the quit question counted its edit as not exported;
    # kept in sessions, so this holds after a restart too
    latent_by_model: dict[str, np.ndarray] = field(default_factory=dict)

    def remember_drawn(self, class_name: str | None = None, drawn_class: str | None = None) -> None:
        """Record the sample the current history node was mapped from (a GAN item's seed, ψ, draw, name), and its
        class by name (class_name: the GAN's name for gan_class; drawn_class: the class the seed was drawn in)."""
        self.drawn[self.history.current_id] = seed_draws.Drawn(self.seed, self.psi, self.gan_class, self.draw,
                                                               self.asked_draw, self.name, self.history.current.base,
                                                               self.original, class_name, drawn_class)

    def take_sample(self, r: rq.Mapped) -> None:
        """A sample the GAN drew, now its current node's: the item's seed, ψ, class, draws, name and Compare image
        become the sample's, and the node remembers it, its class by the name it was asked in."""
        self.seed, self.psi, self.gan_class, self.draw, self.asked_draw = r.seed, r.psi, r.cls, r.draw, r.asked
        self.original, self.name = r.image, f"seed {r.seed}"
        self.keep_sample(self.history.current_id, r)

    def keep_sample(self, node: int, r: rq.Mapped) -> None:
        """Node remembers the sample r, which it drew (take_sample's, also for a node that is not current: a step
        added where it was asked, after an undo came before it: GanSamples.set_aside)."""
        latent = self.history.nodes()[node].state.base  # its w, as the node keeps it
        self.drawn[node] = seed_draws.Drawn(r.seed, r.psi, r.cls, r.draw, r.asked, f"seed {r.seed}", latent, r.image,
                                            r.class_name, r.drawn_class)

    def sample_node(self, node_id: int | None = None) -> int | None:
        """The node whose sample node_id (default: the current one) edits: itself or its nearest ancestor that
        mapped a seed; None for a GAN item that did not start from one (an inversion) or a VAE item."""
        return next((n for n in reversed(self.history.path(node_id)) if n in self.drawn), None)

    def recall_drawn(self) -> bool:
        """After an undo, redo or goto: take the sample of the current node (a slider edit keeps its sample).
        False when its unedited image is not at hand (a restored session leaves it out): draw it again."""
        node = self.sample_node()
        if node is None:
            return True
        d = self.drawn[node]
        self.seed, self.psi, self.gan_class, self.draw, self.asked_draw, self.name = (
            d.seed, d.psi, d.gan_class, d.draw, d.asked_draw, d.name)
        if d.original is not None:
            self.original = d.original
        return d.original is not None

    def rename(self, name: str) -> None:
        """A new name, also in the samples it remembers under the old one (an inversion's): recall_drawn, run on
        reopening and on each undo, would bring the old name back."""
        old, self.name = self.name, name
        self.drawn = {node: replace(d, name=name) if d.name == old else d for node, d in self.drawn.items()}

    @property
    def seeded(self) -> bool:
        """A GAN sample drawn from a seed (at its current node): the Generate tab's seed, ψ, class and draw are its
        own, and change it. An inversion's w or a VAE picture has none: they make a new sample instead."""
        return self.kind == "gan" and self.seed is not None

    @property
    def file_name(self) -> str:
        """The name its exports and recipe are offered: a sample's seed as `genimg generate` writes it ("seed0042",
        which sorts, not "seed 42"), else the item's own name."""
        return seed_draws.file_stem(self.seed) if self.seeded else self.name

    @property
    def generated(self) -> bool:
        """Made by the GAN from a seed (its first step drew one), not opened from a file or inverted from one."""
        first = self.drawn.get(0)
        return self.kind == "gan" and first is not None and first.seed is not None

    def unedited(self) -> EditState:
        """What the step on screen shows without an edit: its sample's w as the GAN drew it (any seed stepped to),
        else the first step's state (a picture as opened, an inversion's result)."""
        node = self.sample_node()
        if node is not None and self.drawn[node].seed is not None:
            return EditState(self.drawn[node].latent, ())
        return self.history.nodes()[0].state

    def on_unedited_latent(self, state: EditState) -> EditState:
        """state moved back onto the unedited latent (unedited's), its slider values and mask kept: what Reset all
        starts from. A recipe whose vectors are no slider's, or a deleted direction's share, moved the base, where
        no slider could take it back (the sliders all read +0.00σ on the recipe's edit)."""
        base = self.unedited().base
        return replace(state, base=base) if np.shape(base) == np.shape(state.base) else state

    def unedited_node(self) -> int:
        """The step unedited() is: the one that drew the sample on screen, else the first."""
        node = self.sample_node()
        return node if node is not None and self.drawn[node].seed is not None else 0

    def edited(self, shared: SharedRows | None = None) -> bool:
        """Whether the state on screen differs from its unedited one (a slider moved, a mask painted, a direction's
        share folded in), in the model loaded or in any model it was carried away from, whose edits a switch back
        brings back (kept_edits; shared: the rows its values share with each, Document.unexported's). A sample only
        stepped through seeds is not, and nor is an item whose edits were all undone: the quit question counted a
        picture back as it was, its undone step kept for Redo, as edited."""
        node = self.unedited_node()
        drew = node in self.drawn and self.drawn[node].seed is not None
        return not (self.history.current.same_as(self.unedited())
                    and same_in_kept_models(self, self.history.current_id, node, shared or {}, b_drew=drew))

    def as_it_came(self) -> bool:
        """On its first step: nothing done to it, or all undone (a seed stepped to counts: it is another sample)."""
        return self.history.current_id == 0

    def unexported(self, shared: SharedRows | None = None) -> bool:
        """Edited (as edited() tells it, in any model) since it was opened or last exported; an inversion's result
        counts as an edit, as its w took computing to make (Discard on quitting dropped it unnamed). A sample only
        stepped through seeds does not: the quit question called seed 45 an "edited sample" not exported, though
        nothing in it was edited."""
        made = self.edited(shared) or self.inverted_in is not None
        return made and not self.exported_here(shared)

    def exported_here(self, shared: SharedRows | None = None) -> bool:
        """Whether the step on screen is the picture exported last, in every model (an edit made since in a model
        not loaded now changes nothing in this one)."""
        if self.exported_node is None:
            return False
        return (self.history.current.same_as(self.exported_state())
                and same_in_kept_models(self, self.history.current_id, self.exported_node, shared or {}))

    def exported_state(self) -> EditState | None:
        """The state exported last, as its node holds it now (in the model loaded); None: never exported."""
        return None if self.exported_node is None else self.history.nodes()[self.exported_node].state
