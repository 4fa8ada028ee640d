"""What a new user of `genimg train` met: a pixel GAN on a CPU that said nothing of wanting a GPU, a stopped run's
model that `genimg info` and the Models tab described as any other (and with the threads of its last part alone), and
"Give --minutes 44 or more" reckoned from a first step that torch's start-up had slowed."""
from __future__ import annotations

from genimg_gui.catalog import read_entry
from genimg_gui.cli import main
from genimg_gui.train.budget import Budget
from genimg_gui.ui.model_panel import ModelPanel
from genimg_gui.ui.train_watch import RunWatch

from test_model_panel_words import click_row
from train_helpers import TINY, stop_at_step, train
from train_helpers import data_dir, restore_threads  # noqa: F401 - fixtures, found by name


def pixel_gan(data, out, *extra: str) -> int:
    return main(["train", "gan", str(data), "-o", str(out), "--steps", "1", "--batch-size", "8", "--holdout", "8",
                 "--resolution", "32", "--threads", "1", *TINY["gan"], *extra])


def test_a_pixel_gan_on_the_cpu_says_at_its_start_that_it_wants_a_gpu_or_a_vae(data_dir, tmp_path, capsys, qtbot):
    assert pixel_gan(data_dir, tmp_path / "gan", "--device", "cpu") == 0
    err = capsys.readouterr().err.splitlines()
    said = [line for line in err if "draws pixels" in line]
    assert said == ["this GAN draws pixels, which learns slowly without a GPU (this run trains on the CPU): train a "
                    "VAE on these images first and pass --latent-of VAE (its folder) to train the GAN in its latent "
                    "space, far faster"]
    assert err.index(said[0]) < next(at for at, line in enumerate(err) if line.startswith("data: "))  # at the start
    # the Train… dialog, which chose pixels in its GAN draws in, says it in its field's words
    watch = RunWatch()
    qtbot.addWidget(watch)
    watch.take_line(said[0])
    assert watch.log.toPlainText().endswith("train a VAE on these images first and choose it in GAN draws in to "
                                            "train the GAN in its latent space, far faster")


def test_a_stopped_runs_model_says_so_in_info_and_the_models_tab(data_dir, tmp_path, monkeypatch, capsys, qtbot):
    out = tmp_path / "vae"
    stop_at_step(monkeypatch, 3)
    assert train("vae", data_dir, out, 6) == 130  # stopped at step 2 of 6
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    said = capsys.readouterr().out
    assert "ended          stopped at step 2 of 6 (--resume goes on from its checkpoint)" in said
    assert ", 1 thread)\n" in said  # one part: its threads are the run's
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_entries([read_entry(out)])
    panel.show()
    click_row(qtbot, panel, "vae")
    assert panel.details["Source"].text() == ("genimg model folder\nTraining stopped at step 2 of 6: Train… continues "
                                              "it")
    # resumed on 2 threads to the end: no longer stopped, and the threads are said to be its last part's alone
    monkeypatch.undo()
    assert main(["train", "vae", str(data_dir), "-o", str(out), "--resume", "--threads", "2"]) == 0
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    said = " ".join(capsys.readouterr().out.split())  # unwrapped
    assert "stopped at step" not in said
    assert "6 steps of 8 images, " in said
    assert ", 2 threads) in its last part (a resume; earlier parts are not recorded)" in said
    # the bundled GANs' cards, resumed many times, say their threads for all the parts in words of their own
    assert main(["info", "emoji-gan"]) == 0
    bundled = " ".join(capsys.readouterr().out.split())
    assert "1 in the third run" in bundled and "in its last part" not in bundled
    panel.set_entries([read_entry(out)])  # listed again, as the Train… dialog's run ends: the card on show follows
    assert panel.details["Source"].text() == "genimg model folder"


def stepped(plan: Budget, clock: list[float], step: int, seconds: float) -> None:
    """The run's step `step`, of these seconds on the fake clock."""
    began = clock[0]
    clock[0] += seconds
    plan.stepped(step, began)


def test_the_minutes_advised_at_the_first_step_are_not_a_hundred_first_steps(monkeypatch):
    """A 1-minute run in the dialog: the start 34 s, a first step of 26 s (torch's start-up in it), 14 s kept for
    the end; it was told "Give a Time for this run of 44 min or more", 100 first steps, where the next steps took
    0.4 s. Before a second step the advice is twice the fixed time, saying that it is; after one, at the pace."""
    from genimg_gui.train import budget
    clock = [0.0]
    monkeypatch.setattr(budget.time, "monotonic", lambda: clock[0])
    plan = Budget(1, 0.0, writing_s=10.0)
    clock[0] = 34.0
    stepped(plan, clock, 1, 26.0)
    said = plan.short_of_training(4.0)
    assert said.startswith("--minutes 1 leaves no time to train: the start and the first step took 1.0 min")
    assert said.endswith("Give --minutes 3 or more (twice what the start, the first step and the end take: the first "
                         "step, slowed by the start-up, tells nothing of how long the next ones take)")  # 74 s twice
    assert plan.few_steps(1).endswith(plan.advice()) and plan.advice().startswith("Give --minutes 3 or more (")
    stepped(plan, clock, 2, 10.0)  # a second step: the pace is the steps' after the first
    assert plan.advice() == "Give --minutes 18 or more"  # 74 s and 99 steps of 10 s

