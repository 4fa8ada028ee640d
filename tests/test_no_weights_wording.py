"""A model file that holds text or nothing is said in one wording whoever says it: the note said before any load (the
window's and the CLI's, not_a_model.no_weights_note) and the worker's own reading of the file (models.foreign), which
had each written out "a text file, not a safetensors file", "a text file" and "an empty file" (no Qt)."""
from __future__ import annotations

import pytest

from genimg_gui.models import foreign
from genimg_gui.models.errors import ModelFileError
from genimg_gui.not_a_model import no_model_note, no_weights_note
from genimg_gui.wording import SUPPORTED


@pytest.mark.parametrize("name, text, said", [
    ("bad.safetensors", "notes, not weights\n", "bad.safetensors is a text file, not a safetensors file"),
    ("notes.pt", "notes, not weights\n", "notes.pt is a text file"),
    ("readme.pkl", "a README saved under a network's name\n", "readme.pkl is a text file"),
    ("empty.pt", "", "empty.pt is an empty file"),
    ("empty.safetensors", "", "empty.safetensors is an empty file"),
])
def test_a_text_or_empty_model_file_is_said_alike_before_and_at_its_load(name, text, said, tmp_path):
    path = tmp_path / name
    path.write_text(text)
    expected = f"{said}. {SUPPORTED}."
    assert no_weights_note(path) == expected
    assert no_model_note(path, "app") == no_model_note(path, "cli") == expected
    with pytest.raises(ModelFileError) as loaded:  # the worker's load of it, had the note not been asked first
        foreign.convert(path, tmp_path / "cache")
    assert str(loaded.value) == expected
