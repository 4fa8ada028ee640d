"""The sizes a model card states, "resolution" and "latent_shape", checked as JSON (no torch): the window's lists read
cards without loading them. models.weights.read_card checks them against the network's config too."""
from __future__ import annotations

import json


def is_count(value: object) -> bool:
    """A positive whole number as JSON gives it (not true, 64.0 or "64")."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _said(value: object) -> str:
    return json.dumps(value)[:40]


def size_problem(card: dict, against_config: bool = True) -> str:
    """What is wrong with the card's resolution and latent_shape on their own and (against_config) against its
    config's resolution, in words that name the field, its value and what was expected; "" when nothing is (or a
    field is absent). models.weights compares them with the network itself."""
    resolution, shape = card.get("resolution"), card.get("latent_shape")
    if "resolution" in card and not is_count(resolution):
        return f"card.json says resolution {_said(resolution)}, but it must be a positive whole number of pixels"
    if "latent_shape" in card and not (isinstance(shape, list) and shape and all(map(is_count, shape))):
        return (f"card.json says latent_shape {_said(shape)}, but it must be a list of positive whole numbers "
                "(such as [4, 16, 16])")
    config = card.get("config")
    said = config.get("resolution") if isinstance(config, dict) else None
    if against_config and "resolution" in card and is_count(said) and said != resolution:
        return f"card.json says resolution {resolution}, but its config says {said}: correct the card"
    return ""
