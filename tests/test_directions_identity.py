"""The user's own directions belong to the model's weights, not its name: two VAEs trained under one name (two runs
of my-vae) have other latent spaces, and a direction made on one was offered on the other, where it moved the latent
far out with hardly a visible change. A copy of the model in another folder is the same model and keeps them; a
file saved before the weights were recorded goes to the first model of its name that loads."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.edit import Directions
from genimg_gui.models.vae import ConvVAE
from genimg_gui.user_directions import save_user_directions
from genimg_gui.weights_file import weights_digest
from test_directions_ui import BLUE, RED, define, write_group


@pytest.fixture()
def two_runs(tmp_path) -> tuple:
    """Two tiny VAE folders with one name, my-vae, and other weights."""
    folders = []
    for seed, parent in ((2, "models"), (3, "other")):
        torch.manual_seed(seed)
        folders.append(make_model_folder(tmp_path / parent / "my-vae", ConvVAE(TINY_VAE), "my-vae"))
    assert weights_digest(folders[0]) != weights_digest(folders[1])
    return tuple(folders)


@pytest.fixture()
def bare(qtbot, engine):
    """The main window with no model loaded."""
    from genimg_gui.ui.main_window import MainWindow

    w = MainWindow(engine, [])
    qtbot.addWidget(w)
    yield w
    w.close()


def load(qtbot, window, folder) -> tuple[str, ...]:
    """The VAE sliders' labels once the model in folder has loaded."""
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(str(folder))
    assert window.document.models["vae"].path == str(folder)
    return window.document.directions("vae").labels


def saved_files(user_folders) -> list[str]:
    return sorted(p.name for p in (user_folders / "data" / "directions").glob("*.safetensors"))


def test_a_direction_made_on_one_model_is_not_offered_on_another_of_its_name(qtbot, bare, two_runs, tmp_path,
                                                                             user_folders):
    first, second = two_runs
    assert "round → boxy" not in load(qtbot, bare, first)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    define(qtbot, bare, "round → boxy", red, blue)
    assert bare.sliders.labels()[-1] == "round → boxy"

    assert "round → boxy" not in load(qtbot, bare, second)  # another latent space: none of the first's directions
    assert "round → boxy" not in bare.sliders.labels()
    digest = weights_digest(first)
    assert saved_files(user_folders) == [f"my-vae-{digest[:12]}.safetensors"]  # readable, and the first model's
    assert "round → boxy" in load(qtbot, bare, first)  # back on the model it was made on
    copy = shutil.copytree(first, tmp_path / "copies" / "my-vae")
    assert load(qtbot, bare, copy)[-1] == "round → boxy"  # a copy of its weights in another folder is that model
    assert saved_files(user_folders) == [f"my-vae-{digest[:12]}.safetensors"]


def legacy_rows(dim: int) -> Directions:
    rng = np.random.default_rng(0)
    basis = rng.standard_normal((1, dim)).astype(np.float32)
    basis /= np.linalg.norm(basis)
    return Directions(np.zeros(dim, np.float32), basis, np.ones(1, np.float32), np.zeros(1, np.float32),
                      ("old one",))


def test_a_file_saved_by_name_alone_goes_to_the_first_model_of_that_name_it_loads_with(qtbot, bare, two_runs,
                                                                                       user_folders):
    """A file from before the weights were recorded, named by the model alone: its user keeps the directions."""
    first, second = two_runs
    dim = int(np.prod(TINY_VAE.latent_shape))
    legacy = user_folders / "data" / "directions" / "my-vae.safetensors"
    save_user_directions(legacy, legacy_rows(dim))  # as genimg wrote it before: no identity in it

    assert load(qtbot, bare, first)[-1] == "old one"
    assert "old one" not in load(qtbot, bare, second)  # the first model of the name took them
    assert load(qtbot, bare, first)[-1] == "old one"  # and keeps them, after a restart too (its own file)
    assert saved_files(user_folders) == [f"my-vae-{weights_digest(first)[:12]}.safetensors"]


def test_the_file_of_a_models_weights_is_found_whatever_name_it_was_saved_under(user_folders):
    """A copy of the model whose card has another name is the same model: one file per identity."""
    # imported here, not at the top: the window tests above need nothing new, so they run (and fail) on the old code
    from genimg_gui.user_directions import saved_identity, user_directions_file
    dim, identity = 4, "ab" * 32
    rows = legacy_rows(dim)
    path = user_directions_file("my-vae", identity)
    save_user_directions(path, rows, identity)
    assert saved_identity(path) == identity and path.name == "my-vae-abababababab.safetensors"
    assert user_directions_file("renamed copy", identity) == path
    assert user_directions_file("my-vae", "cd" * 32) != path


def test_a_legacy_file_that_does_not_fit_stays_for_a_model_it_fits(user_folders):
    from genimg_gui.user_directions import claim_legacy_directions, load_user_directions, user_directions_file

    legacy = user_folders / "data" / "directions" / "my-vae.safetensors"
    save_user_directions(legacy, legacy_rows(4))
    with pytest.raises(ValueError, match="latent of 8"):
        claim_legacy_directions("my-vae", "cd" * 32, 8)
    assert legacy.is_file() and not user_directions_file("my-vae", "cd" * 32).exists()
    assert claim_legacy_directions("my-vae", "ab" * 32, 4).labels == ("old one",)
    assert not legacy.exists()
    assert load_user_directions(user_directions_file("my-vae", "ab" * 32), 4).labels == ("old one",)
    assert claim_legacy_directions("my-vae", "cd" * 32, 4) is None  # taken: another model of the name has none
