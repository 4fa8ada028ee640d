"""What the document does as a model arrives from the worker: it becomes the loaded model of its kind, the open
items of that kind are carried over to it (their values, histories and classes), and the load is said, the switch's
notes last so that the status bar shows them."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..engine import requests as rq
from ..paths import shown_path
from ..wording import duration, latent_scale_said
from .document_session import own_model_failed
from .running_jobs import loads

if TYPE_CHECKING:
    from .document import Document


def take_model(doc: Document, info: rq.ModelInfo) -> None:
    """The document's answer to a ModelInfo (its model_hooks first: they add the user's directions)."""
    if doc.current is not None and doc.current.kind == info.kind:
        # a gesture still going on (a run of slider keys resting, a drag, a brush stroke) is a step of the model it
        # was made in: ended as the rows were rebuilt, after values() below, it was recorded along the new model's
        doc.finish_gestures()
    for hook in doc.model_hooks:
        info = hook(info)
    # items a restored session made in a model that failed to load: this one (the one loaded before too) takes them,
    # unless it is the session's own model of their kind loading as it restores (kept_apart)
    apart = kept_apart(doc, info)
    stranded = not apart and any(own_model_failed(doc, item) is not None for item in doc.all_items(info.kind))
    # source: the path asked for (a file converted to path); whole paths: …/vae arriving is not …/vae-b's load
    done = {seq for seq, path in loads(doc.jobs).items() if path in (info.path, info.source)}
    doc.jobs = {seq: job for seq, job in doc.jobs.items() if seq not in done}
    doc.samples.model_arrived(info, done)  # a GAN a restore loaded draws no first sample
    previous = doc.models.get(info.kind)
    doc.models[info.kind] = info
    doc.failures.model_replaced(info)  # a decode asked of the model replaced: its Retry on CPU would draw nothing
    if previous is not None:  # its labels as it is left, renamed ones too: the values kept for it count them
        doc.direction_labels[previous.identity] = previous.directions.labels
    # by the weights, not the folder: a copy of the model keeps the edits, a folder trained again is another
    switched = previous is not None and previous.identity != info.identity
    # items a kept session brought back for a model not loaded (the user opened this one while it waited): carried
    # over as from it
    strays = doc.carry.unloaded.pop(info.kind, None) is not None
    # a session's model folder trained again since it was kept: its items were made in the old weights, and their
    # latents drawn by the new ones were garbage
    why = doc.carry.trained_again(info)
    strays = strays or why is not None or stranded
    # items a kept session restored in this model, loaded after the last one: in it already, they stay
    staying = doc.carry.made_in(info)
    # before the views show the items' values on the new sliders
    reset = doc.carry.values(previous, info, apart) if switched or strays else None
    doc.model_loaded.emit(info)
    # the folder too: two copies of one model have one name (a converted model: the file it came from)
    scale = f"; {said}" if (said := latent_scale_said(info.card)) else ""  # asked once, then kept: said
    doc.message.emit(f"Loaded {info.name} from {shown_path(info.source or info.path)} on {info.device} "
                     f"in {duration(info.seconds)}{scale}")  # an SD VAE: "in 12 s", not 12034 ms
    if info.no_refine:  # why Refine is greyed out: a damaged discriminator had fallen back to Own z unsaid
        doc.message.emit(f"{info.name} cannot refine seeds, which draw their own z: {info.no_refine}")
    if info.other_weights:  # its card's figures (30 dB, say) are another model's: said once, as it loads
        doc.message.emit(info.other_weights)
    if info.estimated_directions:  # its sliders move along other directions than the ones it was trained with
        doc.message.emit(info.estimated_directions)
    # each sample keeps its class by name; one of a session saved before names were kept counts the classes of the
    # GAN it was in: the one replaced, or after a folder trained again in place most likely its new weights
    unnamed = info.classes if why is not None else (previous.classes if previous is not None else ())
    if switched or strays:
        doc.carry.follow(info.kind, unnamed, reset, why, staying, apart)
    doc.open_waiting()


def kept_apart(doc: Document, info: rq.ModelInfo) -> set[int]:
    """The ids of the items left in a model that failed to load (own_model_failed) when info is the restored session's
    model of their kind, loaded as it restores (CarryOver.expected), which they were not in (SessionItem.own_model):
    not the user's choice, it re-expressed their values in its directions and encoded them again. Empty for any
    other model: loaded by the user, it takes them."""
    expected = doc.carry.expected.get(info.kind)
    if expected is None or os.path.realpath(expected[0]) not in {info.path, info.source}:
        return set()
    return {item.id for item in doc.all_items(info.kind)
            if item.directions_of != expected[1] and own_model_failed(doc, item) is not None}
