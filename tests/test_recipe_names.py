"""A recipe's reasons name its file, each built with the name (no Qt, no models): Recipe.load rewrote a reason that
began "it " into "r1.json …", so a reason reworded not to begin so would have lost the "it" or the name."""
from __future__ import annotations

import json

import pytest

from genimg_gui.recipe import Recipe, RecipeError

RECIPE = {"format": "genimg-recipe", "version": 1, "model": {"name": "m", "kind": "vae", "latent_size": 2},
          "edits": [{"label": "PC1", "value": 1.0, "sigma": 1.0, "vector": [1.0, 0.0]}]}


def changed(**fields) -> str:
    return json.dumps({k: v for k, v in {**RECIPE, **fields}.items() if v != "drop"})


@pytest.mark.parametrize("text, said", [
    ("", 'r1.json is empty: it is not a recipe genimg saved'),
    ("notes", "r1.json holds text, not JSON: it is not a recipe genimg saved"),
    ('{"format": "genimg-recipe", "vers', "r1.json is cut short: its end is missing"),
    ('{"format"\n 1}', "r1.json: its JSON is broken at line 2, column 2 (expecting ':' delimiter)"),
    (changed(edits="drop"), 'r1.json has no "edits": it is not a recipe genimg saved'),
    (changed(model={"kind": "vae"}), 'r1.json: its model has no "latent_size": it is not a recipe genimg saved'),
    (changed(model=None), 'r1.json: "model" must be an object ({…}), not null'),
    (changed(version=2), "r1.json: recipe version 2 is not supported (this genimg reads version 1)"),
    (changed(fit="stretch"), "r1.json: fit 'stretch' is not one of crop, letterbox"),
    (changed(edits=[{"value": 1.0, "sigma": 0, "vector": [1.0, 0.0]}]),
     'r1.json: edit 1: "sigma" must be positive, not 0.0'),
    (changed(mask="../m.png"),
     "r1.json: the mask '../m.png' lies outside the recipe's folder; it must be beside the recipe"),
])
def test_each_reason_names_the_recipe_file_as_load_and_from_json_say_it(text, said, tmp_path):
    (tmp_path / "r1.json").write_text(text)
    with pytest.raises(RecipeError) as loaded:
        Recipe.load(tmp_path / "r1.json")
    with pytest.raises(RecipeError) as parsed:
        Recipe.from_json(text, tmp_path, "r1.json")
    assert str(loaded.value) == said and str(parsed.value) == said
    with pytest.raises(RecipeError) as unnamed:  # without a name, "it": the wording the name replaces
        Recipe.from_json(text, tmp_path)
    assert "r1.json" not in str(unnamed.value)
    assert str(unnamed.value) in (said.replace("r1.json: ", ""), said.replace("r1.json", "it"))
