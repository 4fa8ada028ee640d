"""`genimg train`'s options: a mistake in what was typed is refused before any work, and the learning rates
and objective settings given take effect and are kept by a resumed run."""
from __future__ import annotations

import pytest
import torch

from genimg_gui.models.weights import load_model
from genimg_gui.train.settings import ALLOWED, GAN_SETTINGS, VAE_SETTINGS

from train_helpers import data_dir, restore_threads, train  # noqa: F401 - data_dir, restore_threads are fixtures


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


@pytest.mark.parametrize("kind, args, message", [
    ("vae", ["--lr", "-1"], "argument --lr: must be a number above 0"),
    ("vae", ["--holdout", "-1"], "argument --holdout: must be 0 (none) or more"),
    ("vae", ["--seed", "99999999999999999999"], "argument --seed: must be a whole number from 0 to 2147483647"),
    # it ran, its ETA 22916919194459396.0 h, and its card held the 20-digit number (--minutes: that run ends)
    ("vae", ["--steps", "99999999999999999999", "--minutes", "0.05"],
     "argument --steps: at most 10,000,000 steps, not 99,999,999,999,99"),
    ("gan", ["--sample-every", "10000001"], "argument --sample-every: at most 10,000,000 steps, not 10,000,001"),
    # as --steps is capped: 1e12 (1.9 million years) and inf were taken as a run's time
    ("vae", ["--minutes", "1e12"], "argument --minutes: at most 525,600 minutes (a year), not 1e12"),
    ("vae", ["--minutes", "inf"], "argument --minutes: at most 525,600 minutes (a year), not inf"),
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
    # it said "is not a CSV text file: byte 0 is not UTF-8 text"
    ("gan", ["--labels", "{tmp}/photo.png"], "--labels {tmp}/photo.png is an image, not a CSV file: give a CSV file "
                                             "with a 'file' column, or 'folders' (each image's class its sub-folder)"),
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


@pytest.mark.parametrize("minutes", ["-1", "0", "nan"])
def test_a_time_budget_of_no_time_is_a_usage_error_and_writes_nothing(minutes, data_dir, tmp_path, capsys):
    assert train("vae", data_dir, tmp_path / "out", 3, "--minutes", minutes) == 2
    assert "--minutes: must be a number above 0" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # no untrained 0-step model


def test_gan_channels_that_miss_the_resolution_are_a_clear_error(data_dir, tmp_path, capsys):
    assert train("gan", data_dir, tmp_path / "out", 1, "--set", "channels=[8,8]") == 2
    assert "a 32px GAN needs 4 positive channel entries" in capsys.readouterr().err


def test_a_latent_gan_of_another_resolution_than_its_vae_is_refused_before_the_data_loads(data_dir, model_dir,
                                                                                          tmp_path, capsys):
    assert train("gan", data_dir, tmp_path / "out", 1, "--latent-of", str(model_dir / "tiny-vae"),
                 "--resolution", "64") == 2
    err = capsys.readouterr().err
    assert "is a VAE of 32px; this run trains at 64px: give --resolution 32" in err and "data: " not in err


def test_whole_numbers_written_as_floats_train_a_latent_gan_and_reach_the_card_as_ints(data_dir, model_dir,
                                                                                        tmp_path):
    """channels=[16.0,8,8] passed the check, then torch refused the float size after the images loaded."""
    out = tmp_path / "out"
    assert train("gan", data_dir, out, 1, "--latent-of", str(model_dir / "tiny-vae"), "--set",
                 "channels=[16.0,8,8]", "--set", "z_dim=16.0", "--set", "w_dim=1.6e1") == 0
    extra = load_model(out)[1]["training"]["options"]["extra"]
    assert (extra["channels"], extra["z_dim"], extra["w_dim"]) == ([16, 8, 8], 16, 16)
    assert all(type(n) is int for n in (*extra["channels"], extra["z_dim"], extra["w_dim"]))


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


@pytest.mark.parametrize("kind, settings", [
    # each a weight past any machine's address space (a 2,000,000-channel 3x3 conv: 144 TB; a 12,000,000-wide
    # mapping layer: 576 TB), so the allocation fails whatever the machine's overcommit; what is made before it small
    ("vae", ["channels=[2000000,8]"]),
    ("gan", ["z_dim=1", "w_dim=12000000"]),
])
def test_a_network_too_large_for_the_memory_is_said_in_words_and_the_earlier_run_kept(kind, settings, data_dir,
                                                                                      tmp_path, capsys):
    """It ended in a 40-line allocator traceback (`RuntimeError: … DefaultCPUAllocator: can't allocate memory`),
    exit 1: the network is built before the first step, outside any out-of-memory handling."""
    out = tmp_path / "out"
    assert train(kind, data_dir, out, 1) == 0
    card = (out / "card.json").read_bytes()
    capsys.readouterr()
    typed = [word for setting in settings for word in ("--set", setting)]
    assert train(kind, data_dir, out, 1, "--overwrite", *typed) == 2
    err = capsys.readouterr().err
    said = err.splitlines()[-1]
    assert said.startswith("genimg train: error: the network of --set ") and settings[-1] in said
    assert "does not fit in the memory of cpu: its " in said and " TiB to train; use smaller " in said
    assert "Traceback" not in err and "alloc" not in err
    assert (out / "card.json").read_bytes() == card  # the earlier run, untouched
