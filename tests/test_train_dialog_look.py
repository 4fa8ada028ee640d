"""How the Train… dialog reads before a run: the Model box said "vae" and "gan" where the app says VAE and GAN, the
time box "30.00 min", the samples beside the framed log had no frame (the right half looked empty) with the figures'
line floating over the log, and Save to was a blank field while Images said what it wants."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import QFrame

from genimg_gui.catalog import read_entry
from genimg_gui.paths import shown_path
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_run import models_folder
from test_train_dialog import fill, shapes  # noqa: F401 (shapes: a fixture)
from widget_helpers import shown


def typed(qtbot, box, text: str) -> None:
    """Type text over the number box's own, as a user does, and enter it."""
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_the_model_box_says_vae_and_gan_and_a_gan_chosen_there_is_trained(qtbot, shapes, model_dir, tmp_path):
    dialog = shown(qtbot, TrainDialog(models=[read_entry(model_dir / "tiny-vae")]))  # a GAN in its space: quick
    box = dialog.kind
    assert [box.itemText(at) for at in range(box.count())] == ["VAE", "GAN"] and box.currentText() == "VAE"
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the user picks the second entry
    assert box.currentText() == "GAN"
    assert dialog.classes.isEnabled()  # the form follows the kind shown: classes are a GAN's
    fill(dialog, shapes, tmp_path / "gan", minutes=0.1, resolution=None)  # the tiny VAE's 32 px
    with qtbot.waitSignal(dialog.model_trained, timeout=180_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    command = next(line for line in dialog.watch.log.toPlainText().splitlines() if line.startswith("$ genimg"))
    assert command.startswith(f"$ genimg train gan {shapes} ")  # the command takes the kind as it always did
    assert json.loads((tmp_path / "gan" / "card.json").read_text())["kind"] == "gan"


def test_the_time_box_shows_whole_minutes_whole_and_keeps_a_decimal_typed(qtbot):
    dialog = shown(qtbot, TrainDialog())
    assert dialog.minutes.text() == "30 min"  # it read "30.00 min"
    typed(qtbot, dialog.minutes, "2.5")
    assert dialog.minutes.value() == 2.5 and dialog.minutes.text() == "2.5 min"
    typed(qtbot, dialog.minutes, "45")
    assert dialog.minutes.value() == 45 and dialog.minutes.text() == "45 min"


def test_the_samples_are_framed_as_the_log_is_and_say_what_comes_before_a_run(qtbot, tmp_path):
    dialog = shown(qtbot, TrainDialog())
    watch = dialog.watch
    frame = watch.preview.parentWidget()
    assert isinstance(frame, QFrame) and frame.frameShape() != QFrame.Shape.NoFrame  # it had none, the log one
    assert (frame.frameShape(), frame.frameShadow()) == (watch.log.frameShape(), watch.log.frameShadow())
    assert frame.autoFillBackground() and frame.palette().color(frame.backgroundRole()) == \
        watch.log.viewport().palette().color(watch.log.viewport().backgroundRole())  # the log's background
    assert frame.geometry().top() == watch.log.geometry().top()  # side by side, level
    assert frame.geometry().bottom() == watch.log.geometry().bottom()
    # its placeholder lines, grey as the log's: the grid's with the real interval, then the figures' (which floated
    # over the log on a line of their own)
    assert watch.preview.text() == "The sample grid appears here every 100 steps."
    assert watch.preview.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert frame.isAncestorOf(watch.figures)
    assert watch.figures.text() == "Held-out figures appear with each sample grid."
    assert watch.figures.geometry().top() >= watch.preview.geometry().bottom()
    assert watch.figures.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert not watch.samples_caption.isVisible()  # "Samples" over nothing said nothing the lines do not
    typed(qtbot, dialog.sample_every, "25")
    assert watch.preview.text() == "The sample grid appears here every 25 steps."
    typed(qtbot, dialog.sample_every, "1")
    assert watch.preview.text() == "The sample grid appears here at every step."
    # a run's lines: its grid in the frame, captioned, and its figures under it in the text's colour
    QPixmap(64, 16).save(str(tmp_path / "samples.png"))
    watch.begin("vae", "starting…")
    watch.take_line(f"sample grid at step 1: {tmp_path / 'samples.png'}")
    watch.take_line("held-out at step 1 (0.1 min into the run; took 1 s): held_out_psnr_db=13.71")
    assert not watch.preview.pixmap().isNull() and watch.samples_caption.isVisible()
    grid = watch.preview.pixmap().size()  # the whole grid in view: it was laid out as a strip a line of text high
    qtbot.waitUntil(lambda: watch.preview.contentsRect().height() >= grid.height() == 80)
    assert watch.samples_caption.text() == "Images (top) and their reconstructions at step 1"
    assert watch.figures.text().startswith("Held-out at step 1 ") and frame.isAncestorOf(watch.figures)
    assert watch.figures.foregroundRole() == QPalette.ColorRole.Text
    watch.clear()  # a new Start: the placeholder lines again
    assert watch.preview.text() == "The sample grid appears here at every step."
    assert not watch.samples_caption.isVisible()
    assert watch.figures.foregroundRole() == QPalette.ColorRole.PlaceholderText


def test_save_to_says_while_empty_the_folder_choosing_images_fills_in(qtbot, tmp_path):
    dialog = shown(qtbot, TrainDialog())
    folder = f"{shown_path(models_folder())}/vae-<the images folder's name>"
    assert dialog.out.text() == "" and dialog.out.placeholderText() == f"filled in as you choose Images: {folder}"
    dialog.kind.set_value("gan")
    assert dialog.out.placeholderText().endswith("/gan-<the images folder's name>")  # it follows the Model box
    pets = tmp_path / "pets"
    pets.mkdir()
    promised = dialog.out.placeholderText().split(": ", 1)[1].replace("<the images folder's name>", "pets")
    dialog.data.setText(str(pets))
    assert shown_path(dialog.out.text()) == promised  # what it said is what came
    dialog.out.clear()  # emptied, it names that folder, which Start then saves to (test_train_dialog_order)
    assert dialog.out.placeholderText() == f"left empty, Start saves to {promised}"
