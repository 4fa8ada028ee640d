"""train/budget.py's rehearsal of the end's writing: a VAE's is nearly all the encoding of up to 4,096 training
images (154 s of 158 for the bundled emoji-vae on a CPU thread), which the rehearsal did in full at the first step
of every --minutes run, into a folder thrown away after. No real time here: a fake clock, writes said to take
a fixed time and a time per image."""
from __future__ import annotations

from pathlib import Path

import pytest

from genimg_gui.train import budget
from genimg_gui.train.budget import Budget

from test_train_evaluation import Clock, clock  # noqa: F401 (clock: a fixture)


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
    assert plan.keeping(0.0) == "--minutes: keeping 2.0 s at the end for writing the model (2.0 s)"


def test_a_few_images_are_written_all_at_once(clock):
    given: list[int] = []
    plan = Budget(10.0, clock.now)
    many = budget.REHEARSED_IMAGES[0]
    assert plan.rehearse(writing(clock, 2.0, 0.5, given), many) == 2.0 + 0.5 * many
    assert given == [many] and plan.writing_s == 2.0 + 0.5 * many  # timed, not scaled
