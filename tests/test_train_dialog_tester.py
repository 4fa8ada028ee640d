"""What a hands-on tester of the Train… dialog found it saying wrongly: an earlier run's step said as the step a run
stopped before its first step reached, a signal's name for the Stop button, ... (see each test)."""
import json

import pytest

from genimg_gui.ui.train_dialog import TrainDialog
from test_train_dialog import answer, dialog_for, shapes  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import ending_with

# a run's Python line that, told to stop (Stop's SIGTERM) before its first step, says so and exits as a run does
STOPPED_EARLY = ("import signal, sys, time\n"
                 "def stop(*_):\n"
                 "    print('stopped by SIGTERM before the first step: nothing written', flush=True); sys.exit(143)\n"
                 "signal.signal(signal.SIGTERM, stop)\n"
                 "print('loading the images', flush=True)\n"
                 "time.sleep(60)\n")


def earlier_vae(out, steps: int = 116):
    out.mkdir(parents=True)
    (out / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": steps}}))
    (out / "checkpoint.pt").write_text("")
    return out


# genimg in its first fraction of a second: the handler cli.py sets before its imports, which take a while
BEFORE_IT_BEGINS = ("import sys, time\n"
                    "from genimg_gui.startup_signals import stops_end_at_once\n"
                    "stops_end_at_once()\n"
                    "print('genimg loads its modules', file=sys.stderr, flush=True)\n"
                    "time.sleep(60)\n")


def stop_before_the_first_step(qtbot, dialog: TrainDialog, run: str = STOPPED_EARLY,
                               said: str = "loading the images") -> list:
    """Start, then Stop once the run has said `said` (as the images load); the message log's lines."""
    events = []
    dialog.run_event.connect(lambda text, _failed: events.append(text))
    ending_with(dialog, run)
    dialog.start()
    qtbot.waitUntil(lambda: said in dialog.watch.log.toPlainText().splitlines(), timeout=60_000)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.stop()
    return events


@pytest.mark.parametrize("choice, run, said, stopped", [
    pytest.param("--overwrite", STOPPED_EARLY, "loading the images",
                 "\nstopped before the first step: nothing written\n", id="start-over-as-the-images-load"),
    pytest.param("--overwrite", BEFORE_IT_BEGINS, "genimg loads its modules",
                 "\ngenimg: stopped before it began: nothing written\n", id="start-over-before-genimg-began"),
    pytest.param("--resume", BEFORE_IT_BEGINS, "genimg loads its modules",
                 "\ngenimg: stopped before it began: nothing written\n", id="continue-before-genimg-began"),
])
def test_a_run_stopped_before_its_first_step_says_nothing_was_written_not_the_old_runs_step(
        qtbot, shapes, tmp_path, choice, run, said, stopped):
    """Start over (or Continue) into a folder holding a 116-step run, then Stop before the first step. As the images
    load, the bar read "stopped at step 116", the log "stopped by SIGTERM before the first step" then "■ stopped at
    step 116: the model so far is written". Within genimg's first fraction of a second, its line "genimg: stopped by
    SIGTERM before it began: nothing written" went unread, with the same wrong words, and Load offered the old model,
    as though this run had written it."""
    out = earlier_vae(tmp_path / "vae")
    dialog = dialog_for(qtbot, shapes, out, minutes=1)
    answer(dialog, choice)
    trained = []
    dialog.model_trained.connect(trained.append)
    events = stop_before_the_first_step(qtbot, dialog, run, said)
    assert dialog.process.exitCode() == 143
    log = dialog.watch.log.toPlainText()
    assert dialog.watch.progress.format() == "stopped before the first step"
    assert stopped in log and "SIGTERM" not in log
    assert "step 116:" not in log and "model so far" not in log
    assert log.endswith(f"■ {out} still holds the earlier run (116 steps), as it was: Start asks again whether to "
                        "continue it or start over")
    assert events[-1] == (f"Training stopped before the first step: nothing written to {out}; it still holds the "
                          "earlier run (116 steps), as it was: Start asks again whether to continue it or start over")
    assert not dialog.load_button.isEnabled() and trained == []


def test_start_over_stopped_after_it_cleared_the_folder_says_so(qtbot, shapes, tmp_path):
    out = earlier_vae(tmp_path / "vae")
    dialog = dialog_for(qtbot, shapes, out, minutes=1)
    answer(dialog, "--overwrite")
    ending_with(dialog, "import pathlib; [p.unlink() for p in pathlib.Path(" + repr(str(out)) + ").iterdir()]\n"
                + STOPPED_EARLY)
    dialog.start()
    qtbot.waitUntil(lambda: "loading the images" in dialog.watch.log.toPlainText(), timeout=60_000)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.stop()
    assert dialog.watch.log.toPlainText().endswith(
        f"■ {out} no longer holds the earlier run: Start over had cleared it before the stop")


def test_images_that_name_a_file_or_nothing_are_warned_of_at_once_with_start_off(qtbot, shapes, tmp_path):
    """An empty folder was warned of at once and turned Start off; a file, or a path to nothing, read as fine until
    Start, and a file suggested Save to ~/genimg-models/vae-face_00.png."""
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    image = next(shapes.glob("*.png"))
    dialog.data.setText(str(image))
    assert dialog.kept.note.isVisibleTo(dialog) and not dialog.start_button.isEnabled()
    assert dialog.kept.note.text() == f"⚠ {image} is a file, not a folder: choose a folder of images (Browse…)"
    assert dialog.start_button.toolTip() == f"{image} is a file, not a folder: choose a folder of images (Browse…)"
    assert dialog.out.text() == ""  # named for folders only
    dialog.data.setText(str(tmp_path / "nowhere"))
    assert dialog.kept.note.text() == f"⚠ {tmp_path / 'nowhere'} does not exist: choose a folder of images (Browse…)"
    assert not dialog.start_button.isEnabled()
    dialog.data.setText(str(shapes))
    assert dialog.kept.note.isHidden() and dialog.start_button.isEnabled()


def test_a_run_that_fails_leaves_load_offering_no_folder_it_never_wrote(qtbot, shapes, tmp_path):
    """Save to an image file: the run failed, and the (greyed) button read "Load face_00.png"."""
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=1)
    image = next(shapes.glob("*.png"))
    dialog.out.setText(str(image))
    assert dialog.out_note.text().startswith(f"⚠ Save to {image} is a file: name a folder")  # said before Start
    dialog.out.setText(str(tmp_path / "face"))
    ending_with(dialog, "import sys; print('genimg train: error: it failed', flush=True); sys.exit(1)")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert dialog.load_button.text() == "Load it" and not dialog.load_button.isEnabled()


def test_the_few_steps_advice_counts_a_resumed_runs_steps_in_all_and_the_dialog_names_its_own_field(qtbot):
    """A continued run of 97 steps in all (17 of them its own) was told "trained for 97 steps only … Give --minutes 4
    or more", as though it had trained them all and still needed 100; the dialog has no --minutes."""
    from genimg_gui.train.budget import Budget
    from genimg_gui.ui.train_watch import RunWatch
    # steps of 1 s from the second step on (paced: the first step's time alone is no pace)
    fresh = Budget(1, 0.0, fixed_s=30, step_s=1, paced_from_s=30.0, last_step=(97, 126.0))
    resumed = Budget(1, 0.0, fixed_s=30, step_s=1, steps_before=80, paced_from_s=30.0, last_step=(97, 46.0))
    assert fresh.few_steps(97).startswith("trained for 97 steps only before --minutes 1 ran out: ")
    assert fresh.few_steps(97).endswith("Give --minutes 3 or more")  # 100 steps of 1 s after 30 s
    said = resumed.few_steps(97)
    assert said.startswith("trained for 97 steps in all (17 steps in this run) before --minutes 1 ran out: ")
    assert said.endswith("Give --minutes 2 or more")  # 3 more steps: no more than a minute past the one given
    watch = RunWatch()
    qtbot.addWidget(watch)
    watch.take_line(said)
    watch.take_line("--minutes: keeping 12 s at the end for writing the model")
    log = watch.log.toPlainText()
    assert "--minutes" not in log and "before a Time for this run of 1 min ran out" in log
    assert "Give a Time for this run of 2 min or more" in log
    assert "Time for this run: keeping 12 s at the end" in log


def test_the_short_time_advice_names_no_holdout_option_the_dialog_has_no_field_for(qtbot, shapes, tmp_path):
    """A run's first step told the dialog's user "Give a Time for this run of 20 min or more, or --holdout 0 to train
    without held-out figures": an option the dialog cannot set. Training without them is a terminal's run."""
    import time

    from genimg_gui.train.budget import UNPACED, Budget
    said = Budget(2, time.monotonic() - 84, writing_s=2.0, step_s=10).short_of_training(60.0)
    assert said.endswith(f"Give --minutes 5 or more{UNPACED}, or --holdout 0 to train without held-out figures")
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=2)
    ending_with(dialog, f"print({said!r}, flush=True)")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    command, *log = dialog.watch.log.toPlainText().splitlines()
    assert command.startswith("$ genimg train vae ") and "--holdout" not in command
    assert not any("--minutes" in line or "--holdout 0 to" in line for line in log)
    assert log[0].endswith(f"Give a Time for this run of 5 min or more{UNPACED}, or train without held-out figures "
                           "from a terminal (this run's genimg train command, above, with --holdout 0)")


def test_the_advice_to_train_on_held_out_images_too_few_to_measure_names_no_option_the_dialog_lacks(qtbot):
    """A latent GAN of a small folder logs that `--holdout 0 would train on them too`: the dialog has no --holdout."""
    from genimg_gui.train.run_log import held_out_lines
    from genimg_gui.ui.train_watch import RunWatch
    [line] = held_out_lines(20, 2, 512, False, "too few for precision/recall to mean anything", False, measures=True)
    assert line.endswith(": this run reports no held-out figures; --holdout 0 would train on them too")
    watch = RunWatch()
    qtbot.addWidget(watch)
    watch.take_line(line)
    assert watch.log.toPlainText().endswith("this run reports no held-out figures; a run from a terminal would train "
                                            "on them too (this run's genimg train command, above, with --holdout 0)")


def test_times_past_90_minutes_read_in_hours_in_the_log_and_on_the_bar(qtbot):
    """A plain `genimg train vae pics` said "ETA 2858.8 min"."""
    from genimg_gui.train.run_log import format_progress
    from genimg_gui.ui.train_run import read_progress
    from genimg_gui.ui.train_watch import RunWatch
    from genimg_gui.wording import duration
    line = format_progress(12, 20_000, 3, {"mse": 0.5}, 2858.8 * 60)
    assert line.endswith("| ETA 47.6 h") and duration(2858.8 * 60) == "47.6 h"
    assert format_progress(12, 20_000, 3, {"mse": 0.5}, 90 * 60).endswith("| ETA 90.0 min")
    assert read_progress(line) == (12, 20_000, 47.6 * 60)
    watch = RunWatch()
    qtbot.addWidget(watch)
    watch.begin("vae", "starting…")
    watch.take_line(format_progress(12, None, 3, {"mse": 0.5}, 100 * 60))
    assert watch.progress.format() == "step 12 — 1.7 h left"


def test_held_out_figures_say_the_training_in_all_and_a_run_without_them_says_why_in_words():
    """"held-out at step 116 (4.9 min into the run" was said 1.5 minutes into a resumed run; a latent GAN of too few
    held-out images ended "wrote my-gan after 45 steps: held_out_images=9", which read as a figure."""
    import torch
    from genimg_gui.train.evaluations import Evaluations
    from genimg_gui.train.run_log import final_line
    from genimg_gui.ui.train_run import describe_figures

    class Measured:
        def evaluate(self, _held_out):
            return {"held_out_psnr_db": 20.5}

    said = []
    Evaluations(Measured(), torch.zeros(1, 3, 8, 8), [], said.append, True).run(116, 294.0)
    assert said[-1].startswith("held-out at step 116 (4.9 min of training in all; took ")
    assert describe_figures(said[-1]) == "Held-out at step 116 (4.9 min of training): PSNR\u00a020.5\u00a0dB"
    metrics = {"held_out_images": 9, "held_out": "not measured: 9 held-out images, too few for precision/recall to "
                                                 "mean anything (they need 16 or more)"}
    assert final_line("my-gan", 45, metrics) == ("wrote my-gan after 45 steps: held-out figures not measured: 9 "
                                                 "held-out images, too few for precision/recall to mean anything")
    assert final_line("vae", 3, {"held_out_images": 0}) == "wrote vae after 3 steps: held-out figures not measured: " \
                                                          "no images held out"
    assert final_line("vae", 3, {"held_out_psnr_db": 20.5, "held_out_images": 4}) == \
        "wrote vae after 3 steps: held_out_psnr_db=20.5, held_out_images=4"


def test_a_latent_gan_of_too_few_held_out_images_is_promised_no_figures_and_keeps_its_last_step(qtbot, shapes,
                                                                                                 tmp_path):
    """40 images hold out 4, too few for a latent GAN's precision and recall: the dialog still said "Held-out figures
    appear with each sample grid" and kept "Model kept: the best held-out evaluation" ticked and on."""
    from genimg_gui.catalog import ModelEntry
    vae = ModelEntry(str(tmp_path / "vae"), "vae", "vae", {"architecture": "ConvVAE", "resolution": 32}, False)
    dialog = TrainDialog(models=[vae])
    qtbot.addWidget(dialog)
    dialog.data.setText(str(shapes))
    assert dialog.keep_best.isEnabled() and dialog.keep_best.isChecked()  # a VAE measures 4 held-out images
    dialog.kind.set_value("gan")
    dialog.space.setCurrentIndex(dialog.space.findData(vae.path))
    assert dialog.watch.figures.text() == ("No held-out figures: a GAN's precision and recall need 16 held-out "
                                           "images, and this folder would give at most 4 (one in 10 of the images "
                                           "a run can use), so a run trains on them too.")
    assert not dialog.keep_best.isEnabled() and not dialog.keep_best.isChecked()
    dialog.kind.set_value("vae")
    assert dialog.keep_best.isEnabled() and dialog.keep_best.isChecked()  # the user's choice comes back


def test_start_into_the_folder_of_the_vae_in_use_says_so_and_what_becomes_of_the_open_pictures(qtbot, shapes,
                                                                                                tmp_path):
    """"… already holds a VAE (116 steps) … Start over trains a new model … in its place" said nothing of its being
    the VAE the app was using, nor that the open pictures keep the old weights until it is loaded again."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    out = earlier_vae(tmp_path / "vae")
    dialog = TrainDialog(active_vae=str(out))
    qtbot.addWidget(dialog)
    dialog.data.setText(str(shapes))
    dialog.out.setText(str(out))
    seen = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        seen.append((box.text(), box.informativeText()))
        box.reject()

    QTimer.singleShot(0, look)
    dialog.start()  # Cancel
    text, informative = seen[0]
    assert text == f"{out} already holds the VAE in use (116 steps)."
    assert informative.endswith("Start over trains a new model from the start in its place. Either way the open "
                                "pictures keep the weights in use now until you load it again (Models tab), which "
                                "draws them in the new weights.")
    dialog.set_models([], str(tmp_path / "another-vae"))
    QTimer.singleShot(0, look)
    dialog.start()
    assert seen[1][0] == f"{out} already holds a VAE (116 steps)." and "open pictures" not in seen[1][1]


def after_a_short_run(qtbot, shapes, out) -> tuple[TrainDialog, str]:
    """The dialog shown after a real few-second run into out, Start clicked: it and the run's log (a model written,
    its grid shown)."""
    from PySide6.QtCore import Qt
    dialog = dialog_for(qtbot, shapes, out, minutes=0.05)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    log = dialog.watch.log.toPlainText()
    assert "✓ model written to" in log and not dialog.watch.preview.pixmap().isNull()
    return dialog, log


def test_images_emptied_after_a_run_turns_start_off_and_keeps_the_runs_log_and_grid(qtbot, shapes, tmp_path):
    """Emptied after a run, Images left Start on with no note, and Start replaced the run's log, grid and figures
    with "⚠ No image folder chosen" while the note above still offered to continue that run."""
    from PySide6.QtCore import Qt
    dialog, log = after_a_short_run(qtbot, shapes, tmp_path / "vae")
    dialog.data.setFocus()
    dialog.data.selectAll()
    qtbot.keyClick(dialog.data, Qt.Key.Key_Delete)
    qtbot.keyClick(dialog.data, Qt.Key.Key_Tab)
    assert dialog.kept.note.isVisible() and not dialog.start_button.isEnabled()  # as for a path to nothing
    assert dialog.kept.note.text() == "No image folder chosen: choose a folder of images (Browse…)"
    assert dialog.start_button.toolTip() == "No image folder chosen: choose a folder of images (Browse…)"
    dialog.start()  # refused should it be called: the note says why, the run's log and grid stay
    assert dialog.watch.log.toPlainText() == log and not dialog.watch.preview.pixmap().isNull()
    assert not dialog.start_button.isEnabled()


def test_held_out_figures_under_the_grid_wrap_between_figures_never_inside_one(qtbot, tmp_path):
    """The figures line under the sample grid wrapped between a figure and its unit: "PSNR 12.57 / dB · SSIM 0.5984"."""
    from PIL import Image
    from genimg_gui.ui.train_watch import RunWatch
    grid = tmp_path / "samples_000004.png"
    Image.new("RGB", (64, 32), (90, 120, 150)).save(grid)
    watch = RunWatch()
    qtbot.addWidget(watch)
    watch.begin("vae", "starting…")
    watch.take_line(f"sample grid at step 4: {grid}")
    watch.take_line("held-out at step 4 (0.1 min into the run; took 1 s): held_out_psnr_db=12.57, "
                    "held_out_ssim=0.5984")
    said = watch.figures.text()
    assert said.startswith("Held-out at step 4 (0.1 min of training): ")
    figures = said.removeprefix("Held-out at step 4 (0.1 min of training): ").split(" ")  # where it may wrap
    assert figures == ["PSNR\u00a012.57\u00a0dB\u00a0·", "SSIM\u00a00.5984"]


def test_a_refused_save_to_after_a_run_turns_start_off_and_keeps_the_runs_log_and_grid(qtbot, shapes, tmp_path):
    """After a run, a Continue of it deleted while Start asked replaced the run's log and grid with "… is gone"; Save
    to an image file left Start on (the note under the form already said why), and Start replaced the run's log with
    "⚠ Save to … is a file"."""
    import shutil
    from PySide6.QtCore import QProcess, Qt
    from genimg_gui.ui.train_question import RESUME
    out = tmp_path / "vae"
    dialog, log = after_a_short_run(qtbot, shapes, out)
    dialog._ask_about_earlier_run = lambda _run: shutil.rmtree(out) or RESUME  # deleted while Start asks
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.process.state() == QProcess.ProcessState.NotRunning
    assert dialog.out_note.isVisible() and dialog.out_note.text().startswith(f"⚠ {out} is gone (moved or deleted")
    assert dialog.watch.log.toPlainText() == log and not dialog.watch.preview.pixmap().isNull()
    image = next(shapes.glob("*.png"))
    dialog.out.setFocus()
    dialog.out.selectAll()
    qtbot.keyClicks(dialog.out, str(image))  # the grid goes (another folder's), the log stays
    refusal = f"Save to {image} is a file: name a folder to write the model in (new, or an earlier run's)."
    assert dialog.out_note.isVisible() and dialog.out_note.text() == "⚠ " + refusal
    assert not dialog.start_button.isEnabled() and dialog.start_button.toolTip() == refusal
    dialog.start()  # refused should it be called: the note says why, the run's log stays
    assert dialog.watch.log.toPlainText() == log and dialog.out_note.text() == "⚠ " + refusal
    dialog.out.selectAll()
    qtbot.keyClicks(dialog.out, str(out))
    assert dialog.start_button.isEnabled() and dialog.start_button.toolTip() == ""
