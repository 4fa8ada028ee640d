"""Train… : run `genimg train` on a folder in a child process, with progress, log and Cancel.

A child process (not the worker thread) so a long training run never delays
live decoding, and so Cancel can interrupt it the way Ctrl+C does: the
training loop saves a checkpoint and the model before it exits.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QEvent, QProcess, QSize, Signal
from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ..catalog import ModelEntry, latent_spaces, trainable_models
from ..earlier_run import EarlierRun
from . import train_fields
from .settings import Settings
from .train_browse import browse_images, browse_save_to, choose_classes
from .train_end import failed_to_start, run_finished, said_as_stopped, stop_run
from .train_memory import UNFINISHED, fill_form, form_of, save_to_refusal, unfinished_note
from .train_fields import BROWSE
from .train_kept import NO_FOLDER_CHOSEN, ModelKept
from .train_models import fill_space, fill_starts, listed_as
from .train_shape import match_space, match_start
from .train_question import ask_continue_or_start_over
from .train_run import ERROR, FOLDERS, NOTHING_WRITTEN
from .train_save_to import leave_other_models, suggest_save_to
from .train_start import start_run
from .train_watch import RunWatch
from .window_geometry import ScrolledWhenShort, fit_dialog

NOTE_LINES = 6  # the room the dialog opens with for the notes above the log, in lines of text
STOP_BUTTON = "Stop and save"  # what stopped a run, as the log and the message log say it: the button, Close, a quit
CLOSE = "Close"


class TrainDialog(QDialog):
    model_trained = Signal(str)  # the new model folder, written: the Models tab lists it
    load_requested = Signal(str)  # its Load button: the open pictures follow the new model
    run_event = Signal(str, bool)  # a run's start, stop, end or (True) failure, for the window's message log

    def __init__(self, parent=None, models: Sequence[ModelEntry] = (), active_vae: str = "",
                 settings: Settings | None = None) -> None:
        """settings: where the form is remembered across restarts (the app's); None remembers nothing."""
        super().__init__(parent)
        self._memory = settings
        self.setWindowTitle("Train a model on your images")
        self.kind = train_fields.KindBox()
        self.data = QLineEdit()
        self.data.setPlaceholderText("a folder of images (searched recursively)")
        self.browse = QPushButton(BROWSE)
        self.browse.clicked.connect(lambda: browse_images(self))
        self.out = QLineEdit()
        self.out_browse = QPushButton(BROWSE)
        self.out_browse.clicked.connect(lambda: browse_save_to(self))
        self.suggested_out = ""  # Save to as last suggested (train_save_to): a folder the user typed stays
        self.minutes = train_fields.minutes_box()
        self.resolution = train_fields.resolution_box()
        self.sample_every = train_fields.sample_every_box()
        self.threads = train_fields.threads_box()
        self.space = train_fields.space_box()
        self.starts: dict[str, ModelEntry] = {}
        self.vaes: list[ModelEntry] = []
        self._active_vae: str | None = None  # the VAE loaded when the choices were last filled
        self._space_picked = False  # the user chose where a GAN draws: a VAE loaded later does not change it
        self.start_from = train_fields.start_from_box()
        self.watch = RunWatch()
        self.kept = ModelKept(self.watch.expect_figures)
        self.keep_best = self.kept.best
        self.mirror = train_fields.mirror_box()
        self.classes = train_fields.classes_box()
        self.label_column = train_fields.label_column_box()
        self.start_button = QPushButton("Start")
        self.stop_button = QPushButton(STOP_BUTTON)
        self.stop_button.setEnabled(False)
        self.load_button = train_fields.load_button()
        self.buttons = train_fields.dialog_buttons(self.load_button, self.start_button, self.stop_button)
        self.buttons.rejected.connect(self.reject)  # Close
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.load_button.clicked.connect(self._load)
        self._run_out = ""  # the folder the last run writes, absolute: Output may be edited after it
        self._written = ""  # the model the last run that wrote one wrote, which Load loads
        self._stopping = False  # Stop was pressed: its signal is sent once (the exit code says how the run ended)
        self._stopped_by = STOP_BUTTON  # what stopped the run: Stop and save, Close, or quitting genimg
        self._nothing_written = False  # the run said it stopped before its first step: a card there is an earlier run's
        self._choice = ""  # RESUME or OVERWRITE for the earlier run in Save to, "" for none
        self._close_when_done = False  # closed mid-run: it closes once the run has saved
        self._begun = ""  # the message log's word that the run started, until said (say_begun)
        self._folder_warning = ("", "")  # the folder note the log opens with, and the Images it was about
        self.data.textChanged.connect(self._suggest_output)
        self.data.textChanged.connect(self.kept.look_at_folder)
        self.kind.value_changed.connect(self._suggest_output)
        self.kind.value_changed.connect(self._leave_other_models)
        self.kind.value_changed.connect(self._match_space)
        self.space.currentIndexChanged.connect(self._match_space)
        self.space.activated.connect(lambda _index: setattr(self, "_space_picked", True))
        self.classes.activated.connect(lambda index: choose_classes(self, index))
        self.kind.value_changed.connect(self.match_classes)
        self.start_from.currentIndexChanged.connect(self._match_start)
        # the run's settings, fixed while it runs: Continue and Load read them, and an edit would not reach it
        self.settings = train_fields.settings_form(self)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.settings)
        column.addWidget(self.kept.note)
        self.out_note = train_fields.note_label()  # Save to that a run would refuse, or the last run cut short
        column.addWidget(self.out_note)
        column.addWidget(self.watch, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(ScrolledWhenShort(content), 1)  # on a small screen, above the buttons it keeps in view
        layout.addWidget(self.buttons)
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.process.readyReadStandardOutput.connect(self._read_output)
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._failed_to_start)
        self.set_models(models, active_vae)
        self.match_classes()
        if settings is not None:
            fill_form(self, settings.train_form())
        for changed in (self.data.textChanged, self.out.textChanged, self.kind.value_changed):
            changed.connect(self._form_changed)
        for same_folder in (self._note_save_to, self._offer_start):  # the VAE a GAN draws in is no Save to
            self.space.currentIndexChanged.connect(same_folder)
        self.kept.look_at_folder(self.data.text())  # empty: the note says to choose a folder, as Start's tooltip does
        self._form_changed()
        train_fields.follow_the_form(self)
        train_fields.no_default_button(self)
        self._open_wide_enough_for_the_log()

    def _open_wide_enough_for_the_log(self) -> None:
        """Open with the log wide enough for a progress line, and tall enough that the notes above it (the folder's,
        Save to's, the bar, why a run failed) take room from it as they come (the dialog grew: its buttons moved);
        within the screen, where the settings and log scroll above the buttons."""
        notes = NOTE_LINES * self.fontMetrics().lineSpacing() + self.watch.progress.sizeHint().height()
        fit_dialog(self, self.sizeHint() + QSize(self.watch.log_widening(), notes))

    def set_models(self, models: Sequence[ModelEntry], active_vae: str = "") -> None:
        """Offer these models (the Models tab's list, which grows as models are trained and loaded) to start
        from and to draw in. A GAN draws in the VAE loaded by default, and in one loaded since the last call
        unless the user picked where it draws; otherwise the choices made stay. A run started here, or one in
        Save to, does not hold it: Continue shows and runs the earlier run's own (its card's)."""
        self.vaes = latent_spaces(list(models))
        self.starts = {e.path: e for e in trainable_models(list(models))}
        active = listed_as(self.vaes, active_vae)
        follow = active and active != self._active_vae and not self._space_picked
        self._active_vae, self.vae_in_use = active, active_vae  # the second for Start's question about its folder
        fill_space(self.space, self.vaes, active if follow else self.space.currentData())
        fill_starts(self.start_from, self.starts.values(), self.start_from.currentData())
        self._match_start()

    def _match_start(self, *_args) -> None:
        match_start(self)

    def _match_space(self, *_args) -> None:
        match_space(self)

    def match_classes(self, *_args) -> None:
        """Classes are for GANs; the column is for a CSV."""
        is_gan = self.kind.value() == "gan"
        self.classes.setEnabled(is_gan)
        self.label_column.setEnabled(is_gan and self.classes.currentData() not in ("", FOLDERS))

    def set_labels_file(self, path: str) -> None:
        """A labels file (the "labels file…" entry's pick, a run's own) as a choice of its own, chosen."""
        at = self.classes.findData(path)
        if at < 0:
            self.classes.insertItem(self.classes.count() - 1, f"labels in {Path(path).name}", path)
            at = self.classes.findData(path)
        self.classes.setCurrentIndex(at)
        self.match_classes()

    def _suggest_output(self, *_args) -> None:
        suggest_save_to(self)

    def _leave_other_models(self, kind: str) -> None:
        leave_other_models(self, kind)

    def _form_changed(self, *_args) -> None:
        """The images, Save to or kind changed: the last run's bar or failure was about other
        settings, and its figures and grid of another folder once Save to names one (they read as the new Save
        to's); the Load button still loads that run's model, which it names. What Save to holds is said before
        Start, and Start is offered for a folder with image files."""
        if self.running():
            return
        self.watch.forget_end()
        warning, folder = self._folder_warning
        if warning and self.data.text() != folder:  # another folder's warning read as the one now chosen's
            self.watch.unsay(warning)
            self._folder_warning = ("", "")
        if self._save_to_folder() != self._run_out:  # the figures and grid shown are of the folder Save to names
            self.watch.forget_results()
        self._offer_start()
        self._note_save_to()

    def _save_to_folder(self) -> str:
        """Save to as a run's folder is named (absolute), "" for none."""
        return str(Path(self.out.text().strip()).expanduser().resolve()) if self.out.text().strip() else ""

    def _note_save_to(self, *_args) -> None:
        """What Save to holds, said before Start (not mid-run: its Save to is fixed): a folder a run would refuse, or
        the last run there cut short."""
        if self.running():
            return
        remembered = self._memory.train_form() if self._memory is not None else {}
        note = save_to_refusal(self) or unfinished_note(self.out.text(), remembered)
        self.out_note.setText(note)
        self.out_note.setVisible(bool(note))

    def _offer_start(self, *_args) -> None:
        """Start while no run goes on, unless Images is empty, no folder or one without image files, or Save to is one
        a run refuses (said in the note under the form): its run failed at once."""
        why = (self.kept.no_folder or (NO_FOLDER_CHOSEN if self.kept.no_choice else "")
               or (f"{self.data.text()} holds no image files" if self.kept.no_images else ""))
        # Start stayed on for a refused Save to, and its refusal in the log replaced the last run's log and grid
        tip = f"{why}: choose a folder of images ({BROWSE})" if why else save_to_refusal(self).removeprefix("⚠ ")
        self.start_button.setEnabled(not self.running() and not tip)
        self.start_button.setToolTip(tip)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Back from elsewhere (images copied into the folder, say): the folder is counted again."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and not self.running():
            self.kept.look_at_folder(self.data.text())
            self._offer_start()

    def _remember(self, unfinished: bool) -> None:
        if self._memory is not None:
            self._memory.set_train_form({**form_of(self), UNFINISHED: unfinished})

    def start(self) -> None:
        """Start a run with the dialog's settings, in a fresh log (or say in one why it cannot start)."""
        start_run(self)

    def say_begun(self) -> None:
        """The message log's "Training started: …", once per run: at its first line that is no error, its Stop, or
        its end with a model."""
        if self._begun:
            self.run_event.emit(self._begun, False)
            self._begun = ""

    def _ask_about_earlier_run(self, earlier: EarlierRun) -> str | None:
        """RESUME, OVERWRITE or None (cancel) for the earlier run in the output folder; tests replace it."""
        return ask_continue_or_start_over(self, earlier, self.kind.value(), self.watch.progress, self.vae_in_use)

    def stop(self) -> None:
        """Stop and save's: the run saves its checkpoint and model, then exits."""
        self.stop_for(STOP_BUTTON)

    def stop_for(self, by: str) -> None:
        """Interrupt like Ctrl+C: the run saves its checkpoint and model, then exits. by: what stopped it, as the
        log says it ("stopped at step 3 (Close)": Close and a quit were said as Stop and save)."""
        stop_run(self, by)

    def _read_output(self) -> None:
        """Whole lines only: a chunk can end mid-line, and half a sample grid's path names no file."""
        while self.process.canReadLine():
            self._take_line(bytes(self.process.readLine()).decode(errors="replace").rstrip("\r\n"))

    def _take_line(self, line: str) -> None:
        """A Stop is said as the button says it: "interrupted by SIGTERM" named a signal the user never sent."""
        if self._stopping:
            line = said_as_stopped(line, self._stopped_by)
        self._nothing_written = self._nothing_written or bool(NOTHING_WRITTEN.search(line))
        if line and not ERROR.match(line):  # the run is past its checks, the hold on Save to among them
            self.say_begun()
        self.watch.take_line(line)

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        # methods, not lambdas, as the slots: Qt drops a method's connection as the dialog goes, before its process
        run_finished(self, code, status)

    def _failed_to_start(self, error: QProcess.ProcessError) -> None:
        failed_to_start(self, error)

    def _settle(self) -> None:
        """No run any more: the settings and Start are free again."""
        self.settings.setEnabled(True)
        self._offer_start()
        self.stop_button.setEnabled(False)
        self._offer_load()

    def _offer_load(self) -> None:
        """Load offers the model the last run to write one wrote: a run that wrote none (failed, stopped before its
        first step) left the button naming its Save to, an image file even ("Load face_00.png")."""
        self.load_button.setText(f"Load {Path(self._written).name}" if self._written else "Load it")
        self.load_button.setEnabled(bool(self._written))

    def _load(self) -> None:
        self.watch.say(f"loading {self._written}: the open pictures follow it (the status bar says when)")
        self.load_requested.emit(self._written)

    def running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def reject(self) -> None:
        """Escape, and the close button (QDialog.closeEvent rejects), mid-run stop it as Stop does; the dialog goes
        once the run has saved, the window meanwhile responsive (it waited for the save, up to 30 s, frozen).
        Escape used to hide it at once, the run going on out of reach."""
        if not self.running():
            super().reject()
        elif not self._close_when_done:
            self.stop_for(CLOSE)
            self._close_when_done = True
            self.watch.say("the dialog closes once the run has saved")
