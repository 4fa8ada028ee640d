"""The Train… dialog around a run's ends: reopened while a run goes on, a run that fails, a folder too small to hold
images out, what a new Start clears, the bar before a run and after it, and Close."""
import shutil
import sys

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from genimg_gui.holdout import HOLDOUT, held_out_size
from genimg_gui.train.data import split_holdout
from genimg_gui.ui.train_dialog import TrainDialog
from test_train_dialog import dialog_for, fill, shapes, started_with, under_way  # noqa: F401 (shapes: a fixture)


def test_train_reopened_mid_run_shows_the_run_going_on_not_a_blank_dialog(qtbot, window, shapes, tmp_path):
    """Escape hid the dialog with its run going on; Train… then opened a blank one that could start a second run."""
    dialog = fill(window.train_dialog(), shapes, tmp_path / "vae", minutes=30)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: under_way(dialog), timeout=120_000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.mouseClick(window.model_panel.train_button, Qt.MouseButton.LeftButton)  # Models → Train… again
    assert window.findChildren(TrainDialog) == [dialog] and dialog.isVisible()
    assert dialog.running() and not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=120_000)  # Escape stopped it: closed once saved
    qtbot.mouseClick(window.model_panel.train_button, Qt.MouseButton.LeftButton)
    assert window.findChildren(TrainDialog) == [dialog] and dialog.isVisible()
    assert "stopped at step" in dialog.watch.log.toPlainText() and dialog.load_button.isEnabled()


def test_a_failed_run_says_so_and_why_in_a_fresh_log(qtbot, tmp_path):
    """The bar said "starting…" for ever, and the log began with the previous attempt's warning. The line under the
    bar ended on the colon of "1 file skipped:", what was skipped and why left to the log."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "fake.png").write_bytes(bytes(range(256)) * 8)  # named as an image, which it is not
    dialog = dialog_for(qtbot, "", tmp_path / "vae", minutes=0.1)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.start_button.isEnabled() and "No image folder chosen" in dialog.kept.note.text()
    dialog.data.setText(str(fake))
    assert dialog.kept.note.text().startswith("⚠ Only 1 image file: ")  # counted by its name: not opened
    with qtbot.waitSignal(dialog.process.finished, timeout=120_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    log = dialog.watch.log.toPlainText()
    assert "No image folder chosen" not in log and f"genimg train: error: no usable images in {fake}" in log
    assert dialog.watch.progress.format() == "failed (exit code 1)"
    assert dialog.watch.failure.isVisible()
    assert dialog.watch.failure.text() == (f"⚠ The run failed: no usable images in {fake}, 1 file skipped: "
                                           "skipped, not an image in a format genimg reads (supported: PNG, JPEG, "
                                           "WebP, BMP, TIFF, GIF): fake.png")
    assert dialog.watch.failure.toolTip() == dialog.watch.failure.text()
    assert dialog.start_button.isEnabled() and not dialog.stop_button.isEnabled()
    assert not dialog.load_button.isEnabled()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)  # the next Start: no failure shown yet
    assert not dialog.watch.failure.isVisible() and dialog.watch.progress.format() == "starting…"
    qtbot.waitUntil(lambda: not dialog.running(), timeout=120_000)


def test_a_run_python_cannot_start_says_so(qtbot, shapes, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=0.1)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    assert dialog.watch.progress.format() == "failed (it could not start)" and not dialog.stop_button.isEnabled()


def test_a_folder_too_small_to_hold_images_out_says_so_before_the_run(qtbot, shapes, tmp_path):
    """With 6 images the run held none out, kept "Model kept: the best evaluation" ticked, and said so only as
    "held out: 0 images" in its log."""
    few = tmp_path / "few"
    few.mkdir()
    for image in sorted(shapes.glob("*.png"))[:6]:
        shutil.copy(image, few)
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=0.1)  # 40 images: 4 held out
    assert dialog.keep_best.isEnabled() and dialog.kept.note.isHidden()
    dialog.data.setText(str(few))
    assert not dialog.keep_best.isEnabled() and not dialog.kept.note.isHidden()
    assert dialog.kept.note.text().startswith("⚠ Only 6 image files: a run holds out one image in 10")
    started = started_with(dialog)
    dialog.start()
    assert "--keep-best" not in started[0]
    assert dialog.watch.log.toPlainText().startswith("⚠ Only 6 image files")


def test_a_vae_run_on_6_images_shows_each_over_its_reconstruction(qtbot, shapes, tmp_path):
    """6 usable images (and a damaged .jpg and a .txt beside them): the grid was 8 wide, its top row the 6 images
    and 2 reconstructions, the other 4 reconstructions under them, below "Images (top) and their reconstructions"."""
    few = tmp_path / "few"
    few.mkdir()
    for image in sorted(shapes.glob("*.png"))[:6]:
        shutil.copy(image, few)
    (few / "broken.jpg").write_bytes(b"not a picture")
    (few / "notes.txt").write_text("notes")
    dialog = dialog_for(qtbot, few, tmp_path / "vae", minutes=0.05)
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    with Image.open(tmp_path / "vae" / "samples.png") as grid:
        assert grid.size == (6 * 32, 2 * 32)  # 6 images at 32 px over their 6 reconstructions
    shown = dialog.watch.preview.pixmap()
    assert abs(shown.width() - 3 * shown.height()) <= 3  # scaled to the frame's width, 6 tiles by 2
    assert dialog.watch.samples_caption.text().startswith("Images (top) and their reconstructions")


def test_model_kept_is_unticked_while_a_small_folder_greys_it_out_and_the_figures_line_says_none_come(
        qtbot, shapes, tmp_path):
    """Greyed out, it stayed ticked (it looked locked on), and "Held-out figures appear with each sample grid."
    was shown though none would."""
    few = tmp_path / "few"
    few.mkdir()
    for image in sorted(shapes.glob("*.png"))[:6]:
        shutil.copy(image, few)
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=0.1)
    figures = dialog.watch.figures
    assert dialog.keep_best.isChecked() and figures.text() == "Held-out figures appear with each sample grid."
    for chosen in (True, False):  # the user's choice comes back with a folder big enough
        dialog.keep_best.setChecked(chosen)
        dialog.data.setText(str(few))
        assert not dialog.keep_best.isEnabled() and not dialog.keep_best.isChecked()
        assert figures.text() == "No held-out figures: the folder has too few images to hold any out."
        dialog.data.setText(str(shapes))
        assert dialog.keep_best.isEnabled() and dialog.keep_best.isChecked() is chosen
        assert figures.text() == "Held-out figures appear with each sample grid."


def test_the_dialog_counts_held_out_images_as_the_run_does():
    for images in (0, 6, 9, 10, 95, 6_000):
        assert held_out_size(images) == len(split_holdout(images, HOLDOUT, seed=0)[1])


def test_the_folder_count_leaves_out_model_folders_as_a_run_does(qtbot, shapes, tmp_path):
    """A previous run's samples.png in DATA/m1/ was counted ("Only 4 image files"), though `genimg train` skips m1."""
    few = tmp_path / "few"
    (few / "m1").mkdir(parents=True)
    for image in sorted(shapes.glob("*.png"))[:3]:
        shutil.copy(image, few)
    shutil.copy(next(shapes.glob("*.png")), few / "m1" / "samples.png")
    (few / "m1" / "card.json").write_text("{}")
    (few / "m1" / "model.safetensors").write_bytes(b"")  # a card beside its weights: a model, as a run reads it
    dialog = dialog_for(qtbot, shapes, tmp_path / "vae", minutes=0.1)
    dialog.data.setText(str(few))
    assert dialog.kept.note.text().startswith("⚠ Only 3 image files: a run holds out one image in 10")


def test_close_closes_the_dialog(qtbot, tmp_path):
    """It had no Close button: only the title bar's."""
    dialog = dialog_for(qtbot, "", tmp_path / "vae", minutes=0.1)
    dialog.show()
    qtbot.waitExposed(dialog)
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.isVisible() and close.text().replace("&", "") == "Close"
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_bar_shows_once_a_run_starts_and_then_says_how_it_ended(qtbot, shapes, tmp_path):
    """Before any run an empty bar without words was on show, which read as a run stuck at nothing."""
    dialog = dialog_for(qtbot, "", tmp_path / "vae", minutes=0.05)
    dialog.show()
    qtbot.waitExposed(dialog)
    bar = dialog.watch.progress
    assert not bar.isVisible()
    dialog.start()  # refused (no folder): still no run
    assert "No image folder chosen" in dialog.kept.note.text() and not bar.isVisible()
    dialog.data.setText(str(shapes))
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert bar.isVisible() and bar.text() == "starting…"
    assert bar.isVisible() and bar.text() == "done" and bar.value() == bar.maximum()
