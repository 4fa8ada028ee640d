"""The app's Train… dialog: a real `genimg train` child process, its progress, Stop, and the result."""
import json
import signal
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QProcess, Qt
from PySide6.QtWidgets import QDialogButtonBox

from genimg_gui.catalog import ModelEntry, read_entry
from genimg_gui.cli import main
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_question import OVERWRITE, RESUME
from genimg_gui.ui.train_run import (default_output, describe_figures, read_progress, share_done,
                                       train_arguments)

THREADS = torch.get_num_threads()


def under_way(dialog: TrainDialog) -> bool:
    """The run's first progress line is in the log: "step 1/N | …", or "step 1 | …" when its minutes end it."""
    text = dialog.watch.log.toPlainText()
    return "step 1/" in text or "step 1 |" in text


@pytest.fixture()
def shapes(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / "shapes"
    folder.mkdir()
    for i in range(40):
        img = np.full((32, 32, 3), 255, np.uint8)
        x, y = rng.integers(0, 16, 2)
        img[y:y + 12, x:x + 12] = rng.integers(0, 255, 3)
        Image.fromarray(img).save(folder / f"{i}.png")
    return folder


def fill(dialog: TrainDialog, data, out, minutes: float, resolution: str | None = "32") -> TrainDialog:
    """Type the folder, output, time budget and (unless None: left as the dialog chose) resolution."""
    dialog.data.setText(str(data))
    dialog.out.setText(str(out))
    # these runs train 40 tiny images for seconds: below the least a real folder is given (train_fields.MIN_MINUTES)
    dialog.minutes.setMinimum(min(minutes, dialog.minutes.minimum()))
    dialog.minutes.setValue(minutes)
    if resolution is not None:
        dialog.resolution.setCurrentText(resolution)
    return dialog


def answer(dialog: TrainDialog, choice: str | None) -> list:
    """Answer Start's question about an earlier run in the output folder with choice; the runs it was asked about."""
    asked = []
    dialog._ask_about_earlier_run = lambda earlier: asked.append(earlier) or choice
    return asked


def dialog_for(qtbot, data, out, minutes: float) -> TrainDialog:
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    return fill(dialog, data, out, minutes)


def test_train_dialog_trains_and_offers_the_model(qtbot, shapes, tmp_path):
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=0.1)
    dialog.mirror.click()
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000) as signal:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        # the run holds its settings: an edit made now would reach neither it nor Load it
        assert not dialog.settings.isEnabled() and not dialog.out.isEnabled() and not dialog.kind.isEnabled()
    assert signal.args == [str(tmp_path / "vae")]
    assert dialog.out.isEnabled() and dialog.kind.isEnabled()
    assert not dialog.label_column.isEnabled()  # each field's own state comes back: a VAE has no label column
    card = json.loads((tmp_path / "vae" / "card.json").read_text())
    assert card["kind"] == "vae" and card["resolution"] == 32 and card["training"]["steps"] >= 1
    # "Model kept: the best held-out evaluation" is on by default; the last step was evaluated at the end
    assert card["training"]["options"]["keep_best"] and card["training"]["kept"]["step"] >= 1
    assert card["training"]["options"]["mirror"] and "--mirror" in dialog.watch.log.toPlainText()
    assert dialog.watch.progress.value() >= 1  # progress lines were parsed
    assert "model written" in dialog.watch.log.toPlainText()
    # a VAE's grid is images over its reconstructions of them: not samples the model drew
    assert dialog.watch.samples_caption.text() == "Images (top) and their reconstructions by the finished model"


def test_save_to_follows_the_model_kind_until_the_user_types_a_folder(qtbot, tmp_path):
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    dialog.data.setText(str(tmp_path / "pets"))
    dialog.kind.set_value("gan")
    assert dialog.out.text() == default_output(str(tmp_path / "pets"), "gan")  # the suggestion follows the kind
    dialog.out.clear()
    qtbot.keyClicks(dialog.out, str(tmp_path / "mine"))
    dialog.kind.set_value("vae")
    dialog.data.setText(str(tmp_path / "cats"))
    assert dialog.out.text() == str(tmp_path / "mine")  # typed: it stays
    dialog.out.clear()
    dialog.kind.set_value("gan")
    assert dialog.out.text() == default_output(str(tmp_path / "cats"), "gan")  # emptied: suggested again


def test_describe_figures_names_what_a_run_measures():
    vae = "held-out at step 400 (13.7 min into the run; took 1.2 min): held_out_psnr_db=26.01, held_out_ssim=0.865"
    gan = "held-out at step 500 (6.2 min into the run; took 48 s): held_out_precision_k3=0.52, held_out_recall_k3=0.355"
    assert describe_figures(vae) == ("Held-out at step 400 (13.7 min of training): PSNR\u00a026.01\u00a0dB\u00a0· "
                                    "SSIM\u00a00.865")
    assert describe_figures(gan) == ("Held-out at step 500 (6.2 min of training): precision\u00a00.52\u00a0· "
                                    "recall\u00a00.355")
    assert describe_figures("step 400/1000 | 40 img/s | loss=0.1 | ETA 3.0 min") is None


def test_stop_saves_the_model_and_a_checkpoint(qtbot, shapes, tmp_path):
    """Even in an app started with `&` from a script, which passes SIGINT on to its children ignored."""
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=30)
    dialog.sample_every.setValue(2)
    assert dialog.watch.preview.pixmap().isNull()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        dialog.start()
        assert dialog.process.waitForStarted(30_000)
    finally:
        signal.signal(signal.SIGINT, previous)
    # while the run goes on, the dialog shows its latest sample grid and held-out figures
    qtbot.waitUntil(lambda: not dialog.watch.preview.pixmap().isNull(), timeout=120_000)
    qtbot.waitUntil(lambda: "PSNR" in dialog.watch.figures.text(), timeout=120_000)
    assert dialog.watch.figures.text().startswith("Held-out at step ")
    assert dialog.watch.samples_caption.text().startswith("Images (top) and their reconstructions at step ")
    assert "sample grid at step 2: " in dialog.watch.log.toPlainText()
    with qtbot.waitSignal(dialog.model_trained, timeout=120_000):
        dialog.stop()
    assert (tmp_path / "vae" / "checkpoint.pt").is_file()
    assert dialog.watch.samples_caption.text() == "Images (top) and their reconstructions by the model so far"
    log = dialog.watch.log.toPlainText()
    assert "stopped at step" in log and "(Stop and save)" in log and "SIGTERM" not in log
    # stopped, not done; and the dialog's way on is Start, not the CLI's --resume
    steps = json.loads((tmp_path / "vae" / "card.json").read_text())["training"]["steps"]
    assert dialog.watch.progress.format() == f"stopped at step {steps:,}"
    assert "--resume" not in log and "Start continues this run" in log
    asked = answer(dialog, None)
    dialog.start()  # Start asks about the stopped run
    assert [(run.steps, run.resumable) for run in asked] == [(steps, True)]


@pytest.mark.parametrize("ending, stopped", [("sys.exit(143)", True), ("sys.exit(129)", True), ("sys.exit(1)", False),
                                             ("os.kill(os.getpid(), signal.SIGTERM)", False)],
                         ids=["stop", "closed-terminal", "failed", "killed-before-it-caught-the-signal"])
def test_a_run_a_signal_stopped_once_saved_offers_its_model(ending, stopped, qtbot, shapes, tmp_path):
    """`genimg train` exits 128 + the signal's number (Stop's SIGTERM: 143) once a stopped run has saved: its model
    is there to load, as a finished run's; a failed run, or one the signal killed outright, offers none."""
    out = tmp_path / "vae"
    out.mkdir()
    (out / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": 120}}))  # what the run wrote
    dialog = dialog_for(qtbot, shapes, out, minutes=0.1)
    answer(dialog, OVERWRITE)
    start = dialog.process.start
    dialog.process.start = lambda exe, _args: start(exe, ["-c", f"import os, signal, sys; {ending}"])
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    log = dialog.watch.log.toPlainText()
    assert dialog.load_button.isEnabled() == stopped
    if stopped:
        assert dialog.watch.progress.format() == "stopped at step 120" and "■ stopped at step 120" in log
    else:
        assert "⚠ training ended without a model" in log and "■ stopped" not in log


def test_stop_while_the_images_load_reads_as_stopped_and_frees_the_folder(qtbot, shapes, tmp_path):
    """Stop a second after Start, as the images loaded, killed the run: the bar said "failed (it crashed)" with
    the last line of its log as the reason, and the folder kept a lock the next Start had to take over."""
    from train_helpers import SLOW_LOAD
    out = tmp_path / "new" / "vae"
    dialog = dialog_for(qtbot, shapes, out, minutes=0.1)
    start = dialog.process.start

    def slow_start(exe: str, args: list[str]) -> None:
        assert args[:2] == ["-m", "genimg_gui.cli"]
        start(exe, ["-c", SLOW_LOAD, *args[2:]])

    dialog.process.start = slow_start
    dialog.start()
    qtbot.waitUntil(lambda: "loading the images" in dialog.watch.log.toPlainText(), timeout=60_000)
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.stop()
    assert dialog.process.exitCode() == 143
    assert dialog.watch.progress.format() == "stopped before the first step"
    assert dialog.watch.failure.isHidden() and "⚠" not in dialog.watch.log.toPlainText()
    assert dialog.watch.log.toPlainText().endswith("stopped before the first step: nothing written")
    assert not (tmp_path / "new").exists() and dialog.start_button.isEnabled()


def test_a_run_passes_resume_or_overwrite_only_when_told():
    assert not {RESUME, OVERWRITE} & set(train_arguments("vae", "images", "out", 1, 32))
    assert RESUME in train_arguments("vae", "images", "out", 1, 32, earlier=RESUME)
    assert OVERWRITE in train_arguments("vae", "images", "out", 1, 32, earlier=OVERWRITE)


def test_start_asks_before_it_replaces_an_earlier_run_and_cancel_leaves_it(qtbot, shapes, tmp_path):
    out = tmp_path / "vae"
    assert main(["train", "vae", str(shapes), "-o", str(out), "--steps", "1", "--batch-size", "8", "--holdout", "8",
                 "--resolution", "32", "--threads", "1", "--seed", "7"]) == 0
    torch.set_num_threads(THREADS)  # --threads 1 set it for this whole process
    dialog = dialog_for(qtbot, shapes, out, minutes=0.05)
    asked = answer(dialog, None)  # Cancel
    dialog.start()
    assert len(asked) == 1 and asked[0].steps == 1 and asked[0].resumable
    assert dialog.process.state() == QProcess.ProcessState.NotRunning and dialog.start_button.isEnabled()
    assert "$ genimg" not in dialog.watch.log.toPlainText()
    asked = answer(dialog, OVERWRITE)  # Start over
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        dialog.start()
        assert dialog.watch.progress.format() == "starting over…"
    log = dialog.watch.log.toPlainText()
    assert f"starting over: a new model replaces the one in {out} (--overwrite)" in log and "resumed" not in log
    options = json.loads((out / "card.json").read_text())["training"]["options"]
    assert options["overwrite"] and options["seed"] == 0  # the dialog's run, not the one it replaced


def test_start_refuses_a_missing_folder(qtbot, tmp_path):
    dialog = dialog_for(qtbot, tmp_path / "nope", tmp_path / "vae", minutes=1)
    assert not dialog.start_button.isEnabled()  # greyed at once, as for an empty folder
    assert dialog.start_button.toolTip().startswith(f"{tmp_path / 'nope'} does not exist")
    dialog.start()  # and refused should it be called: the note says why, the log (a last run's) stays as it was
    assert dialog.kept.note.text() == f"⚠ {tmp_path / 'nope'} does not exist: choose a folder of images (Browse…)"
    assert dialog.watch.log.toPlainText() == "" and dialog.process.state() == QProcess.ProcessState.NotRunning


def test_a_finished_run_is_listed_and_loaded_only_when_asked(qtbot, window, shapes, tmp_path):
    doc = window.document
    active = doc.models["vae"].path
    dialog = fill(window.train_dialog(), shapes, tmp_path / "vae", minutes=0.05)
    asked = answer(dialog, RESUME)
    assert not dialog.load_button.isEnabled()
    with qtbot.assertNotEmitted(doc.model_loaded, wait=3000):  # not loaded: that re-encodes every open picture
        with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
            qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert asked == [] and "--resume" not in dialog.watch.log.toPlainText()  # a new folder: nothing to ask about
    assert window.model_panel.list.count() == len(window.model_list.entries)
    assert str(tmp_path / "vae") in [e.path for e in window.model_list.entries]  # listed in the Models tab
    assert doc.models["vae"].path == active
    steps = next(e for e in window.model_list.entries if e.path == str(tmp_path / "vae")).card["training"]["steps"]
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):  # a second run into the same folder: continued
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert [(run.folder, run.steps, run.resumable) for run in asked] == [(tmp_path / "vae", steps, True)]
    log = dialog.watch.log.toPlainText()  # the step it goes on from is the checkpoint's, which the run itself names
    assert f"continuing the run in {tmp_path / 'vae'} from its last checkpoint (--resume)" in log
    assert f"resumed from step {steps}" in log
    # listed once, with its new card
    [entry] = [e for e in window.model_list.entries if e.path == str(tmp_path / "vae")]
    assert entry.card["training"]["steps"] > steps
    assert window.model_panel.cards[entry.path]["training"]["steps"] == entry.card["training"]["steps"]
    assert dialog.load_button.isEnabled()
    dialog.data.setText(str(tmp_path / "other images"))  # the next run prepared
    dialog.out.setText(str(tmp_path / "vae2"))
    with qtbot.waitSignal(doc.model_loaded, timeout=60_000) as loaded:
        qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)  # loads the model trained, not Output
    assert loaded.args[0].path == str(tmp_path / "vae")
    assert f"loading {tmp_path / 'vae'}" in dialog.watch.log.toPlainText()  # the dialog says so, too
    assert [e.path for e in window.model_list.entries].count(str(tmp_path / "vae")) == 1


@pytest.mark.parametrize("how", ["close button", "Escape", "Close"])
def test_closing_the_dialog_mid_run_stops_it_and_closes_once_it_has_saved(how, qtbot, shapes, tmp_path):
    """The close waited for the run's save (up to 30 s), the whole window frozen meanwhile; Escape hid the dialog
    at once, the run going on out of reach. ("close button": the title bar's; "Close": the dialog's own.)"""
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=30)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: under_way(dialog), timeout=120_000)
    if how == "Escape":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    elif how == "Close":
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    else:
        dialog.close()
    assert dialog.isVisible() and dialog.running()  # not waited for: the event loop goes on
    assert not dialog.stop_button.isEnabled()  # stopping: one Stop is enough
    assert "the dialog closes once the run has saved" in dialog.watch.log.toPlainText()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=120_000)
    assert "stopped at step" in dialog.watch.log.toPlainText() and "SIGTERM" not in dialog.watch.log.toPlainText()
    assert (tmp_path / "vae" / "card.json").is_file()


def test_a_gan_draws_in_a_vae_latent_space_by_default(qtbot, shapes, model_dir, tmp_path):
    taesd = ModelEntry("taesd.safetensors", "taesd", "vae", {"architecture": "TAESD", "resolution": 512}, False)
    vae = model_dir / "tiny-vae"  # 32 px
    dialog = TrainDialog(models=[read_entry(model_dir / "tiny-gan"), taesd, read_entry(vae)])
    qtbot.addWidget(dialog)
    assert not dialog.space.isEnabled()  # a VAE is chosen first: the choice is for GANs
    dialog.kind.set_value("gan")
    assert [dialog.space.itemData(i) for i in range(dialog.space.count())] == [str(vae), ""]  # no TAESD
    assert dialog.resolution.currentText() == "32" and not dialog.resolution.isEnabled()
    assert dialog.keep_best.isEnabled()
    dialog.space.setCurrentIndex(1)  # pixels: any resolution, and no held-out figures to keep the best by
    assert dialog.resolution.isEnabled() and not dialog.keep_best.isEnabled()
    dialog.space.setCurrentIndex(0)
    assert dialog.keep_best.isEnabled()
    fill(dialog, shapes, tmp_path / "gan", minutes=0.1, resolution=None)  # the VAE's 32 px, as chosen above
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    card = json.loads((tmp_path / "gan" / "card.json").read_text())
    assert card["architecture"] == "LatentGenerator" and card["resolution"] == 32
    assert dialog.watch.samples_caption.text() == "Samples of the finished model"
    assert card["training"]["options"]["extra"]["latent_of"] == str(vae)


@pytest.mark.parametrize("how", ["folders", "csv"])
def test_a_gan_learns_classes_from_sub_folders_or_a_labels_file(how, qtbot, shapes, tmp_path):
    for i, image in enumerate(sorted(shapes.glob("*.png"))):  # two classes of sub-folder
        (shapes / ("odd" if i % 2 else "even")).mkdir(exist_ok=True)
        image.rename(shapes / ("odd" if i % 2 else "even") / image.name)
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    assert not dialog.classes.isEnabled()  # a VAE is chosen first: classes are for GANs
    dialog.kind.set_value("gan")
    fill(dialog, shapes, tmp_path / "gan", minutes=0.1)
    assert dialog.classes.isEnabled() and not dialog.label_column.isEnabled()
    if how == "folders":
        dialog.classes.setCurrentIndex(dialog.classes.findData("folders"))
    else:
        csv = tmp_path / "labels.csv"
        csv.write_text("file,shade\n" + "".join(f"{p.relative_to(shapes).as_posix()},{p.parent.name.upper()}\n"
                                                 for p in shapes.rglob("*.png")))
        dialog.set_labels_file(str(csv))
        assert dialog.label_column.isEnabled()
        dialog.label_column.setText("shade")
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    card = json.loads((tmp_path / "gan" / "card.json").read_text())
    assert card["config"]["classes"] == (["even", "odd"] if how == "folders" else ["EVEN", "ODD"])
    assert "classes: " in dialog.watch.log.toPlainText()


def test_a_run_can_start_from_an_open_model_and_keeps_its_kind_and_latent_space(qtbot, shapes, model_dir, tmp_path):
    vae = model_dir / "tiny-vae"
    start = tmp_path / "start-gan"
    assert main(["train", "gan", str(shapes), "-o", str(start), "--latent-of", str(vae), "--steps", "1",
                 "--batch-size", "8", "--holdout", "8", "--resolution", "32", "--threads", "1",
                 "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    torch.set_num_threads(THREADS)  # --threads 1 set it for this whole process
    taesd = ModelEntry("taesd.safetensors", "taesd", "vae", {"architecture": "TAESD", "resolution": 512}, False)
    dialog = TrainDialog(models=[read_entry(vae), taesd, read_entry(start)])
    qtbot.addWidget(dialog)
    starts = [dialog.start_from.itemData(i) for i in range(dialog.start_from.count())]
    assert starts == ["", str(vae), str(start)]  # random weights, then genimg's own models: no TAESD
    assert dialog.start_from.itemText(2) == "start-gan (GAN, 1 step)"
    dialog.start_from.setCurrentIndex(2)
    assert dialog.kind.value() == "gan" and not dialog.kind.isEnabled()
    assert dialog.space.currentData() == str(vae) and not dialog.space.isEnabled()
    assert dialog.resolution.currentText() == "32" and not dialog.resolution.isEnabled()
    fill(dialog, shapes, tmp_path / "tuned", minutes=0.1, resolution=None)
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    card = json.loads((tmp_path / "tuned" / "card.json").read_text())
    assert card["training"]["started_from"]["model"] == "start-gan" and card["config"]["channels"] == [16, 8, 8]
    dialog.start_from.setCurrentIndex(0)  # back to a new model: the choices are free again
    assert dialog.kind.isEnabled() and dialog.space.isEnabled()


def test_the_bar_follows_the_time_a_run_has_left_when_its_minutes_end_it_before_its_steps():
    assert share_done(14, 20_000, 0.5, 30.0) == 0.5  # a one-minute run, halfway, at step 14 of 20,000
    assert share_done(500, 1000, 9.0, 60.0) == 0.5   # a step budget that ends it first
    assert share_done(3, 10, 0.0, 0.0) == 0.3
    assert share_done(14, None, 0.5, 30.0) == 0.5  # the line gives no step total when the minutes end the run


def test_progress_lines_are_read_with_or_without_a_step_total():
    assert read_progress("step 40/200 | 38 img/s | mse=0.0123 kl=0.4567 | ETA 1.3 min") == (40, 200, 1.3)
    assert read_progress("step 40 | 38 img/s | d=0.6931 g=0.6931 | 0.9 min left") == (40, None, 0.9)
    assert read_progress("held-out at step 400 (13.7 min into the run; took 1.2 min): held_out_psnr_db=26.01") is None


def test_start_with_no_folder_says_so_and_runs_nothing(qtbot):
    """No Save to is no refusal: the folder its placeholder names (test_train_dialog_order). No Images is: Start is
    off, and the note under the form says why (a refusal in the log replaced the last run's)."""
    dialog = dialog_for(qtbot, "", "", minutes=0.1)
    assert not dialog.start_button.isEnabled()
    assert dialog.kept.note.text() == "No image folder chosen: choose a folder of images (Browse…)"
    dialog.start()
    assert dialog.process.state() == QProcess.ProcessState.NotRunning and dialog.watch.log.toPlainText() == ""


def test_a_gan_is_offered_every_vae_the_models_tab_lists_and_draws_in_the_one_loaded(qtbot, window, tmp_path):
    from conftest import TINY_VAE, make_model_folder
    from genimg_gui.models.vae import ConvVAE

    doc, tiny = window.document, window.model_list.entries[0].path
    dialog = window.train_dialog()
    dialog.kind.set_value("gan")
    new = str(make_model_folder(tmp_path / "new-vae", ConvVAE(TINY_VAE), "new-vae"))
    dialog.model_trained.emit(new)  # as at the end of a run: the Models tab lists it, and so does the dialog
    spaces = [dialog.space.itemData(i) for i in range(dialog.space.count())]
    assert spaces == [tiny, new, ""] and dialog.space.currentData() == tiny  # the VAE loaded
    assert dialog.start_from.findData(new) > 0  # a run can start from it too
    with qtbot.waitSignal(doc.model_loaded, timeout=60_000):
        doc.load_model(new)  # "Load it"
    assert dialog.space.currentData() == new  # a GAN now draws in the VAE just loaded
    assert window.train_dialog().space.currentData() == new  # and so does one opened later
    dialog.space.setCurrentIndex(dialog.space.findData(""))  # a choice made stays when the list grows
    window.model_list.list_model(str(make_model_folder(tmp_path / "third-vae", ConvVAE(TINY_VAE), "third-vae")))
    assert dialog.space.currentData() == "" and dialog.space.count() == 4


def test_the_no_folder_message_names_the_button_that_chooses_one(qtbot):
    dialog = dialog_for(qtbot, "", "", minutes=0.1)
    assert dialog.kept.note.text().endswith(f"choose a folder of images ({dialog.browse.text()})")


def test_the_log_opens_wide_enough_for_a_progress_line_and_wraps_longer_ones(qtbot, tmp_path):
    """Unwrapped, a long error line had to be scrolled sideways to be read."""
    dialog = dialog_for(qtbot, "", "", minutes=0.1)
    dialog.show()
    qtbot.waitExposed(dialog)
    line = "step 1,234/20000 | 38 img/s | d=0.6931 g=0.6931 aug_p=0.0000 | ETA 29.5 min"
    for _ in range(3):
        dialog.watch.take_line(line)
    error = f"genimg: error: {tmp_path / 'a folder with a long name'} holds no image files (looked for .png, .jpg, …)"
    dialog.watch.take_line(error)
    log = dialog.watch.log
    qtbot.waitUntil(lambda: log.document().lastBlock().layout().lineCount() > 1)  # laid out, and wrapped
    assert [log.document().findBlockByNumber(i).layout().lineCount() for i in range(3)] == [1, 1, 1]
    assert log.horizontalScrollBar().maximum() == 0
    dialog.grab().save(str(tmp_path / "train_dialog.png"))
    dialog.grab().save(str(tmp_path / "train_dialog.png"))


def vae_entry(path: Path) -> ModelEntry:
    return ModelEntry(str(path), path.name, "vae", {"architecture": "ConvVAE", "resolution": 32}, False)


def earlier_gan_run(out: Path, steps: int = 20_000, checkpoint: bool = True, card: bool = True) -> Path:
    """The files `genimg train gan` leaves (only what the dialog reads: it never loads them)."""
    out.mkdir(parents=True)
    if card:
        options = {"resolution": 32, "labels": "folders", "label_column": "label", "init": "",
                   "extra": {"latent_of": "/models/vae-a", "channels": [16, 8, 8], "z_dim": 16, "classes": ["a", "b"],
                             "class_counts": [3, 4], "r1_gamma": 1.0}}
        (out / "card.json").write_text(json.dumps({"kind": "gan", "training": {"steps": steps, "options": options}}))
    if checkpoint:
        (out / "checkpoint.pt").write_bytes(b"not read")
    return out


def started_with(dialog: TrainDialog) -> list:
    """Start's command lines, instead of starting them."""
    started = []
    dialog.process.start = lambda _exe, args: started.append(args)
    return started


def test_a_vae_loaded_later_leaves_only_a_latent_space_the_user_picked(qtbot, tmp_path):
    a, b, c = (vae_entry(tmp_path / n) for n in ("vae-a", "vae-b", "vae-c"))
    dialog = TrainDialog(models=[a, b, c], active_vae=a.path)
    qtbot.addWidget(dialog)
    dialog.kind.set_value("gan")
    assert dialog.space.currentData() == a.path
    dialog.set_models([a, b, c], active_vae=b.path)
    assert dialog.space.currentData() == b.path  # nothing chosen: a GAN draws in the VAE just loaded
    pixels = dialog.space.findData("")
    dialog.space.setCurrentIndex(pixels)
    dialog.space.activated.emit(pixels)  # as a click on it does
    dialog.set_models([a, b, c], active_vae=c.path)
    assert dialog.space.currentData() == ""  # the user's choice stays

    held = TrainDialog(models=[a, b], active_vae=a.path)
    qtbot.addWidget(held)
    held.kind.set_value("gan")
    held.out.setText(str(earlier_gan_run(tmp_path / "gan")))  # Save to holds a run: Continue takes its card's
    held.set_models([a, b], active_vae=b.path)
    assert held.space.currentData() == b.path


def test_a_gan_draws_in_a_vae_trained_and_loaded_from_the_same_dialog(qtbot, window, shapes, tmp_path):
    """The tester's steps: a VAE run started here, then Load it; the Models tab and the dialog agree."""
    doc = window.document
    dialog = fill(window.train_dialog(), shapes, tmp_path / "vae_gui", minutes=0.05)
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(doc.model_loaded, timeout=60_000):
        qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    assert doc.models["vae"].path == str(tmp_path / "vae_gui")
    dialog.kind.set_value("gan")
    assert dialog.space.currentData() == str(tmp_path / "vae_gui")


def test_continue_takes_the_options_that_shape_the_networks_from_the_earlier_runs_card(qtbot, shapes, tmp_path):
    """--resume refuses other shapes ("does not fit this run"): the dialog's own (a 64 px VAE here) must not
    go with it."""
    out = earlier_gan_run(tmp_path / "gan")
    dialog = dialog_for(qtbot, shapes, out, minutes=0.1)
    dialog.resolution.setCurrentText("64")
    answer(dialog, RESUME)
    started = started_with(dialog)
    dialog.start()
    args = " ".join(started[0])
    assert " train gan " in args and "--resume" in args and "--resolution 32" in args
    assert "--latent-of /models/vae-a" in args and "--labels folders" in args
    assert "--set" not in args  # --resume takes the network settings from the run: none the user never typed
    assert "classes" not in args and "r1_gamma" not in args  # recorded by the run, or free to change


def test_the_question_and_log_say_what_the_earlier_run_holds_and_where_continue_goes_on_from(qtbot, shapes,
                                                                                            tmp_path):
    from genimg_gui.earlier_run import earlier_run
    from genimg_gui.ui.train_question import what_it_holds
    bare = earlier_gan_run(tmp_path / "killed", card=False)  # killed before it wrote a model
    said = what_it_holds(earlier_run(bare))
    assert "stopped before it wrote a model" in said and "already holds a model" not in said
    assert what_it_holds(earlier_run(earlier_gan_run(tmp_path / "done"))).endswith("a GAN (20,000 steps).")
    dialog = dialog_for(qtbot, shapes, tmp_path / "done", minutes=0.1)
    answer(dialog, RESUME)
    started_with(dialog)
    dialog.start()
    # the card's 20,000 steps may be older than the checkpoint, which the run's own "resumed from step" names
    log = dialog.watch.log.toPlainText()
    assert f"continuing the run in {tmp_path / 'done'} from its last checkpoint (--resume)" in log
    assert "20,000" not in log and dialog.watch.progress.format() == "continuing…"


def test_continue_shows_the_earlier_runs_settings_in_the_fields_it_runs_with(qtbot, shapes, tmp_path):
    """A GAN trained with --labels folders ran with its classes while the fields still said 'none'."""
    out = earlier_gan_run(tmp_path / "gan")  # 32 px, in /models/vae-a, classes from the sub-folders
    vae_a = vae_entry(Path("/models/vae-a"))
    dialog = TrainDialog(models=[vae_entry(tmp_path / "vae-b"), vae_a], active_vae=str(tmp_path / "vae-b"))
    qtbot.addWidget(dialog)
    fill(dialog, shapes, out, minutes=0.1, resolution="64")  # a 64 px VAE, no classes: not the earlier run's
    answer(dialog, RESUME)
    started = started_with(dialog)
    dialog.start()
    assert dialog.kind.value() == "gan" and dialog.space.currentData() == vae_a.path
    assert dialog.classes.currentData() == "folders" and dialog.classes.isEnabledTo(dialog.settings)
    assert dialog.resolution.currentText() == "32"
    assert dialog.out.text() == str(out)  # the folder continued, not one suggested for the kind
    assert started == [train_arguments(kind="gan", data=str(shapes), out=str(out), minutes=0.1, resolution=32,
                                       latent_of=vae_a.path, labels="folders", earlier=RESUME)]
    # no --keep-best: 40 images hold out 4, too few for a latent GAN's figures (MIN_HELD_OUT), so nothing to rank
    unlisted = TrainDialog()  # the Models tab does not list the earlier run's VAE: the field names it all the same
    qtbot.addWidget(unlisted)
    fill(unlisted, shapes, out, minutes=0.1)
    answer(unlisted, RESUME)
    started_with(unlisted)
    unlisted.start()
    assert unlisted.space.currentData() == "/models/vae-a" and "vae-a" in unlisted.space.currentText()
    # its VAE fixes the resolution, as a listed one's does
    assert unlisted.resolution.currentText() == "32" and not unlisted.resolution.isEnabledTo(unlisted.settings)


def test_continue_finds_the_start_model_listed_under_another_spelling(qtbot, shapes, tmp_path):
    """The card records --init as typed (a link): the model is the listed one, so the run starts from it and its
    kind and latent space stay fixed, not a second entry that counted as random weights."""
    start = tmp_path / "gan-start"
    start.mkdir()
    (tmp_path / "link").symlink_to(start, target_is_directory=True)
    out = earlier_gan_run(tmp_path / "gan")
    card = json.loads((out / "card.json").read_text())
    card["training"]["options"]["init"] = str(tmp_path / "link")
    (out / "card.json").write_text(json.dumps(card))
    vae_a = vae_entry(Path("/models/vae-a"))
    started_from = ModelEntry(str(start), "gan-start", "gan", {"architecture": "LatentGenerator", "resolution": 32,
                                                               "training": {"options": card["training"]["options"]}},
                              False)
    dialog = TrainDialog(models=[vae_a, started_from], active_vae=vae_a.path)
    qtbot.addWidget(dialog)
    fill(dialog, shapes, out, minutes=0.1)
    answer(dialog, RESUME)
    started_with(dialog)
    dialog.start()
    assert dialog.start_from.currentData() == str(start) and dialog.start_from.findData(str(tmp_path / "link")) < 0
    assert not dialog.kind.isEnabledTo(dialog.settings) and not dialog.space.isEnabledTo(dialog.settings)

