"""An earlier run in `genimg train`'s output folder: kept unless --resume or --overwrite says what to do,
gone on from by --resume, and a resume refused, saying why, when the run or its checkpoint does not fit."""
from __future__ import annotations

import re
import shutil

import pytest
import torch

from genimg_gui.earlier_run import LOCK_FILE
from genimg_gui.cli import main
from genimg_gui.models.weights import load_model
from genimg_gui.train.vae_recipe import VAERecipe

from train_helpers import TINY, latent_gan, train
from train_helpers import data_dir, restore_threads  # noqa: F401 - fixtures, found by name


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


def test_resume_where_no_run_is_refused_naming_a_run_folder_of_a_close_name(data_dir, tmp_path, capsys):
    """`--resume -o vea2` (for vae2) trained a new model from step 0 and exited 0, one line of its log saying
    "nothing to resume": whoever meant to go on from hours of training learnt of it at the end."""
    assert train("vae", data_dir, tmp_path / "vae2", 1) == 0
    capsys.readouterr()
    out = tmp_path / "vea2"
    assert train("vae", data_dir, out, 2, "--resume") == 2  # before any work: nothing made, nothing trained
    err = capsys.readouterr().err
    assert (f"genimg train: error: -o {out} does not exist: --resume has nothing to continue (did you mean "
            f"-o {tmp_path / 'vae2'}?); to start a new run there, leave out --resume") in err
    assert "step 1" not in err and not out.exists()
    out.mkdir()  # a folder that never held a run (or one killed before its first checkpoint): refused too
    (out / "samples.png").write_bytes(b"")
    assert train("vae", data_dir, out, 2, "--resume") == 2
    assert (f"-o {out} holds no run to go on from (no checkpoint.pt): --resume has nothing to continue (did you mean "
            f"-o {tmp_path / 'vae2'}?)") in capsys.readouterr().err
    assert train("vae", data_dir, tmp_path / "unlike", 2, "--resume") == 2  # no name close: none offered
    assert "does not exist: --resume has nothing to continue; to start" in capsys.readouterr().err
    assert train("vae", data_dir, out, 1) == 0  # as the message says


def test_resume_in_a_new_folder_starts_a_new_run_under_torchrun_restarts(data_dir, tmp_path, monkeypatch, capsys):
    """torchrun --max-restarts runs every attempt with the same command line: the first --resume finds none."""
    monkeypatch.setenv("TORCHELASTIC_MAX_RESTARTS", "3")
    out = tmp_path / "new"
    assert train("vae", data_dir, out, 1, "--resume") == 0  # as elastic torchrun runs are started (README)
    assert f"nothing to resume in {out} (no checkpoint.pt): starting a new run" in capsys.readouterr().err


def test_minutes_count_this_run_not_the_resumed_ones(data_dir, tmp_path):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0
    ckpt = torch.load(out / "checkpoint.pt", weights_only=True)
    torch.save({**ckpt, "seconds": 3600.0}, out / "checkpoint.pt")  # the first run took an hour
    assert train("vae", data_dir, out, 2, "--resume", "--minutes", "30") == 0
    assert load_model(out)[1]["training"]["steps"] == 2


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
