"""How the Train… dialog stops a run (Stop and save, Close, a quit), and says how a run ended: its model written
(done, or stopped part-way), stopped before its first step, failed, or never started; on the bar, in the log and in
the window's message log, with Load offered for a model written."""
from __future__ import annotations

import os
import re
import signal
from pathlib import Path

from PySide6.QtCore import QProcess

from ..earlier_run import earlier_run, saved_card, saved_then_stopped
from .train_question import left_behind
from .train_run import NOTHING_ENDINGS, grid_caption

# the run's line as Stop's signal makes it (train/loop.py), which the dialog says in the words of its button
STOPPED_BY_SIGNAL = re.compile(r"interrupted by SIG\w+ at step ([\d,]+)")
# and its line when Stop came before the first step, or before genimg began ("genimg: stopped by SIGTERM before …")
NOTHING_BY_SIGNAL = re.compile(rf"^((?:genimg: )?stopped) by SIG\w+ (?=(?:{NOTHING_ENDINGS})$)")


def stop_run(dialog, by: str) -> None:
    """The dialog's stop_for: the run is sent SIGTERM, once, and the log and message log say it is saving.

    SIGTERM, not SIGINT: an app started with `&` from a script has SIGINT ignored (the shell's
    doing), its children inherit that, and Stop did nothing; a run turns SIGTERM into the same
    save-and-exit as Ctrl+C (train/stopping.py)."""
    pid = dialog.process.processId()
    if pid and not dialog._stopping:  # once: the run is saving
        dialog._stopping, dialog._stopped_by = True, by
        dialog.stop_button.setEnabled(False)
        dialog.say_begun()
        dialog.watch.say("stopping: saving a checkpoint and the model…")
        dialog.run_event.emit(f"Training stopping ({by}): saving the model so far to {dialog._run_out}", False)
        dialog.watch.saving()
        os.kill(pid, signal.SIGTERM)


def said_as_stopped(line: str, by: str) -> str:
    """A line of a run that by (Stop and save, Close, a quit) stopped, in by's words, not the signal's."""
    line = STOPPED_BY_SIGNAL.sub(rf"stopped at step \1 ({by})", line)
    return NOTHING_BY_SIGNAL.sub(r"\1 ", line)


def run_finished(dialog, code: int, status: QProcess.ExitStatus) -> None:
    """The run's process ended (its `finished`): the rest of its log, then how it ended."""
    for line in bytes(dialog.process.readAll()).decode(errors="replace").splitlines():  # the last may lack "\n"
        dialog._take_line(line)
    # a stopped run exits 128 + the signal's number once saved (Stop's SIGTERM: 143), as a finished one exits 0;
    # a process the signal killed before the run caught it crashed, its code no exit code
    crashed = status == QProcess.ExitStatus.CrashExit
    stopped = not crashed and saved_then_stopped(code)
    # stopped before its first step, the run wrote nothing: a card there is the earlier run's, which Start over
    # may not have cleared yet ("stopped at step 116", an old run's step, was said as this run's)
    wrote = not dialog._nothing_written and (Path(dialog._run_out) / "card.json").is_file()
    kept = not crashed and (code == 0 or stopped) and wrote
    if kept:
        dialog._written = dialog._run_out
    dialog._settle()  # Load then offers what this run wrote
    if kept:
        dialog.say_begun()  # a run that wrote its model started, whatever it printed
        say_how_it_ended(dialog, stopped)
        caption = grid_caption(dialog.watch.kind, stopped=stopped)
        dialog.watch.show_samples(Path(dialog._run_out) / "samples.png", caption, written_step(dialog._run_out), True)
        dialog.model_trained.emit(dialog._run_out)
    elif stopped:  # before its first step: the log's last line says nothing was written (it read as failed)
        say_nothing_written(dialog)
    else:
        how = "it crashed" if crashed else f"exit code {code}"
        dialog.watch.say(f"⚠ training ended without a model ({how})")
        say_failed(dialog, how)
    dialog._note_save_to()  # of Save to as the run left it (a step 9 said before a continued run's stop at step 19)
    if dialog._close_when_done:
        dialog._close_when_done = False
        dialog.close()


def written_step(folder: str) -> int | None:
    """The step of the model a run wrote (its card's training.steps: an earlier step's where --keep-best kept it,
    which its figures are of); None if the card does not say."""
    training = (saved_card(Path(folder)) or {}).get("training")
    step = training.get("steps") if isinstance(training, dict) else None
    return step if isinstance(step, int) else None


def say_nothing_written(dialog) -> None:
    """The bar, log and message log of a run stopped before its first step: what Save to holds now."""
    left = left_behind(earlier_run(Path(dialog._run_out)), dialog._choice)
    dialog.watch.end("stopped before the first step")
    if left:
        dialog.watch.say(f"■ {dialog._run_out} {left}")
    dialog.run_event.emit(f"Training stopped before the first step: nothing written to {dialog._run_out}"
                          + (f"; it {left}" if left else ""), False)


def failed_to_start(dialog, error: QProcess.ProcessError) -> None:
    """Python could not be started (no `finished` follows): said, not "starting…" for ever."""
    if error == QProcess.ProcessError.FailedToStart:
        dialog.watch.say(f"⚠ {dialog.process.errorString()}")
        say_failed(dialog, "it could not start")
        dialog._settle()


def say_failed(dialog, how: str) -> None:
    """Under the bar and in the message log."""
    dialog.run_event.emit(f"Training into {dialog._run_out} failed ({how}): {dialog.watch.failed(how)}", True)


def say_how_it_ended(dialog, stopped: bool) -> None:
    """The bar and log of a run that wrote its model: done, or stopped part-way (Start can go on from it)."""
    dialog._remember(unfinished=stopped)
    ended = dialog.watch.say_ended(dialog._run_out, stopped)
    model = "the model so far" if stopped else "the model"
    dialog.run_event.emit(f"Training {ended}: {model} is written to {dialog._run_out}", False)
