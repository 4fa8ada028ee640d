"""The Train… dialog around a run's ends: reopened while a run goes on."""
from PySide6.QtCore import Qt

from genimg_gui.ui.train_dialog import TrainDialog
from test_train_dialog import fill, shapes  # noqa: F401 (shapes: a fixture)


def test_train_reopened_mid_run_shows_the_run_going_on_not_a_blank_dialog(qtbot, window, shapes, tmp_path):
    """Escape hid the dialog with its run going on; Train… then opened a blank one that could start a second run."""
    dialog = fill(window.train_dialog(), shapes, tmp_path / "vae", minutes=30)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "step 1/" in dialog.watch.log.toPlainText(), timeout=120_000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.mouseClick(window.model_panel.train_button, Qt.MouseButton.LeftButton)  # Models → Train… again
    assert window.findChildren(TrainDialog) == [dialog] and dialog.isVisible()
    assert dialog.running() and not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=120_000)  # Escape stopped it: closed once saved
    qtbot.mouseClick(window.model_panel.train_button, Qt.MouseButton.LeftButton)
    assert window.findChildren(TrainDialog) == [dialog] and dialog.isVisible()
    assert "interrupted by SIGTERM at step" in dialog.watch.log.toPlainText() and dialog.load_button.isEnabled()
