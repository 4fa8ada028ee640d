"""Where `genimg train` and the Train… dialog write a model: never in the folder of the VAE a GAN draws in (Start over
there deleted the VAE), nor in a sub-folder of the data that holds some of its images (the run left them out, and
every later run too), and a Model kind changed in the dialog moves Save to off a model of the other kind."""
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from genimg_gui.cli import main
from genimg_gui.earlier_run import LOCK_FILE
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_run import default_output
from train_helpers import TINY, make_shapes
import test_train_dialog
from test_train_dialog import answer, dialog_for, started_with, vae_entry

shapes = test_train_dialog.shapes  # a fixture: 40 small images
LATENT_GAN = ["--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]


def tiny_run(kind: str, data: Path, out: Path, *extra: str) -> int:
    return main(["train", kind, str(data), "-o", str(out), "--steps", "1", "--batch-size", "8", "--threads", "1",
                 *extra])


@pytest.mark.parametrize("where", ["vae", "vae/gan", "."], ids=["the VAE's folder", "inside it", "holding it"])
def test_a_gan_is_not_written_in_the_folder_of_the_vae_it_draws_in(where, model_dir, tmp_path, capsys):
    """`-o V --latent-of V --overwrite` deleted every file of V at the run's start and wrote the GAN there."""
    data = make_shapes(tmp_path / "data", 12)
    vae = shutil.copytree(model_dir / "tiny-vae", tmp_path / "models" / "vae")
    before = {f.name: f.read_bytes() for f in vae.iterdir()}
    out = tmp_path / "models" / where
    assert tiny_run("gan", data, out, "--latent-of", str(vae), "--overwrite", *LATENT_GAN) == 2
    err = capsys.readouterr().err
    what = {"vae": "is the --latent-of VAE's folder", "vae/gan": f"is inside the --latent-of VAE's folder {vae}",
            ".": f"holds the --latent-of VAE's folder {vae}"}[where]
    assert f"-o {out} {what}: write the GAN to a folder of its own, apart from the VAE it draws in" in err
    assert {f.name: f.read_bytes() for f in vae.iterdir()} == before  # refused before anything was written
    assert tiny_run("gan", data, tmp_path / "models" / "gan", "--latent-of", str(vae), *LATENT_GAN) == 0


def test_a_sub_folder_of_the_data_that_holds_images_is_refused_as_the_output(tmp_path, capsys):
    """`-o DIR/circles` with 5 of DIR's images in it trained on the others ("1 file skipped"), and DIR/circles,
    a model folder from then on, was left out of every later run."""
    data = make_shapes(tmp_path / "data", 12)
    make_shapes(data / "circles", 5)  # and its own more/ sub-folder, with 2 of them
    code = main(["train", "vae", str(data), "-o", str(data / "circles"), "--steps", "1", "--threads", "1",
                 "--resolution", "32", *TINY["vae"]])
    assert code == 2
    err = capsys.readouterr().err
    assert (f"-o {data / 'circles'} holds 5 of the training images: write the model to another folder or an empty "
            "sub-folder") in err
    assert not list(data.rglob("*.json")) and not list(data.rglob(LOCK_FILE))  # refused before anything was written
    (data / "empty").mkdir()
    assert main(["train", "vae", str(data), "-o", str(data / "empty"), "--steps", "1", "--threads", "1",
                 "--batch-size", "8", "--resolution", "32", *TINY["vae"]]) == 0
    assert f"data: 17 images from {data.resolve()};" in capsys.readouterr().err  # circles' images trained on


def test_images_in_output_counts_only_images_a_run_would_train_on(tmp_path):
    from genimg_gui.data_folder import images_in_output  # new: the other tests run on the old code too
    data = make_shapes(tmp_path / "data", 6)
    killed = data / "runs" / "killed"  # a run killed outright after its first grid, before its first checkpoint
    killed.mkdir(parents=True)
    Image.new("RGB", (32, 32), "red").save(killed / "samples.png")
    assert images_in_output(data, killed) == (0, True)
    model = data / "m1"  # an earlier run's folder: the walk leaves it out, so a --resume into it loses nothing
    make_shapes(model / "sub", 3)
    (model / "card.json").write_text("{}")
    (model / "model.safetensors").write_bytes(b"")
    assert images_in_output(data, model / "sub") == (0, True)
    assert images_in_output(data, data / "more") == (2, True)
    assert images_in_output(data, data) == (0, True) and images_in_output(data, tmp_path) == (0, True)
    assert images_in_output(data, data / "more", look_at=1) == (1, False)


def vae_folder(path: Path) -> Path:
    """A VAE's model folder as the dialog reads it (its card's kind)."""
    path.mkdir(parents=True)
    (path / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": 3}}))
    (path / "checkpoint.pt").write_bytes(b"")
    return path


def test_a_changed_kind_moves_save_to_off_a_model_of_the_other_kind(qtbot, shapes, tmp_path):
    """The tester's steps: a VAE trained into vae_gui, then Model → gan: Save to stayed vae_gui, and Start over ran
    `genimg train gan … -o vae_gui --overwrite --latent-of vae_gui`, deleting the VAE."""
    vae = vae_folder(tmp_path / "vae_gui")
    dialog = TrainDialog(models=[vae_entry(vae)], active_vae=str(vae))
    qtbot.addWidget(dialog)
    dialog.data.setText(str(shapes))
    dialog.out.setText(str(vae))  # typed: a suggestion would follow the kind anyway
    dialog.kind.set_value("gan")
    assert dialog.space.currentData() == str(vae)
    assert dialog.out.text() == default_output(str(shapes), "gan")
    dialog.out.setText(str(vae))  # typed back: refused before Start, and at Start with no question asked
    note = (f"⚠ Save to {vae} is the folder of the VAE the GAN draws in: starting over there would delete that VAE. "
            "Save the GAN to a folder of its own.")
    assert dialog.out_note.isVisibleTo(dialog) and dialog.out_note.text() == note
    asked, started = answer(dialog, "--overwrite"), started_with(dialog)
    assert not dialog.start_button.isEnabled() and dialog.start_button.toolTip() == note.removeprefix("⚠ ")
    dialog.start()
    assert not asked and not started and dialog.watch.log.toPlainText() == ""
    dialog.space.setCurrentIndex(dialog.space.findData(""))  # pixels: Start over a VAE with a GAN is asked
    assert not dialog.out_note.isVisibleTo(dialog) and dialog.start_button.isEnabled()
    dialog.kind.set_value("vae")  # back to the kind Save to holds: it stays
    assert dialog.out.text() == str(vae)
    gan = tmp_path / "gan_gui"
    gan.mkdir()
    (gan / "card.json").write_text(json.dumps({"kind": "gan"}))
    dialog.out.setText(str(gan))
    dialog.kind.set_value("gan")  # a GAN's folder stays for a GAN
    assert dialog.out.text() == str(gan)


def test_save_to_a_sub_folder_of_the_images_that_holds_some_is_said_and_refused(qtbot, shapes, tmp_path):
    for i in range(3):
        (shapes / "circles").mkdir(exist_ok=True)
        shutil.copy(shapes / f"{i}.png", shapes / "circles" / f"{i}.png")
    dialog = dialog_for(qtbot, shapes, shapes / "circles", minutes=1)
    said = (f"⚠ Save to {shapes / 'circles'} holds 3 of the training images: save the model to another folder or "
            "an empty sub-folder.")
    assert dialog.out_note.isVisibleTo(dialog) and dialog.out_note.text() == said
    started = started_with(dialog)
    assert not dialog.start_button.isEnabled()
    dialog.start()
    assert not started and dialog.watch.log.toPlainText() == ""
    dialog.out.setText(str(shapes / "new"))  # a new sub-folder: the run leaves it out of its images
    assert not dialog.out_note.isVisibleTo(dialog)
    dialog.start()
    assert started


def test_save_to_moved_off_a_vae_with_images_empty_names_no_current_folder(qtbot, tmp_path, monkeypatch):
    """Images empty, Save to a VAE's folder, Model → gan: Save to became ~/genimg-models/gan-<the current folder's
    name>, where an empty Images names "images"."""
    vae = vae_folder(tmp_path / "vae_gui")
    monkeypatch.chdir(vae)
    dialog = TrainDialog(models=[vae_entry(vae)], active_vae=str(vae))
    qtbot.addWidget(dialog)
    dialog.data.setText("")
    dialog.out.setText(str(vae))
    dialog.kind.set_value("gan")
    assert Path(dialog.out.text()).name == "gan-images"
