"""`genimg train vae|gan`: a few steps on a folder of synthetic shapes (with bad files) give a model folder
the app opens, a card that records how it was made, and a log on stderr."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from genimg_gui.catalog import read_entry
from genimg_gui.earlier_run import BEST_FILE, CHECKPOINT_FILE
from genimg_gui.cli import main
from genimg_gui.models.directions import load_directions
from genimg_gui.models.refine import DISCRIMINATOR_FILE
from genimg_gui.models.weights import CARD_NAME, DIRECTIONS_NAME, WEIGHTS_NAME, load_model, latent_shape
from genimg_gui.train import loop
from genimg_gui.train.run_card import card_options
from genimg_gui.train.vae_recipe import VAERecipe
from genimg_gui.weights_file import weights_digest

from train_helpers import TINY, make_shapes, strict_json, train
from train_helpers import data_dir, measured_dir, restore_threads  # noqa: F401 - fixtures, found by name


SKIPPED = {"file is not an image (the file is empty: 0 bytes)": 1, "file is not an image (it holds text)": 1,
           "smaller than 16px": 1}


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_training_writes_a_model_folder_the_app_opens(kind, data_dir, tmp_path, capsys):
    out = tmp_path / kind
    assert train(kind, data_dir, out, 3, "--data-name", "shapes", "--licence", "CC0") == 0
    assert "40 images" in capsys.readouterr().err
    entry = read_entry(out)
    assert entry is not None and entry.kind == kind
    net, card = load_model(out)
    assert card["resolution"] == 32 and card["kind"] == kind
    assert card["training"]["data"] == "shapes" and card["training"]["licence"] == "CC0"
    assert card["training"]["steps"] == 3 and card["training"]["images"] == 40
    assert card["training"]["skipped"] == SKIPPED
    assert card["weights_sha256"] == weights_digest(out)  # the card knows the weights it describes
    assert load_directions(out, int(np.prod(latent_shape(net)))) is not None
    with Image.open(out / "samples.png") as grid:
        assert grid.width == 8 * 32
    metrics = strict_json(out / "metrics.json")
    assert {k: v for k, v in metrics.items() if k != "history"} == card["metrics"]


def test_a_vae_trained_on_copies_of_one_picture_has_no_directions_and_says_why(data_dir, tmp_path, capsys):
    copies = tmp_path / "copies"
    copies.mkdir()
    for i in range(12):
        shutil.copy(data_dir / "shape (1).png", copies / f"copy {i}.png")
    out = tmp_path / "vae"
    assert train("vae", copies, out, 2) == 0
    net, _ = load_model(out)
    directions = load_directions(out, int(np.prod(latent_shape(net))))
    assert directions is not None and len(directions) == 0  # not "PC1 (nan%)": no variance to share out
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    said = capsys.readouterr().out
    assert "nan" not in said and "none: its latents do not vary" in said


def test_the_log_goes_to_stderr_and_stdout_gets_only_the_line_naming_the_model(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2, "--sample-every", "1") == 0
    said = capsys.readouterr()
    assert said.out.count("\n") == 1 and said.out.startswith(f"wrote {out} after 2 steps: held_out_psnr_db=")
    for line in ("data: 40 images", "step 1/2 | ", "sample grid at step 1: ", "held-out at step 2 ("):
        assert line in said.err


def test_the_card_records_the_data_folder_typed_as_a_relative_path_by_its_full_path(data_dir, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.chdir(data_dir.parent)
    assert train("vae", Path(data_dir.name), tmp_path / "vae", 1) == 0
    assert read_entry(tmp_path / "vae").card["training"]["data"] == str(data_dir.resolve())


def test_the_files_a_run_writes_are_named_as_the_modules_that_write_them_name_them():
    """earlier_run.py cannot import those modules (the dialog reads it without torch), so it spells them out."""
    from genimg_gui.earlier_run import WRITTEN_FILES
    written = {CARD_NAME, WEIGHTS_NAME, DIRECTIONS_NAME, DISCRIMINATOR_FILE, CHECKPOINT_FILE, BEST_FILE}
    assert written <= set(WRITTEN_FILES)


def test_the_card_records_paths_typed_relative_as_absolute_ones(measured_dir, model_dir, tmp_path, monkeypatch):
    """Traced from another folder, "data" or "vae1" as typed named nothing. (measured_dir: figures, whose "how"
    names the VAE.)"""
    monkeypatch.chdir(tmp_path)
    for link, target in (("data", measured_dir), ("vae1", model_dir / "tiny-vae")):
        (tmp_path / link).symlink_to(target, target_is_directory=True)
    Path("labels.csv").write_text("file,kind\n" + "".join(f"{f},{'a' if i % 2 else 'b'}\n" for i, f in enumerate(
        p.relative_to(measured_dir).as_posix() for p in sorted(measured_dir.rglob("shape*.png")))))
    assert main(["train", "gan", "data", "-o", "gan1", "--latent-of", "vae1", "--labels", "labels.csv",
                 "--label-column", "kind", "--steps", "1", "--batch-size", "8", "--resolution",
                 "32", "--threads", "1", "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    card = load_model(tmp_path / "gan1")[1]
    options = card["training"]["options"]
    absolute = lambda typed: str(Path(typed).resolve())  # noqa: E731 (the links resolve to their targets)
    assert options["data"] == absolute("data") == str(measured_dir.resolve())
    assert (options["out"], options["labels"]) == (absolute("gan1"), absolute("labels.csv"))
    assert options["extra"]["latent_of"] == absolute("vae1")
    # by its name: the path is long and would name the trainer's home folder on a shared model's card
    assert "encoded by the VAE tiny-vae " in card["metrics"]["how"] and str(tmp_path) not in card["metrics"]["how"]
    relative = loop.TrainOptions(data=Path("data"), out=Path("x1"), init="vae1", labels="folders")
    recorded = card_options(relative)
    assert (recorded["init"], recorded["labels"]) == (absolute("vae1"), "folders")  # folders: no path
    named_folders = card_options(loop.TrainOptions(data=Path("folders"), out=Path("folders"), init="folders"))
    assert named_folders["data"] == named_folders["out"] == named_folders["init"] == absolute("folders")


def test_the_card_records_the_command_line_as_typed(tmp_path, monkeypatch):
    """The README says each card records the command; card.json had the options only."""
    data = make_shapes(tmp_path / "my shapes", 12)
    monkeypatch.chdir(tmp_path)
    typed = ["train", "vae", "my shapes", "-o", "vae1", "--steps", "1", "--batch-size", "4", "--resolution", "32",
             "--threads", "1", *TINY["vae"]]
    assert main(typed) == 0
    card = strict_json(tmp_path / "vae1" / "card.json")
    assert card["training"]["command"] == (
        "genimg train vae 'my shapes' -o vae1 --steps 1 --batch-size 4 "
        "--resolution 32 --threads 1 --set 'channels=[8,16]' --set latent_channels=2")
    assert "command" not in card["training"]["options"] and data.is_dir()
    assert main([*typed[:5], "--steps", "2", "--resume"]) == 0  # typed otherwise: no difference to refuse
    assert strict_json(tmp_path / "vae1" / "card.json")["training"]["command"] == (
        "genimg train vae 'my shapes' -o vae1 --steps 2 --resume")  # the run that wrote the card


def test_the_progress_line_shows_the_step_total_only_when_the_steps_end_the_run(data_dir, tmp_path):
    """Under --minutes it read "step 1/20000 | … | ETA 1.0 min": 20,000, the default --steps, was no limit."""
    lines = []
    by_time = loop.TrainOptions(data_dir, tmp_path, batch_size=8, minutes=1.0)  # --steps: 20,000
    loop._report(lines.append, 1, by_time, 8, 100.0, 6.0, {"mse": 0.5})
    assert lines[-1] == "step 1 | 100 img/s | mse=0.5000 | 0.9 min left"
    by_steps = replace(by_time, steps=20)
    loop._report(lines.append, 1, by_steps, 8, 100.0, 6.0, {"mse": 0.5})
    assert lines[-1].startswith("step 1/20 | 100 img/s | mse=0.5000 | ETA 0.0 min")
    loop._report(lines.append, 1, replace(by_steps, minutes=None), 8, 100.0, 6.0, {"mse": 0.5})
    assert lines[-1].startswith("step 1/20 | ")


def test_bf16_mixed_precision_trains_and_exports_fp32_weights(data_dir, tmp_path):
    out = tmp_path / "bf16"
    assert train("vae", data_dir, out, 2, "--precision", "bf16") == 0
    net, card = load_model(out)
    assert card["training"]["options"]["precision"] == "bf16"
    assert all(p.dtype == torch.float32 and torch.isfinite(p).all() for p in net.parameters())


@pytest.mark.parametrize("amx", [True, False])
def test_auto_precision_is_bf16_on_a_cpu_with_bf16_matrix_units_and_the_card_says_which(data_dir, tmp_path,
                                                                                         monkeypatch, amx):
    monkeypatch.setattr("genimg_gui.train.loop.native_bf16_cpu", lambda: amx)
    seen = []  # whether each training step ran under bf16 autocast
    step = VAERecipe.step

    def watched(self, *args):
        seen.append(torch.is_autocast_enabled("cpu"))
        return step(self, *args)

    monkeypatch.setattr(VAERecipe, "step", watched)
    assert train("vae", data_dir, tmp_path / "auto", 2, "--device", "cpu") == 0
    card = json.loads((tmp_path / "auto" / "card.json").read_text())
    assert seen == [amx, amx]
    assert card["training"]["precision"] == ("bf16" if amx else "fp32")
    assert card["training"]["options"]["precision"] == "auto"
