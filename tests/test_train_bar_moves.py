"""The Train… dialog's bar and time left move between a run's progress lines (a slow CPU logs one every 20-30 s,
and a bar that sat still that long read as a run that had hung), never ahead of the last line's pace, and the next
line puts them where the run says."""
from genimg_gui.ui.train_run import PROGRESS_STEPS
from genimg_gui.ui.train_watch import RunWatch
from test_train_dialog import dialog_for, shapes  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import ending_with


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_between_lines_the_time_left_counts_down_and_the_bar_moves_at_the_runs_pace(qtbot):
    clock = Clock()
    watch = RunWatch(clock=clock)
    qtbot.addWidget(watch)
    watch.begin("vae", "starting…")
    watch.take_line("step 10/100 | 1 img/s | mse=0.1 kl=1 | ETA 3.0 min")  # a tenth done, 180 s to go
    assert watch.progress.value() == 100 and watch.progress.format() == "step 10 — 3.0 min left"
    clock.now = 60.0  # no line for a minute: a third of what was left is done by the line's pace
    qtbot.waitUntil(lambda: watch.progress.format() == "step 10 — 2.0 min left", timeout=10_000)
    assert watch.progress.value() == 100 + 900 // 3
    watch.take_line("step 20/100 | 1 img/s | mse=0.1 kl=1 | ETA 3.5 min")  # slower than it was: the bar goes back
    assert watch.progress.format() == "step 20 — 3.5 min left"
    assert watch.progress.value() == round(60 / (60 + 210) * PROGRESS_STEPS)  # by the time spent, as a line says
    clock.now = 10_000.0  # long past the time the line gave: full only once the run says it ended
    qtbot.waitUntil(lambda: watch.progress.format() == "step 20 — 0.0 min left", timeout=10_000)
    assert watch.progress.value() == PROGRESS_STEPS - 1
    watch.end("done")
    clock.now = 20_000.0
    watch._tick()  # as the timer would, had it not stopped with the run
    assert watch.progress.format() == "done" and watch.progress.value() == PROGRESS_STEPS


def test_the_bar_holds_while_the_run_measures_and_once_it_saves(qtbot):
    clock = Clock()
    watch = RunWatch(clock=clock)
    qtbot.addWidget(watch)
    watch.begin("gan", "starting…")
    watch.take_line("step 8 | 40 img/s | d=0.6931 g=0.6931 | 1.6 min left")
    watch.take_line("measuring held-out figures at step 8 (512 held-out images)…")
    clock.now = 30.0
    watch._tick()
    assert watch.progress.format() == "step 8 — measuring held-out figures…"
    watch.take_line("held-out at step 8 (0.4 min into the run; took 30 s): held_out_precision_k3=0.4")
    qtbot.waitUntil(lambda: watch.progress.format() == "step 8 — 1.1 min left", timeout=10_000)
    watch.saving()
    clock.now = 60.0
    watch._tick()
    assert watch.progress.format() == "stopping: saving the model so far…"


def test_the_dialogs_bar_moves_while_the_run_is_between_lines(qtbot, shapes, tmp_path):  # noqa: F811
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=30)
    ending_with(dialog, "import time; print('step 8/200 | 1 img/s | loss=1 | ETA 2.0 min', flush=True); "
                        "time.sleep(60)")
    dialog.start()
    qtbot.waitUntil(lambda: "step 8/200 |" in dialog.watch.log.toPlainText(), timeout=60_000)
    said = dialog.watch.progress.value()
    qtbot.waitUntil(lambda: dialog.watch.progress.value() > said, timeout=30_000)  # about 8 a second
    qtbot.waitUntil(lambda: dialog.watch.progress.format() == "step 8 — 1.9 min left", timeout=30_000)
    assert "step 8/200 |" in dialog.watch.log.toPlainText().splitlines()[-1]  # no line came: the bar moved alone
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.process.kill()
