"""What a new user of the Train… dialog met on a busy 2-core machine: no way to set the run's CPU threads (torch's
default of 2 ran 15-20 times slower than --threads 1), a continued run that lost them, the earlier run's grid
captioned as the finished model's while the new run trained, and "--keep-best: … (score 9.3400)" in its log."""
import json

from genimg_gui.ui.settings import Settings
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.train_question import RESUME
from genimg_gui.ui.train_run import train_arguments
from test_train_dialog import answer, dialog_for, shapes  # noqa: F401 (shapes: a fixture)
from test_train_dialog_state import started_with


def test_the_threads_field_defaults_to_torchs_own_count_and_is_remembered(qtbot, tmp_path):
    """The CLI's default passes no --threads; the tooltip says what the field is for."""
    settings = Settings(str(tmp_path / "settings.ini"))
    dialog = TrainDialog(settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.threads.currentData() == 0 and "torch's default" in dialog.threads.currentText()
    assert "CPU threads" in dialog.threads.toolTip() and "1 thread" in dialog.threads.toolTip()
    assert "--threads" not in train_arguments(kind="vae", data="d", out="o", minutes=1, resolution=32)
    dialog.threads.setCurrentIndex(dialog.threads.findData(1))
    dialog.data.setText(str(tmp_path))
    started_with(dialog)
    dialog._remember(unfinished=False)  # as Start does
    again = TrainDialog(settings=Settings(str(tmp_path / "settings.ini")))
    qtbot.addWidget(again)
    assert again.threads.currentData() == 1


def test_the_run_and_its_continuation_train_with_the_threads_shown_and_say_what_was_kept(qtbot, shapes, tmp_path):
    out = tmp_path / "vae"
    dialog = dialog_for(qtbot, shapes, out, minutes=0.05)
    dialog.threads.setCurrentIndex(dialog.threads.findData(1))
    with qtbot.waitSignal(dialog.process.finished, timeout=120_000):
        dialog.start()
    log = dialog.watch.log.toPlainText()
    assert log.splitlines()[0].endswith(" --keep-best --threads 1")
    card = json.loads((out / "card.json").read_text())["training"]
    assert card["options"]["threads"] == 1 and card["hardware"].endswith(", 1 thread)")
    # the dialog's own field names the choice, and the score says what it is: "(score 9.3400)" said neither
    kept = [line for line in log.splitlines() if line.startswith("Model kept: ")]
    assert len(kept) == 1 and " dB" in kept[0] and "held-out PSNR " in kept[0], log
    assert "--keep-best" not in log.replace(log.splitlines()[0], "")
    assert dialog.watch.samples_caption.text() == "Images (top) and their reconstructions by the finished model"

    answer(dialog, RESUME)
    with qtbot.waitSignal(dialog.process.finished, timeout=120_000):
        dialog.start()
        # the earlier run's grid stays on show until the new run draws one, said so: "by the finished model" read
        # as the new run's
        assert dialog.watch.samples_caption.text() == ("Images (top) and their reconstructions by the earlier "
                                                       "run's model, until this run draws its first grid")
    [command] = [line for line in dialog.watch.log.toPlainText().splitlines() if line.startswith("$ genimg train ")]
    assert " --resume " in command and command.endswith(" --threads 1")
    card = json.loads((out / "card.json").read_text())["training"]
    assert card["options"]["resume"] and card["options"]["threads"] == 1 and card["hardware"].endswith(", 1 thread)")
