"""The Train… dialog's earlier run: Start's question when Save to holds one (continue it, start over, or cancel),
and what the dialog says as the run begins."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ..earlier_run import EarlierRun, count_steps

RESUME, OVERWRITE = "--resume", "--overwrite"  # the answers, as `genimg train` takes them


def ask_continue_or_start_over(parent: QWidget, earlier: EarlierRun) -> str | None:
    """RESUME, OVERWRITE, or None for Cancel. Continue is offered only where the checkpoint is: a model
    alone cannot be resumed."""
    steps = f" ({count_steps(earlier.steps)})" if earlier.steps is not None else ""
    box = QMessageBox(QMessageBox.Icon.Question, "Continue the earlier run?",
                      f"{earlier.folder} already holds a model{steps}.", QMessageBox.StandardButton.Cancel, parent)
    resume = box.addButton("Continue it", QMessageBox.ButtonRole.AcceptRole) if earlier.resumable else None
    overwrite = box.addButton("Start over", QMessageBox.ButtonRole.DestructiveRole)
    if resume is not None:
        box.setInformativeText("Continue trains it further from where it stopped, with the settings it was "
                               "started with. Start over trains a new model from the start in its place.")
        box.setDefaultButton(resume)
    else:
        box.setInformativeText("Its checkpoint is gone, so it cannot be continued: Start over replaces it (Start "
                               "from can fine-tune it into another folder instead).")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    if resume is not None and clicked == resume:
        return RESUME
    return OVERWRITE if clicked == overwrite else None


def how_it_begins(earlier: EarlierRun | None, choice: str) -> tuple[str | None, str]:
    """(the log's line, or None; the bar's text until the first step)."""
    if choice == RESUME:
        since = f" from step {earlier.steps:,}" if earlier.steps is not None else ""
        return f"continuing the run in {earlier.folder}{since} (--resume)", f"continuing{since}…"
    if choice == OVERWRITE:
        return f"starting over: a new model replaces the one in {earlier.folder} (--overwrite)", "starting over…"
    return None, "starting…"
