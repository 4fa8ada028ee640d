"""The other files genimg writes into a model's folder, opened as a model: a VAE's or GAN's directions.safetensors
and a GAN's discriminator.safetensors were "a weights file with 4 tensors (basis, explained, mean, …) of an
architecture genimg does not know", then the list of what genimg opens, as if they were foreign. They are named
for what they are, and the user is told to open the folder (beside a card.json) or the model's folder (alone)."""
from __future__ import annotations

import shutil

import pytest

from conftest import UI_TIMEOUT, drag_drop, file_mime
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.cli import main as cli_main
from genimg_gui.wording import SUPPORTED

IN_FOLDER = {"directions.safetensors": "the slider directions file of the model in its folder, not a model itself: "
                                       "open the folder ({}) for the model.",
             "discriminator.safetensors": "the discriminator that refines the seeds of the GAN in its folder, not a "
                                          "model itself: open the folder ({}) for the GAN."}
ALONE = {"directions.safetensors": "the slider directions file of a genimg model, not a model itself: open the "
                                   "model's folder (card.json beside model.safetensors), with this file in it as "
                                   "directions.safetensors.",
         "discriminator.safetensors": "the discriminator that refines the seeds of a genimg GAN, not a model itself: "
                                      "open the GAN's folder (card.json beside model.safetensors), with this file in "
                                      "it as discriminator.safetensors."}


def cli(capsys, *args) -> tuple[int, str, str]:
    code = cli_main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("folder", "name"), [("emoji-vae", "directions.safetensors"),
                                              ("emoji-faces-gan", "directions.safetensors"),
                                              ("emoji-faces-gan", "discriminator.safetensors"),
                                              ("emoji-gan", "discriminator.safetensors")])  # a latent GAN's
def test_the_cli_names_a_model_folders_other_files_and_says_to_open_the_folder(folder, name, tmp_path, capsys):
    in_place = shutil.copytree(BUNDLED_DIR / folder, tmp_path / folder)
    code, out, err = cli(capsys, "info", in_place / name)
    assert (code, out) == (1, "")
    assert err == f"genimg: error: {in_place / name} is {IN_FOLDER[name].format(in_place)}\n", err  # as typed
    alone = shutil.copy(in_place / name, tmp_path / "x.safetensors")
    kind = "gan" if name.startswith("disc") else "vae"
    code, out, err = cli(capsys, "generate" if kind == "gan" else "decode", "--" + kind, alone, "-o", tmp_path / "o",
                         *(["--seeds", "1"] if kind == "gan" else [tmp_path / "none.npz"]))
    assert code != 0 and SUPPORTED not in err
    assert f"x.safetensors is {ALONE[name]}" in err, err


def test_the_window_says_so_of_a_dropped_directions_file(qtbot, window):
    doc, loaded = window.document, window.document.models["vae"]
    path = BUNDLED_DIR / "emoji-vae" / "directions.safetensors"
    window.last_error = ""
    assert drag_drop(window, file_mime([path])) is not None  # a real drop on the window
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=UI_TIMEOUT)
    said = "directions.safetensors is " + IN_FOLDER["directions.safetensors"].format(path.parent)
    assert window.last_error == said and said in window.status.currentMessage(), window.status.currentMessage()
    assert doc.models["vae"] is loaded  # the VAE loaded stays
