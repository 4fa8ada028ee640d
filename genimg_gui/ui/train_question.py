"""The Train… dialog's earlier run: Start's question when Save to holds one (continue it, start over, or cancel),
the options a continued run must keep, and what the dialog says as the run begins."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMessageBox, QWidget

from ..earlier_run import CHECKPOINT_FILE, EarlierRun, saved_card
from ..wording import counted
from .train_run import LABEL_COLUMN

RESUME, OVERWRITE = "--resume", "--overwrite"  # the answers, as `genimg train` takes them
CLEARANCE = 40  # between the question and the bar it keeps in sight: room for its title bar when above it


def kind_of_run(earlier: EarlierRun) -> str:
    """"vae" or "gan" as the run's card says, "" without one (a run killed before it wrote a model)."""
    kind = (saved_card(earlier.folder) or {}).get("kind")
    return kind if kind in ("vae", "gan") else ""


def steps_in_brackets(earlier: EarlierRun) -> str:
    """' (1,200 steps)': the steps of the run's model, as its card says; "" where the card names none."""
    return f" ({counted(earlier.steps, 'step')})" if earlier.steps is not None else ""


def what_it_holds(earlier: EarlierRun, in_use: bool = False) -> str:
    """'… already holds a GAN (1,200 steps)', or a checkpoint alone: a run killed before it wrote a model.
    The steps are the card's, those of the model; the checkpoint may be later (a run killed outright). in_use: the
    folder is the VAE loaded in the app, which the question says first (in_use_note says what becomes of it)."""
    if not earlier.has_model:
        return f"{earlier.folder} holds a run stopped before it wrote a model (only its {CHECKPOINT_FILE})."
    kind = kind_of_run(earlier)
    what = "the VAE in use" if in_use else "a " + kind.upper() if kind else "a model"
    return f"{earlier.folder} already holds {what}{steps_in_brackets(earlier)}."


def in_use_note(earlier: EarlierRun, vae_in_use: str) -> str:
    """' The open pictures keep …': what a run into the folder of the VAE loaded does to them (nothing until it is
    loaded again, model_list's retrained note), "" for another folder."""
    if not vae_in_use or os.path.realpath(vae_in_use) != os.path.realpath(earlier.folder):
        return ""
    return (" Either way the open pictures keep the weights in use now until you load it again (Models tab), which "
            "draws them in the new weights.")


def what_continue_does(earlier: EarlierRun, kind_chosen: str) -> str:
    """Continue trains the run's own kind of model: said first when the Model box names the other kind (Continue
    switched the box from VAE to GAN without a word)."""
    kind = kind_of_run(earlier)
    other = f"Continue it trains that {kind.upper()}, not a new {kind_chosen.upper()}. " if (
        kind and kind_chosen and kind != kind_chosen) else ""
    return (f"{other}Continue trains it further from its last checkpoint, with the settings it was started with. "
            "Start over trains a new model from the start in its place.")


def keep_in_sight(box: QWidget, bar: QWidget) -> None:
    """Place the box under the bar, or over it where the screen has no room below: centred on the dialog, as Qt
    places it, the question hid the bar's "stopped at step 9" (the run it asks about). Where the window system
    places dialogs itself (Wayland) it is a wish."""
    if not bar.isVisible():
        return
    box.adjustSize()
    top = bar.mapToGlobal(QPoint(0, 0))
    below = top.y() + bar.height() + CLEARANCE // 4
    room = bar.screen().availableGeometry()
    y = below if below + box.height() + CLEARANCE <= room.bottom() else top.y() - box.height() - CLEARANCE
    box.move(top.x() + (bar.width() - box.width()) // 2, max(y, room.top()))


def ask_continue_or_start_over(parent: QWidget, earlier: EarlierRun, kind_chosen: str = "",
                               bar: QWidget | None = None, vae_in_use: str = "") -> str | None:
    """RESUME, OVERWRITE, or None for Cancel. Continue is offered only where the checkpoint is: a model
    alone cannot be resumed. kind_chosen: the Model box's kind; bar: the last run's, kept in sight; vae_in_use: the
    folder of the VAE loaded in the app, which the question names when it is this one."""
    in_use = in_use_note(earlier, vae_in_use)
    box = QMessageBox(QMessageBox.Icon.Question, "Continue the earlier run?", what_it_holds(earlier, bool(in_use)),
                      QMessageBox.StandardButton.Cancel, parent)
    resume = box.addButton("Continue it", QMessageBox.ButtonRole.AcceptRole) if earlier.resumable else None
    overwrite = box.addButton("Start over", QMessageBox.ButtonRole.DestructiveRole)
    if resume is not None:
        box.setInformativeText(what_continue_does(earlier, kind_chosen) + in_use)
        box.setDefaultButton(resume)
    else:
        box.setInformativeText("Its checkpoint is gone, so it cannot be continued: Start over replaces it (Start "
                               "from can fine-tune it into another folder instead)." + in_use)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    if bar is not None:
        keep_in_sight(box, bar)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()  # a child of parent: each question would leave one behind
    if resume is not None and clicked == resume:
        return RESUME
    return OVERWRITE if clicked == overwrite else None


def shape_of_run(card: dict | None) -> dict:
    """train_arguments' options that shape the networks, as the card's run was started with them: --resume
    refuses others ("does not fit this run"), so Continue takes them from the card, not the dialog. {} without
    a card (a run killed before its first one): the dialog's own then. Not its --set network settings, which
    --resume takes from the run itself: passed, they showed in the command as settings the user never typed."""
    card = card or {}
    training = card.get("training")
    options = training.get("options") if isinstance(training, dict) else None
    if not isinstance(options, dict) or card.get("kind") not in ("vae", "gan") or "resolution" not in options:
        return {}
    extra = options.get("extra") or {}
    init = str(options.get("init") or "")
    return {"kind": card["kind"], "resolution": int(options["resolution"]),
            "latent_of": str(extra.get("latent_of") or ""),
            "labels": str(options.get("labels") or ""),
            "label_column": str(options.get("label_column") or LABEL_COLUMN),
            "init": init if init and Path(init).is_dir() else ""}  # only recorded on a resumed run


def left_behind(now: EarlierRun | None, choice: str) -> str:
    """What Save to holds after a run stopped before its first step wrote nothing: the earlier run as it was (Start
    over clears it only once the images have loaded), none now that Start over has cleared it, or "" (none before)."""
    if now is not None:
        return (f"still holds the earlier run{steps_in_brackets(now)}, as it was: Start asks again whether to "
                "continue it or start over")
    if choice == OVERWRITE:
        return "no longer holds the earlier run: Start over had cleared it before the stop"
    return ""


def how_it_begins(earlier: EarlierRun | None, choice: str) -> tuple[str | None, str]:
    """(the log's line, or None; the bar's text until the first step). Continuing says no step: the card's may
    be older than the checkpoint the run goes on from, whose step the run's own log names ("resumed from")."""
    if choice == RESUME:
        return f"continuing the run in {earlier.folder} from its last checkpoint (--resume)", "continuing…"
    if choice == OVERWRITE:
        return f"starting over: a new model replaces the one in {earlier.folder} (--overwrite)", "starting over…"
    return None, "starting…"


def gone_since_asked(earlier: EarlierRun) -> str:
    """Why Continue cannot go on, said before any run starts: the run's folder, or its checkpoint, moved or deleted
    while the question was open; "" while it is there. (The run it would start refuses it too, in the command
    line's words: before, it trained a new model from step 0 under "continuing the run".)"""
    if (earlier.folder / CHECKPOINT_FILE).is_file():
        return ""
    what = "is gone" if not earlier.folder.exists() else f"no longer holds the run's {CHECKPOINT_FILE}"
    return (f"⚠ {earlier.folder} {what} (moved or deleted since Start asked): there is no run to continue. "
            "Start again to train a new model there")
