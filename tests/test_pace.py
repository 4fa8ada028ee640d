"""The progress line's speed follows the machine within minutes, not hours."""
from __future__ import annotations

import pytest

from genimg_gui.train.pace import Pace


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(pace: Pace, clock: Clock, images: int, seconds: float, per_s: float, every_s: float = 10.0) -> int:
    """Marks `seconds` of training at `per_s` images/s, one progress line every `every_s`; returns images."""
    for _ in range(int(seconds / every_s)):
        clock.now += every_s
        images += int(per_s * every_s)
        pace.mark(images)
    return images


def test_a_slowdown_hours_into_a_run_shows_within_the_window():
    clock = Clock()
    pace = Pace(window_s=300, clock=clock)
    pace.mark(0)
    images = run(pace, clock, 0, 3 * 3600, per_s=50.0)
    assert pace.images_per_s() == pytest.approx(50.0)
    images = run(pace, clock, images, 300, per_s=20.0)  # another job took a core
    assert pace.images_per_s() == pytest.approx(20.0)
    assert images / clock.now > 45  # what an average since the start would still say


def test_a_slow_first_step_leaves_the_figure_once_the_window_passes_it():
    clock = Clock()
    pace = Pace(window_s=300, clock=clock)
    pace.mark(0)
    clock.now = 30.0  # warming up: one batch of 32 in 30 s
    pace.mark(32)
    assert pace.images_per_s() == pytest.approx(32 / 30)
    run(pace, clock, 32, 600, per_s=40.0)
    assert pace.images_per_s() == pytest.approx(40.0)


def test_one_evaluation_pause_barely_moves_it():
    clock = Clock()
    pace = Pace(window_s=300, clock=clock)
    pace.mark(0)
    images = run(pace, clock, 0, 1800, per_s=40.0)
    clock.now += 20.0  # a sample grid and held-out figures, no images trained
    pace.mark(images)
    assert pace.images_per_s() == pytest.approx(40.0 * 300 / 320, rel=0.05)


def test_no_figure_before_two_marks():
    pace = Pace(clock=Clock())
    assert pace.images_per_s() == 0.0
    pace.mark(0)
    assert pace.images_per_s() == 0.0


def test_a_slow_run_reports_every_few_seconds_and_a_fast_one_every_few_steps():
    clock = Clock()
    pace = Pace(clock=clock)
    pace.mark(0)
    assert pace.report_due(1, first=1)  # the first step, whatever its pace
    clock.now += 4.0
    assert not pace.report_due(2, first=1)
    clock.now += 6.0  # ten seconds since the last line, at step 3: a large model on a CPU
    assert pace.report_due(3, first=1)
    pace.mark(96)
    clock.now += 0.1
    assert pace.report_due(25, first=1) and not pace.report_due(26, first=1)
