"""What the Train… dialog says and where: a failure in the dialog's words, elided with the whole in its tooltip; an
empty folder warned of once, with Start off; two VAEs of one name told apart; the Load button naming the run's model;
notes that come and go leaving the buttons where they are; the question leaving the bar in sight; and a run's story
in the window's message log."""
import json
import shutil

from PySide6.QtCore import QPoint, QProcess, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from genimg_gui.catalog import ModelEntry
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_question import RESUME
from test_train_dialog import dialog_for, fill, shapes, started_with  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import ending_with


def stopped_run(out, steps: int = 9) -> str:
    """A run's Python line that leaves what a run stopped at `steps` leaves, and exits as it does (143)."""
    card = json.dumps({"kind": "vae", "training": {"steps": steps}})
    return (f"import pathlib, sys; p = pathlib.Path({str(out)!r}); p.mkdir(); (p / 'card.json').write_text({card!r}); "
            "(p / 'checkpoint.pt').write_text(''); sys.exit(143)")


def test_two_vaes_of_one_name_are_told_apart_as_the_models_tab_tells_them(qtbot, tmp_path):
    """"GAN draws in" listed "latent space of vae_gui (64 px)" twice."""
    vaes = [ModelEntry(str(tmp_path / where / "vae_gui"), "vae_gui", "vae",
                       {"architecture": "ConvVAE", "resolution": 64}, False) for where in ("copies", "mine")]
    other = ModelEntry(str(tmp_path / "emoji-vae"), "emoji-vae", "vae", {"architecture": "ConvVAE", "resolution": 32},
                       False)
    dialog = TrainDialog(models=[*vaes, other])
    qtbot.addWidget(dialog)
    dialog.kind.set_value("gan")
    assert sorted(dialog.space.itemText(i) for i in range(dialog.space.count() - 1)) == [
        "latent space of emoji-vae (32 px)", "latent space of vae_gui in …/copies/vae_gui (64 px)",
        "latent space of vae_gui in …/mine/vae_gui (64 px)"]
    starts = [dialog.start_from.itemText(i) for i in range(dialog.start_from.count())]
    assert "vae_gui in …/mine/vae_gui (VAE)" in starts


def test_the_question_about_a_stopped_run_leaves_the_bar_that_says_where_it_stopped_in_sight(qtbot, shapes, tmp_path):
    """Put in the middle of the dialog, the question covered the bar's "stopped at step 9"."""
    out = tmp_path / "vae"
    dialog = dialog_for(qtbot, shapes, out, minutes=1)
    dialog.show()
    qtbot.waitExposed(dialog)
    ending_with(dialog, stopped_run(out))
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    bar = dialog.watch.progress
    assert bar.text() == "stopped at step 9"
    seen = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        seen.append((bar.isVisible(), bar.text(), box.frameGeometry().intersects(QRect(bar.mapToGlobal(QPoint()),
                                                                                        bar.size()))))
        box.reject()

    QTimer.singleShot(0, look)
    dialog.start()  # asks about the stopped run; Cancel
    assert seen == [(True, "stopped at step 9", False)]


def test_a_failure_names_the_field_not_the_option(qtbot, shapes, tmp_path):
    """"-o /proc/genimg-out cannot be made" named the command line's option, which the dialog does not have."""
    (tmp_path / "a file").write_text("")
    out = tmp_path / "a file" / "vae"
    dialog = dialog_for(qtbot, shapes, out, minutes=0.1)
    with qtbot.waitSignal(dialog.process.finished, timeout=120_000):
        dialog.start()  # the real run refuses it, in the CLI's words, which the log keeps
    assert f"genimg train: error: -o {out} cannot be made" in dialog.watch.log.toPlainText()
    assert dialog.watch.failure.text() == (f"⚠ The run failed: Save to {out} cannot be made: "
                                           f"{tmp_path / 'a file'} is not a folder")


def test_a_long_failure_is_cut_short_under_the_bar_and_whole_in_its_tooltip(qtbot, shapes, tmp_path):
    """The line under the bar held only an error's first line ("…, 40 files skipped:")."""
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=0.1)
    long = "genimg train: error: no usable images in /x, 40 files skipped:\n" + "\n".join(
        f"skipped, reason {i}: " + ", ".join(f"picture-{i}-{n}.png" for n in range(10)) for i in range(4))
    ending_with(dialog, f"import sys; print({long!r}); sys.exit(1)")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    whole = dialog.watch.failure.toolTip()
    assert whole.startswith("⚠ The run failed: no usable images in /x, 40 files skipped: skipped, reason 0: ")
    assert whole.endswith("; skipped, reason 3: " + ", ".join(f"picture-3-{n}.png" for n in range(10)))
    from genimg_gui.ui.train_watch import FAILURE_CHARS  # new: the other tests run on the old code too
    shown = dialog.watch.failure.text()
    assert shown.endswith(" …") and len(shown) <= FAILURE_CHARS and whole.startswith(shown.removesuffix(" …"))


def test_an_empty_folder_is_warned_of_once_and_start_is_off_until_it_holds_images(qtbot, shapes, tmp_path):
    """Its warning showed twice above the log once Start had run and failed, with "No held-out figures…", and Start
    stayed on."""
    empty = tmp_path / "empty"
    empty.mkdir()
    dialog = dialog_for(qtbot, empty, tmp_path / "vae", minutes=0.1)
    dialog.show()
    qtbot.waitExposed(dialog)
    started = started_with(dialog)
    assert dialog.kept.note.isVisible() and "holds no image files" in dialog.kept.note.text()
    assert dialog.watch.figures.text() == ""  # the note says it: no second line about figures
    assert not dialog.start_button.isEnabled()
    assert dialog.start_button.toolTip() == f"{empty} holds no image files: choose a folder of images (Browse…)"
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert not started and not dialog.watch.failure.isVisible()
    elsewhere = QWidget()  # images put in the folder from another window: back in the dialog, they are counted
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: not dialog.isActiveWindow())
    shutil.copy(next(shapes.glob("*.png")), empty)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled())
    assert dialog.start_button.toolTip() == "" and dialog.kept.note.text().startswith("⚠ Only 1 image file: ")
    assert dialog.watch.figures.text() == "No held-out figures: the folder has too few images to hold any out."


def test_the_load_button_names_the_model_the_run_going_on_or_the_last_writes(qtbot, shapes, tmp_path):
    """It said "Load vae_gui" through a GAN run into gan_gui, and "Load it" once that had written its model."""
    vae, gan = tmp_path / "vae_gui", tmp_path / "gan_gui"
    dialog = dialog_for(qtbot, shapes, vae, minutes=1)
    assert dialog.load_button.text() == "Load it" and not dialog.load_button.isEnabled()  # nothing to load yet
    ending_with(dialog, stopped_run(vae).replace("sys.exit(143)", "sys.exit(0)"))
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert dialog.load_button.text() == "Load vae_gui" and dialog.load_button.isEnabled()
    dialog.kind.set_value("gan")
    dialog.out.setText(str(gan))
    assert dialog.load_button.text() == "Load vae_gui" and dialog.load_button.isEnabled()  # the last run's
    ending_with(dialog, "import time; time.sleep(1); " + stopped_run(gan))
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
        assert dialog.load_button.text() == "Load gan_gui" and not dialog.load_button.isEnabled()  # not there yet
    assert dialog.load_button.text() == "Load gan_gui" and dialog.load_button.isEnabled()
    dialog.out.setText(str(tmp_path / "another"))
    assert dialog.load_button.text() == "Load gan_gui"


def test_a_runs_start_stop_end_and_failure_go_into_the_message_log(qtbot, window, shapes, tmp_path):
    """View → Message log had no word of a run."""
    out = tmp_path / "vae"
    dialog = fill(window.train_dialog(), shapes, out, minutes=1)
    stops_when_told = ("import signal, sys, time\n"
                       "signal.signal(signal.SIGTERM, lambda *_: exec(" + repr(stopped_run(out)) + "))\n"
                       "print('step 9 | 1 img/s | loss=1 | 0.9 min left', flush=True)\n"
                       "time.sleep(60)")
    ending_with(dialog, stops_when_told)
    dialog.start()
    qtbot.waitUntil(lambda: "step 9 |" in dialog.watch.log.toPlainText(), timeout=60_000)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.stop()
    dialog.out.setText(str(tmp_path / "vae2"))
    ending_with(dialog, "import sys; print('genimg train: error: -o /nowhere cannot be made: no room'); sys.exit(1)")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    logged = [(e.text, e.error) for e in window.status.log.entries if e.text.startswith("Training")]
    assert logged == [
        (f"Training started: a VAE on {shapes}, saved to {out}", False),
        (f"Training stopping (Stop and save): saving the model so far to {out}", False),
        (f"Training stopped at step 9: the model so far is written to {out}", False),
        # the second run failed at once, with an error alone: never started, it is not said to have
        (f"Training into {tmp_path / 'vae2'} failed (exit code 1): Save to /nowhere cannot be made: no room", True)]


def test_notes_that_come_and_go_leave_the_dialog_and_its_buttons_where_they_are(qtbot, shapes, tmp_path):
    """The dialog grew as a note came (and stayed so), its buttons moving under the mouse."""
    few = tmp_path / "few"
    few.mkdir()
    for image in sorted(shapes.glob("*.png"))[:3]:
        shutil.copy(image, few)
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=1)
    dialog.show()
    qtbot.waitExposed(dialog)

    def where() -> tuple:
        QApplication.processEvents()
        return dialog.geometry(), dialog.start_button.mapTo(dialog, QPoint(0, 0))

    opened = where()
    dialog.data.setText(str(few))  # a note about the few images
    assert dialog.kept.note.isVisible() and where() == opened
    dialog.out.setText(str(few))  # and one about Save to
    assert dialog.out_note.isVisible() and where() == opened
    dialog.out.setText(str(tmp_path / "vae"))
    ending_with(dialog, "import sys; print('genimg train: error: ' + 'no good, ' * 40); sys.exit(1)")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert dialog.watch.progress.isVisible() and dialog.watch.failure.isVisible() and where() == opened
    dialog.data.setText(str(shapes))  # all gone
    assert not dialog.kept.note.isVisible() and where() == opened


def test_continue_of_a_run_moved_or_deleted_while_start_asked_says_so_and_starts_nothing(qtbot, shapes, tmp_path):
    """Continue ran `genimg train --resume` all the same: into a folder gone meanwhile it trained a new model from
    step 0 while the log said "continuing the run"."""
    out = tmp_path / "vae"
    for gone, said in ((out, "is gone"), (out / "checkpoint.pt", "no longer holds the run's checkpoint.pt")):
        out.mkdir(exist_ok=True)
        (out / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": 9}}))
        (out / "checkpoint.pt").write_text("")
        dialog = dialog_for(qtbot, shapes, out, minutes=0.1)
        dialog._ask_about_earlier_run = lambda _run: (shutil.rmtree(gone) if gone == out else gone.unlink()) or RESUME
        dialog.start()
        assert dialog.process.state() == QProcess.ProcessState.NotRunning and dialog.start_button.isEnabled()
        assert dialog.out_note.text() == (f"⚠ {out} {said} (moved or deleted since Start asked): there is no "
                                          "run to continue. Start again to train a new model there")
        assert dialog.watch.log.toPlainText() == ""  # said under the form: a last run's log stays
