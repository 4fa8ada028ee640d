"""train/budget.py's rehearsal of the end's writing: a VAE's is nearly all the encoding of up to 4,096 training
images (154 s of 158 for the bundled emoji-vae on a CPU thread), which the rehearsal did in full at the first step
of every --minutes run, into a folder thrown away after. No real time here: a fake clock, writes said to take
a fixed time and a time per image."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from genimg_gui.train import budget
from genimg_gui.train.budget import Budget
from genimg_gui.train.vae_recipe import VAERecipe

from test_train_evaluation import Clock, clock, data_dir, slow_start_and_writing, timed  # noqa: F401 (fixtures)
from train_helpers import train


def writing(clock: Clock, fixed_s: float, per_image_s: float, given: list[int]):
    """A write into a folder that takes fixed_s and per_image_s for each image it is given; given: their counts."""
    def write(folder: Path, images: int) -> None:
        assert folder.is_dir()
        given.append(images)
        clock.now += fixed_s + per_image_s * images
    return write


def test_the_rehearsal_encodes_a_share_of_the_images_and_keeps_time_for_them_all(clock):
    given: list[int] = []
    plan = Budget(10.0, clock.now)
    spent = plan.rehearse(writing(clock, 3.5, 0.0375, given), 4096)
    assert max(given) <= 256 and len(given) == 2  # it was one write of all 4,096
    assert spent == pytest.approx(2 * 3.5 + 0.0375 * sum(given))  # about 19 s: it was 157 s
    full = 3.5 + 0.0375 * 4096
    assert full <= plan.writing_s <= 1.3 * full  # scaled with a margin, never short of the end's writing
    twice: list[int] = []
    more = Budget(10.0, clock.now)
    more.rehearse(writing(clock, 3.5, 0.0375, twice), 8192)
    assert twice == given and more.writing_s - 3.5 == pytest.approx(2 * (plan.writing_s - 3.5), rel=0.02)


def test_a_writing_that_encodes_nothing_keeps_its_own_time(clock):
    """A GAN's writing does not encode the images it is given: both shares take as long, and that is kept."""
    given: list[int] = []
    plan = Budget(10.0, clock.now)
    assert plan.rehearse(writing(clock, 2.0, 0.0, given), 4096) == 4.0
    assert plan.writing_s == 2.0
    # the figure once: "keeping 2.0 s at the end for writing the model (2.0 s)" said it twice
    assert plan.keeping(0.0) == "--minutes: keeping 2.0 s at the end for writing the model"


def test_a_writing_under_a_second_is_said_in_ms(clock):
    """A small model's writing read "keeping 0.3 s … (0.2 s)": the log's tenths of a second, where the window says
    "82 ms"; one way to say a time, wording.duration, says both in ms."""
    given: list[int] = []
    plan = Budget(10.0, clock.now)
    plan.rehearse(writing(clock, 0.25, 0.0, given), 4096)
    assert plan.keeping(0.082) == ("--minutes: keeping 332 ms at the end for the held-out figures of the model "
                                   "written (82 ms) and for writing it (250 ms)")


def test_a_few_images_are_written_all_at_once(clock):
    given: list[int] = []
    plan = Budget(10.0, clock.now)
    many = budget.REHEARSED_IMAGES[0]
    assert plan.rehearse(writing(clock, 2.0, 0.5, given), many) == 2.0 + 0.5 * many
    assert given == [many] and plan.writing_s == 2.0 + 0.5 * many  # timed, not scaled


def test_the_minutes_advised_are_a_hundred_steps_at_the_pace_the_run_had(data_dir, tmp_path, monkeypatch, clock,
                                                                          capsys):
    """A --minutes 1 VAE of 6.9 s a step was told "Give --minutes 8 or more" (100 steps take 12 minutes), and the
    same run in the Train… dialog, at 4 s a step, 12: the advice took the last step's time, a shared CPU's luck.
    Here steps take 1 s and 5 s in turn (3 s a step), the start 10 s, writing 2 s, the evaluations no time."""
    timed(monkeypatch, VAERecipe, clock, 0.0, 0.0)
    step = VAERecipe.step

    def uneven(self, batch, n, *args, **kwargs):
        clock.now += 1.0 if n % 2 else 5.0
        return step(self, batch, n, *args, **kwargs)

    monkeypatch.setattr(VAERecipe, "step", uneven)
    slow_start_and_writing(monkeypatch, clock, 10.0, 2.0)
    assert train("vae", data_dir, tmp_path / "vae", 1000, "--minutes", "2") == 0
    advice = capsys.readouterr().err.splitlines()[-1]
    # the first step's 1 s, the start's 10 s and the writing rehearsed (2 s) and kept (2 s): 15 s besides 99 steps
    assert advice.startswith("trained for 3") and advice.endswith(f"Give --minutes {math.ceil((15 + 99 * 3) / 60)} or "
                                                                  "more")


def test_a_resumed_runs_pace_counts_its_own_steps(clock):
    """The pace is the run's steps from its second to its last, each run's first counted among its fixed time."""
    plan = Budget(1, clock.now, steps_before=80, fixed_s=30.0)
    for step, step_s, between_s in [(81, 4.0, 20.0), (82, 1.0, 10.0), (83, 1.0, 10.0), (84, 1.0, 0.0)]:
        began = clock.now
        clock.now += step_s
        plan.stepped(step, began)
        clock.now += between_s
    assert plan.step_s == 1.0 and plan.pace_s() == 23 / 3  # 23 s from step 82 to 84's end, the 20 s after 81 left out
    assert plan.enough() == 3  # 30 s and 19 steps of 23/3 s: 176 s (the last step's 1 s gave 2 minutes)
