"""The other files genimg writes into a model's folder, opened as a model: a VAE's or GAN's directions.safetensors
and a GAN's discriminator.safetensors were "a weights file with 4 tensors (basis, explained, mean, …) of an
architecture genimg does not know", then the list of what genimg opens, as if they were foreign. They are named
for what they are, and the user is told to open the folder (beside a card.json) or the model's folder (alone)."""
from __future__ import annotations

import shutil

import pytest

from conftest import UI_TIMEOUT, drag_drop, file_mime, own_directions_file
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.cli import main as cli_main
from genimg_gui.image_files import PICTURES_GO
from genimg_gui.user_directions import save_user_directions
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


# what `genimg train` writes into a model's folder beside its safetensors files: opened as a model they were "a text
# file" and "a PNG image", then the list of what genimg opens, as if foreign
FIGURES = ("is the file of figures training measured for the model in its folder, not a model itself: open the folder "
           "({}) for the model.")
GRID = ("is the grid of samples training drew with the model in its folder, not a model itself: open the folder ({}) "
        "for the model. Pictures are {}, not as models.")  # still a picture, which opens elsewhere
OWN = ("is a file of your own slider directions, made with Edit → New direction from examples…, not a model "
       "itself: the genimg window adds them to the sliders of the model they were made in whenever that model loads")


def test_the_cli_names_a_model_folders_figures_and_sample_grid_and_says_to_open_the_folder(tmp_path, capsys):
    folder = shutil.copytree(BUNDLED_DIR / "emoji-vae", tmp_path / "emoji-vae")
    code, out, err = cli(capsys, "info", folder / "metrics.json")
    assert (code, out, err) == (1, "", f"genimg: error: {folder / 'metrics.json'} {FIGURES.format(folder)}\n")
    code, out, err = cli(capsys, "decode", "--vae", folder / "samples.png", tmp_path / "none.npz", "-o", tmp_path / "o")
    assert code == 1 and SUPPORTED not in err
    assert err == f"genimg: error: samples.png {GRID.format(folder, PICTURES_GO['cli'])}\n", err
    gan = shutil.copytree(BUNDLED_DIR / "emoji-faces-gan", tmp_path / "gan")
    code, out, err = cli(capsys, "generate", "--gan", gan / "metrics.json", "--seeds", "1", "-o", tmp_path / "o")
    assert code == 1 and err == f"genimg: error: metrics.json {FIGURES.format(gan)}\n", err


def test_the_window_names_a_model_folders_figures_and_grid_dropped_on_the_models_tab(qtbot, window, tmp_path):
    doc, loaded = window.document, window.document.models["vae"]
    folder = shutil.copytree(BUNDLED_DIR / "emoji-vae", tmp_path / "emoji-vae")
    for name, said in (("metrics.json", FIGURES.format(folder)),
                       ("samples.png", GRID.format(folder, PICTURES_GO["app"]))):
        window.last_error = ""
        assert drag_drop(window.model_panel, file_mime([folder / name])) is not None  # a real drop on the tab
        qtbot.waitUntil(lambda: bool(window.last_error), timeout=UI_TIMEOUT)
        assert window.last_error == f"{name} {said}", window.last_error
    assert doc.models["vae"] is loaded and len(doc.items) == 1  # the VAE stays, and no picture was opened


def test_a_users_own_directions_file_is_named_with_how_genimg_uses_it(qtbot, window, tmp_path, capsys):
    """It was "the slider directions file of a genimg model …: open the model's folder …, with this file in it as
    directions.safetensors", which would have replaced the model's own directions."""
    doc = window.document
    info = doc.models["vae"]
    path = own_directions_file(doc)
    mine = info.directions.subset([0]).renamed(0, "mine")
    save_user_directions(path, mine, info.identity, info.path)  # as the window saves them (user_direction_files)
    said = f"{path.name} {OWN}: load that model (last loaded from {info.path})."
    window.last_error = ""
    assert drag_drop(window.model_panel, file_mime([path])) is not None
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=UI_TIMEOUT)
    assert window.last_error == said, window.last_error
    code, out, err = cli(capsys, "decode", "--vae", path, tmp_path / "none.npz", "-o", tmp_path / "o")
    assert (code, err) == (1, f"genimg: error: {said}\n"), err
    # a copy kept elsewhere: genimg reads them only from its directions folder, found by their weights' digest
    copy = shutil.copy(path, tmp_path / "smile.safetensors")
    code, out, err = cli(capsys, "info", copy)
    assert code == 1 and "directions.safetensors" not in err
    assert err == (f"genimg: error: {copy} {OWN}, from its directions folder ({path.parent}): put this file there as "
                   f"smile-{info.identity[:12]}.safetensors, then load that model (last loaded from {info.path}).\n")
