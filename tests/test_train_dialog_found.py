"""What a second hands-on tester of the Train… dialog found: a log that stopped following its last lines, ...
(see each test)."""
import json

import pytest
from PIL import Image
from PySide6.QtWidgets import QAbstractSlider, QWidget

from genimg_gui.catalog import ModelEntry
from genimg_gui.holdout import held_out_size
from genimg_gui.ui.quit_after_run import QuitAfterRun
from genimg_gui.ui.settings import Settings
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_question import RESUME
from genimg_gui.ui.train_run import FOLDERS
from test_train_dialog import answer, dialog_for, fill, shapes  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import ending_with


def stopping_run(out, steps: int = 9) -> str:
    """A run's Python line: progress lines, then, told to stop (Stop's SIGTERM), a run's last lines and its card."""
    return ("import json, pathlib, signal, sys, time\n"
            f"out = pathlib.Path({str(out)!r})\n"
            "def stop(*_):\n"
            f"    print('interrupted by SIGTERM at step {steps}: saving a checkpoint and the model', flush=True)\n"
            "    out.mkdir(parents=True, exist_ok=True)\n"
            f"    card = {{'kind': 'vae', 'training': {{'steps': {steps}, 'stopped': True}}}}\n"
            "    (out / 'card.json').write_text(json.dumps(card))\n"
            "    (out / 'checkpoint.pt').write_text('')\n"
            f"    print(f'wrote {{out}}: step {steps}, with its checkpoint', flush=True)\n"
            f"    print(f'stopped early at step {steps}: the model so far and its checkpoint are in {{out}}', "
            "flush=True)\n"
            "    sys.exit(143)\n"
            "signal.signal(signal.SIGTERM, stop)\n"
            f"for step in range(1, {steps + 1}):\n"
            "    print(f'step {step} | 3 img/s | mse=0.1648 kl=1.6963 | 0.8 min left', flush=True)\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)\n")


def last_line_in_view(dialog: TrainDialog) -> bool:
    log = dialog.watch.log
    last = log.blockBoundingGeometry(log.document().lastBlock()).translated(log.contentOffset())
    return last.bottom() <= log.viewport().height() + 1


def test_the_log_follows_a_stopped_runs_last_lines_until_the_user_scrolls_up(qtbot, tmp_path):
    """After Stop and save the log's last lines ("wrote …", "■ stopped at step N: …") showed only after scrolling:
    the log had stopped following once its view stood inside its first line, "$ genimg train …", wrapped."""
    data = tmp_path / ("a folder with a name long enough to wrap the log's first line " * 2).strip()
    data.mkdir()
    for i in range(12):
        Image.new("RGB", (32, 32), (20 * i, 0, 0)).save(data / f"{i}.png")
    dialog = dialog_for(qtbot, data, tmp_path / "vae", minutes=30)
    dialog.show()
    qtbot.waitExposed(dialog)
    ending_with(dialog, stopping_run(tmp_path / "vae"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.watch.log.toPlainText().endswith("ready"), timeout=60_000)
    assert last_line_in_view(dialog)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.stop()
    assert dialog.watch.log.toPlainText().splitlines()[-1].startswith("■ stopped at step 9: ")
    assert last_line_in_view(dialog)
    # the user scrolls up to read: the lines that come leave the view where they put it
    dialog.watch.log.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMinimum)
    dialog.watch.say("a line after")
    assert dialog.watch.log.verticalScrollBar().value() == 0 and not last_line_in_view(dialog)
    dialog.watch.log.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    dialog.watch.say("back at the end, it follows again")
    assert last_line_in_view(dialog)


def test_the_note_of_a_stopped_run_goes_while_it_continues_and_then_names_the_step_it_stopped_at(qtbot, shapes,
                                                                                               tmp_path):
    """The note "The last run in …/vae stopped at step 9: Start continues it" stayed through a continued run and
    after it, beside the bar's "stopped at step 19"."""
    settings = Settings(str(tmp_path / "settings.ini"))
    out = tmp_path / "vae"
    out.mkdir()
    (out / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": 9, "stopped": True}}))
    (out / "checkpoint.pt").write_text("")
    dialog = TrainDialog(settings=settings)
    qtbot.addWidget(dialog)
    fill(dialog, shapes, out, minutes=30)
    assert dialog.out_note.text() == f"The last run in {out} stopped at step 9: Start continues it (it asks first)."
    answer(dialog, RESUME)
    ending_with(dialog, stopping_run(out, steps=19))
    dialog.start()
    assert not dialog.out_note.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: dialog.watch.log.toPlainText().endswith("ready"), timeout=60_000)
    assert not dialog.out_note.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.stop()
    assert dialog.watch.progress.format() == "stopped at step 19"
    assert dialog.out_note.isVisibleTo(dialog)
    assert dialog.out_note.text() == f"The last run in {out} stopped at step 19: Start continues it (it asks first)."


@pytest.mark.parametrize("how", ["Close", "quitting genimg"])
def test_a_run_stopped_by_close_or_a_quit_says_so_not_stop_and_save(how, qtbot, shapes, tmp_path):
    """Closing the dialog mid-run, or quitting genimg, logged "stopped at step 3 (Stop and save): saving …"."""
    out = tmp_path / "vae"
    dialog = dialog_for(qtbot, shapes, out, minutes=30)
    events = []
    dialog.run_event.connect(lambda text, _failed: events.append(text))
    ending_with(dialog, stopping_run(out, steps=3))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.watch.log.toPlainText().endswith("ready"), timeout=60_000)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        if how == "Close":
            dialog.reject()
        else:
            window = QWidget()
            qtbot.addWidget(window)
            QuitAfterRun(window, [dialog], None, close=lambda: None)
    log = dialog.watch.log.toPlainText()
    assert f"stopped at step 3 ({how}): saving a checkpoint and the model" in log and "Stop and save" not in log
    assert f"Training stopping ({how}): saving the model so far to {out}" in events


def test_the_warning_about_a_folder_goes_from_the_log_once_another_folder_is_chosen(qtbot, shapes, tmp_path):
    """After switching Images to another folder the log still opened with the old folder's "⚠ Only 3 image files …"
    until the next Start."""
    few = tmp_path / "few"
    few.mkdir()
    for i in range(3):
        Image.new("RGB", (32, 32), (60 * i, 0, 0)).save(few / f"{i}.png")
    dialog = dialog_for(qtbot, few, tmp_path / "vae", minutes=1)
    warning = dialog.kept.note.text()
    assert warning.startswith("⚠ Only 3 image files")
    ending_with(dialog, "import sys; print('genimg train: error: no image would open'); sys.exit(1)")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert dialog.watch.log.toPlainText().startswith(warning + "\n$ genimg train vae ")
    dialog.data.setText(str(few))  # the same folder: still its run's warning
    assert warning in dialog.watch.log.toPlainText()
    dialog.data.setText(str(shapes))
    log = dialog.watch.log.toPlainText()
    assert "Only 3 image files" not in log
    assert log.startswith("$ genimg train vae ") and "no image would open" in log  # the run's own lines stay


def test_the_held_out_images_a_folder_gives_a_latent_gan_are_said_as_at_most_the_runs_rule(qtbot, tmp_path):
    """The note said the folder "holds out 11 (one image in 10)" of 111 image files; with sub-folder classes the run
    held out 10 of the 108 images in the sub-folders. The dialog counts file names: it says at most."""
    data = tmp_path / "pics"
    for i in range(108):
        (data / "ab"[i % 2]).mkdir(parents=True, exist_ok=True)
        (data / "ab"[i % 2] / f"{i}.png").write_bytes(b"")  # counted by name, never opened
    for name in ("cmyk.jpg", "palette.png", "tiny.png"):  # beside the sub-folders: no class, left out by the run
        (data / name).write_bytes(b"")
    vae = ModelEntry(str(tmp_path / "vae"), "vae", "vae", {"architecture": "ConvVAE", "resolution": 32}, False)
    dialog = TrainDialog(models=[vae])
    qtbot.addWidget(dialog)
    dialog.data.setText(str(data))
    dialog.kind.set_value("gan")
    dialog.space.setCurrentIndex(dialog.space.findData(vae.path))
    dialog.classes.setCurrentIndex(dialog.classes.findData(FOLDERS))
    assert held_out_size(108) == 10 <= held_out_size(111) == 11  # the run's rule, of what it uses and of the files
    assert dialog.watch.figures.text() == ("No held-out figures: a GAN's precision and recall need 16 held-out "
                                           "images, and this folder would give at most 11 (one in 10 of the "
                                           "images a run can use), so a run trains on them too.")
