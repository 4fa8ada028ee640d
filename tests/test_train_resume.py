"""`genimg train --resume` goes on as the run was started: its held-out split (--holdout, --seed), --steps,
--sample-every, --checkpoint-every, --precision, the card's --data-name and --licence, --mirror and --keep-best come
with it, and without its card it takes the options its checkpoint records, or is refused."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from genimg_gui.cli import main
from genimg_gui.earlier_run import BEST_FILE, CHECKPOINT_FILE
from genimg_gui.models.weights import load_model
from genimg_gui.train import loop

from train_helpers import make_shapes, stop_at_step, train


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return make_shapes(tmp_path_factory.mktemp("shapes"), 40)  # a tenth: at most 4 held out


@pytest.fixture(autouse=True)
def restore_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def resumed(data: Path, out: Path, steps: int, *extra: str) -> int:
    """A --resume with nothing typed that the run's card records but --batch-size (train()'s 8)."""
    return main(["train", "vae", str(data), "-o", str(out), "--steps", str(steps), "--batch-size", "8",
                 "--threads", "1", "--resume", *extra])


def kept_run(data: Path, out: Path) -> None:
    """Two steps held out 3 images, mirrored the rest and kept the best, evaluated every step."""
    assert train("vae", data, out, 2, "--holdout", "3", "--seed", "5", "--mirror", "--keep-best",
                 "--sample-every", "1") == 0


def test_a_plain_resume_keeps_the_held_out_split_the_mirrors_and_the_best_model(data_dir, tmp_path, capsys):
    """It held out 4 other images (the default --holdout and --seed), dropped the mirrors and --keep-best, and
    metrics.json joined the figures of both sets in one curve."""
    out = tmp_path / "vae"
    kept_run(data_dir, out)
    capsys.readouterr()
    assert resumed(data_dir, out, 3, "--sample-every", "1") == 0
    err = capsys.readouterr().err
    assert "resuming with the run's --holdout 3, --seed 5, --mirror, --keep-best" in err
    assert "held out: 3 images for the figures (--holdout 3)" in err
    assert "mirror: 37 training images and their left-right mirrors, 74 in all" in err
    training = load_model(out)[1]["training"]
    assert training["held_out"] == 3 and training.get("run_steps", training["steps"]) == 3
    assert {k: training["options"][k] for k in ("holdout", "seed", "mirror", "keep_best")} == \
        {"holdout": 3, "seed": 5, "mirror": True, "keep_best": True}
    assert "kept" in training
    assert torch.load(out / BEST_FILE, weights_only=True)["best"] == torch.load(
        out / CHECKPOINT_FILE, weights_only=True)["best"]  # best.pt still the run's best


def test_a_resume_trains_with_the_threads_typed_and_the_rest_as_the_run_was_started(data_dir, tmp_path, capsys):
    """--threads is the machine's, not the run's: a resume elsewhere, or on fewer threads, trains with those typed
    (the card's hardware and options say so), while its split, mirrors and best model still come from the run."""
    out = tmp_path / "vae"
    kept_run(data_dir, out)  # on 1 thread
    capsys.readouterr()
    assert main(["train", "vae", str(data_dir), "-o", str(out), "--steps", "3", "--batch-size", "8", "--threads", "2",
                 "--resume"]) == 0
    assert "resuming with the run's --holdout 3, --seed 5, --sample-every 1, --mirror, --keep-best\n" in \
        capsys.readouterr().err
    training = load_model(out)[1]["training"]
    assert training["hardware"].endswith(", 2 threads)") and training["options"]["threads"] == 2
    assert training["held_out"] == 3 and training["options"]["mirror"] and "kept" in training


def test_a_plain_resume_keeps_the_runs_steps_sampling_checkpoints_precision_and_card_words(data_dir, tmp_path,
                                                                                            monkeypatch, capsys):
    """A run sampled every 2 steps went on sampling every 500 (no grid until its end) and its card said 500; its
    --checkpoint-every, --steps and --precision fell back to the defaults, its card's data name and licence too."""
    out = tmp_path / "vae"
    with monkeypatch.context() as ctrl_c:  # not monkeypatch.undo(): that undoes the suite's user folders too
        stop_at_step(ctrl_c, 4)  # Ctrl+C: steps 1 to 3 saved
        assert train("vae", data_dir, out, 8, "--sample-every", "2", "--checkpoint-every", "5", "--precision",
                     "fp32", "--data-name", "shapes", "--licence", "CC0") == 130
    saved, save = [], loop.save_checkpoint
    monkeypatch.setattr(loop, "save_checkpoint", lambda out, recipe, step, *args, **kwargs:
                        saved.append(step) or save(out, recipe, step, *args, **kwargs))
    capsys.readouterr()
    plain = ["train", "vae", str(data_dir), "-o", str(out), "--threads", "1", "--resume"]
    assert main(plain) == 0
    err = capsys.readouterr().err
    assert ("resuming with the run's --batch-size 8, --steps 8, --holdout 8, --sample-every 2, --checkpoint-every 5, "
            "--data-name shapes, --licence CC0, --precision fp32\n") in err
    assert all(f"sample grid at step {step}:" in err for step in (4, 6, 8)) and saved == [5, 8]
    training = load_model(out)[1]["training"]
    assert (training["steps"], training["data"], training["licence"]) == (8, "shapes", "CC0")
    options = training["options"]
    assert (options["sample_every"], options["checkpoint_every"], options["precision"]) == (2, 5, "fp32")
    saved.clear()
    assert main([*plain, "--steps", "10", "--sample-every", "3", "--licence", "CC-BY"]) == 0  # typed: these win
    err = capsys.readouterr().err
    assert ("resuming with the run's --batch-size 8, --holdout 8, --checkpoint-every 5, --data-name shapes, "
            "--precision fp32\n") in err
    assert "sample grid at step 9:" in err and saved == [10, 10]  # every 5 steps, and the last
    training = load_model(out)[1]["training"]
    assert (training["steps"], training["options"]["sample_every"], training["licence"]) == (10, 3, "CC-BY")
    assert main([*plain, "--minutes", "0.01"]) == 0  # train on for a while: the run's --steps 10 is not its budget
    assert "already reached" not in capsys.readouterr().err and load_model(out)[1]["training"]["steps"] > 10


@pytest.mark.parametrize("typed, named", [(["--holdout", "5"], "--holdout 3 (now: --holdout 5)"),
                                          (["--seed", "4"], "--seed 5 (now: --seed 4)")], ids=["holdout", "seed"])
def test_a_resume_typed_with_another_held_out_split_is_refused_before_the_images_load(typed, named, data_dir,
                                                                                      tmp_path, capsys):
    out = tmp_path / "vae"
    kept_run(data_dir, out)
    capsys.readouterr()
    assert resumed(data_dir, out, 3, *typed) == 2
    err = capsys.readouterr().err
    assert f"genimg train: error: {out / CHECKPOINT_FILE} does not fit this run: the run was started with {named}; " \
           "resume with the settings it was started with, or --overwrite to start over" in err
    assert "data: " not in err
    assert load_model(out)[1]["training"]["steps"] == 2


@pytest.mark.parametrize("typed", [["--holdout", "5"], ["--resolution", "64"], ["--seed", "3"],
                                   ["--set", "channels=[8,8]"], ["--latent-of", "emoji-vae"]],
                         ids=["holdout", "resolution", "seed", "channels", "latent-of"])
def test_a_refused_resume_says_nothing_of_resuming(typed, data_dir, tmp_path, capsys):
    """"resuming with the run's --steps 2, …" came before the refusal of the option typed, as if the run went on."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2, "--sample-every", "1") == 0
    capsys.readouterr()
    assert main(["train", "vae", str(data_dir), "-o", str(out), "--threads", "1", "--resume", *typed]) == 2
    err = capsys.readouterr().err
    assert err.startswith("genimg train: error: ") and "resuming" not in err
    assert main(["train", "vae", str(data_dir), "-o", str(out), "--threads", "1", "--resume", "--steps", "3"]) == 0
    assert "resuming with the run's --batch-size 8, --holdout 8, --sample-every 1\n" in capsys.readouterr().err


def test_a_refusal_of_an_option_the_resume_took_says_so(data_dir, model_dir, tmp_path, capsys):
    """The line naming the options taken is said once the run is accepted: the refusal names the one it is of."""
    vae = tmp_path / "vae"
    shutil.copytree(model_dir / "tiny-vae", vae)
    assert train("gan", data_dir, tmp_path / "gan", 1, "--latent-of", str(vae), "--set", "channels=[16,8,8]") == 0
    shutil.rmtree(vae)
    capsys.readouterr()
    assert resumed_gan(data_dir, tmp_path / "gan") == 2
    assert capsys.readouterr().err == (f"genimg train: error: --latent-of: {vae.resolve()} does not exist (this "
                                       f"--resume took the run's --latent-of {vae.resolve()})\n")


def test_a_resume_may_switch_the_mirrors_and_keep_best_on(data_dir, tmp_path, capsys):
    """Neither moves an image between the training and the held-out ones."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1, "--holdout", "3") == 0
    capsys.readouterr()
    assert resumed(data_dir, out, 2, "--mirror", "--keep-best") == 0
    assert "mirror: 37 training images" in capsys.readouterr().err
    options = load_model(out)[1]["training"]["options"]
    assert options["mirror"] is True and options["keep_best"] is True and options["holdout"] == 3


def test_a_resume_reads_the_run_s_card_once(data_dir, tmp_path, monkeypatch, capsys):
    """It read card.json for the options it takes, again for the earlier run's steps (check_output), and twice more
    to check the options typed against it (before the images load, then with the classes): now what it read first
    is passed on."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1, "--holdout", "3") == 0
    reads, read_text = [], Path.read_text

    def counted(path: Path, *args, **kwargs) -> str:
        if path.name == "card.json":
            reads.append(path)
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    capsys.readouterr()
    assert resumed(data_dir, out, 2) == 0
    assert "resumed from step 1" in capsys.readouterr().err
    assert reads == [out / "card.json"]


@pytest.mark.parametrize("lose, said", [(lambda card: card.unlink(), "is missing"),
                                        (lambda card: card.write_text("{"), "is damaged")], ids=["missing", "damaged"])
def test_without_its_card_a_resume_takes_the_options_its_checkpoint_records(lose, said, data_dir, tmp_path, capsys):
    """It went on unchecked with the defaults: another held-out split, and any --resolution typed."""
    out = tmp_path / "vae"
    kept_run(data_dir, out)
    lose(out / "card.json")
    capsys.readouterr()
    assert resumed(data_dir, out, 3, "--resolution", "64") == 2
    err = capsys.readouterr().err
    assert "the run was started with --resolution 32 (now: --resolution 64)" in err
    assert "resuming with" not in err  # said once the resume is accepted
    assert resumed(data_dir, out, 3) == 0
    err = capsys.readouterr().err
    assert (f"{out / 'card.json'} {said}" in err and f"resuming with the options the run was started with, as "
            f"{out / CHECKPOINT_FILE} records them") in err
    assert "resuming with the run's --holdout 3, --seed 5, --sample-every 1, --mirror, --keep-best" in err
    _, card = load_model(out)
    assert card["resolution"] == 32 and card["training"]["held_out"] == 3


@pytest.mark.parametrize("lose, said", [(lambda card: card.unlink(), "is missing"),
                                        (lambda card: card.write_text(json.dumps({"kind": "vae"})), "is damaged")],
                         ids=["missing", "damaged"])
def test_without_its_card_or_a_record_of_the_options_a_resume_is_refused(lose, said, data_dir, tmp_path, capsys):
    """A checkpoint written before checkpoints recorded the options: nothing says how the run was started."""
    out = tmp_path / "vae"
    kept_run(data_dir, out)
    checkpoint = torch.load(out / CHECKPOINT_FILE, weights_only=True)
    checkpoint.pop("run", None)
    torch.save(checkpoint, out / CHECKPOINT_FILE)
    lose(out / "card.json")
    capsys.readouterr()
    assert resumed(data_dir, out, 3) == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if "error" in line] == [err.strip().splitlines()[-1]]  # one line
    assert f"genimg train: error: {out / 'card.json'} {said}" in err
    assert (f", and {out / CHECKPOINT_FILE} does not record the options the run was started with, which --resume "
            "keeps: put the run's card.json back, or start over with --overwrite") in err
    assert "data: " not in err and torch.load(out / CHECKPOINT_FILE, weights_only=True)["step"] == 2


def vae_and_latent_gan(data: Path, folder: Path) -> tuple[Path, Path]:
    """A one-step VAE, and a one-step GAN in its latent space (latents 2x16x16)."""
    vae, gan = folder / "vae", folder / "gan"
    assert train("vae", data, vae, 1) == 0
    assert train("gan", data, gan, 1, "--latent-of", str(vae), "--set", "channels=[16,8,8]") == 0
    return vae, gan


def resumed_gan(data: Path, gan: Path) -> int:
    return main(["train", "gan", str(data), "-o", str(gan), "--steps", "2", "--batch-size", "8", "--threads", "1",
                 "--resume"])


def test_a_latent_gan_whose_vae_was_trained_again_in_its_folder_is_not_resumed(data_dir, tmp_path, capsys):
    """It went on without a word against the latents of the new encoder; the old VAE put back, it goes on."""
    vae, gan = vae_and_latent_gan(data_dir, tmp_path)
    old = tmp_path / "old-vae.safetensors"
    old.write_bytes((vae / "model.safetensors").read_bytes())
    assert train("vae", data_dir, vae, 2, "--seed", "7", "--overwrite") == 0  # "Start over" on the VAE
    capsys.readouterr()
    assert resumed_gan(data_dir, gan) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error" in line]
    assert errors == [f"genimg train: error: --latent-of {vae.resolve()} was trained again since this GAN started "
                      "(its weights differ): the GAN draws in the old VAE's latent space; start the GAN over "
                      f"(--overwrite), or put the old VAE back in {vae.resolve()} (this --resume took the run's "
                      f"--latent-of {vae.resolve()})"]
    assert "data: " not in err and load_model(gan)[1]["training"]["steps"] == 1
    (vae / "model.safetensors").write_bytes(old.read_bytes())
    assert resumed_gan(data_dir, gan) == 0
    assert load_model(gan)[1]["training"]["steps"] == 2


def test_a_latent_gan_started_before_its_vae_digest_was_recorded_resumes_on_its_path(data_dir, tmp_path, capsys):
    """An older card and checkpoint name the VAE's folder only: that is compared, and nothing new is said."""
    vae, gan = vae_and_latent_gan(data_dir, tmp_path)
    card = json.loads((gan / "card.json").read_text())
    assert card["training"]["options"]["extra"].pop("latent_of_weights")
    (gan / "card.json").write_text(json.dumps(card))
    checkpoint = torch.load(gan / CHECKPOINT_FILE, weights_only=True)
    del checkpoint["run"]["options"]["extra"]["latent_of_weights"]
    torch.save(checkpoint, gan / CHECKPOINT_FILE)
    assert train("vae", data_dir, vae, 2, "--seed", "7", "--overwrite") == 0
    capsys.readouterr()
    assert resumed_gan(data_dir, gan) == 0
    assert "trained again" not in capsys.readouterr().err
    assert load_model(gan)[1]["training"]["options"]["extra"]["latent_of_weights"]  # recorded from now on


def test_a_plain_resume_trains_on_with_records_and_names_the_run_s_gan_settings(data_dir, tmp_path, capsys):
    """The resumed run trained on with the run's --set lecam=0.3 (and the others its checkpoint restores), as the
    card's objective said, yet the card's options no longer had them and the resuming line named none; and it
    trained with the default r1_gamma and ema, which no checkpoint keeps."""
    out = tmp_path / "gan"
    kept = ["--set", "lecam=0.3", "--set", "mode_seeking=0.5", "--set", "augment_p=auto", "--set", "d_lr=2",
            "--set", "mapping_lr=0.2", "--set", "r1_gamma=1", "--set", "ema=0.99"]
    assert train("gan", data_dir, out, 2, *kept) == 0
    capsys.readouterr()
    plain = ["train", "gan", str(data_dir), "-o", str(out), "--threads", "1", "--resume"]
    assert main([*plain, "--steps", "3"]) == 0
    assert ("resuming with the run's --batch-size 8, --holdout 8, --set r1_gamma=1, --set ema=0.99, "
            "--set mapping_lr=0.2, --set d_lr=2, --set augment_p=auto, --set mode_seeking=0.5, --set lecam=0.3\n"
            ) in capsys.readouterr().err
    card = load_model(out)[1]
    settings = {"lecam": 0.3, "mode_seeking": 0.5, "augment_p": "auto", "d_lr": 2, "mapping_lr": 0.2,
                "r1_gamma": 1, "ema": 0.99}
    assert {key: card["training"]["options"]["extra"].get(key) for key in settings} == settings
    # what it trained with: r1_gamma and ema, which no checkpoint keeps, went back to the defaults (0.05, 0.999)
    assert {key: card["objective"][key] for key in ("lecam", "mode_seeking", "d_lr", "mapping_lr", "r1_gamma",
                                                    "ema")} == \
        {"lecam": 0.3, "mode_seeking": 0.5, "d_lr": 2, "mapping_lr": 0.2, "r1_gamma": 1, "ema": 0.99}
    assert main([*plain, "--steps", "4", "--set", "lecam=0.1"]) == 0  # typed: it wins, and is not the run's
    assert "--set lecam" not in capsys.readouterr().err
    card = load_model(out)[1]
    assert card["training"]["options"]["extra"]["lecam"] == 0.1 == card["objective"]["lecam"]
    assert card["training"]["options"]["extra"]["mode_seeking"] == 0.5  # still taken


def test_a_plain_resume_of_a_vae_trains_on_with_the_run_s_kl_weight(data_dir, tmp_path, capsys):
    """It went back to the default KL weight: a run of --set kl_weight=0.05 went on at 0.001 a dimension."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2, "--set", "kl_weight=0.05") == 0
    capsys.readouterr()
    assert resumed(data_dir, out, 3) == 0
    assert "--set kl_weight=0.05" in capsys.readouterr().err
    card = load_model(out)[1]
    assert card["objective"]["kl_weight_per_dim"] == 0.05 == card["training"]["options"]["extra"]["kl_weight"]


def test_a_resume_with_another_batch_size_is_carded_with_each_batch_s_steps(data_dir, tmp_path, capsys):
    """40 steps of 20 images, then `--resume --batch-size 8 --steps 45`: `genimg info` said "45 steps of 8 images",
    and card.json "batch_size": 8, of 40 steps of 20."""
    out = tmp_path / "out"
    assert train("vae", data_dir, out, 2) == 0  # batches of 8
    assert resumed(data_dir, out, 5, "--batch-size", "4") == 0
    assert resumed(data_dir, out, 6, "--batch-size", "4") == 0  # a stretch of one batch size goes on as one
    training = json.loads((out / "card.json").read_text())["training"]
    assert training["steps"] == 6 and training["batch_size"] == 4
    assert training["batches"] == [{"steps": 2, "batch_size": 8}, {"steps": 4, "batch_size": 4}]
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    assert "training       6 steps (2 of 8 images, 4 of 4), " in capsys.readouterr().out
    assert train("vae", data_dir, tmp_path / "one", 2) == 0 and resumed(data_dir, tmp_path / "one", 3) == 0
    assert "batches" not in json.loads((tmp_path / "one" / "card.json").read_text())["training"]  # one batch size
