"""How the Train… dialog starts a run: the folders looked at again, the question about an earlier run in Save to,
the `genimg train` command line of the form (or of the run continued), and the dialog as a run begins."""
from __future__ import annotations

import sys
from pathlib import Path

from ..earlier_run import earlier_run, saved_card
from .train_memory import save_to_refusal
from .train_question import OVERWRITE, RESUME, gone_since_asked, how_it_begins, shape_of_run
from .train_run import LABEL_COLUMN, train_arguments
from .train_save_to import fill_empty_save_to
from .train_shape import show_run_shape


def start_run(dialog) -> None:
    """Start a run with the dialog's settings, in a fresh log (or say in one why it cannot start)."""
    if not dialog.data.text().strip() or not Path(dialog.data.text()).is_dir():  # Path("") is the current folder
        # gone since it was looked at: said under the form, Start off; the last run's log and grid stay (a refusal
        # in the log replaced them)
        dialog.kept.look_at_folder(dialog.data.text())
        dialog._offer_start()
        return
    filled = fill_empty_save_to(dialog)  # the folder its placeholder named: Start refused it, as if none was given
    if save_to_refusal(dialog):  # a file put there since it was looked at, say: said under the form, Start off
        dialog._note_save_to()
        dialog._offer_start()
        return
    # absolute, so the model is listed (and remembered as the last one) wherever the app starts from next
    out = dialog._save_to_folder()
    earlier = earlier_run(Path(out))
    choice = dialog._ask_about_earlier_run(earlier) if earlier else ""
    if choice is None:
        return  # cancelled: the earlier run stays as it is
    if choice == RESUME and (gone := gone_since_asked(earlier)):
        refuse(dialog, gone)
        return
    dialog._run_out = out
    dialog.load_button.setText(f"Load {Path(out).name}")  # the model this run writes, offered once it is there
    of_run = shape_of_run(saved_card(Path(out))) if choice == RESUME else {}
    show_run_shape(dialog, of_run)
    shape = run_shape(dialog, of_run)
    args = train_arguments(data=dialog.data.text(), out=dialog._run_out, minutes=dialog.minutes.value(),
                           sample_every=dialog.sample_every.value(), mirror=dialog.mirror.isChecked(),
                           keep_best=dialog.kept.wanted(), earlier=choice, threads=dialog.threads.currentData(),
                           **shape)
    said, beginning = how_it_begins(earlier, choice)
    # only now: a question cancelled leaves the last run's log as it was; a run continued keeps its grid on show
    dialog.watch.clear(keep_grid=choice == RESUME)
    for line in (filled, said):
        if line:
            dialog.watch.say(line)
    if dialog.kept.note.text():  # too few images to hold any out: said before the run's own "held out: 0"
        dialog.watch.say(dialog.kept.note.text())
    dialog._folder_warning = (dialog.kept.note.text(), dialog.data.text())
    dialog.watch.say("$ genimg " + " ".join(args[2:]))
    dialog._stopping, dialog._nothing_written, dialog._choice = False, False, choice
    dialog._remember(unfinished=True)  # until it says done: a run the app's end cut short is found again
    dialog.watch.begin(shape["kind"], beginning)
    # the bar and log say where the run is: "the last run … stopped at step 9" stayed beside its "step 19"
    dialog.out_note.hide()
    dialog.settings.setEnabled(False)
    dialog.start_button.setEnabled(False)
    dialog.stop_button.setEnabled(True)
    dialog.load_button.setEnabled(False)
    begun = {RESUME: "continued", OVERWRITE: "started over"}.get(choice, "started")
    # said once the run says it trains (say_begun): one refused at once (Save to held by another run, say) only
    # fails, the message log having said "Training started over" of a run that never touched the folder
    dialog._begun = f"Training {begun}: a {shape['kind'].upper()} on {dialog.data.text()}, saved to {out}"
    dialog.process.start(sys.executable, args)  # last: a failure to start may be reported before it returns


def refuse(dialog, why: str) -> None:
    """Why Start started nothing, under the form (till the form changes): said in the log, it replaced the last
    run's log and grid."""
    dialog.out_note.setText(why)
    dialog.out_note.show()


def run_shape(dialog, of_run: dict) -> dict:
    """train_arguments' options that shape the networks: the dialog's, or of_run's (shape_of_run: those of
    the run continued, its own, else --resume refuses the checkpoint)."""
    chosen = {"kind": dialog.kind.value(), "resolution": int(dialog.resolution.currentText()),
              "latent_of": dialog.space.currentData(), "labels": dialog.classes.currentData() or "",
              "label_column": dialog.label_column.text().strip() or LABEL_COLUMN,
              "init": dialog.start_from.currentData()}
    return {**chosen, **of_run}
