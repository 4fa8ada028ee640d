"""The Train… dialog's state between runs: the question names the earlier run's kind, the form is remembered across
restarts with a cut-short run named, a changed form clears the last run's end, a Stop is said in the dialog's own
words, the bar says when the run measures its held-out figures or saves after a Stop, and Save to is checked before
Start."""
import json

from PySide6.QtGui import QPixmap

from genimg_gui.earlier_run import earlier_run
from genimg_gui.ui.settings import Settings
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_question import RESUME, what_it_holds
from genimg_gui.ui.train_run import PROGRESS_STEPS
from genimg_gui.ui.train_watch import RunWatch
from test_train_dialog import (answer, dialog_for, earlier_gan_run, fill, shapes,  # noqa: F401 (shapes: a fixture)
                               started_with)


def ending_with(dialog: TrainDialog, python: str) -> None:
    """Start runs this Python line instead of `genimg train`."""
    start = dialog.__dict__.setdefault("real_start", dialog.process.start)  # the real one, when told twice
    dialog.process.start = lambda exe, _args: start(exe, ["-c", python])


def test_the_question_names_the_earlier_runs_kind_and_says_when_continue_trains_another(tmp_path):
    from genimg_gui.ui.train_question import what_continue_does  # new: the other tests run on the old code too
    gan = earlier_run(earlier_gan_run(tmp_path / "gan", steps=23))
    assert what_it_holds(gan) == f"{tmp_path / 'gan'} already holds a GAN (23 steps)."
    assert what_continue_does(gan, "vae").startswith("Continue it trains that GAN, not a new VAE. ")
    assert "not a new" not in what_continue_does(gan, "gan")


def test_the_form_is_remembered_across_restarts_and_a_run_cut_short_is_named(qtbot, shapes, tmp_path):
    settings = Settings(str(tmp_path / "settings.ini"))
    out = tmp_path / "gan-x"
    first = TrainDialog(settings=settings)
    qtbot.addWidget(first)
    fill(first, shapes, out, minutes=7, resolution="32")
    first.kind.set_value("gan")
    first.out.setText(str(out))
    started_with(first)
    first.start()
    earlier_gan_run(out, steps=40)  # what the run left when the app was killed
    again = TrainDialog(settings=Settings(str(tmp_path / "settings.ini")))  # the app started again
    qtbot.addWidget(again)
    assert again.data.text() == str(shapes) and again.kind.value() == "gan" and again.out.text() == str(out)
    assert again.minutes.value() == 7 and again.resolution.currentText() == "32"
    assert again.out_note.isVisibleTo(again)
    assert again.out_note.text() == f"The last run in {out} stopped at step 40: Start continues it (it asks first)."
    again.out.setText(str(tmp_path / "elsewhere"))
    assert not again.out_note.isVisibleTo(again)


def test_a_finished_run_is_no_longer_named_as_cut_short(qtbot, shapes, tmp_path):
    settings = Settings(str(tmp_path / "settings.ini"))
    out = tmp_path / "vae"
    dialog = TrainDialog(settings=settings)
    qtbot.addWidget(dialog)
    fill(dialog, shapes, out, minutes=1)
    ending_with(dialog, f"import pathlib; p = pathlib.Path({str(out)!r}); p.mkdir(); "
                        "(p / 'card.json').write_text('{}'); (p / 'checkpoint.pt').write_text('')")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert dialog.watch.progress.format() == "done"
    assert not settings.train_form()["unfinished"]
    again = TrainDialog(settings=settings)
    qtbot.addWidget(again)
    assert again.out.text() == str(out) and not again.out_note.isVisibleTo(again)


def test_a_changed_form_clears_a_refusal_a_failure_and_a_finished_runs_bar_and_names_its_model(qtbot, shapes, tmp_path):
    image = next(shapes.glob("*.png"))
    dialog = dialog_for(qtbot, shapes, image, minutes=1)
    assert not dialog.start_button.isEnabled()  # Save to a file: said under the form, Start off
    dialog.start()
    assert f"Save to {image} is a file" in dialog.out_note.text() and dialog.watch.log.toPlainText() == ""
    dialog.out.setText(str(tmp_path / "vae"))  # corrected
    assert not dialog.out_note.isVisibleTo(dialog) and dialog.start_button.isEnabled()
    ending_with(dialog, "import sys; print('genimg train: error: no good'); sys.exit(1)")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert dialog.watch.failure.isVisibleTo(dialog) and dialog.watch.progress.format() == "failed (exit code 1)"
    dialog.data.setText(str(tmp_path))
    assert not dialog.watch.failure.isVisibleTo(dialog) and not dialog.watch.progress.isVisibleTo(dialog)
    out = tmp_path / "vae"
    dialog.data.setText(str(shapes))
    dialog.out.setText(str(out))
    ending_with(dialog, f"import pathlib; p = pathlib.Path({str(out)!r}); p.mkdir(); "
                        "(p / 'card.json').write_text('{}')")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert dialog.watch.progress.format() == "done" and dialog.load_button.isEnabled()
    assert dialog.load_button.text() == "Load vae"
    dialog.kind.set_value("gan")
    assert not dialog.watch.progress.isVisibleTo(dialog)
    assert dialog.load_button.isEnabled() and dialog.load_button.text() == "Load vae"  # the run's, not the form's


def test_a_stop_is_said_as_the_button_says_it_with_a_full_bar(qtbot, shapes, tmp_path):
    out = tmp_path / "vae"
    dialog = dialog_for(qtbot, shapes, out, minutes=30)
    ending_with(dialog, "import pathlib, sys, time; print('step 2 | 1 img/s | loss=1 | 29.9 min left', flush=True); "
                        "time.sleep(60)")
    dialog.start()
    qtbot.waitUntil(lambda: "step 2 |" in dialog.watch.log.toPlainText(), timeout=60_000)
    assert dialog.watch.progress.value() < PROGRESS_STEPS // 2
    dialog._stopping = True  # as Stop sets it; the run's own line then says the signal
    dialog._take_line("interrupted by SIGTERM at step 2: saving a checkpoint and the model")
    assert "stopped at step 2 (Stop and save): saving" in dialog.watch.log.toPlainText()
    out.mkdir()
    (out / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": 2}}))
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.process.kill()
    dialog.watch.say_ended(str(out), stopped=True)
    assert dialog.watch.progress.format() == "stopped at step 2" and dialog.watch.progress.value() == PROGRESS_STEPS


def test_the_bar_says_while_the_run_measures_its_held_out_figures(qtbot):
    """It read "step 8 — 1.6 min left" for the minute a latent GAN's evaluation took."""
    watch = RunWatch()
    qtbot.addWidget(watch)
    watch.begin("gan", "starting…")
    watch.take_line("step 8 | 40 img/s | d=0.6931 g=0.6931 | 1.6 min left")
    watch.take_line("measuring held-out figures at step 8 (512 held-out images)…")
    assert watch.progress.format() == "step 8 — measuring held-out figures…"
    watch.take_line("held-out at step 8 (0.4 min into the run; took 55 s): held_out_precision_k3=0.4, "
                    "held_out_recall_k3=0.2")
    assert watch.progress.format() == "step 8 — 1.6 min left"


def test_stop_says_on_the_bar_that_the_run_saves(qtbot, shapes, tmp_path):
    """After Stop (or Close) the bar went on reading the time the run had left before it, until the run ended."""
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=30)
    ending_with(dialog, "import time; print('step 8 | 1 img/s | loss=1 | 1.6 min left', flush=True); time.sleep(60)")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.watch.progress.format() == "step 8 — 1.6 min left", timeout=60_000)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.stop()
        assert dialog.watch.progress.format() == "stopping: saving the model so far…"
        dialog.watch.take_line("step 9 | 1 img/s | loss=1 | 1.5 min left")  # written before the stop, read after
        assert dialog.watch.progress.format() == "stopping: saving the model so far…"


def test_a_continued_run_keeps_the_last_grid_until_its_next(qtbot, shapes, tmp_path):
    out = earlier_gan_run(tmp_path / "gan")
    dialog = dialog_for(qtbot, shapes, out, minutes=1)
    grid = QPixmap(16, 8)
    dialog.watch.preview.setPixmap(grid)
    answer(dialog, RESUME)
    started_with(dialog)
    dialog.start()
    assert not dialog.watch.preview.pixmap().isNull()


def test_save_to_the_data_folder_is_said_before_start_and_refused(qtbot, shapes, tmp_path):
    dialog = dialog_for(qtbot, shapes, shapes, minutes=1)
    assert dialog.out_note.isVisibleTo(dialog)
    assert dialog.out_note.text().startswith(f"⚠ Save to {shapes} is the data folder: save the model to another")
    started = started_with(dialog)
    assert not dialog.start_button.isEnabled() and dialog.start_button.toolTip().startswith(f"Save to {shapes} is")
    dialog.start()
    assert not started and dialog.watch.log.toPlainText() == ""
    dialog.out.setText(str(shapes / "vae-model"))  # a sub-folder: the run leaves it out of its images
    assert not dialog.out_note.isVisibleTo(dialog)
    assert "this run" in dialog.minutes.toolTip() and "whole time again" in dialog.minutes.toolTip()
