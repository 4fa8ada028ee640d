"""`genimg train`'s held-out evaluations, which took 87 s on a CPU for a latent GAN: the log says one before it
starts, a stop saves without one that is not quick, and a --minutes budget keeps time for the last one."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch

from genimg_gui.catalog import metrics_text
from genimg_gui.cli import main
from genimg_gui.models.weights import load_model
from genimg_gui.train import budget, loop
from genimg_gui.train.budget import UNPACED
from genimg_gui.train.latent_gan_recipe import MIN_HELD_OUT, LatentGANRecipe
from genimg_gui.train.vae_recipe import VAERecipe

from train_helpers import make_shapes, measured_dir, strict_json, train  # noqa: F401 (measured_dir: a fixture)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return make_shapes(tmp_path_factory.mktemp("shapes"), 40)  # a tenth: 4 held out


@pytest.fixture(autouse=True)
def restore_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


class Clock:
    """time.monotonic as a run reads it: still, but for the seconds its steps and evaluations are said to take."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake)
    return fake


def timed(monkeypatch, recipe, clock: Clock, step_s: float, evaluation_s: float) -> list[int]:
    """Each step of recipe takes step_s on the clock and each evaluation evaluation_s; the steps evaluated,
    in turn (as the clock counts them: the number of evaluations so far)."""
    step, evaluate = recipe.step, recipe.evaluate
    evaluated = []

    def stepped(self, *args, **kwargs):
        clock.now += step_s
        return step(self, *args, **kwargs)

    def measured(self, held_out):
        clock.now += evaluation_s
        evaluated.append(len(evaluated) + 1)
        return evaluate(self, held_out)

    monkeypatch.setattr(recipe, "step", stepped)
    monkeypatch.setattr(recipe, "evaluate", measured)
    return evaluated


def stop_before(monkeypatch, recipe, stop_at: int) -> None:
    """Ctrl+C as recipe is about to train step stop_at."""
    step = recipe.step

    def interrupted(self, batch, n, *args, **kwargs):
        if n == stop_at:
            raise KeyboardInterrupt
        return step(self, batch, n, *args, **kwargs)

    monkeypatch.setattr(recipe, "step", interrupted)


def latent_gan(data: Path, out: Path, vae: Path, steps: int, *extra: str) -> int:
    return main(["train", "gan", str(data), "-o", str(out), "--latent-of", str(vae), "--steps", str(steps),
                 "--batch-size", "8", "--threads", "1", "--set", "channels=[16,8,8]",
                 "--set", "z_dim=16", "--set", "w_dim=16", *extra])


def test_the_log_says_an_evaluation_before_it_starts(data_dir, tmp_path, capsys):
    """It said nothing for the minute one took: the Train… dialog's bar read '1.6 min left' all that time."""
    assert train("vae", data_dir, tmp_path / "vae", 3, "--sample-every", "2") == 0
    log = capsys.readouterr().err.splitlines()
    for step in (2, 3):  # by --sample-every, then the model written
        said = [i for i, line in enumerate(log) if line.startswith(f"measuring held-out figures at step {step} "
                                                                   "(4 held-out images")]
        assert said and log[said[0] + 1].startswith(f"held-out at step {step} ("), log
    assert "(4 held-out images; the last took " in log[said[0]]  # the second: how long to wait


@pytest.mark.parametrize("kind", ["vae", "latent-gan"])
def test_a_stop_saves_the_model_without_measuring_it(kind, data_dir, measured_dir, model_dir, tmp_path, monkeypatch,
                                                     capsys):
    """Stopped at step 6, a latent GAN measured its held-out figures for 87 s before it exited."""
    recipe = VAERecipe if kind == "vae" else LatentGANRecipe
    evaluated = []
    evaluate = recipe.evaluate
    monkeypatch.setattr(recipe, "evaluate", lambda self, held: evaluated.append(1) or evaluate(self, held))
    stop_before(monkeypatch, recipe, 4)
    out = tmp_path / kind
    if kind == "vae":
        assert train("vae", data_dir, out, 10) == 130
    else:
        assert latent_gan(measured_dir, out, model_dir / "tiny-vae", 10) == 130  # a tenth: MIN_HELD_OUT held out
    err = capsys.readouterr().err
    assert not evaluated and "measuring held-out figures" not in err
    assert "interrupted at step 3: saving" in err and "held-out figures not measured: stopped" in err
    card = load_model(out)[1]
    assert card["training"]["steps"] == 3
    held = 4 if kind == "vae" else MIN_HELD_OUT
    assert card["metrics"] == {"held_out_images": held, "held_out": "not measured: stopped"}
    assert strict_json(out / "metrics.json") == card["metrics"]  # no curve: no step was measured
    assert metrics_text(card["metrics"])[0].endswith("Held-out figures: not measured (stopped)")  # the Models tab


@pytest.mark.parametrize("evaluation_s", [0.5, 60.0], ids=["quick", "slow"])
def test_a_stop_measures_the_model_it_writes_only_when_the_evaluation_is_quick(evaluation_s, data_dir, tmp_path,
                                                                             monkeypatch, clock, capsys):
    timed(monkeypatch, VAERecipe, clock, 1.0, evaluation_s)
    stop_before(monkeypatch, VAERecipe, 4)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 10, "--sample-every", "2") == 130  # step 2 measured, and timed
    err = capsys.readouterr().err
    history = strict_json(out / "metrics.json")["history"]
    metrics = load_model(out)[1]["metrics"]
    if evaluation_s < 1:
        assert [h["step"] for h in history] == [2, 3] and "held_out_psnr_db" in metrics
    else:
        assert [h["step"] for h in history] == [2] and metrics["held_out"] == "not measured: stopped"
        assert "held-out figures not measured: stopped (they take about 1.0 min)" in err


def test_keep_best_stopped_keeps_the_best_measured_step(data_dir, tmp_path, monkeypatch, clock, capsys):
    timed(monkeypatch, VAERecipe, clock, 1.0, 60.0)
    stop_before(monkeypatch, VAERecipe, 4)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 10, "--sample-every", "2", "--keep-best") == 130
    err = capsys.readouterr().err
    assert "--keep-best: keeping step 2's model (held-out PSNR " in err
    assert "the last step not measured: stopped)" in err
    training = load_model(out)[1]["training"]
    assert training["kept"]["step"] == 2 and (training["steps"], training["run_steps"]) == (2, 3)
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 3  # --resume goes on from the last


def test_a_minutes_budget_keeps_time_for_the_last_evaluation(data_dir, tmp_path, monkeypatch, clock, capsys):
    """A --minutes 3 run spent its last 0.9 min evaluating: it ended after 3.9 min. Steps of 10 s and evaluations
    of 100 s in a budget of 300 s: the run times one at its first step, then stops training in time for the last."""
    evaluated = timed(monkeypatch, VAERecipe, clock, 10.0, 100.0)
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1000, "--minutes", "5") == 0
    assert "--minutes: keeping 1.7 min at the end for the held-out figures" in capsys.readouterr().err
    history = strict_json(out / "metrics.json")["history"]
    seconds = load_model(out)[1]["training"]["seconds"]
    assert history[0]["step"] == 1 and len(evaluated) == 2
    assert 300 - 10 < seconds <= 300 + 10, seconds  # within a step of the budget (it was 410)
    evaluated.clear()
    assert train("vae", data_dir, out, 1000, "--minutes", "5", "--resume") == 0  # the checkpoint says how long
    assert "--minutes: keeping 1.7 min at the end" in capsys.readouterr().err
    assert len(evaluated) == 1 and 300 - 10 < load_model(out)[1]["training"]["seconds"] - seconds <= 300 + 10
    steps = load_model(out)[1]["training"]["steps"]
    assert train("vae", data_dir, out, 1000, "--minutes", "1", "--resume") == 0  # less than an evaluation takes
    assert load_model(out)[1]["training"]["steps"] == steps + 1  # a step all the same: a run never trains none


def test_a_minutes_budget_counts_the_whole_command_as_the_user_times_it(data_dir, tmp_path, monkeypatch, clock,
                                                                         capsys):
    """A --minutes 3 latent GAN ended after 211 s: the budget counted from the first step, and kept time for the last
    evaluation alone, not for what came before the loop nor for writing the model after it. Building the networks
    takes 30 s here, a step 10 s, an evaluation 100 s and writing the model folder 20 s, in a budget of 300 s."""
    timed(monkeypatch, VAERecipe, clock, 10.0, 100.0)
    build, export = VAERecipe.__init__, VAERecipe.export

    def slow_build(self, *args, **kwargs):
        clock.now += 30.0
        build(self, *args, **kwargs)

    def slow_export(self, *args, **kwargs):
        clock.now += 20.0
        return export(self, *args, **kwargs)

    monkeypatch.setattr(VAERecipe, "__init__", slow_build)
    monkeypatch.setattr(VAERecipe, "export", slow_export)
    began = clock.now
    assert train("vae", data_dir, tmp_path / "vae", 1000, "--minutes", "5") == 0
    assert 300 - 10 < clock.now - began <= 300, clock.now - began  # within a step of the budget (it was 360)
    assert ("--minutes: keeping 2.0 min at the end for the held-out figures of the model written (1.7 min) and for "
            "writing it (20 s)") in capsys.readouterr().err
    assert (tmp_path / "vae" / "model.safetensors").is_file()  # the rehearsal's folder was not this one


def test_the_eta_counts_the_evaluations_to_come():
    lines = []
    opts = loop.TrainOptions(Path("d"), Path("o"), batch_size=8, steps=20, sample_every=5)
    # 10 steps at a step a second, and evaluations of 30 s at steps 15 and 20
    loop._report(lines.append, 10, opts, 8, 8.0, 10.0, {"mse": 0.5}, 30.0)
    assert lines[-1].endswith("ETA 1.2 min")
    loop._report(lines.append, 10, opts, 8, 8.0, 10.0, {"mse": 0.5})
    assert lines[-1].endswith("ETA 0.2 min")


def slow_start_and_writing(monkeypatch, clock: Clock, build_s: float, export_s: float) -> None:
    """Building VAERecipe takes build_s on the clock, writing its model folder export_s."""
    build, export = VAERecipe.__init__, VAERecipe.export

    def slow_build(self, *args, **kwargs):
        clock.now += build_s
        build(self, *args, **kwargs)

    def slow_export(self, *args, **kwargs):
        clock.now += export_s
        return export(self, *args, **kwargs)

    monkeypatch.setattr(VAERecipe, "__init__", slow_build)
    monkeypatch.setattr(VAERecipe, "export", slow_export)


def test_the_held_out_line_says_how_long_the_evaluation_took(data_dir, tmp_path, monkeypatch, clock, capsys):
    """'held-out at step 1 after 0.2 min' of an evaluation that took 60 s read as if it had taken 0.2 min."""
    timed(monkeypatch, VAERecipe, clock, 12.0, 60.0)
    assert train("vae", data_dir, tmp_path / "vae", 1) == 0
    assert "held-out at step 1 (0.2 min of training in all; took 1.0 min): held_out_psnr_db=" in capsys.readouterr().err


def test_a_minutes_budget_that_leaves_no_training_says_so_at_the_start_and_the_end(data_dir, tmp_path, monkeypatch,
                                                                                  clock, capsys):
    """A --minutes 2 latent GAN whose evaluation took 60 s trained one step, said nothing of it, and wrote a model
    of noise. A start of 10 s, steps of 10 s, evaluations of 60 s, writing 2 s: 2 minutes leave no time to train."""
    timed(monkeypatch, VAERecipe, clock, 10.0, 60.0)
    slow_start_and_writing(monkeypatch, clock, 10.0, 2.0)
    began = clock.now
    assert train("vae", data_dir, tmp_path / "vae", 1000, "--minutes", "2") == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    said = lines.index("--minutes 2 leaves no time to train: the start and the first step took 1.4 min, and the end "
                       f"keeps 1.0 min for the held-out figures and for writing the model. Give --minutes 5 or more"
                       f"{UNPACED}, or --holdout 0 to train without held-out figures")
    assert lines[said - 1].startswith("--minutes: keeping ")  # at the first step, as soon as it is known
    assert lines[-1] == ("trained for 1 step only before --minutes 2 ran out: too few to learn much from the images, "
                         f"so the model's samples may still look like noise. Give --minutes 5 or more{UNPACED}")
    # 5: twice the 146 s spent besides training (its start, first step and end): one step gives no pace, its time
    # holding torch's start-up (100 first steps of a busy 2-core machine told a 1-minute run to give 44 minutes)
    # it ended 36 s early, yet rightly: the step-1 evaluation is counted once as spent and once more kept for the
    # end's, which a second step needs (its model is not step 1's); 84 s + a step + that evaluation is 154 s
    assert clock.now - began == 84.0 and 84.0 + 10.0 + 60.0 > 120


@pytest.mark.parametrize("start_s, step_s, evaluation_s, writing_s, advice", [
    (10.0, 10.0, 0.1, 2.0, f"Give --minutes 1 or more{UNPACED}"),
    (2.0, 2.0, 10.0, 1.0, f"Give --minutes 1 or more{UNPACED}, or --holdout 0 to train without held-out figures")])
def test_a_short_budget_offers_holdout_0_only_where_the_held_out_figures_take_a_real_share_of_it(
        start_s, step_s, evaluation_s, writing_s, advice, data_dir, tmp_path, monkeypatch, clock, capsys):
    """`--minutes 0.1` was told "Give --minutes 3 or more, or --holdout 0 to train without held-out figures" though
    the figures took 118 ms: leaving them out would have trained no longer. Of --minutes 0.5 a run should train a
    quarter, 7.5 s. A start, first step and writing (rehearsed, then kept) of 24 s leave 5.8 s beside evaluations of
    0.1 s (one spent, one kept), and 6 s without them; of 6 s, 4 s beside evaluations of 10 s, and 24 s without."""
    timed(monkeypatch, VAERecipe, clock, step_s, evaluation_s)
    slow_start_and_writing(monkeypatch, clock, start_s, writing_s)
    assert train("vae", data_dir, tmp_path / "vae", 1000, "--minutes", "0.5") == 0
    short = [line for line in capsys.readouterr().err.splitlines() if line.startswith("--minutes 0.5 leaves about ")]
    assert len(short) == 1 and short[0].endswith(f" for the held-out figures and for writing the model. {advice}")


def test_a_minutes_budget_counts_the_first_evaluation_once(data_dir, tmp_path, monkeypatch, clock, capsys):
    """The same run in 2.6 minutes: a second step fits (82 s spent, a step of 10 s, 62 s kept: 154 s of 156),
    which a reserve that counted the first evaluation twice would not have trained."""
    timed(monkeypatch, VAERecipe, clock, 10.0, 60.0)
    slow_start_and_writing(monkeypatch, clock, 10.0, 2.0)
    began = clock.now
    assert train("vae", data_dir, tmp_path / "vae", 1000, "--minutes", "2.6") == 0
    assert load_model(tmp_path / "vae")[1]["training"]["steps"] == 2 and clock.now - began == 154.0
    err = capsys.readouterr().err
    assert "--minutes 2.6 leaves about 12 s to train" in err and "trained for 2 steps only" in err


def test_a_latent_gan_of_a_small_folder_measures_no_noise_and_says_a_short_budget(data_dir, model_dir, tmp_path,
                                                                                 capsys):
    """The tester's run, real and small: 40 pictures held out 4, whose precision 1.0 and recall 0.0 were noise
    (and their evaluation took the minute the run had to train); now it trains on them. --minutes too short to train
    says so."""
    out = tmp_path / "gan"
    assert latent_gan(data_dir, out, model_dir / "tiny-vae", 1000, "--minutes", "0.002") == 0
    err = capsys.readouterr().err
    assert ("held out: none: the 4 images the default --holdout would hold out (a tenth of 40 images) are too few for "
            f"precision/recall to mean anything (they need {MIN_HELD_OUT} or more), so this run trains on them "
            "too") in err
    assert "measuring held-out figures" not in err and "held-out at step" not in err
    assert "--minutes 0.002 leaves no time to train: the start and the first step took " in err
    # the budget's advice leaves --holdout 0 out: there is no evaluation to leave out
    assert "Give --minutes 1 or more" in err and "or --holdout 0 to train without" not in err
    assert "trained for 1 step only before --minutes 0.002 ran out" in err
    assert "precision" not in strict_json(out / "metrics.json")


def test_a_minutes_budget_rehearses_the_writing_with_a_share_of_the_images(data_dir, tmp_path, monkeypatch, clock,
                                                                           capsys):
    """A --minutes 10 VAE spent 2.5 minutes of them at its first step encoding 4,096 images for PCA directions
    written to a folder thrown away after. Here the share is 8 images of the 36 trained on (the run's 4,096 at
    most); writing takes 1 s and 0.5 s per image it is given, steps 10 s, evaluations 20 s, in 300 s."""
    monkeypatch.setattr(budget, "REHEARSED_IMAGES", (8, 4), raising=False)
    timed(monkeypatch, VAERecipe, clock, 10.0, 20.0)
    export = VAERecipe.export
    given = []

    def slow_export(self, out, card, train_images, *args, **kwargs):
        given.append(len(train_images))
        clock.now += 1.0 + 0.5 * len(train_images)
        return export(self, out, card, train_images, *args, **kwargs)

    monkeypatch.setattr(VAERecipe, "export", slow_export)
    began = clock.now
    assert train("vae", data_dir, tmp_path / "vae", 1000, "--minutes", "5") == 0
    assert given[:-1] == [8, 4] and given[-1] == 36  # the rehearsal encoded 12 images, not 36; the end all
    # 3 s for 4 images, then 0.5 s for each of the 32 more, with a margin of a quarter: 23 s kept for 19 s
    assert ("--minutes: keeping 43 s at the end for the held-out figures of the model written (20 s) and for "
            "writing it (23 s)") in capsys.readouterr().err
    assert 300 - 10 - 4 <= clock.now - began <= 300, clock.now - began  # within a step and the margin of the budget
