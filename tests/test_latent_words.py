"""What the window and `genimg decode` say of a latent file's model, and which they use: a folder is judged by the
weights it holds, not by its card (which a weights file copied over its own leaves describing others); a bundled
folder of the file's name that holds other weights is not named as the one to pass; a model of the file's name
loaded, and a model picked while the file's loads or waits to, are said as they are; a file opened apart while
another's model loads is an open of its own."""
from __future__ import annotations

import os
import shutil
import threading

import numpy as np

from conftest import UI_TIMEOUT
from genimg_gui import catalog, cli, cli_decode, cli_models
from genimg_gui.engine.runtime import Runtime
from test_masked_edits import open_images, settle
from test_open_latents import decoded, edited_export, load, opened, other_vae, pixels
from ui_helpers import drop


def bundled_as(monkeypatch, *folders) -> None:
    """These folders are genimg's bundled models, for `genimg decode`."""
    entries = [catalog.read_entry(folder, bundled=True) for folder in folders]
    for module in (cli_decode, cli_models):
        monkeypatch.setattr(module, "bundled_models", lambda: entries)


def swap_weights(folder, donor) -> None:
    """Another model's weights file copied over the folder's own: its card still describes the weights it had."""
    shutil.copy(donor / "model.safetensors", folder / "model.safetensors")


def test_a_file_made_with_a_folder_whose_weights_were_swapped_opens_in_it(qtbot, window, model_dir, image_files,
                                                                          tmp_path):
    """The card alone was read: a file made with the very weights the folder holds was refused ("now holds other
    weights than those it was made with")."""
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    swap_weights(mine, other_vae(tmp_path / "donor", 5, "donor"))
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "mine.npz")
    load(qtbot, window, model_dir / "tiny-vae")
    new = opened(qtbot, window, tmp_path / "mine.npz")
    assert window.document.models["vae"].path == os.path.realpath(mine) and "mine.npz" not in window.last_error
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "mine.npz", mine))


def test_decode_finds_a_folder_whose_weights_were_swapped_by_the_weights_it_holds(model_dir, image_files, tmp_path,
                                                                                  monkeypatch, capsys):
    """`genimg decode` fell back to the bundled VAE, saying the folder that made the file holds other weights."""
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    swap_weights(mine, other_vae(tmp_path / "donor", 5, "donor"))
    bundled_as(monkeypatch, model_dir / "tiny-vae")
    assert cli.main(["encode", "--vae", str(mine), str(image_files[0]), "-o", str(tmp_path / "enc"),
                     "--device", "cpu"]) == 0
    capsys.readouterr()
    latent = tmp_path / "enc" / f"{image_files[0].stem}.npz"
    assert cli.main(["decode", str(latent), "-o", str(tmp_path / "d"), "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert "now holds other weights" not in err and "decoded with" not in err, err
    assert np.array_equal(pixels(tmp_path / "d" / f"{latent.stem}_decoded.png"), decoded(tmp_path, latent, mine))


def test_a_file_whose_folder_had_its_weights_swapped_since_is_refused_without_a_switch(qtbot, window, model_dir,
                                                                                     image_files, tmp_path):
    """The card still named the file's weights: the window switched to that folder, encoded the pictures open again
    in it, then refused the file anyway."""
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "mine.npz")
    swap_weights(mine, other_vae(tmp_path / "donor", 5, "donor"))
    load(qtbot, window, model_dir / "tiny-vae")
    window.open_paths([str(tmp_path / "mine.npz")])
    qtbot.waitUntil(lambda: "mine.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert f"my-vae at {mine} now holds other weights than those it was made with" in window.last_error
    assert window.document.models["vae"].name == "tiny-vae" and "Switching" not in window.status.log.text()


def test_decode_does_not_name_the_bundled_folder_it_used_as_the_one_to_pass(model_dir, image_files, tmp_path,
                                                                           monkeypatch, capsys):
    """A file made by a bundled VAE whose folder holds other weights now (a new release): decode used that folder
    and said "pass --vae FOLDER to decode it with its own", naming it."""
    bundled = shutil.copytree(model_dir / "tiny-vae", tmp_path / "weights" / "tiny-vae")
    bundled_as(monkeypatch, bundled)
    assert cli.main(["encode", str(image_files[0]), "-o", str(tmp_path / "enc"), "--device", "cpu"]) == 0
    shutil.rmtree(bundled)
    other_vae(bundled, 4, "tiny-vae")
    capsys.readouterr()
    latent = tmp_path / "enc" / f"{image_files[0].stem}.npz"
    assert cli.main(["decode", str(latent), "-o", str(tmp_path / "d"), "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert f"made with other weights of tiny-vae than those in {bundled}" in err, err
    assert "(pass --vae with a folder that holds its weights to decode it with its own)" in err
    assert f"pass --vae {bundled}" not in err


def test_a_model_of_the_files_name_loaded_is_not_said_to_be_not_loaded(qtbot, window, image_files, tmp_path):
    """The file's folder gone and another my-vae loaded: "my-vae is not loaded and was not found at …"."""
    mine = other_vae(tmp_path / "run1" / "my-vae", 3, "my-vae")
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "mine.npz")
    shutil.rmtree(tmp_path / "run1")
    again = other_vae(tmp_path / "run2" / "my-vae", 4, "my-vae")  # trained again, elsewhere
    load(qtbot, window, again)
    window.open_paths([str(tmp_path / "mine.npz")])
    qtbot.waitUntil(lambda: "mine.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert (f"it was made with my-vae, and the my-vae loaded ({os.path.realpath(again)}) holds other weights than "
            f"those it was made with, and the one that made it was not found at {mine};") in window.last_error


def test_a_model_picked_as_a_files_model_loads_is_said_to_have_replaced_it(qtbot, window, image_files, tmp_path):
    """tiny-vae loaded for a.npz, third-vae picked right after: "tiny-vae did not load"."""
    doc = window.document
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "a.npz")
    third = other_vae(tmp_path / "third-vae", 9, "third-vae")
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    doc.model_loaded.connect(lambda info: doc.load_model(str(third)) if info.name == "tiny-vae" else None)
    window.open_paths([str(tmp_path / "a.npz")])  # loads tiny-vae for it; third-vae is picked as it arrives
    qtbot.waitUntil(lambda: "a.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert "and third-vae was loaded in place of the tiny-vae loaded for it;" in window.last_error
    assert doc.models["vae"].name == "third-vae"


def test_a_model_picked_before_a_files_model_began_to_load_is_said_to_have_replaced_it(qtbot, window, image_files,
                                                                                      tmp_path, monkeypatch):
    """tiny-vae's load for a.npz waited behind a slow decode, third-vae was picked meanwhile (dropping that load):
    "tiny-vae did not load"."""
    doc = window.document
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "a.npz")
    third = other_vae(tmp_path / "third-vae", 9, "third-vae")
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    # the decode held running until both loads are asked: made 1.5 s slow instead, a UI thread held up as long (a
    # busy machine) found it ended and tiny-vae's load begun, which third-vae's then could not drop
    decoded_on, render, picture = threading.Event(), Runtime.render, doc.current.id

    def held(self, kind, latent, mask=None, base=None, tag=0, *args, **kwargs):
        if tag == picture:
            decoded_on.wait(UI_TIMEOUT / 1000)  # a deadline, never a measure
        return render(self, kind, latent, mask, base, tag, *args, **kwargs)
    monkeypatch.setattr(Runtime, "render", held)
    doc.preview((0.5,) + (0.0,) * (len(doc.directions("vae")) - 1))
    qtbot.waitUntil(lambda: doc.engine.queue.pending() == 0, timeout=UI_TIMEOUT)  # the slow decode runs
    window.open_paths([str(tmp_path / "a.npz")])  # tiny-vae's load waits behind it
    doc.load_model(str(third))
    decoded_on.set()
    assert "tiny-vae will not load: third-vae was asked for after it" in window.status.log.text()
    qtbot.waitUntil(lambda: "a.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert ("and third-vae was asked for before the tiny-vae it needs began to load, and loaded instead;"
            in window.last_error)
    assert doc.models["vae"].name == "third-vae"


def test_a_file_opened_apart_while_anothers_model_loads_is_its_own_open(qtbot, window, image_files, tmp_path):
    """b.npz, opened by a second File → Open images… while a.npz's model loaded, was refused as if opened with it:
    "a.npz, opened with it, had tiny-vae loaded for it"."""
    doc = window.document
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "a.npz")
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    window.exports.export_latent(str(tmp_path / "b.npz"))
    load(qtbot, window, other_vae(tmp_path / "third-vae", 9, "third-vae"))
    window.open_paths([str(tmp_path / "a.npz")])  # loads tiny-vae for it
    drop(window, [tmp_path / "b.npz"])  # then b.npz, apart
    qtbot.waitUntil(lambda: {"a", "b"} <= {i.name for i in doc.items.values()} and not doc.jobs, timeout=UI_TIMEOUT)
    assert "not opened" not in window.last_error and doc.models["vae"].name == "other-vae"
    [b] = [i for i in doc.items.values() if i.name == "b"]
    settle(qtbot, b)
    assert np.array_equal(b.image, decoded(tmp_path, tmp_path / "b.npz", tmp_path / "other-vae"))
