"""The user's directions after their model's folder was trained again in place (Train…'s Start over or Continue,
`genimg train … -o FOLDER --overwrite/--resume`): the new weights are another model, with another latent space, so
the directions made in the old ones do not apply to them, and after loading them the sliders lost them without a
word. Each is made again from the examples it was made from (its file keeps them: attributes.user_examples), encoded
by the new weights as Edit → New direction from examples… would encode them; the old vectors are never reused. One
whose examples are gone, or were not kept (made by an earlier genimg), is named, so the user can make it again."""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..attributes import (METHODS, DirectionsFileError, earlier_weights_file, load_user_directions,
                          user_examples)
from ..engine import requests as rq
from ..wording import listed
from .directions_dialog import DirectionRequest


@dataclass(frozen=True)
class Remake:
    """What becomes of the directions of a model's old weights as its new ones load."""
    model: str                               # the model's name
    identity: str                            # the new weights' (ModelInfo.identity)
    requests: tuple[DirectionRequest, ...]   # one per direction whose examples are there: made again
    gone: tuple[str, ...] = ()               # the labels of those with a side whose example files are all gone
    unkept: tuple[str, ...] = ()             # ... and of those whose examples were not kept

    def note(self) -> str:
        """The status bar's word on it, e.g. 'vae2 was trained again: your directions made in its old weights do
        not apply to the new ones; making “frowning → smiling” again from its examples'."""
        parts = [f"{self.model} was trained again: your directions made in its old weights do not apply to the "
                 "new ones"]
        if self.requests:
            parts.append(f"making {_quoted([r.name for r in self.requests])} again from "
                         f"{_its(self.requests)} examples")
        if self.gone:
            parts.append(f"{_quoted(self.gone)} cannot be made again: {_its(self.gone)} example files are gone")
        if self.unkept:
            parts.append(f"{_quoted(self.unkept)} cannot be made again: {_its(self.unkept)} examples were not kept "
                         "(made by an earlier genimg)")
        if self.gone or self.unkept:
            them = "it" if len(self.gone) + len(self.unkept) == 1 else "them"
            parts.append(f"make {them} again with Edit → New direction from examples…")
        return "; ".join(parts)


def remake_for(info: rq.ModelInfo) -> Remake | None:
    """The directions saved for the weights info's folder held before (earlier_weights_file), to make again for
    info's; None when there are none (a new folder, or directions saved before their folder was recorded)."""
    path = earlier_weights_file(info.path, info.identity)
    if path is None:
        return None
    try:
        rows = load_user_directions(path, info.directions.basis.shape[1])
    except (DirectionsFileError, OSError):  # another latent size, or a damaged file: nothing to make again
        return None
    if rows is None or not len(rows):
        return None
    examples = user_examples(path)
    requests, gone, unkept = [], [], []
    for label, row in zip(rows.labels, rows.basis):
        made = examples.get(row.tobytes())
        if made is None:
            unkept.append(label)
        elif not all(any(os.path.isfile(p) for p in made[side]) for side in ("from", "to")):
            gone.append(label)  # one still there is encoded; a missing one is skipped, as the dialog's are
        else:
            method = made.get("method") if made.get("method") in METHODS else "means"
            requests.append(DirectionRequest(label, tuple(made["from"]), tuple(made["to"]), method,
                                             bool(made.get("keep_fixed"))))
    return Remake(info.name, info.identity, tuple(requests), tuple(gone), tuple(unkept))


def examples_of(request: DirectionRequest) -> dict:
    """A direction's examples as its file keeps them (attributes.save_user_directions)."""
    return {"from": [os.path.abspath(p) for p in request.from_paths],
            "to": [os.path.abspath(p) for p in request.to_paths],
            "method": request.method, "keep_fixed": request.keep_fixed}


def _quoted(labels) -> str:
    return listed([f"“{label}”" for label in labels])


def _its(labels) -> str:
    return "its" if len(labels) == 1 else "their"
