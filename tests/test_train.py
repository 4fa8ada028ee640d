"""`genimg train vae|gan`: a few steps on a folder of synthetic shapes (with bad files) give a model folder."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from genimg_gui.catalog import metrics_text, read_entry
from genimg_gui.earlier_run import BEST_FILE, CHECKPOINT_FILE, LOCK_FILE, card_steps
from genimg_gui.cli import main
from genimg_gui.models.directions import load_directions
from genimg_gui.models.tensors import as_pixels
from genimg_gui.models.refine import DISCRIMINATOR_FILE
from genimg_gui.models.weights import CARD_NAME, DIRECTIONS_NAME, WEIGHTS_NAME, load_model, latent_shape
from genimg_gui.train import loop
from genimg_gui.train.augment import ADA_IMAGES, ADA_INTERVAL, AugmentChance, latent_augment, translation
from genimg_gui.train.data import FolderData, load_folder, recorded_split, with_mirrors
from genimg_gui.train.latent_gan_recipe import MIN_HELD_OUT
from genimg_gui.train.metrics import (class_variety, mean_distance, nearest_label_agreement, precision_recall,
                                     reconstruction_figures)
from genimg_gui.train.run_card import card_options
from genimg_gui.train.run_log import held_out_lines, held_out_short
from genimg_gui.train.settings import ALLOWED, GAN_SETTINGS, VAE_SETTINGS
from genimg_gui.train.vae_recipe import VAERecipe
from genimg_gui.weights_file import weights_digest
from genimg_gui.wording import counted

TINY = {"vae": ["--set", "channels=[8,16]", "--set", "latent_channels=2"],
        "gan": ["--set", "channels=[32,16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]}
SKIPPED = {"file is not an image": 2, "smaller than 16px": 1}


def make_shapes(folder: Path, n: int) -> Path:
    """n coloured rectangles and ellipses on white, some in a subfolder, names with spaces and brackets."""
    rng = np.random.default_rng(0)
    (folder / "more").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        im = Image.new("RGB", (48, 40), "white")
        x, y = (int(v) for v in rng.integers(0, 24, 2))
        draw = ImageDraw.Draw(im)
        colour = tuple(rng.integers(0, 255, 3).tolist())
        (draw.ellipse if i % 2 else draw.rectangle)([x, y, x + 20, y + 14], fill=colour)
        im.save(folder / ("more" if i % 3 == 0 else "") / f"shape ({i}).png")
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = make_shapes(tmp_path_factory.mktemp("shapes"), 40)
    (folder / "empty (copy).png").write_bytes(b"")
    (folder / "notes.jpg").write_text("not a picture")
    Image.new("RGB", (4, 4), "red").save(folder / "tiny.png")
    return folder


@pytest.fixture(scope="module")
def measured_dir(tmp_path_factory) -> Path:
    """A folder that holds out enough images for a latent GAN's precision/recall (MIN_HELD_OUT, a tenth)."""
    return make_shapes(tmp_path_factory.mktemp("measured"), 10 * MIN_HELD_OUT)


@pytest.fixture(autouse=True)
def restore_threads():
    """--threads 1 (fast beside other busy processes) sets torch's thread count for the whole process."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def train(kind: str, data: Path, out: Path, steps: int = 3, *extra) -> int:
    return main(["train", kind, str(data), "-o", str(out), "--steps", str(steps), "--batch-size", "8",
                 "--holdout", "8", "--resolution", "32", "--threads", "1", *TINY[kind], *extra])


def strict_json(path: Path):
    def refuse(token):
        raise ValueError(f"{path.name} holds {token}, which is not JSON")
    return json.loads(path.read_text(), parse_constant=refuse)


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


def test_skipped_files_are_named_on_stderr_the_first_ten_of_each_reason(tmp_path, capsys):
    data = make_shapes(tmp_path / "data", 12)
    for i in range(12):
        (data / f"bad {i:02}.png").write_bytes(b"")
    Image.new("RGB", (4, 4), "red").save(data / "more" / "tiny.png")
    assert train("vae", data, tmp_path / "out", 1) == 0
    err = capsys.readouterr().err
    assert f"data: 12 images from {data.resolve()}, 13 files skipped; device: " in err
    named = ", ".join(f"bad {i:02}.png" for i in range(10))
    assert f"\nskipped, not an image: {named}, and 2 more\n" in err
    assert "\nskipped, smaller than 16px: more/tiny.png\n" in err
    assert read_entry(tmp_path / "out").card["training"]["skipped"] == {"file is not an image": 12,
                                                                        "smaller than 16px": 1}


def test_a_folder_without_a_usable_image_names_the_files_skipped(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "bad.png").write_bytes(b"")
    assert train("vae", data, tmp_path / "out", 1) == 1
    assert (f"no usable images in {data.resolve()}, 1 file skipped:\nskipped, not an image: bad.png"
            in capsys.readouterr().err)


def test_the_card_records_the_data_folder_typed_as_a_relative_path_by_its_full_path(data_dir, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.chdir(data_dir.parent)
    assert train("vae", Path(data_dir.name), tmp_path / "vae", 1) == 0
    assert read_entry(tmp_path / "vae").card["training"]["data"] == str(data_dir.resolve())


def test_resume_continues_to_the_new_step_count(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    assert train("vae", data_dir, out, 4, "--resume") == 0
    assert "resumed from step 2" in capsys.readouterr().err
    assert load_model(out)[1]["training"]["steps"] == 4
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 4
    assert "already reached" not in capsys.readouterr().err
    # a --steps the run has passed: it said "resumed from step 4" and "wrote … after 4 steps", and no more
    assert train("vae", data_dir, out, 3, "--resume") == 0
    assert ("--steps 3 already reached at step 4: nothing to train; pass a larger --steps (it counts the resumed "
            "steps too)") in capsys.readouterr().err
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 4


def test_a_plain_resume_keeps_the_batch_size_of_the_run(data_dir, tmp_path, capsys):
    """It trained at the default 32 instead, and the card said so."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2, "--batch-size", "4") == 0  # typed after train()'s own 8: this one counts
    capsys.readouterr()
    untyped = ["train", "vae", str(data_dir), "-o", str(out), "--holdout", "8", "--resolution", "32", "--threads", "1",
               *TINY["vae"], "--resume"]
    assert main([*untyped, "--steps", "3"]) == 0
    assert "resuming with the run's --batch-size 4" in capsys.readouterr().err
    assert load_model(out)[1]["training"]["batch_size"] == 4
    assert main([*untyped, "--steps", "4", "--batch-size", "16"]) == 0  # typed: the new one
    assert "resuming with the run's" not in capsys.readouterr().err
    assert load_model(out)[1]["training"]["batch_size"] == 16


def test_an_earlier_run_in_the_output_folder_is_kept_unless_resume_or_overwrite_says_what_to_do(
        data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    out.mkdir()  # an empty folder needs neither
    assert train("vae", data_dir, out, 2) == 0
    capsys.readouterr()
    assert train("vae", data_dir, out, 3) == 2  # a forgotten --resume: refused before any work
    err = capsys.readouterr().err
    assert f"{out} already holds an earlier run (card.json, model.safetensors, checkpoint.pt; 2 steps)" in err
    assert "add --resume to go on from it, or --overwrite to replace it" in err
    assert load_model(out)[1]["training"]["steps"] == 2
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 2
    assert train("vae", data_dir, out, 3, "--resume", "--overwrite") == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert train("vae", data_dir, out, 1, "--overwrite") == 0  # a new run from step 0
    assert load_model(out)[1]["training"]["steps"] == 1
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 1


def test_under_torchrun_only_rank_0_says_why_a_run_is_refused(data_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0
    capsys.readouterr()
    monkeypatch.setenv("RANK", "1")  # as torchrun sets it in each process it starts, before any group is joined
    assert train("vae", data_dir, out, 2) == 2
    assert capsys.readouterr().err == ""
    assert train("vae", data_dir, out, 2, "--resume", "--overwrite") == 2  # refused by argparse itself
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("RANK", "0")
    assert train("vae", data_dir, out, 2) == 2
    assert "already holds an earlier run" in capsys.readouterr().err
    assert train("vae", data_dir, out, 2, "--resume", "--overwrite") == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_checkpoint_alone_is_an_earlier_run_and_a_model_alone_cannot_be_resumed(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    (out / "card.json").unlink()  # as after a run killed outright before it wrote its first card
    (out / "model.safetensors").rename(tmp_path / "model.safetensors")
    assert train("vae", data_dir, out, 3) == 2
    assert "holds an earlier run (checkpoint.pt; 2 steps)" in capsys.readouterr().err  # the checkpoint's step
    (out / "checkpoint.pt").unlink()
    (tmp_path / "model.safetensors").rename(out / "model.safetensors")
    assert train("vae", data_dir, out, 3, "--resume") == 2  # it would start from scratch over the model
    assert "but no checkpoint.pt to resume: add --overwrite instead of --resume" in capsys.readouterr().err
    assert train("vae", data_dir, out, 1, "--overwrite") == 0


def test_overwrite_removes_every_file_of_the_replaced_run_before_it_trains(data_dir, tmp_path, monkeypatch, capsys):
    """A new run killed outright before it writes its own card left the old card (and model) beside its
    checkpoint: the app listed the old model, and Continue resumed the new run under the old run's steps."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2, "--sample-every", "1", "--keep-best") == 0
    for name in ("discriminator.safetensors", ".checkpoint.pt.tmp"):  # a GAN's, and a checkpoint cut off mid-write
        (out / name).write_bytes(b"old")
    assert {f.name for f in out.iterdir()} >= {"card.json", "model.safetensors", "directions.safetensors", "best.pt",
                                               "checkpoint.pt", "metrics.json", "samples.png"}
    step = VAERecipe.step

    def killed(self, batch, n, labels=None):  # what a hard kill at the first step leaves: nothing of the old run
        assert [f.name for f in out.iterdir()] == [LOCK_FILE]  # the live run's own
        return step(self, batch, n, labels)

    monkeypatch.setattr(VAERecipe, "step", killed)
    # --init may name the folder replaced: its model is read before the folder is emptied
    assert train("vae", data_dir, out, 1, "--overwrite", "--init", str(out)) == 0
    assert "starting from" in capsys.readouterr().err


def test_the_files_a_run_writes_are_named_as_the_modules_that_write_them_name_them():
    """earlier_run.py cannot import those modules (the dialog reads it without torch), so it spells them out."""
    from genimg_gui.earlier_run import WRITTEN_FILES
    written = {CARD_NAME, WEIGHTS_NAME, DIRECTIONS_NAME, DISCRIMINATOR_FILE, CHECKPOINT_FILE, BEST_FILE}
    assert written <= set(WRITTEN_FILES)


def test_held_out_figures_are_logged_as_training_goes_and_kept_across_resume(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2, "--sample-every", "1") == 0
    assert "held-out at step 2 (" in capsys.readouterr().err
    assert train("vae", data_dir, out, 3, "--sample-every", "1", "--resume") == 0
    log, metrics = capsys.readouterr().err, strict_json(out / "metrics.json")
    assert "held-out at step 3 (" in log and "held-out at step 1 " not in log  # not re-run after resume
    history = metrics["history"]
    assert [h["step"] for h in history] == [1, 2, 3]
    assert [h["minutes"] for h in history] == sorted(h["minutes"] for h in history)
    assert history[-1]["held_out_psnr_db"] == metrics["held_out_psnr_db"]  # the same network as the final figure
    assert all(0 < h["held_out_ssim"] <= 1 for h in history)


def test_recorded_split_rebuilds_the_held_out_images_a_run_measured(data_dir, tmp_path):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    vae, card = load_model(out)
    data = load_folder(data_dir, card["resolution"])
    _, held = recorded_split(data, card)
    assert len(held) == card["training"]["held_out"] > 0
    images = as_pixels(data.images[held].permute(0, 3, 1, 2))
    with torch.no_grad():
        figures = reconstruction_figures(vae.decode(vae.encode(images)[0]), images)
    logged = strict_json(out / "metrics.json")  # what the run measured on its own held-out split
    assert figures["held_out_psnr_db"] == pytest.approx(logged["held_out_psnr_db"], abs=0.011)
    assert figures["held_out_ssim"] == pytest.approx(logged["held_out_ssim"], abs=1e-4)


def test_mirror_trains_an_epoch_on_each_training_image_and_its_mirror_and_never_on_held_out_ones(
        data_dir, tmp_path, monkeypatch, capsys):
    seen = []
    real_step = VAERecipe.step
    monkeypatch.setattr(VAERecipe, "step", lambda self, batch, step, labels=None: seen.append(batch.clone())
                        or real_step(self, batch, step, labels))
    assert train("vae", data_dir, tmp_path / "v", 9, "--mirror") == 0  # 36 training images, mirrored: 72, 9 batches
    assert "mirror: 36 training images and their left-right mirrors, 72 in all" in capsys.readouterr().err
    card = strict_json(tmp_path / "v" / "card.json")
    assert card["training"]["images"] == 40 and card["training"]["options"]["mirror"] is True
    data = load_folder(data_dir, 32)
    train_idx, held_idx = recorded_split(data, card)  # the folder's own split: mirroring leaves it as it was
    pixels = as_pixels(data.images.permute(0, 3, 1, 2))
    wanted = torch.cat([pixels[train_idx], pixels[train_idx].flip(3)])
    drawn = torch.cat(seen)
    assert len(drawn) == len(wanted) == 72
    key = lambda images: sorted(im.numpy().tobytes() for im in images)  # noqa: E731 - multiset of images
    assert key(drawn) == key(wanted)
    assert not set(key(drawn)) & set(key(pixels[held_idx]))


def test_mirror_keeps_each_label_with_its_image():
    images = torch.randint(0, 256, (4, 8, 8, 3), dtype=torch.uint8)
    data = FolderData(images, [f"{i}.png" for i in range(4)], labels=torch.tensor([0, 1, 2, 1]),
                      classes=("a", "b", "c"))
    pixels, labels, idx = with_mirrors(data, torch.tensor([2, 0, 3]))  # image 1 held out
    assert idx.tolist() == [2, 0, 3, 4, 5, 6]
    assert torch.equal(pixels[:4], images) and torch.equal(pixels[4:], images[[2, 0, 3]].flip(2))
    assert labels.tolist() == [0, 1, 2, 1, 2, 0, 1]


def test_a_pixel_gan_logs_its_sample_grids_but_no_held_out_figures(data_dir, tmp_path, capsys):
    assert train("gan", data_dir, tmp_path / "gan", 2, "--sample-every", "1") == 0
    log = capsys.readouterr().err
    assert "held-out at" not in log  # it has no feature space to measure in
    # said at the start, as a latent GAN says why its held-out images give no figures; data_dir: 40 usable images
    assert ("held out: 4 images (--holdout 8 is more than a tenth of 40 images), not measured while a GAN draws in "
            "pixels (no feature space to compare its samples with them in; benchmarks/discriminator_accuracy.py "
            "judges them with its discriminator): this run reports no held-out figures") in log.split("step 1/")[0]
    assert f"sample grid at step 2: {tmp_path / 'gan' / 'samples.png'}" in log  # where the Train… dialog looks
    assert "history" not in strict_json(tmp_path / "gan" / "metrics.json")


def test_precision_and_recall_tell_a_collapsed_generator_from_a_faithful_one():
    real = torch.randn(200, 8, generator=torch.Generator().manual_seed(0))
    assert precision_recall(real, real.clone()) == (1.0, 1.0)
    collapsed = real[:1].repeat(200, 1) + 1e-3 * torch.randn(200, 8)  # every sample is one training image
    precision, recall = precision_recall(real, collapsed)
    assert precision == 1.0 and recall < 0.05
    assert precision_recall(real, real + 100.0) == (0.0, 0.0)  # nowhere near the data


def test_nearest_label_agreement_scores_each_class_by_where_its_samples_land():
    gen = torch.Generator().manual_seed(0)
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    ref_labels = torch.arange(3).repeat_interleave(50)
    ref = centres[ref_labels] + torch.randn(150, 2, generator=gen)
    # class 0 drawn where class 0 lives; class 1 drawn where class 2 lives; half of class 2's in each
    query = torch.cat([centres[[0] * 20], centres[[2] * 20], centres[[2] * 10 + [1] * 10]]) + 0.1
    query_labels = torch.tensor([0] * 20 + [1] * 20 + [2] * 20)
    assert nearest_label_agreement(ref, ref_labels, query, query_labels, 3) == [1.0, 0.0, 0.5]
    fourth = nearest_label_agreement(ref, ref_labels, query, query_labels, 4)[3]
    assert fourth != fourth  # nan: no samples of that class to judge


def test_class_variety_is_near_one_for_a_class_like_its_data_and_near_zero_for_one_image():
    gen = torch.Generator().manual_seed(0)
    ref_labels = torch.arange(2).repeat_interleave(200)
    ref = torch.randn(400, 8, generator=gen) * torch.tensor([1.0, 3.0]).repeat_interleave(200)[:, None]
    like_data = torch.randn(100, 8, generator=gen)  # class 0: spread as its data
    one_image = torch.full((100, 8), 2.0) + 0.01 * torch.randn(100, 8, generator=gen)  # class 1: collapsed
    variety = class_variety(torch.cat([like_data, one_image]), ref_labels[::2], ref, ref_labels, 2)
    assert variety[0] == pytest.approx(1.0, abs=0.1) and variety[1] < 0.01
    assert mean_distance(torch.zeros(1, 8)) != mean_distance(torch.zeros(1, 8))  # nan: no pair to measure


def checkpoint_lrs(out, optimiser: str) -> list[float]:
    """The learning rate of each parameter group of a run's checkpointed optimiser."""
    state = torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]
    return [group["lr"] for group in state[optimiser]["param_groups"]]


@pytest.mark.parametrize("kind, groups", [("vae", [1.0]), ("gan", [0.1, 1.0])])  # the GAN's mapping learns at 0.1x
def test_lr_on_a_resumed_run_takes_effect_and_is_kept_after(kind, groups, data_dir, tmp_path):
    out = tmp_path / kind
    lrs = lambda: checkpoint_lrs(out, "opt" if kind == "vae" else "opt_g")  # noqa: E731
    assert train(kind, data_dir, out, 1, "--lr", "0.001") == 0
    assert lrs() == pytest.approx([0.001 * g for g in groups])
    assert train(kind, data_dir, out, 2, "--resume", "--lr", "0.0001") == 0
    assert lrs() == pytest.approx([0.0001 * g for g in groups])
    assert train(kind, data_dir, out, 3, "--resume") == 0  # without --lr: the rate it was left at
    assert lrs() == pytest.approx([0.0001 * g for g in groups])


def test_mapping_lr_sets_the_mapping_rate_and_a_resumed_run_keeps_it(data_dir, tmp_path, capsys):
    out = tmp_path / "gan"
    lrs = lambda: checkpoint_lrs(out, "opt_g")  # noqa: E731
    assert train("gan", data_dir, out, 1, "--lr", "0.001", "--set", "mapping_lr=0.5") == 0
    assert lrs() == pytest.approx([0.0005, 0.001])
    assert train("gan", data_dir, out, 2, "--resume", "--lr", "0.0001") == 0  # a new --lr keeps the ratio
    assert lrs() == pytest.approx([0.00005, 0.0001])
    assert train("gan", data_dir, out, 3, "--resume", "--set", "mapping_lr=1") == 0  # a new ratio takes effect
    assert lrs() == pytest.approx([0.0001, 0.0001])
    assert load_model(out)[1]["objective"]["mapping_lr"] == 1.0  # the card says what the last run used
    assert train("gan", data_dir, out, 4, "--resume", "--set", "mapping_lr=0") == 2  # a typed mistake
    assert "must be > 0" in capsys.readouterr().err


def test_the_ema_forgets_at_the_same_rate_per_image_whatever_the_batch(data_dir, tmp_path):
    """0.999 a step at batch 32, so a batch of 8 decays a quarter as much a step. --set ema is taken as given."""
    for batch in (8, 32):
        assert train("gan", data_dir, tmp_path / str(batch), 1, "--batch-size", str(batch)) == 0
    assert load_model(tmp_path / "32")[1]["objective"]["ema"] == pytest.approx(0.999)
    assert load_model(tmp_path / "8")[1]["objective"]["ema"] == pytest.approx(0.999 ** 0.25)
    assert train("gan", data_dir, tmp_path / "set", 1, "--set", "ema=0.99") == 0
    assert load_model(tmp_path / "set")[1]["objective"]["ema"] == 0.99


def test_d_lr_sets_the_discriminator_rate_and_a_resumed_run_keeps_it(data_dir, tmp_path, capsys):
    out = tmp_path / "gan"
    lrs = lambda: checkpoint_lrs(out, "opt_d")  # noqa: E731
    assert train("gan", data_dir, out, 1, "--lr", "0.0001", "--set", "d_lr=4") == 0
    assert lrs() == pytest.approx([0.0004])
    assert train("gan", data_dir, out, 2, "--resume", "--lr", "0.00001") == 0  # a new --lr keeps the multiple
    assert lrs() == pytest.approx([0.00004])
    assert train("gan", data_dir, out, 3, "--resume", "--set", "d_lr=1") == 0  # a new multiple takes effect
    assert lrs() == pytest.approx([0.00001])
    assert load_model(out)[1]["objective"]["d_lr"] == 1.0
    assert train("gan", data_dir, out, 4, "--resume", "--set", "d_lr=-1") == 2  # a typed mistake
    assert "--set d_lr=-1: a multiple of the learning rate" in capsys.readouterr().err


def test_mode_seeking_shows_in_the_progress_line_and_a_resumed_run_keeps_it(data_dir, tmp_path, capsys):
    out = tmp_path / "gan"
    assert train("gan", data_dir, out, 1, "--set", "mode_seeking=0.5") == 0
    assert " ms=" in capsys.readouterr().err
    assert train("gan", data_dir, out, 2, "--resume") == 0  # like the learning rates: the run's own
    assert " ms=" in capsys.readouterr().err
    assert load_model(out)[1]["objective"]["mode_seeking"] == 0.5
    assert train("gan", data_dir, out, 3, "--resume", "--set", "mode_seeking=0") == 0  # given anew, it counts
    assert " ms=" not in capsys.readouterr().err
    assert load_model(out)[1]["objective"]["mode_seeking"] == 0.0


def test_minutes_count_this_run_not_the_resumed_ones(data_dir, tmp_path):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0
    ckpt = torch.load(out / "checkpoint.pt", weights_only=True)
    torch.save({**ckpt, "seconds": 3600.0}, out / "checkpoint.pt")  # the first run took an hour
    assert train("vae", data_dir, out, 2, "--resume", "--minutes", "30") == 0
    assert load_model(out)[1]["training"]["steps"] == 2


@pytest.mark.parametrize("minutes", ["-1", "0", "nan"])
def test_a_time_budget_of_no_time_is_a_usage_error_and_writes_nothing(minutes, data_dir, tmp_path, capsys):
    assert train("vae", data_dir, tmp_path / "out", 3, "--minutes", minutes) == 2
    assert "--minutes: must be a number above 0" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # no untrained 0-step model


def test_resuming_another_kind_is_a_clear_error(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0
    assert train("gan", data_dir, out, 2, "--resume") == 2  # a mistake in what was typed
    err = capsys.readouterr().err
    assert "does not fit this run: the run was started with `genimg train vae` (now: `genimg train gan`); " in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind, other", [("vae", "gan"), ("gan", "vae")])
def test_a_checkpoint_of_the_other_kind_copied_in_names_the_kind_it_holds(kind, other, data_dir, tmp_path, capsys):
    """The card says this run's kind; the copied checkpoint read as "KeyError: 'net'" (exit 1, `genimg:`)."""
    out, theirs = tmp_path / kind, tmp_path / other
    assert train(kind, data_dir, out, 1) == 0 and train(other, data_dir, theirs, 1) == 0
    shutil.copy(theirs / "checkpoint.pt", out / "checkpoint.pt")
    capsys.readouterr()
    assert train(kind, data_dir, out, 2, "--resume") == 2
    err = capsys.readouterr().err
    assert (f"genimg train: error: {out / 'checkpoint.pt'} does not fit this run: it was written by "
            f"`genimg train {other}` (now: `genimg train {kind}`); resume with") in err
    assert "KeyError" not in err and "Traceback" not in err


def test_resuming_with_another_latent_space_names_the_one_the_run_was_started_with(data_dir, model_dir, tmp_path,
                                                                                    capsys):
    vae3 = tmp_path / "vae3"
    assert train("vae", data_dir, vae3, 1, "--set", "latent_channels=4") == 0  # latents 4x16x16, not 2x16x16
    out = tmp_path / "gan"
    latent = ["--set", "channels=[16,8,8]"]  # from 4x4 to the latent side, 16
    assert train("gan", data_dir, out, 1, "--latent-of", str(vae3), *latent) == 0
    capsys.readouterr()
    assert train("gan", data_dir, out, 2, "--resume", "--latent-of", str(model_dir / "tiny-vae"), *latent) == 2
    err = capsys.readouterr().err
    assert (f"checkpoint.pt does not fit this run: the run was started with --latent-of {vae3} "
            f"(now: --latent-of {model_dir / 'tiny-vae'}); resume with the settings it was started with") in err
    assert "channels" not in err  # only what differs


def test_resuming_a_vae_at_another_resolution_is_refused(data_dir, tmp_path, capsys):
    """A VAE is convolutional: its checkpoint loaded at any resolution, and the run went on at the new one."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0  # at 32 px
    capsys.readouterr()
    assert train("vae", data_dir, out, 2, "--resume", "--resolution", "64") == 2
    err = capsys.readouterr().err
    assert ": the run was started with --resolution 32 (now: --resolution 64); resume" in err
    assert "data: " not in err  # refused before the images load
    assert load_model(out)[1]["resolution"] == 32 and load_model(out)[1]["training"]["steps"] == 1


def test_resuming_with_several_differences_names_each_before_the_images_load(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0  # at 32 px, channels [8,16]
    capsys.readouterr()
    assert train("vae", data_dir, out, 2, "--resume", "--resolution", "64", "--set", "channels=[8,16,16]") == 2
    err = capsys.readouterr().err
    assert (": the run was started with --resolution 32 (now: --resolution 64); --set channels=[8,16] "
            "(now: --set channels=[8,16,16]); resume") in err
    assert "data: " not in err  # refused before the images load, as a run refused for its folder is


def latent_gan(data: Path, out: Path, steps: int, *extra: str) -> int:
    """A latent GAN run with no --resolution typed (the tiny VAE's is 32 px)."""
    return main(["train", "gan", str(data), "-o", str(out), "--steps", str(steps), "--batch-size", "8",
                 "--holdout", "8", "--threads", "1", *extra])


def test_a_latent_gan_without_a_resolution_typed_trains_at_its_vae_resolution(data_dir, model_dir, tmp_path,
                                                                              capsys):
    out = tmp_path / "gan"
    assert latent_gan(data_dir, out, 1, "--latent-of", str(model_dir / "tiny-vae"), "--set", "channels=[16,8,8]") == 0
    assert "resolution: 32px, that of the --latent-of VAE" in capsys.readouterr().err
    assert load_model(out)[1]["resolution"] == 32


def test_a_plain_resume_takes_the_latent_space_and_labels_of_the_run(data_dir, model_dir, tmp_path, capsys):
    labels = tmp_path / "labels.csv"
    files = [p.relative_to(data_dir).as_posix() for p in sorted(data_dir.rglob("shape*.png"))]
    labels.write_text("file,kind,shade\n" + "".join(f"{f},{'ab'[i % 2]},{'xyz'[i % 3]}\n" for i, f in enumerate(files)))
    out, vae = tmp_path / "gan", model_dir / "tiny-vae"
    assert latent_gan(data_dir, out, 1, "--latent-of", str(vae), "--labels", str(labels), "--label-column", "kind",
                      "--set", "channels=[16,8,8]", "--set", "z_dim=16") == 0
    capsys.readouterr()
    assert latent_gan(data_dir, out, 2, "--resume") == 0  # nothing retyped: the run's own options and network
    err = capsys.readouterr().err
    assert f"resuming with the run's --latent-of {vae.resolve()}, --labels {labels}, --label-column kind" in err
    assert "resumed from step 1" in err and load_model(out)[1]["training"]["steps"] == 2
    assert latent_gan(data_dir, out, 3, "--resume", "--label-column", "shade") == 2  # typed otherwise: refused
    assert f"the run was started with --labels {labels} (2 classes: a, b) (now: " in capsys.readouterr().err


@pytest.mark.parametrize("damage, said", [
    (lambda whole: b"", "it is empty: 0 bytes"),
    (lambda whole: b"\x80\x02garbage" * 40, "its data is garbled"),  # was "(UnpicklingError)"
    (lambda whole: whole[: len(whole) // 2], "it is cut short: its end is missing"),  # was "(RuntimeError)"
    (lambda whole: b"notes on this run\n" * 10, "it holds text"),  # was a KeyError traceback
], ids=["empty", "random", "cut short", "text"])
def test_a_damaged_checkpoint_is_named_so_without_torch_advice(damage, said, data_dir, tmp_path, capsys):
    """An empty one was an EOFError traceback; random bytes "did not fit" with torch's advice to load with
    weights_only=False, which runs whatever the file holds; then the reason was an exception's class."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0
    (out / "checkpoint.pt").write_bytes(damage((out / "checkpoint.pt").read_bytes()))
    capsys.readouterr()
    assert train("vae", data_dir, out, 2, "--resume") == 1
    err = capsys.readouterr().err
    assert (f"genimg train: error: {out / 'checkpoint.pt'} cannot be read: it is damaged or not a checkpoint "
            f"({said}); start again from the model beside it with --init {out}") in err
    assert "Traceback" not in err and "weights_only" not in err and "Error" not in err.replace("train: error", "")


def test_a_checkpoint_of_other_channels_names_the_tensors_that_do_not_fit(data_dir, tmp_path, capsys):
    """A checkpoint copied from a run of other channels, beside this run's card, said "(RuntimeError: Error(s) in
    loading state_dict for ConvVAE: Missing key(s) in state_dict: …)"."""
    out, other = tmp_path / "vae", tmp_path / "wider"
    assert train("vae", data_dir, out, 1) == 0
    assert train("vae", data_dir, other, 1, "--set", "channels=[16,16]") == 0
    shutil.copy(other / "checkpoint.pt", out / "checkpoint.pt")
    capsys.readouterr()
    assert train("vae", data_dir, out, 2, "--resume") == 1
    err = capsys.readouterr().err
    assert f"genimg train: error: {out / 'checkpoint.pt'} does not fit this run (in net, " in err
    assert "wrong shape: encoder.0.weight (16, 3, 3, 3) (expected (8, 3, 3, 3))" in err
    assert "resume with the settings it was started with, or --overwrite to start over" in err
    assert not re.search(r"Error\b|Error\(s\)|state_dict|torch.Size|Traceback", err.replace("train: error", "")), err


def test_resuming_with_other_channels_names_them_also_without_a_card(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0
    capsys.readouterr()
    assert train("vae", data_dir, out, 2, "--resume", "--set", "channels=[8,16,16]") == 2
    assert (": the run was started with --set channels=[8,16] (now: --set channels=[8,16,16]); resume"
            in capsys.readouterr().err)
    (out / "card.json").unlink()  # the checkpoint records the options too (test_train_resume.py)
    assert train("vae", data_dir, out, 2, "--resume", "--set", "channels=[8,16,16]") == 2
    assert (": the run was started with --set channels=[8,16] (now: --set channels=[8,16,16]); resume"
            in capsys.readouterr().err)


@pytest.mark.parametrize("stop_at", [2, 3])
def test_ctrl_c_saves_a_checkpoint_and_the_model(stop_at, data_dir, tmp_path, monkeypatch, capsys):
    stop_at_step(monkeypatch, stop_at)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 10) == 130  # saved, yet not finished: a script can tell (Ctrl+C's code)
    captured = capsys.readouterr()
    assert f"interrupted at step {stop_at - 1}" in captured.err
    assert f"wrote {out} after {counted(stop_at - 1, 'step')}" in captured.out  # the model, as a finished run's
    assert captured.err.rstrip().endswith(f"stopped early at step {stop_at - 1}: the model so far and its "
                                          f"checkpoint are in {out} (resume with --resume)")
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == stop_at - 1
    assert load_model(out)[1]["training"]["steps"] == stop_at - 1
    assert (out / "samples.png").is_file()


def stop_at_step(monkeypatch, stop_at: int) -> None:
    """Ctrl+C as VAERecipe is about to train step stop_at."""
    step = VAERecipe.step

    def interrupted(self, batch, n, labels=None):
        if n == stop_at:
            raise KeyboardInterrupt
        return step(self, batch, n, labels)

    monkeypatch.setattr(VAERecipe, "step", interrupted)


def test_ctrl_c_before_the_first_step_writes_nothing_and_a_rerun_is_not_refused(data_dir, tmp_path, monkeypatch,
                                                                                capsys):
    """It wrote an untrained model ("after 0 steps"), and the rerun was refused as an earlier run of 0 steps."""
    stop_at_step(monkeypatch, 1)
    out = tmp_path / "new" / "vae"
    assert train("vae", data_dir, out, 3) == 130  # still the signal's code: the run did not finish
    captured = capsys.readouterr()
    assert "stopped before the first step: nothing written" in captured.err
    assert "wrote" not in captured.out and "interrupted" not in captured.err
    assert not (tmp_path / "new").exists()  # the folders it made for OUT are gone again
    monkeypatch.undo()
    assert train("vae", data_dir, out, 1) == 0  # no --overwrite needed


def test_ctrl_c_before_a_resumed_runs_next_step_keeps_what_it_had(data_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    stop_at_step(monkeypatch, 3)
    assert train("vae", data_dir, out, 5, "--resume") == 130
    assert "interrupted at step 2" in capsys.readouterr().err
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 2
    assert load_model(out)[1]["training"]["steps"] == 2


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["kill", "closed-terminal"])
def test_kill_and_a_closed_terminal_save_like_ctrl_c(stop, data_dir, tmp_path):
    out = tmp_path / "vae"
    args = ["train", "vae", str(data_dir), "-o", str(out), "--steps", "100000", "--batch-size", "8",
            "--holdout", "8", "--resolution", "32", "--threads", "1", *TINY["vae"]]
    run = subprocess.Popen([sys.executable, "-u", "-m", "genimg_gui.cli", *args],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert any(line.startswith("step 1/") for line in run.stdout)  # reads until training is under way
    run.send_signal(stop)
    rest, _ = run.communicate(timeout=120)
    assert run.returncode == 128 + stop, rest  # as a shell reports a process the signal ended: 143, 129
    steps = torch.load(out / "checkpoint.pt", weights_only=True)["step"]
    assert f"interrupted by {stop.name} at step {steps}" in rest
    assert f"stopped early at step {steps}: the model so far and its checkpoint are in {out}" in rest
    assert steps >= 1 and load_model(out)[1]["training"]["steps"] == steps


# `python -c SLOW_LOAD ARGS…` runs `genimg ARGS…` with its images taking two minutes to load (said on stderr)
SLOW_LOAD = """
import sys, time
from genimg_gui.train import loop
def slow(*args, **kwargs):
    print("loading the images", file=sys.stderr, flush=True)
    time.sleep(120)
loop.load_folder = slow
from genimg_gui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_a_stop_while_the_images_load_writes_nothing_and_frees_the_folder(stop, data_dir, tmp_path):
    """kill while the images loaded (the Train… dialog's Stop a second after Start) ended the process outright:
    exit 143, no message, and the output folder left holding only its lock, taken over with a note by the next
    run."""
    out = tmp_path / "new" / "vae"
    args = ["train", "vae", str(data_dir), "-o", str(out), "--steps", "5", "--batch-size", "8", "--resolution",
            "32", "--threads", "1", *TINY["vae"]]
    run = subprocess.Popen([sys.executable, "-c", SLOW_LOAD, *args], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        assert any(line.startswith("loading the images") for line in run.stdout)
        assert (out / LOCK_FILE).is_file()
        run.send_signal(stop)
        rest, _ = run.communicate(timeout=120)
    finally:
        run.kill()
    by = " by SIGTERM" if stop == signal.SIGTERM else ""
    assert run.returncode == 128 + stop, rest  # the code of a stop at any step: 143, 130
    assert rest.strip() == f"stopped{by} before the first step: nothing written"
    assert not (tmp_path / "new").exists()  # the lock released, and the folders made for the run removed
    assert train("vae", data_dir, out, 1) == 0


def test_ctrl_c_as_the_run_sets_up_writes_nothing(data_dir, tmp_path, monkeypatch, capsys):
    """Ctrl+C before the loop read "genimg: interrupted", as one in any command (the run's handlers, set up from
    the start of `genimg train` now, go with it)."""
    load = loop.load_folder

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return load(*args, **kwargs)

    monkeypatch.setattr(loop, "load_folder", interrupted)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 3) == 130
    assert capsys.readouterr().err.strip() == "stopped before the first step: nothing written"
    assert not out.exists() and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_stop_signals_during_the_save_wait_for_it(data_dir, tmp_path, monkeypatch, capsys):
    """A second Ctrl+C or kill, as an impatient user sends while the run saves, ended the process with the
    model unwritten (exit 143, a checkpoint alone)."""
    step, export = VAERecipe.step, VAERecipe.export

    def killed(self, batch, n, labels=None):
        if n == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return step(self, batch, n, labels)

    def impatient(self, *args, **kwargs):
        for again in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            os.kill(os.getpid(), again)
        return export(self, *args, **kwargs)

    monkeypatch.setattr(VAERecipe, "step", killed)
    monkeypatch.setattr(VAERecipe, "export", impatient)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 10) == 143  # SIGTERM's code: the first signal stopped the run
    err = capsys.readouterr().err
    assert "interrupted by SIGTERM at step 1" in err  # step 2 was stopped before it ran
    assert all(f"{s}: still saving the checkpoint and the model" in err for s in ("SIGTERM", "SIGINT", "SIGHUP"))
    assert load_model(out)[1]["training"]["steps"] == 1 and (out / "metrics.json").is_file()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the run's handlers are gone with it


def test_a_run_started_under_nohup_goes_on_when_the_terminal_closes(data_dir, tmp_path, monkeypatch, capsys):
    """nohup ignores SIGHUP so that a closed terminal leaves the run going; the run stopped on it all the same."""
    step = VAERecipe.step

    def hung_up(self, batch, n, labels=None):
        if n == 2:
            os.kill(os.getpid(), signal.SIGHUP)
        return step(self, batch, n, labels)

    monkeypatch.setattr(VAERecipe, "step", hung_up)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert train("vae", data_dir, tmp_path / "vae", 4) == 0
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert "interrupted" not in capsys.readouterr().err
    assert load_model(tmp_path / "vae")[1]["training"]["steps"] == 4


def test_a_few_images_train_without_held_out_metrics(tmp_path, capsys):
    data = make_shapes(tmp_path / "few", 5)
    assert train("vae", data, tmp_path / "vae", 1) == 0
    # not "(--holdout 8 is more than a tenth)": with under ten images none can be spared whatever --holdout says
    assert "held out: 0 images for the figures (fewer than 10 images: none held out)" in capsys.readouterr().err
    assert strict_json(tmp_path / "vae" / "metrics.json") == {"held_out_images": 0}


@pytest.mark.parametrize("make, args, message, code", [  # code 1: the data failed; 2: a mistake in what was typed
    (lambda d: d.mkdir(), [], "holds no image files", 1),
    (lambda d: (d.mkdir(), (d / "bad.png").write_bytes(b"")), [], "no usable images", 1),
    (lambda d: make_shapes(d, 2), ["--set", "chanels=[8]"], "expected KEY=JSON with KEY one of", 2),
    (lambda d: make_shapes(d, 2), ["--set", "kl_weight=abc"], "is not JSON", 2),
    (lambda d: make_shapes(d, 2), ["--set", "kl_weight=[1]"], "kl_weight=[1]: a weight", 2),
    (lambda d: make_shapes(d, 2), ["--labels", "folders"], "--labels is for `genimg train gan`", 2),
    (lambda d: make_shapes(d, 2), ["--latent-of", "vae"], "--latent-of is for `genimg train gan`", 2),
    # a 1x1 latent grid: GroupNorm raised a ValueError, a traceback
    (lambda d: make_shapes(d, 2), ["--set", "channels=[8,8,8,8,8,8]"], "halve 32px too often", 2),
])
def test_unusable_input_is_a_clear_error(make, args, message, code, tmp_path, capsys):
    data = tmp_path / "data"
    make(data)
    assert train("vae", data, tmp_path / "out", 1, *args) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_every_setting_has_its_range_in_the_one_table():
    """The recipes take --set values as checked: a setting without a check would reach them unchecked."""
    assert set(ALLOWED) == set(VAE_SETTINGS + GAN_SETTINGS)


@pytest.mark.parametrize("kind, setting, allowed", [
    ("vae", "kl_weight=-1", "0 (off) or more"),
    ("vae", "latent_channels=2.5", "a whole number, 1 or more"),
    ("vae", "channels=[8,0]", "each 1 or more"),
    ("gan", "styles=7", "true or false"),
    ("gan", "ema=2", "from 0 up to but not including 1"),
    ("gan", "ema=1", "from 0 up to but not including 1"),
    ("gan", "r1_gamma=-0.1", "0 (off) or more"),
    ("gan", "mode_seeking=NaN", "0 (off) or more"),
    ("gan", "z_dim=0", "1 or more"),
    ("gan", "d_warmup=1.5", "a whole number, 0 or more"),
    ("gan", "augment_p=1.5", "between 0 and 1, or auto"),
    ("gan", "decoder_noise=11", "to 10"),
])
def test_a_setting_out_of_its_range_is_refused_before_any_work(kind, setting, allowed, data_dir, tmp_path, capsys):
    """A usage error naming the setting and what it takes, before the images load (no "data:" line)."""
    assert train(kind, data_dir, tmp_path / "out", 1, "--set", setting) == 2
    err = capsys.readouterr().err
    assert f"--set {setting}: " in err and allowed in err and "data: " not in err
    assert not (tmp_path / "out").exists()


def test_whole_numbers_written_as_floats_train_a_latent_gan_and_reach_the_card_as_ints(data_dir, model_dir,
                                                                                        tmp_path):
    """channels=[16.0,8,8] passed the check, then torch refused the float size after the images loaded."""
    out = tmp_path / "out"
    assert train("gan", data_dir, out, 1, "--latent-of", str(model_dir / "tiny-vae"), "--set",
                 "channels=[16.0,8,8]", "--set", "z_dim=16.0", "--set", "w_dim=1.6e1") == 0
    extra = load_model(out)[1]["training"]["options"]["extra"]
    assert (extra["channels"], extra["z_dim"], extra["w_dim"]) == ([16, 8, 8], 16, 16)
    assert all(type(n) is int for n in (*extra["channels"], extra["z_dim"], extra["w_dim"]))


@pytest.mark.parametrize("kind, args, message", [
    ("vae", ["--lr", "-1"], "argument --lr: must be a number above 0"),
    ("vae", ["--holdout", "-1"], "argument --holdout: must be 0 (none) or more"),
    ("vae", ["--seed", "99999999999999999999"], "argument --seed: must be a whole number from 0 to 2147483647"),
    ("gan", ["--lr", "0"], "argument --lr: must be a number above 0"),
    ("vae", ["--device", "bogus"], "'bogus' is not a device: use auto, cpu, cuda, cuda:N"),
    ("vae", ["--device", "cuda:7"], "--device: device 'cuda:7' was asked for, but this machine"),
    ("gan", ["--latent-of", "{tmp}/nonexist"], "--latent-of: {tmp}/nonexist does not exist"),
    ("gan", ["--latent-of", "{tmp}/afile"], "--latent-of: {tmp}/afile is a file"),
    ("gan", ["--init", "{tmp}/nonexist"], "--init: {tmp}/nonexist does not exist"),
    ("gan", ["--labels", "{tmp}/nofile.csv"], "--labels {tmp}/nofile.csv: no such file"),
    ("gan", ["--labels", "{tmp}"], "--labels {tmp}: is a folder; give a CSV file"),
    ("vae", ["-o", "{tmp}/afile"], "-o {tmp}/afile is a file"),
    ("vae", ["--label-column", "kind"], "--label-column is for `genimg train gan`: a VAE is not conditioned on"),
    ("gan", ["--label-column", "kind"], "--label-column names a column of a --labels CSV file; add --labels"),
    ("gan", ["--labels", "folders", "--label-column", "kind"], "--labels folders takes the classes from sub-folders"),
    ("gan", ["--labels", "{tmp}/labels.csv", "--label-column", "nope"],
     "labels.csv needs a column 'nope' (--label-column); its columns are: file, kind"),
    ("gan", ["--labels", "{tmp}/labels.csv"], "labels.csv needs a column 'label' (--label-column)"),
    ("gan", ["--labels", "{tmp}/photo.png"], "--labels {tmp}/photo.png is not a CSV text file: byte 0 is not UTF-8"),
])
def test_a_mistake_in_what_was_typed_is_refused_before_the_data_loads(kind, args, message, data_dir, tmp_path,
                                                                      capsys):
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "labels.csv").write_text("file,kind\nshape 0.png,a\n")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xd8")
    args = [a.format(tmp=tmp_path) for a in args]
    assert train(kind, data_dir, tmp_path / "out", 1, *args) == 2
    err = capsys.readouterr().err
    assert message.format(tmp=tmp_path) in err and "Traceback" not in err and "data: " not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("make, message", [
    (lambda d: None, "{d} is not there: give a folder of images"),
    (lambda d: d.write_text("x"), "{d} is a file: give a folder of images"),
])
def test_a_data_folder_that_is_not_there_is_a_mistake_in_what_was_typed(make, message, tmp_path, capsys):
    data = tmp_path / "data"
    make(data)
    assert train("vae", data, tmp_path / "out", 1) == 2
    assert message.format(d=data) in capsys.readouterr().err


def test_a_latent_gan_of_another_resolution_than_its_vae_is_refused_before_the_data_loads(data_dir, model_dir,
                                                                                          tmp_path, capsys):
    assert train("gan", data_dir, tmp_path / "out", 1, "--latent-of", str(model_dir / "tiny-vae"),
                 "--resolution", "64") == 2
    err = capsys.readouterr().err
    assert "is a VAE of 32px; this run trains at 64px: give --resolution 32" in err and "data: " not in err


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


def test_resume_in_a_new_folder_says_it_starts_a_new_run(data_dir, tmp_path, capsys):
    out = tmp_path / "new"
    assert train("vae", data_dir, out, 1, "--resume") == 0  # as elastic torchrun runs are started (README)
    assert f"nothing to resume in {out} (no checkpoint.pt): starting a new run" in capsys.readouterr().err


def test_gan_channels_that_miss_the_resolution_are_a_clear_error(data_dir, tmp_path, capsys):
    assert train("gan", data_dir, tmp_path / "out", 1, "--set", "channels=[8,8]") == 2
    assert "a 32px GAN needs 4 positive channel entries" in capsys.readouterr().err


def test_latent_gan_trains_in_a_vae_latent_space_and_paints_through_its_decoder(measured_dir, model_dir, tmp_path):
    out = tmp_path / "latent-gan"
    vae_dir = model_dir / "tiny-vae"  # 32px, latent 2 x 16 x 16
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(vae_dir), "--steps", "2",
                 "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32", "--threads", "1",
                 "--sample-every", "1", "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    gan, card = load_model(out)
    vae, _ = load_model(vae_dir)
    assert card["architecture"] == "LatentGenerator" and card["kind"] == "gan"
    for a, b in zip(gan.decoder.state_dict().values(), vae.decoder.state_dict().values()):
        assert torch.equal(a, b)  # the VAE's decoder, frozen, travels in the GAN's weight file
    with torch.no_grad():
        images = gan(torch.randn(2, 16))
    assert images.shape == (2, 3, 32, 32) and torch.isfinite(images).all()
    assert float(gan.latent_std.min()) > 0 and not torch.allclose(gan.latent_std, torch.ones_like(gan.latent_std))
    assert "translation,cutout" in card["objective"]["augment"]
    history = strict_json(out / "metrics.json")["history"]  # --sample-every 1: a figure after each step
    assert [h["step"] for h in history] == [1, 2]
    assert all(0 <= h[k] <= 1 for h in history for k in ("held_out_precision_k3", "held_out_recall_k3"))


def test_a_latent_gan_card_and_final_line_carry_its_held_out_figures_and_how_they_were_measured(
        measured_dir, model_dir, tmp_path, capsys):
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "2", "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32",
                 "--threads", "1", "--sample-every", "2", "--set", "channels=[16,8,8]", "--set", "z_dim=16",
                 "--set", "w_dim=16"]) == 0
    final = [line for line in capsys.readouterr().out.splitlines() if line.startswith("wrote ")][-1]
    card = read_entry(out).card
    metrics = strict_json(out / "metrics.json")
    last = metrics["history"][-1]  # step 2, the model written: the same figures
    for key in ("held_out_precision_k3", "held_out_recall_k3"):
        assert card["metrics"][key] == metrics[key] == last[key]
        assert f"{key}={last[key]}" in final
    assert card["metrics"]["held_out_images"] == MIN_HELD_OUT
    assert "benchmarks/" not in final and "note" not in card["metrics"]
    assert "how=" not in final and len(final) < len(f"wrote {out} after 2 steps: ") + 100  # figures only
    assert card["metrics"]["how"] == metrics["how"]
    assert card["metrics"]["how"].endswith("recall is the share of held-out images inside some sample's k-NN radius.")
    figures, how = metrics_text(card["metrics"])  # what the Models tab and `genimg info` show
    assert f"held out precision k3: {last['held_out_precision_k3']}" in figures.splitlines()
    assert "nearest-neighbour precision/recall" in how and "tiny-vae" in how
    assert f"{MIN_HELD_OUT} held-out images" in how
    assert main(["info", str(out)]) == 0
    info = capsys.readouterr().out
    assert "held out recall k3" in info and "metrics   –" not in info


@pytest.mark.parametrize("every", [2, 3], ids=["evaluated at the last step", "not evaluated at it"])
def test_a_latent_gan_evaluates_the_model_it_writes_once(every, measured_dir, model_dir, tmp_path, monkeypatch):
    """The export took the figures of the step written afresh (512 samples through the generator and encoder)
    though the run had just logged them; it measures only a step the run did not evaluate."""
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    evaluated = []
    evaluate = LatentGANRecipe.evaluate
    monkeypatch.setattr(LatentGANRecipe, "evaluate", lambda self, held: evaluated.append(1) or evaluate(self, held))
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "2", "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32",
                 "--threads", "1", "--sample-every", str(every), "--set", "channels=[16,8,8]",
                 "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    assert len(evaluated) == 1
    assert "held_out_precision_k3" in read_entry(out).card["metrics"]


def test_a_pixel_gan_card_says_why_it_has_no_held_out_figures(data_dir, tmp_path):
    assert train("gan", data_dir, tmp_path / "gan", 1) == 0
    figures, how = metrics_text(read_entry(tmp_path / "gan").card["metrics"])
    assert figures.startswith("held out: not measured (a GAN drawing in pixels") and how == ""


def test_a_latent_gan_encodes_its_images_once_to_what_each_batch_would_encode_to(data_dir, model_dir, tmp_path):
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    from genimg_gui.train.loop import TrainOptions
    opts = TrainOptions(data_dir, tmp_path / "x", resolution=32, extra={"latent_of": str(model_dir / "tiny-vae"),
                        "channels": [16, 8, 8], "z_dim": 16, "w_dim": 16})
    images = load_folder(data_dir, 32).images.permute(0, 3, 1, 2).contiguous()
    per_batch, once = (LatentGANRecipe(opts, torch.device("cpu")) for _ in range(2))
    cached = once.cached_inputs(images)
    assert cached.shape == (len(images), 2, 16, 16)
    pick = torch.tensor([5, 0, 17, 3])
    pixels = as_pixels(images[pick])
    torch.testing.assert_close(once.real_input(cached[pick]), per_batch.real_input(pixels), atol=1e-5, rtol=0)
    encodes = []
    once._encode = lambda batch: encodes.append(len(batch)) or LatentGANRecipe._encode(once, batch)
    once.step(cached[pick], 1)
    assert encodes == []  # a training step encodes nothing: its real latents came from the cache


def test_a_latent_gan_run_encodes_each_training_image_once_over_several_epochs(data_dir, model_dir, tmp_path,
                                                                              monkeypatch):
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    encoded = []
    real = LatentGANRecipe.cached_inputs
    monkeypatch.setattr(LatentGANRecipe, "cached_inputs", lambda self, images: encoded.append(len(images))
                        or real(self, images))
    assert main(["train", "gan", str(data_dir), "-o", str(tmp_path / "g"), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "9", "--batch-size", "8", "--holdout", "8", "--resolution", "32", "--threads", "1",
                 "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    n_train = 40 - strict_json(tmp_path / "g" / "card.json")["training"]["held_out"]  # 36: 9 steps draw 72 images
    assert n_train <= sum(encoded) <= n_train + 1  # + 1: the first image, encoded up front to size the cache


def test_a_latent_gan_with_too_few_held_out_images_skips_its_figures(data_dir, model_dir, tmp_path):
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(data_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "1", "--batch-size", "8", "--holdout", "3", "--resolution", "32", "--threads", "1",
                 "--sample-every", "1", "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    assert "history" not in strict_json(out / "metrics.json")  # figures of 3 images would be noise


def test_a_latent_gan_says_at_the_start_and_in_its_card_why_its_held_out_images_give_no_figures(
        model_dir, tmp_path, capsys):
    """A folder of 38 images holds out 3: the run said nothing of it, and metrics.json held only their count."""
    data = make_shapes(tmp_path / "data", 38)
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(data), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "1", "--batch-size", "8", "--resolution", "32", "--threads", "1", "--keep-best",
                 "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    err = capsys.readouterr().err
    before_training = err.split("step 1/")[0]
    assert ("held out: 3 images (at most a tenth of 38 images), too few for precision/recall to mean anything "
            f"(they need {MIN_HELD_OUT} or more): this run reports no held-out figures") in before_training
    assert err.count("too few for precision/recall") == 1
    assert "--keep-best: with no held-out figures there is nothing to rank" in before_training
    why = ("not measured: 3 held-out images, too few for precision/recall to mean anything "
           f"(they need {MIN_HELD_OUT} or more)")
    assert strict_json(out / "metrics.json") == {"held_out_images": 3, "held_out": why}
    assert read_entry(out).card["metrics"]["held_out"] == why


def test_keep_best_with_nothing_to_rank_says_so_once(tmp_path, capsys):
    """A folder of 5 images holds none out: the start said --keep-best had nothing to rank, and the end again."""
    data = make_shapes(tmp_path / "data", 5)
    assert main(["train", "vae", str(data), "-o", str(tmp_path / "vae"), "--steps", "1", "--batch-size", "4",
                 "--resolution", "32", "--threads", "1", "--keep-best", *TINY["vae"]]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("--keep-best")]
    assert lines == ["--keep-best: with no held-out figures there is nothing to rank, so the run will keep the last "
                     "step's model"], lines


def test_the_held_out_line_names_holdout_only_when_it_is_not_the_default(tmp_path, capsys):
    """"(--holdout 512 is more than a tenth)" named an option the user never typed."""
    data = make_shapes(tmp_path / "data", 12)
    assert main(["train", "vae", str(data), "-o", str(tmp_path / "vae"), "--steps", "1", "--batch-size", "8",
                 "--resolution", "32", "--threads", "1", *TINY["vae"]]) == 0
    captured = capsys.readouterr()
    assert "held out: 1 image for the figures (at most a tenth of 12 images)" in captured.err
    assert "--holdout" not in captured.err
    assert f"wrote {tmp_path / 'vae'} after 1 step: " in captured.out  # not "1 steps"
    assert main(["info", str(tmp_path / "vae")]) == 0
    assert "training       1 step of 8 images, " in capsys.readouterr().out  # nor there
    assert held_out_short(12, 8, typed=True) == "--holdout 8 is more than a tenth of 12 images"


@pytest.mark.parametrize("holdout, line", [
    (["--holdout", "2"], "held out: 2 images for the figures (--holdout 2)"),  # was no line at all
    ([], "held out: 3 images for the figures (at most a tenth of 30 images)"),
    (["--holdout", "0"], "held out: none (--holdout 0): this run reports no held-out figures"),
])
def test_the_held_out_line_is_always_said_and_names_a_typed_holdout(holdout, line, tmp_path, capsys):
    data = make_shapes(tmp_path / "data", 30)
    assert main(["train", "vae", str(data), "-o", str(tmp_path / "vae"), "--steps", "1", "--batch-size", "8",
                 "--resolution", "32", "--threads", "1", *TINY["vae"], *holdout]) == 0
    assert line in capsys.readouterr().err
    assert held_out_lines(5000, 512, 512, False, "", False) == ["held out: 512 images for the figures"]
    assert held_out_lines(45, 2, 2, True, "too few for precision/recall, which need 4 or more", False) == [
        "held out: 2 images (--holdout 2), too few for precision/recall, which need 4 or more: this run reports "
        "no held-out figures"]


def test_the_progress_line_shows_the_step_total_only_when_the_steps_end_the_run(data_dir, tmp_path):
    """Under --minutes it read "step 1/20000 | … | ETA 1.0 min": 20,000, the default --steps, was no limit."""
    lines = []
    by_time = loop.TrainOptions(data_dir, tmp_path, batch_size=8, minutes=1.0)  # --steps: 20,000
    loop._report(lines.append, 1, by_time, 100.0, 6.0, {"mse": 0.5})
    assert lines[-1] == "step 1 | 100 img/s | mse=0.5000 | 0.9 min left"
    by_steps = replace(by_time, steps=20)
    loop._report(lines.append, 1, by_steps, 100.0, 6.0, {"mse": 0.5})
    assert lines[-1].startswith("step 1/20 | 100 img/s | mse=0.5000 | ETA 0.0 min")
    loop._report(lines.append, 1, replace(by_steps, minutes=None), 100.0, 6.0, {"mse": 0.5})
    assert lines[-1].startswith("step 1/20 | ")


def test_the_history_ends_with_the_figures_of_the_model_written(data_dir, tmp_path):
    """A run stopped at step 1214 with --sample-every 500 had a history of [500, 1000], its figures those of 1214."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 3, "--sample-every", "2") == 0
    metrics = strict_json(out / "metrics.json")
    assert [h["step"] for h in metrics["history"]] == [2, 3]
    assert metrics["history"][-1]["held_out_psnr_db"] == metrics["held_out_psnr_db"]
    assert train("vae", data_dir, out, 4, "--sample-every", "2", "--resume") == 0
    # step 3, the first run's model, stays in the curve; step 4 is in it once, though evaluated and written
    assert [h["step"] for h in strict_json(out / "metrics.json")["history"]] == [2, 3, 4]


def test_latent_augmentation_shifts_grids_with_their_own_edges_and_passes_gradients():
    torch.manual_seed(0)
    grid = torch.zeros(64, 2, 8, 8)
    grid[:, :, 2:6, 2:6] = 1.0  # a square away from the edges
    grid[:, 0] += 5.0           # channel 0's background is 5, not 0 (or the pixel white 1.0)
    shifted = translation(grid, ratio=0.125, fill=None)  # up to 1 cell
    assert shifted.shape == grid.shape
    assert torch.equal(shifted[:, 0, 0, 0], torch.full((64,), 5.0))  # the corner is edge, never padding
    assert len({tuple(torch.nonzero(s[1]).min(0).values.tolist()) for s in shifted}) > 3  # moved about
    assert torch.equal(shifted.sum(dim=(2, 3)), grid.sum(dim=(2, 3)))  # nothing cut off: the square stays inside
    x = torch.randn(4, 3, 8, 8, requires_grad=True)
    latent_augment(x).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0 and (x.grad == 0).any()  # cutout blocks some cells


def test_augment_chance_augments_each_image_with_its_chance():
    x = torch.zeros(2000, 1, 2, 2)
    mark = lambda t: t + 1.0  # noqa: E731
    assert torch.equal(AugmentChance(0.0).apply(x, mark), x)
    assert torch.equal(AugmentChance(1.0).apply(x, mark), x + 1.0)
    torch.manual_seed(0)
    marked = AugmentChance(0.25).apply(x, mark)[:, 0, 0, 0]
    assert set(marked.tolist()) == {0.0, 1.0} and 0.2 < marked.mean().item() < 0.3  # whole images, a quarter


def test_adaptive_augmentation_rises_while_the_discriminator_calls_reals_real_and_falls_after():
    ada = AugmentChance("auto")
    assert ada.p == 0.0  # starts unaugmented: the discriminator sees the data as it is
    confident, unsure = torch.full((32,), 3.0), torch.tensor([1.0, -1.0] * 16)  # E[sign] 1 and 0
    for _ in range(ADA_INTERVAL * 10):
        ada.observe(confident)
    assert ada.p == pytest.approx(10 * ADA_INTERVAL * 32 / ADA_IMAGES)  # one move per interval
    for _ in range(ADA_INTERVAL * 3):
        ada.observe(unsure)
    assert ada.p == pytest.approx(7 * ADA_INTERVAL * 32 / ADA_IMAGES)
    for _ in range(ADA_INTERVAL * 20):
        ada.observe(unsure)
    assert ada.p == 0.0  # never below 0
    fixed = AugmentChance(0.3)
    fixed.observe(confident)
    assert fixed.p == 0.3 and fixed.describe() == "p = 0.3"


def test_augment_p_auto_is_recorded_and_a_resumed_run_keeps_its_chance(data_dir, model_dir, tmp_path, capsys):
    out = tmp_path / "gan"
    assert train("gan", data_dir, out, 1, "--set", "augment_p=auto") == 0
    assert "aug_p=0.0000" in capsys.readouterr().err  # the progress line shows it
    state = torch.load(out / "checkpoint.pt", weights_only=True)
    state["recipe"]["augment"]["p"] = 0.4  # as if it had risen
    torch.save(state, out / "checkpoint.pt")
    assert train("gan", data_dir, out, 2, "--resume") == 0
    assert "aug_p=0.4" in capsys.readouterr().err  # one step cannot move it far from where it was left
    assert train("gan", data_dir, out, 3, "--resume", "--set", "augment_p=auto") == 0  # the same command again
    assert "aug_p=0.4" in capsys.readouterr().err
    assert "adaptive (ADA" in load_model(out)[1]["objective"]["augment"]
    assert train("gan", data_dir, out, 4, "--resume", "--set", "augment_p=0") == 0  # a new setting takes effect
    assert torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["augment"] == {"adaptive": False, "p": 0.0}
    assert load_model(out)[1]["objective"]["augment"].endswith("p = 0")
    assert train("gan", data_dir, tmp_path / "bad", 1, "--set", "augment_p=2") == 2
    assert "between 0 and 1, or auto" in capsys.readouterr().err


def test_latent_of_must_name_a_vae_of_the_same_resolution(data_dir, model_dir, tmp_path, capsys):
    code = main(["train", "gan", str(data_dir), "-o", str(tmp_path / "x"), "--latent-of",
                 str(model_dir / "tiny-gan"), "--steps", "1", "--resolution", "32", "--threads", "1"])
    assert code != 0 and "VAE" in capsys.readouterr().err


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


def scripted_psnr(monkeypatch, values: list[float]) -> None:
    """The VAE's held-out evaluations return these PSNRs in turn (the last: the export's, of the model it
    writes): the run's real figures would not say in advance which step is the best."""
    queue = list(values)
    monkeypatch.setattr(VAERecipe, "evaluate", lambda self, held_out: {"held_out_psnr_db": queue.pop(0)})


def model_weights(folder: Path) -> dict[str, torch.Tensor]:
    net, _ = load_model(folder)
    return net.state_dict()


def test_keep_best_writes_the_best_evaluated_model_and_resume_goes_on_from_the_last(data_dir, tmp_path,
                                                                                   monkeypatch, capsys):
    out = tmp_path / "vae"
    scripted_psnr(monkeypatch, [20.0, 25.0, 22.0, 25.0])
    assert train("vae", data_dir, out, 3, "--sample-every", "1", "--keep-best") == 0
    captured = capsys.readouterr()
    assert "keeping step 2's model (score 25.0000; the last step's 22.0000)" in captured.err
    # it said "wrote OUT after 3 steps", and the card 3 steps, of step 2's model
    assert captured.out == f"wrote {out}: step 2's model, the best of 3 steps: held_out_psnr_db=25.0, " \
                           "held_out_images=4\n"
    card = strict_json(out / "card.json")["training"]
    assert card["kept"] == {"step": 2, "score": 25.0, "held_out_psnr_db": 25.0}
    assert (card["steps"], card["run_steps"]) == (2, 3)
    assert card_steps(out) == 3  # how far the run got, as a stopped run's Train… dialog says ("stopped at step 3")
    assert main(["info", str(out)]) == 0
    assert "training       2 steps of 8 images (--keep-best: the best of 3), " in capsys.readouterr().out
    best = torch.load(out / "best.pt", weights_only=True)
    last = torch.load(out / "checkpoint.pt", weights_only=True)
    assert (best["step"], last["step"]) == (2, 3)
    written = model_weights(out)
    for name, value in written.items():
        assert torch.equal(value, best["recipe"]["net"][name])
    assert any(not torch.equal(v, last["recipe"]["net"][k]) for k, v in written.items())

    scripted_psnr(monkeypatch, [21.0, 24.0, 25.0])  # steps 4 and 5: step 2 stays the best across the resume
    assert train("vae", data_dir, out, 5, "--sample-every", "1", "--keep-best", "--resume") == 0
    assert strict_json(out / "card.json")["training"]["kept"]["step"] == 2
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 5  # resumed from the last, not the best

    scripted_psnr(monkeypatch, [30.0, 30.0])  # step 6 beats it: the last step's model is written
    assert train("vae", data_dir, out, 6, "--sample-every", "1", "--keep-best", "--resume") == 0
    captured = capsys.readouterr()
    assert "the last step's model is the best evaluated (score 30.0000)" in captured.err
    assert captured.out.splitlines()[-1].startswith(f"wrote {out} after 6 steps: ")
    assert strict_json(out / "card.json")["training"]["kept"]["step"] == 6
    assert "run_steps" not in strict_json(out / "card.json")["training"]
    last = torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["net"]
    assert all(torch.equal(v, last[k]) for k, v in model_weights(out).items())


def test_keep_best_evaluates_the_last_step_when_no_evaluation_fell_on_it(data_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "vae"
    scripted_psnr(monkeypatch, [26.0, 23.0, 26.0])  # step 2 by --sample-every, step 3 at the end, export
    assert train("vae", data_dir, out, 3, "--sample-every", "2", "--keep-best") == 0
    assert "keeping step 2's model" in capsys.readouterr().err
    history = strict_json(out / "metrics.json")["history"]
    assert [(h["step"], h["held_out_psnr_db"]) for h in history] == [(2, 26.0), (3, 23.0)]


def test_keep_best_ranks_a_latent_gan_by_the_harmonic_mean_of_precision_and_recall(measured_dir, model_dir,
                                                                                     tmp_path, monkeypatch):
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    # step 2 has neither the best precision (step 1) nor the best recall (step 3), but the best balance of both
    queue = [(0.9, 0.1), (0.5, 0.5), (0.2, 0.6), (0.5, 0.5)]  # the last: the kept model, measured for its card
    monkeypatch.setattr(LatentGANRecipe, "evaluate", lambda self, held_out: dict(zip(
        ("held_out_precision_k3", "held_out_recall_k3"), queue.pop(0))))
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "3", "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32",
                 "--threads", "1", "--sample-every", "1", "--keep-best", "--set", "channels=[16,8,8]",
                 "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    kept = strict_json(out / "card.json")["training"]["kept"]
    assert kept == {"step": 2, "score": 0.5, "held_out_precision_k3": 0.5, "held_out_recall_k3": 0.5}
    assert strict_json(out / "card.json")["metrics"]["held_out_recall_k3"] == 0.5
    best = torch.load(out / "best.pt", weights_only=True)["recipe"]["G_ema"]
    # the weights of step 2; w_avg, the truncation centre, is measured anew from them at export
    assert all(torch.equal(v, best[k]) for k, v in model_weights(out).items() if k != "w_avg")
    last = torch.load(out / "checkpoint.pt", weights_only=True)["recipe"]["G_ema"]
    assert not all(torch.equal(v, last[k]) for k, v in model_weights(out).items() if k != "w_avg")


@pytest.mark.parametrize("args", [["gan"], ["vae", "--holdout", "0"]], ids=["a pixel GAN", "no held-out images"])
def test_keep_best_without_figures_to_rank_is_a_clear_error(args, data_dir, tmp_path, capsys):
    kind, *rest = args
    assert main(["train", kind, str(data_dir), "-o", str(tmp_path / "x"), "--keep-best", *rest]) == 2
    assert "--keep-best ranks held-out figures" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_a_latent_gans_default_channels_follow_its_vaes_latent_grid(data_dir, tmp_path, capsys):
    """A VAE whose latent grid was not 16x16 (32 px, 128 px, or other channels) crashed a latent GAN with an
    AssertionError: its default channels were always those that reach 16."""
    from genimg_gui.train.latent_gan_recipe import default_channels
    assert [default_channels(side) for side in (4, 8, 16, 32)] == [
        (256,), (256, 128), (256, 128, 64), (256, 128, 64, 32)]
    vae = tmp_path / "vae8"  # 32 px halved twice: an 8x8 latent grid
    assert main(["train", "vae", str(data_dir), "-o", str(vae), "--steps", "1", "--batch-size", "8", "--resolution",
                 "32", "--threads", "1", "--set", "channels=[8,16,16]", "--set", "latent_channels=2"]) == 0
    out = tmp_path / "gan"
    assert latent_gan(data_dir, out, 1, "--latent-of", str(vae), "--set", "z_dim=16", "--set", "w_dim=16") == 0
    assert load_model(out)[1]["config"]["channels"] == [256, 128]
    capsys.readouterr()
    assert latent_gan(data_dir, tmp_path / "gan2", 1, "--latent-of", str(vae), "--set", "channels=[16,8,8]") == 2
    err = capsys.readouterr().err
    assert ("--set channels=[16,8,8]: a latent GAN needs one entry per scale from 4px up to the VAE's 8x8 latent "
            "grid (2), e.g. --set channels=[256,128]") in err
    assert "data: " not in err and not (tmp_path / "gan2").exists()  # refused before the images load


@pytest.mark.parametrize("closes_at, steps", [("step ", 1), ("data: ", 0)], ids=["after a step", "before the first"])
def test_a_closed_log_stops_the_run_as_ctrl_c_does(closes_at, steps, data_dir, tmp_path):
    """`genimg train … 2>&1 | head -4` exited 141 after some 50 steps and left its folder empty."""
    from genimg_gui.train import StoppedEarly
    written = []

    def log(line: str) -> None:
        if line.startswith(closes_at) or written:  # its reader has gone: this write and every later one fail
            written.append(line)
            raise BrokenPipeError

    out = tmp_path / "vae"
    opts = loop.TrainOptions(data_dir, out, resolution=32, batch_size=8, steps=1000, holdout=8, threads=1,
                             extra={"channels": [8, 16], "latent_channels": 2})
    with pytest.raises(StoppedEarly) as stop:
        loop.train(opts, VAERecipe, log=log, result=lambda line: None)
    assert stop.value.exit_code == 141  # 128 + SIGPIPE, as the CLI exits for a closed stdout
    assert len(written) == 1  # not written to again once closed
    if steps:
        assert strict_json(out / "card.json")["training"]["steps"] == 1
        assert torch.load(out / CHECKPOINT_FILE, weights_only=True)["step"] == 1
    else:
        assert not out.exists()  # as Ctrl+C before the first step leaves nothing


def test_model_folders_inside_the_data_folder_are_no_training_data(tmp_path, capsys):
    """`-o D/m2` trained on D/m1's samples.png, and a --resume of m1 on m2's: 16 images where D holds 15."""
    data = make_shapes(tmp_path / "data", 15)

    def run(out: str, *extra: str) -> int:
        return main(["train", "vae", str(data), "-o", str(data / out), "--steps", "1", "--batch-size", "8",
                     "--resolution", "32", "--threads", "1", *TINY["vae"], *extra])

    assert run("m1") == 0 and run("m2") == 0
    assert f"data: 15 images from {data.resolve()}, 1 model folder skipped (m1);" in capsys.readouterr().err
    assert run("m1", "--steps", "2", "--resume") == 0
    assert f"data: 15 images from {data.resolve()}, 1 model folder skipped (m2);" in capsys.readouterr().err
    (data / "runs" / "stopped").mkdir(parents=True)  # a run killed before it wrote its model: a checkpoint alone
    (data / "runs" / "stopped" / CHECKPOINT_FILE).write_bytes((data / "m2" / CHECKPOINT_FILE).read_bytes())
    Image.new("RGB", (32, 32), "red").save(data / "runs" / "stopped" / "samples.png")
    assert run("m3") == 0
    err = capsys.readouterr().err
    assert f"data: 15 images from {data.resolve()}, 3 model folders skipped (m1, m2, runs/stopped);" in err
    assert strict_json(data / "m3" / "card.json")["training"]["images"] == 15


@pytest.mark.parametrize("out", [".", ".."], ids=["the data folder", "a folder holding it"])
def test_writing_the_model_into_the_data_folder_itself_is_refused(out, tmp_path, capsys):
    """-o D gave "D holds no image files" for a folder of 15: the run leaves its output folder out of the data."""
    data = make_shapes(tmp_path / "data", 15)
    assert main(["train", "vae", str(data), "-o", str(data / out), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "write the model to another folder, or to a sub-folder of the data" in err and "no image files" not in err
    assert not list(data.rglob("*.json")) and not list(data.rglob("*.pt"))  # refused before any work
