"""What `genimg decode` and the window say of a latent file whose folder was trained again under another name: a copy
of V trained further as `genimg train vae DATA -o Vc --resume` is named Vc by its card, and a file encoded with the
copy, recording V at …/Vc, was said to be "not found at …/Vc", a folder that is there."""
from __future__ import annotations

import shutil

from conftest import UI_TIMEOUT
from genimg_gui import cli
from test_latent_words import bundled_as
from test_open_latents import other_vae


def encoded_with_a_copy_trained_again(image_files, tmp_path):
    """(the latent file, the copy's folder): V copied to Vc, a picture encoded with the copy, then Vc trained again
    under its own name (other weights, its card named Vc, as `--resume` into Vc leaves it)."""
    copy = shutil.copytree(other_vae(tmp_path / "V", 3, "V"), tmp_path / "Vc")
    assert cli.main(["encode", "--vae", str(copy), str(image_files[0]), "-o", str(tmp_path / "enc"),
                     "--device", "cpu"]) == 0
    shutil.rmtree(copy)
    other_vae(copy, 4, "Vc")
    return tmp_path / "enc" / f"{image_files[0].stem}.npz", copy


def test_decode_says_the_folder_a_file_records_holds_other_weights_under_another_name(model_dir, image_files,
                                                                                     tmp_path, monkeypatch, capsys):
    latent, copy = encoded_with_a_copy_trained_again(image_files, tmp_path)
    bundled_as(monkeypatch, model_dir / "tiny-vae")
    capsys.readouterr()
    assert cli.main(["decode", str(latent), "-o", str(tmp_path / "d"), "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert (f"genimg: note: {latent} was made with V, and {copy} now holds other weights than those it was made "
            "with (the model there is named Vc now); decoded with tiny-vae instead, which gives another picture "
            "(pass --vae with a folder that holds its weights to decode it with its own)") in err, err
    assert "not found" not in err


def test_the_window_says_the_same_of_that_file(qtbot, window, image_files, tmp_path):
    latent, copy = encoded_with_a_copy_trained_again(image_files, tmp_path)
    window.open_paths([str(latent)])
    qtbot.waitUntil(lambda: f"{latent.name} was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert (f"it was made with V, and V at {copy} now holds other weights than those it was made with (the model "
            "there is named Vc now), and no model listed holds them;") in window.last_error
    assert "not found" not in window.last_error and window.document.models["vae"].name == "tiny-vae"
