"""The history panel's words for its steps: what each changed ("PC1 (7.4%) +0.30σ, mask: paint"), how a sample was
drawn ("seed 42, ψ 0.70"), and the mark of one made in another model. Plain functions of the states and samples, which
the history panel (HistoryController) and a direction's deletion (the steps it leaves) name steps by."""
from __future__ import annotations

from itertools import zip_longest

import numpy as np

from ..edit import EditState
from ..seed_draws import Drawn
from ..wording import in_sigmas
from .carry_over import class_name
from .gan_panel import ANY_CLASS, DRAW_BUTTONS
from .slider_parts import reset_text

NO_CHANGE = "no change"  # describe_all of a step that changes nothing in the model loaded
SHORT_MODEL_NAME = 24  # the most characters of a GAN's name that a generated sample's first step names it by


def describe_step(before: EditState | None, after: EditState, labels: tuple[str, ...], resets: bool = False) -> str:
    """A short label for what a history step changed; resets: made by a reset (↺, a reset key: RESET_ONE)."""
    if before is None:
        return "Opened"
    if not np.array_equal(before.base, after.base):
        return "New latent"
    changes, mask = value_changes(before, after, labels, resets), _mask_changes(before, after)
    text = ", ".join(changes[:2] + mask) or "Edit"
    return text + (" …" if len(changes) > 2 else "")


def describe_all(before: EditState | None, after: EditState, labels: tuple[str, ...]) -> str:
    """Every change a step made, none left out: the tooltip of a step named by its gesture ("Reset all")."""
    if before is None or not np.array_equal(before.base, after.base):
        return describe_step(before, after, labels)
    return ", ".join(value_changes(before, after, labels) + _mask_changes(before, after)) or NO_CHANGE


def value_changes(before: EditState, after: EditState, labels: tuple[str, ...], resets: bool = False) -> list[str]:
    """Each value the step changed, "PC1 (7.4%) +0.30σ". resets (a step made by ↺, Delete or 0): one put back to 0
    reads "Reset PC1 (7.4%)", as its ↺ button is named ("+0.00σ" read as a move to 0, not the reset it was); a
    drag that ends at 0 is a move there, named by its value."""
    # a direction made since `before` has no value there: it was at 0 (zip alone left it out, naming the step "Edit").
    # A change too small to read is none: values re-expressed in another model differ in their last bits, and a
    # step made in an SD VAE read "PC4 (2.9%) +0.00σ" in the 64-px one, not what it moved there (not in this model)
    pairs = zip_longest(before.values, after.values, fillvalue=0.0)
    changes = []
    for i, (a, b) in enumerate(pairs):
        if round(a, 2) != round(b, 2):
            label = labels[i] if i < len(labels) else f"direction {i + 1}"
            said = reset_text(label) if resets and round(b, 2) == 0 else f"{label} {in_sigmas(b, 2, signed=True)}"
            changes.append(said)
    return changes


def _mask_changes(before: EditState, after: EditState) -> list[str]:
    same = (before.mask is None) == (after.mask is None) and (
        before.mask is None or np.array_equal(before.mask, after.mask))
    return [] if same else [_mask_change(before.mask, after)]


def _mask_change(before: np.ndarray | None, after: EditState) -> str:
    """A changed mask, named by the tool that makes such a change: a brush stroke only adds, an erase stroke only
    takes away, Clear mask removes it; a recipe's mask may replace one outright. Without a mask before, a brush
    stroke starts from none painted and an erase stroke from all of it (mask_controller.paint): which, the new
    state keeps (mask_erased; a guess from the mask's larger part named a broad painted frame "mask: erase")."""
    if after.mask is None:
        return "mask: clear"
    if before is None:
        old = np.ones_like(after.mask) if after.mask_erased else np.zeros_like(after.mask)
    else:
        old = before
    if old.shape != after.mask.shape:
        return "mask: replaced"
    grew, shrank = bool((after.mask > old).any()), bool((after.mask < old).any())
    return "mask: erase" if shrank and not grew else "mask: paint" if grew and not shrank else "mask: replaced"


def describe_generated(first: Drawn, model: str | None) -> str:
    """The first step of a sample the GAN drew from a seed: nothing was opened, so "Opened" named it wrongly."""
    by = f" by {model}" if model and len(model) <= SHORT_MODEL_NAME else ""
    return f"Generated{by}, seed {first.seed}"


def describe_sent(sample: str) -> str:
    """The first step of a GAN sample sent to the VAE (Send to VAE editor): it was not opened from a file. A name of
    its own words is quoted: "Sent from photo.png, inverted to the VAE" read as inverted to the VAE."""
    return f"Sent from {f'“{sample}”' if ',' in sample else sample} to the VAE"


def not_in(model: str) -> str:
    """The mark of a step that does nothing in the model loaded now, made in another (a direction or a class this
    one lacks): " (not in other-vae)". Every such step is marked by it: a recipe step read bare, a class step
    "(not in this GAN)" where a slider step named the model."""
    return f" (not in {model})"


def describe_sample(before: Drawn | None, after: Drawn, classes: tuple[str, ...] = (), gan: str = "this GAN") -> str:
    """A short label for a step that drew a new GAN sample: what changed from the sample it replaced. gan: the GAN
    loaded, by its name (HistoryController._loaded_name), which a class it lacks is marked as not in."""
    if before is None or before.seed is None:
        return after.name
    changes = [f"seed {after.seed}"] if after.seed != before.seed else []
    if after.psi != before.psi:
        changes.append(f"ψ {after.psi:.2f}")
    if _class_text(after, classes, gan) != _class_text(before, classes, gan):
        changes.append(_class_text(after, classes, gan))
    if after.draw != before.draw:
        changes.append(f"draw: {DRAW_BUTTONS[after.draw][0]}")  # as the Generate tab names it
    return ", ".join(changes) or "Drawn again"


def _class_text(d: Drawn, classes: tuple[str, ...], gan: str) -> str:
    """The class a sample was asked for. One kept by name from another GAN reads as such: after a switch to a GAN
    without it, the step that chose it read "Drawn again"."""
    name = class_name(d, classes)
    if name is None:
        return f"class: {ANY_CLASS}" if d.gan_class is None else f"class: {d.gan_class}"  # as the Class box says it
    return f"class: {name}" + ("" if d.gan_class is not None else not_in(gan))
