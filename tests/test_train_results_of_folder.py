"""What is said of a model folder trained again is that folder's latest: the Models tab's card of a loaded model
follows each new set of weights written into its folder (a second run's figures stayed the first's, unsaid), and
the Train… dialog says a run started only once it has, whether Save to's last run stopped from the folder's own
card, and shows the figures and sample grid of the folder Save to names."""
from __future__ import annotations

import json
import os

from PySide6.QtGui import QPixmap

from conftest import UI_TIMEOUT
from genimg_gui.catalog import metrics_text
from genimg_gui.ui.settings import Settings
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_memory import UNFINISHED
from genimg_gui.ui.train_question import OVERWRITE
from genimg_gui.ui.train_samples import samples_to_come
from test_model_identity import load
from test_train_dialog import answer, fill, shapes  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import ending_with
from test_train_lock import this_process_start, write_lock
from train_helpers import restore_threads, stop_at_step, train  # noqa: F401 (restore_threads: a fixture)

SAID = "was trained again: load it to use the new weights (the old ones are in use until then)"


def test_each_run_into_a_loaded_models_folder_shows_its_figures_and_is_said(qtbot, window, shapes, tmp_path):
    """`genimg train … --resume` into the loaded VAE's folder, twice: the card kept the first run's figures under
    "New weights in its folder" and the message log said nothing of the second."""
    out = tmp_path / "vae-x"
    assert train("vae", shapes, out, 2) == 0
    load(qtbot, window, out)
    panel, name = window.model_panel, window.document.models["vae"].name

    def times_said() -> int:  # a repeat straight after is one line of the log, "(×2)"
        return sum(entry.repeats for entry in window.status.log.entries if entry.text == f"{name} {SAID}")

    def new_figures() -> str:
        return metrics_text(json.loads((out / "card.json").read_text())["metrics"])[0]

    shown = []
    for steps in (4, 6):  # from a terminal: the folder's watch hears of each
        assert train("vae", shapes, out, steps, "--resume") == 0
        qtbot.waitUntil(lambda: times_said() == len(shown) + 1, timeout=UI_TIMEOUT)
        assert panel.details["Metrics"].text().endswith(f"not loaded yet:\n{new_figures()}")
        shown.append(new_figures())
    assert shown[0] != shown[1]  # two runs' figures, each shown in turn
    assert train("vae", shapes, out, 8, "--resume") == 0
    window.train_dialog().model_trained.emit(str(out))  # as a Train… run's end: said once, with the watch's word
    window.train_dialog().close()
    assert times_said() == 3 and panel.details["Metrics"].text().endswith(f"not loaded yet:\n{new_figures()}")
    qtbot.wait(1200)
    assert times_said() == 3


def test_a_start_refused_by_a_live_run_is_not_said_to_start_and_says_save_to(qtbot, shapes, tmp_path):
    """Start over into a folder a terminal's run held: "Training started over" was said before the refusal, which
    said "choose another -o" (the dialog has Save to)."""
    out = tmp_path / "vae"
    assert train("vae", shapes, out, 2) == 0
    write_lock(out, os.getpid(), started=this_process_start())  # a run from a terminal holds it
    dialog = fill(TrainDialog(), shapes, out, minutes=1)
    qtbot.addWidget(dialog)
    answer(dialog, OVERWRITE)
    events = []
    dialog.run_event.connect(lambda text, _failed: events.append(text))
    with qtbot.waitSignal(dialog.process.finished, timeout=120_000):
        dialog.start()
    assert len(events) == 1 and events[0].startswith(f"Training into {out} failed"), events
    assert "wait for it or choose another folder in Save to" in events[0]
    assert "another -o" not in events[0] and "another -o" not in dialog.watch.log.toPlainText()


def test_whether_save_tos_last_run_stopped_is_read_from_its_folder(qtbot, shapes, tmp_path, monkeypatch):
    """A refused Start left the form remembered as "unfinished"; once the terminal's run into that folder had
    finished, the dialog said "The last run in … stopped at step 107: Start continues it"."""
    out = tmp_path / "vae"
    assert train("vae", shapes, out, 2) == 0  # the terminal's run, finished
    settings = Settings(str(tmp_path / "settings.ini"))
    settings.set_train_form({"data": str(shapes), "kind": "vae", "out": str(out), UNFINISHED: True})
    dialog = TrainDialog(settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.out.text() == str(out) and not dialog.out_note.isVisibleTo(dialog), dialog.out_note.text()
    stop_at_step(monkeypatch, 4)  # Ctrl+C: a run from a terminal stopped, into a folder the form never named
    assert train("vae", shapes, tmp_path / "vae2", 6) == 130
    dialog.out.setText(str(tmp_path / "vae2"))
    assert dialog.out_note.text() == (f"The last run in {tmp_path / 'vae2'} stopped at step 3: Start continues it "
                                      "(it asks first).")


def test_the_figures_and_grid_shown_are_those_of_the_folder_save_to_names(qtbot, shapes, tmp_path, monkeypatch):
    """Images pointed at another folder (Save to following it) still showed the last run's held-out figures and
    sample grid, as if of the new Save to."""
    monkeypatch.setenv("HOME", str(tmp_path))  # where Save to suggests a folder
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    dialog.data.setText(str(shapes))
    out = dialog.out.text()
    QPixmap(8, 8).save(str(tmp_path / "grid.png"))
    ending_with(dialog, f"import pathlib, shutil; p = pathlib.Path({out!r}); p.mkdir(parents=True); "
                        "(p / 'card.json').write_text('{\"training\": {\"steps\": 15}}'); "
                        f"shutil.copy({str(tmp_path / 'grid.png')!r}, p / 'samples.png'); "
                        f"print('sample grid at step 15: ' + str(p / 'samples.png')); "
                        "print('held-out at step 15 (0.1 min into the run; took 1 s): held_out_psnr_db=13.71')")
    with qtbot.waitSignal(dialog.process.finished, timeout=60_000):
        dialog.start()
    assert "PSNR\u00a013.71" in dialog.watch.figures.text() and not dialog.watch.preview.pixmap().isNull()
    dialog.out.setText(out + "/")  # the same Save to, spelled otherwise: its results stay
    dialog.out.setText(out)
    assert "PSNR\u00a013.71" in dialog.watch.figures.text() and not dialog.watch.preview.pixmap().isNull()
    other = tmp_path / "other"
    other.mkdir()
    (shapes / "0.png").rename(other / "0.png")
    dialog.data.setText(str(other))  # Save to follows Images: another folder
    assert dialog.out.text() != out
    assert "PSNR" not in dialog.watch.figures.text()
    preview = dialog.watch.preview
    assert preview.text() == samples_to_come(dialog.sample_every.value()) and preview.pixmap().isNull()
