"""The Train… dialog's Save to left empty trains into the folder its placeholder names (Start refused it, as if no
folder were given), and the held-out figures show under the grid of the step they were measured at, never before
any grid (a --minutes run measures step 1 to time its evaluations, long before its first grid)."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPixmap

from genimg_gui.cli import main
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_question import OVERWRITE
from genimg_gui.ui.train_samples import FIGURES_TO_COME
from genimg_gui.ui.train_run import default_output
from test_train_dialog import answer, dialog_for, shapes, started_with, under_way  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import ending_with
from train_helpers import TINY, restore_threads  # noqa: F401 (restore_threads: a fixture)


def test_an_empty_save_to_trains_into_the_folder_its_placeholder_names(qtbot, shapes, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # where Save to suggests a folder
    dialog = dialog_for(qtbot, shapes, "", minutes=0.1)
    assert dialog.out.placeholderText() == "left empty, Start saves to ~/genimg-models/vae-shapes"
    folder = tmp_path / "home" / "genimg-models" / "vae-shapes"
    with qtbot.waitSignal(dialog.model_trained, timeout=120_000) as written:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert f"Save to was left empty: the model is saved to {folder}" in dialog.watch.log.toPlainText()
        assert dialog.out.text() == str(folder)  # the field names the folder the run writes, as Load does
        qtbot.waitUntil(lambda: under_way(dialog), timeout=120_000)
        dialog.stop()
    assert written.args == [str(folder)] and (folder / "card.json").is_file()
    assert "Choose where to save the model" not in dialog.watch.log.toPlainText()
    assert dialog.load_button.text() == "Load vae-shapes" and dialog.load_button.isEnabled()


def test_the_placeholder_names_the_folder_of_the_images_and_kind_chosen(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    assert dialog.out.placeholderText().startswith("filled in as you choose Images: ")  # no folder to name yet
    dialog.data.setText(str(tmp_path / "cats"))
    dialog.kind.set_value("gan")
    dialog.out.clear()
    assert dialog.out.placeholderText() == "left empty, Start saves to ~/genimg-models/gan-cats"
    dialog.data.setText(str(tmp_path / "dogs"))  # an emptied Save to is filled in again, as the placeholder said
    assert dialog.out.text() == str(tmp_path / "genimg-models" / "gan-dogs")


def test_save_to_names_the_images_folder_of_a_path_typed_with_dots(qtbot, shapes, tmp_path, monkeypatch):
    """Images typed as SHAPES/more/.. suggested ~/genimg-models/vae-.., which Start then created."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (shapes / "more").mkdir()
    dialog = dialog_for(qtbot, shapes, "", minutes=0.1)
    folder = tmp_path / "home" / "genimg-models" / "vae-shapes"
    for typed in (f"{shapes}/more/..", f"{shapes}/", f"{shapes}/more/../."):
        dialog.data.setText(typed)
        assert dialog.out.text() == str(folder), typed
    dialog.out.clear()
    assert dialog.out.placeholderText() == "left empty, Start saves to ~/genimg-models/vae-shapes"
    started = started_with(dialog)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert f"Save to was left empty: the model is saved to {folder}" in dialog.watch.log.toPlainText()
    assert started and started[-1][started[-1].index("-o") + 1] == str(folder)


def test_genimg_train_names_its_default_folder_by_the_same_rule(shapes, tmp_path, monkeypatch, capsys):
    """`genimg train` without -o writes ./<kind>-<the images folder's name>, as the dialog's Save to suggests."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (shapes / "more").mkdir()
    typed = f"{shapes}/more/.."
    assert main(["train", "vae", typed, "--steps", "1", "--batch-size", "8", "--resolution", "32", "--threads", "1",
                 *TINY["vae"]]) == 0
    assert (tmp_path / "vae-shapes" / "card.json").is_file()
    assert Path(default_output(typed, "vae")).name == "vae-shapes"


def run_lines(shapes: Path, out: Path, capsys) -> list[str]:
    """The lines a real `genimg train` run of 4 steps prints, a grid every 2 steps, in its own order; its time
    budget (--minutes) has it measure step 1 to time its evaluations."""
    main(["train", "vae", str(shapes), "-o", str(out), "--minutes", "5", "--steps", "4", "--sample-every", "2",
          "--batch-size", "8", "--resolution", "32", "--threads", "1", *TINY["vae"]])
    said = capsys.readouterr()
    return said.err.splitlines() + said.out.splitlines()  # the log, then the line of the model written


def test_held_out_figures_show_under_the_grid_of_their_step_not_before_it(qtbot, shapes, tmp_path, capsys):
    out = tmp_path / "vae"
    lines = run_lines(shapes, out, capsys)
    assert any(line.startswith("held-out at step 1 ") for line in lines)  # measured before the first grid
    dialog = dialog_for(qtbot, shapes, out, minutes=5)
    answer(dialog, OVERWRITE)  # the run above left its model there, which the lines below are of
    ending_with(dialog, "import sys; sys.stdout.write(" + repr("\n".join(lines) + "\n") + ")")
    watch, seen = dialog.watch, []
    take_line = watch.take_line

    def look(line: str) -> None:  # what the frame shows after each line the dialog reads
        take_line(line)
        measured = watch.figures.foregroundRole() == QPalette.ColorRole.Text
        seen.append((line, not watch.samples_caption.isHidden() and watch.samples_caption.text(),
                     watch.figures.text() if measured else None))

    watch.take_line = look
    with qtbot.waitSignal(dialog.model_trained, timeout=60_000):
        dialog.start()
    shown = {line.split(" (")[0]: (caption, figures) for line, caption, figures in seen
             if line.startswith(("sample grid at step", "held-out at step"))}
    assert shown["held-out at step 1"] == (False, None)  # no grid yet: its figures wait, said in the log
    assert watch.log.toPlainText().count("held-out at step 1 ") == 1
    assert shown["sample grid at step 2: " + str(out / "samples.png")] == (
        "Images (top) and their reconstructions at step 2", None)  # step 1's figures are not this grid's
    caption, figures = shown["held-out at step 2"]
    assert caption.endswith("at step 2") and figures.startswith("Held-out at step 2 ")
    for _line, caption, figures in seen:  # figures on show are always those of the grid on show
        assert figures is None or caption.endswith(figures.split(" (")[0].replace("Held-out ", ""))
    # the run's end: the model written, with the figures measured of it
    assert watch.samples_caption.text() == "Images (top) and their reconstructions by the finished model"
    assert watch.figures.text().startswith("Held-out at step 4 ")
    assert watch.figures.text() != FIGURES_TO_COME


def test_the_end_shows_the_figures_of_the_model_kept_not_the_last_measured(qtbot, shapes, tmp_path):
    """--keep-best wrote step 2's model, the better one: the figures under its grid were step 4's."""
    out = tmp_path / "vae"
    out.mkdir()
    QPixmap(64, 16).save(str(out / "samples.png"))
    (out / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": 2, "run_steps": 4}}))
    grid = out / "samples.png"
    lines = [f"sample grid at step 2: {grid}", "held-out at step 2 (0.1 min into the run; took 1 s): "
             "held_out_psnr_db=21.5", f"sample grid at step 4: {grid}",
             "held-out at step 4 (0.2 min into the run; took 1 s): held_out_psnr_db=12.25"]
    dialog = dialog_for(qtbot, shapes, out, minutes=5)
    answer(dialog, OVERWRITE)
    ending_with(dialog, "print(" + repr("\n".join(lines)) + ")")
    with qtbot.waitSignal(dialog.model_trained, timeout=60_000):
        dialog.start()
    assert dialog.watch.samples_caption.text() == "Images (top) and their reconstructions by the finished model"
    figures = dialog.watch.figures.text()
    assert figures.startswith("Held-out at step 2 ") and "PSNR\u00a021.5\u00a0dB" in figures


def test_a_run_stopped_before_measuring_the_model_written_shows_no_earlier_figures_under_its_grid(
        qtbot, shapes, tmp_path):
    """A stop at step 30 wrote a model never measured: the end showed step 1's figures, the timing evaluation a
    --minutes run makes (in the log only until then), under its grid as the written model's."""
    out = tmp_path / "vae"
    out.mkdir()
    grid = out / "samples.png"
    QPixmap(64, 16).save(str(grid))
    (out / "card.json").write_text(json.dumps({"kind": "vae", "training": {"steps": 30, "run_steps": 30}}))
    lines = ["held-out at step 1 (0.1 min into the run; took 1 s): held_out_psnr_db=9.1",
             f"sample grid at step 20: {grid}", "wrote vae after 30 steps: held-out figures not measured"]
    dialog = dialog_for(qtbot, shapes, out, minutes=5)
    answer(dialog, OVERWRITE)
    ending_with(dialog, "print(" + repr("\n".join(lines)) + ")")
    with qtbot.waitSignal(dialog.model_trained, timeout=60_000):
        dialog.start()
    watch = dialog.watch
    assert watch.samples_caption.text() == "Images (top) and their reconstructions by the finished model"
    assert not watch.preview.pixmap().isNull()
    assert "PSNR" not in watch.figures.text() and watch.figures.text() != FIGURES_TO_COME
    assert "held-out at step 1 (0.1 min into the run; took 1 s): held_out_psnr_db=9.1" in watch.log.toPlainText()
