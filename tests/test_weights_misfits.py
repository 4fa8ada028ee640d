"""A model folder whose model.safetensors does not fit its card's architecture: the refusal names exactly the tensors
that do not fit (missing, unexpected, of the wrong shape or data type), with what was found and expected, in the
library, on the CLI's stderr and in the window. It once named one tensor "e.g." and hid the others, and loaded
integer or boolean tensors into float weights without a word."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from conftest import UI_TIMEOUT, drag_drop, file_mime
from genimg_gui.cli import main as cli_main
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.weights import WEIGHTS_NAME, ModelFileError, load_model


def damaged_copy(model_dir: Path, folder: Path, change) -> tuple[Path, dict[str, torch.Tensor]]:
    """A copy of the tiny VAE whose weights `change` edits in place; returns it and its good tensors."""
    shutil.copytree(model_dir / "tiny-vae", folder)
    good = load_file(str(folder / WEIGHTS_NAME))
    state = dict(good)
    change(state)
    save_file(state, str(folder / WEIGHTS_NAME))
    return folder, good


def widened(state: dict[str, torch.Tensor], *keys: str) -> None:
    """Each key's tensor one row longer: the shape another network would have there."""
    for key in keys:
        state[key] = torch.zeros(state[key].shape[0] + 1, *state[key].shape[1:])


def refusal(folder: Path) -> str:
    with pytest.raises(ModelFileError) as err:
        load_model(folder)
    return str(err.value)


def named_tensors(message: str, names) -> set[str]:
    """The tensor names the message mentions, as whole names ("decoder.0.bias" is not "decoder.0.bias_2")."""
    return {n for n in names if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w.])", message)}


# two tensors in the middle of the file, neither the first of the file nor of the network
RESHAPED = ("decoder.1.body.2.weight", "encoder.3.body.0.bias")


def test_two_wrong_shapes_are_both_named_and_no_other(model_dir, tmp_path):
    folder, good = damaged_copy(model_dir, tmp_path / "reshaped", lambda s: widened(s, *RESHAPED))
    message = refusal(folder)
    assert named_tensors(message, good) == set(RESHAPED), message
    for key in RESHAPED:
        found, expected = (good[key].shape[0] + 1, *good[key].shape[1:]), tuple(good[key].shape)
        assert f"{key} {found} (expected {expected})" in message, message
    assert "2 with the wrong shape: " in message and str(folder / WEIGHTS_NAME) in message


def test_many_wrong_shapes_are_counted(model_dir, tmp_path):
    biases = [k for k in load_file(str(model_dir / "tiny-vae" / WEIGHTS_NAME)) if k.endswith(".bias")][:5]
    folder, good = damaged_copy(model_dir, tmp_path / "many", lambda s: widened(s, *biases))
    message = refusal(folder)
    assert "5 with the wrong shape: " in message and " and 2 more" in message, message
    assert len(named_tensors(message, good)) == 3 and named_tensors(message, good) <= set(biases), message


def test_missing_and_unexpected_tensors_are_each_named(model_dir, tmp_path):
    def change(state):
        del state["decoder.1.body.2.weight"], state["encoder.3.body.0.bias"]
        state["extra.weight"], state["decoder.9.bias"] = torch.zeros(3), torch.zeros(4)
    folder, good = damaged_copy(model_dir, tmp_path / "renamed", change)
    message = refusal(folder)
    assert ("2 missing: decoder.1.body.2.weight and encoder.3.body.0.bias; 2 unexpected: decoder.9.bias and "
            "extra.weight" in message), message
    assert named_tensors(message, good) == set(RESHAPED), message


def test_integer_and_boolean_weights_are_refused_by_name(model_dir, tmp_path):
    def change(state):
        state["decoder.1.body.2.weight"] = state["decoder.1.body.2.weight"].to(torch.int64)
        state["encoder.3.body.0.bias"] = state["encoder.3.body.0.bias"] > 0
    folder, good = damaged_copy(model_dir, tmp_path / "integers", change)
    message = refusal(folder)
    assert ("2 with the wrong data type: encoder.3.body.0.bias bool (expected float32) and decoder.1.body.2.weight "
            "int64 (expected float32)") in message, message
    assert named_tensors(message, good) == set(RESHAPED), message


def test_half_precision_weights_still_load(model_dir, tmp_path):
    """Floating widths are no misfit: an fp16 copy of the weights is cast to float32 as it loads."""
    folder, good = damaged_copy(model_dir, tmp_path / "half", lambda s: s.update({k: v.half() for k, v in s.items()}))
    net, _ = load_model(folder)
    for key, tensor in net.state_dict().items():
        assert tensor.dtype == torch.float32 and torch.equal(tensor, good[key].half().float()), key


def test_the_file_opened_alone_says_the_same(model_dir, tmp_path):
    """The app's worker opening model.safetensors itself (a drop of the file, not its folder) reads its card too."""
    folder, good = damaged_copy(model_dir, tmp_path / "reshaped", lambda s: widened(s, *RESHAPED))
    with pytest.raises(ModelFileError) as err:
        Runtime("cpu").load(str(folder / WEIGHTS_NAME), lambda *_: None)
    assert str(err.value) == refusal(folder)


def test_cli_names_both_tensors_on_stderr(model_dir, tmp_path, capsys):
    folder, good = damaged_copy(model_dir, tmp_path / "reshaped", lambda s: widened(s, *RESHAPED))
    assert cli_main(["info", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == f"genimg: error: {refusal(folder)}\n"
    assert named_tensors(err, good) == set(RESHAPED), err


def test_window_shows_both_tensors(qtbot, window, model_dir, tmp_path):
    folder, good = damaged_copy(model_dir, tmp_path / "reshaped", lambda s: widened(s, *RESHAPED))
    loaded = window.document.models["vae"]
    window.last_error = ""
    assert drag_drop(window, file_mime([folder])) is not None
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=UI_TIMEOUT)
    assert refusal(folder) in window.last_error and refusal(folder) in window.status.currentMessage()
    assert named_tensors(window.status.currentMessage(), good) == set(RESHAPED), window.status.currentMessage()
    assert window.document.models["vae"] is loaded  # the model in use stays


@pytest.mark.parametrize("card, weights, said", [("tiny-vae", "tiny-gan", "a GAN's, not a VAE's (ConvVAE"),
                                                 ("tiny-gan", "tiny-vae", "a VAE's, not a GAN's (MappedGenerator")])
def test_weights_of_the_other_kind_of_model_are_said_to_be_so(model_dir, tmp_path, capsys, card, weights, said):
    """A VAE folder holding a GAN's model.safetensors said "38 missing: encoder.0.bias, … 23 unexpected: …": whose
    weights they are was the user's to tell."""
    folder = Path(shutil.copytree(model_dir / card, tmp_path / "mixed"))
    shutil.copy(model_dir / weights / WEIGHTS_NAME, folder / WEIGHTS_NAME)
    assert refusal(folder) == (f"{folder / WEIGHTS_NAME} does not match its card's architecture: its weights are "
                               f"{said}, as its card says): the weights and card.json must come from one model")
    assert cli_main(["info", str(folder)]) == 1
    assert f"its weights are {said}, as its card says)" in capsys.readouterr().err
