"""The two questions about the user's work as a whole: after a crash, restore the autosaved session? And on
quitting with edits not exported (or a job still running), keep them for next time or discard them? ask_restore and
ask_quit are the only dialogs, so tests can answer them."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from ..wording import counted, listed, quoted_list
from .document_session import kept_items, named_loads, named_unread
from .inversion_names import parse as inversion_parts
from .item import Item
from .running_jobs import loads

if TYPE_CHECKING:
    from ..session import Session
    from .document import Document
    from .main_window import MainWindow

NAMED = 5  # images a question names before "and 4 more"
NAME_CHARS = 40  # the most of one name a question shows
MIN_SOURCE_CHARS = 12  # the least of an inversion's source's name it shows, however long what follows it
KEEP, DISCARD, QUIT = "keep", "discard", "quit"  # ask_quit's answers (QUIT: nothing unexported, an export going)
STAY = "stay"  # quit_answer's answer for a quit the user took back, or that could not keep the work
RUN_GOING = "A training run is going: it stops and saves before genimg quits."
KEPT_BACK = "Reopened {} kept when genimg quit"
READING = "Reading the work autosaved last time…"  # the status bar's busy note while the session is read
READING_SOURCE = "reading"  # the busy note's own (StatusJobs.show_busy)
READING_TIP = "The images open when genimg last closed come back once they are read; the window works meanwhile"


def exports_going(names: list[str]) -> str:
    """What quitting does to the morph exports being written, two at once (a retry on the CPU beside another)
    counted: "2 morph exports (a.gif, b.gif) are being written: quitting cancels them" (they read as one)."""
    if len(names) == 1:
        return f"A morph export ({names[0]}) is being written: quitting cancels it, and no file is written."
    return (f"{len(names):,} morph exports ({listed(names)}) are being written: quitting cancels them, and no file "
            "is written.")


def named(names: list[str]) -> str:
    """“a”, “b” and 4 more: the first few images a question is about, as a count alone left the user to search the
    filmstrip for which. A long name is shortened in its middle: one of 250 characters stretched the dialog to
    960 px, where a name has no space to wrap at."""
    return quoted_list([short_name(n) for n in names], NAMED)


def short_name(name: str, most: int = NAME_CHARS) -> str:
    """name, or its start and end around "…" when it has more than most characters: "yyyyyyyyyyyy…yyyyyyyy.png"."""
    if len(name) <= most:
        return name
    end = (most - 1) // 2
    return f"{name[:most - 1 - end]}…{name[-end:]}"


def work_kind(item: Item) -> str:
    """What the quit question calls an item: an inversion's w took computing, though no slider moved; calling it
    an "edited image" sent the user looking for an edit."""
    return "inversion" if item.inverted_in is not None else "edited sample" if item.generated else "edited image"


def work_name(item: Item) -> str:
    """An item as the quit question names it: by its filmstrip name, “cat.png” or “cat.png, inverted 2”. Inversions
    were named "inversion of “cat.png”", which told two of one picture apart by a number the filmstrip does not show
    so (one exported, one not: which was which?). A long inversion's name is shortened in its source's name, not in
    what tells it apart (short_name cut "…, inverted 3 (stopped at step 40)" to "…(stopped at step 40)")."""
    parts = inversion_parts(item.name) if item.inverted_in is not None else None
    if parts is None:
        return f"“{short_name(item.name)}”"
    tail = item.name[len(parts.source):]  # ", inverted 3 (stopped at step 40)"
    return f"“{short_name(parts.source, max(NAME_CHARS - len(tail), MIN_SOURCE_CHARS))}{tail}”"


def unexported_work(items: list[Item]) -> str:
    """The quit question's text: “The inversion “cat.png, inverted” has not been exported.”, or the kinds counted
    and the first few named: "2 edited images and 1 inversion have not been exported: “a.png”, “b.png” and …"."""
    kinds = [work_kind(item) for item in items]
    if len(items) == 1:
        return f"The {kinds[0]} {work_name(items[0])} has not been exported."
    counts = [counted(kinds.count(kind), kind) for kind in dict.fromkeys(kinds)]
    which = f"These {counts[0]}" if len(counts) == 1 else listed(counts, len(counts))
    return f"{which} have not been exported: {listed([work_name(item) for item in items], NAMED)}."


def inverting_text(items: list[Item], can_keep: bool, starting: list[str] | None = None) -> str:
    """What quitting does to the inversions still running: stopped, and (Keep for next time) kept as they stand,
    as a Cancel keeps them. Unsaid, a run cut off by the quit was only listed as "not exported". starting: the
    pictures of those with no item yet (InversionController.starting_names), of which nothing is kept."""
    said, starting = [], starting or []
    if len(items) == 1:
        which, it, they = f"The inversion {work_name(items[0])} is", "it", "it stands"
    else:
        which, it, they = f"{counted(len(items), 'inversion')} are", "them", "they stand"
    keeps = f", and Keep for next time keeps {it} as {they}" if can_keep else ""
    if items:
        said.append(f"{which} still running: quitting stops {it}{keeps}.")
    if len(starting) == 1:
        said.append(f"The inversion of “{short_name(starting[0])}” is still starting: quitting stops it before its "
                    "starting guess, so nothing of it is kept.")
    elif starting:
        said.append(f"{counted(len(starting), 'inversion')} (of {named(starting)}) are still starting: quitting "
                    "stops them before their starting guesses, so nothing of them is kept.")
    return " ".join(said)


def discard_note(session: Session | None, can_delete: bool) -> str:
    """What the restore question's Discard does to the autosaved copy: one not read whole was set aside, and stays
    (session_aside); one in a data folder that cannot be written stays too, and is offered again at the next start."""
    if session is not None and session.unreadable:
        if session.set_aside_as is not None:
            return f"Discard leaves the autosaved copy, kept as {session.set_aside_as}, where it is."
        return "Discard leaves the autosaved copy where it is: it could not be set aside."
    if not can_delete:
        return ("The data folder cannot be written, so the autosaved copy stays there: Discard does not delete it, "
                "and the next start offers it again.")
    return "Discard deletes the autosaved copy for good."


NOT_AUTOSAVED = ("Another genimg window is open and autosaving: this one's work is not autosaved, so export what "
                 "you want to keep")


def kept_text(open_images: int) -> str:
    """What Keep for next time does: every open image comes back, edited or not, as a browser's tabs do. Naming
    only the unexported ones told the user the others would not."""
    if open_images == 1:
        return "Keep for next time reopens your open image as it is, history included, when genimg starts again"
    return (f"Keep for next time reopens your {open_images:,} open images as they are, histories included, when "
            "genimg starts again")


class SessionQuestions(QObject):
    """The window's restore offer at start-up and its quit question."""

    # the offer is settled: how many images it restored or brings back once the models load (0: none, or declined)
    offered = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.asked_about: Session | None = None  # the session ask_restore asks about: what its words say of it

    def offer_restore(self) -> None:
        """After a crash or kill: offer the autosaved session back; a session kept on quitting comes back
        unasked, once the models have loaded; offered says how many images. The session is read off the GUI
        thread (Autosaver.read_saved) and the offer goes on once it is (_offer): the window paints at once."""
        doc = self.window.document
        if not self._pending():
            doc.named.clear()  # no restore for the models named on the command line to win over
            self.offered.emit(0)
            return
        # the loads asked so far are the start-up's: one the user asks while the session is read is their choice
        start_up = set(loads(doc.jobs))
        self.window.autosaver.saved_read.connect(lambda session: self._offer(session, start_up),
                                                 Qt.ConnectionType.SingleShotConnection)
        # a busy note, as a load's: a message was replaced within a second by the start-up's "Loaded …", and a read
        # of ~20 s went on with nothing saying so
        self.window.status.show_busy(READING, READING_SOURCE, READING_TIP)
        self.window.autosaver.read_saved()

    def _offer(self, session: Session | None, start_up: set[int]) -> None:
        """The session read: bring it back (a kept one) or ask (a crash's); offered then says how many images."""
        self.window.status.show_busy("", READING_SOURCE)  # read now: it stayed under "Restore your work?"
        self.offered.emit(self._offered_back(session, start_up))

    def _offered_back(self, session: Session | None, start_up: set[int]) -> int:
        autosaver, doc = self.window.autosaver, self.window.document
        if session is None:  # it could not be read (said)
            doc.named.clear()
            return 0
        if session.kept:  # the user chose to keep it when quitting: asked then, not again
            self._reopen_once_loaded(session, KEPT_BACK, start_up, named_loads)
            return len(session.items)
        self.asked_about = session
        if not self.ask_restore([item.name for item in session.items]):
            autosaver.decline()
            doc.named.clear()
            return 0
        # a model file named among the files, of a kind not known until it comes: the session's model of that kind
        # is not loaded over it (restore_session), once it is known
        self._reopen_once_loaded(session, "Restored {} from the autosaved session", named_unread(doc), named_unread)
        return len(session.items)

    def _pending(self) -> bool:
        """A session to offer back: none when there is none, or this window does not own the autosave (said in
        the title and on the bar for good: a message went in a second)."""
        window, autosaver = self.window, self.window.autosaver
        if not autosaver.owner:
            why = autosaver.unwritable or NOT_AUTOSAVED  # a data folder that takes no files is no other window's
            held_by = "its data folder cannot be written" if autosaver.unwritable else "another genimg window is open"
            window.setWindowTitle(f"genimg (not autosaved: {held_by})")
            window.status.show_warning("Not autosaved", why)
            window.status.show_message(why)
            # a crash's session in a folder that cannot be written is offered back all the same, read only
            return bool(autosaver.unwritable) and autosaver.path.is_file()
        if not autosaver.pending():
            autosaver.release()  # held at start-up for a session that is gone since: save this run's work
            return False
        return True

    def _reopen_once_loaded(self, session: Session, message: str, loads: set[int],
                            named: Callable[[Document], set[int]]) -> None:
        """Reopen a session once loads (the seqs of model loads) have come, and the loads of models named on the
        command line that named finds on their way: a kept one once the models loading at start-up have, as the
        crash path's question waits for them: reopened at once, History named its steps "direction 1" (no
        directions yet), and the models' "Loaded …" replaced the "Reopened …" message within a second. Not after a
        model the user opens meanwhile: the restore then loaded the session's model after it, over the user's
        choice (restore_session leaves that kind to the user's model, which carries the session's items over).
        named: an SD VAE file's load, sent again once its scale is asked, is another load (seq), the same model:
        counted as come as the question was answered, the session came back in its own VAE, and said nothing of
        the user's."""
        doc = self.window.document
        chosen_after = max(loads, default=None)

        def come() -> bool:  # loads come by now too: the session is read while they load
            return loads.isdisjoint(doc.jobs) and not named(doc)
        if come():
            self._reopen(session, message, chosen_after)
            return

        def on_loading() -> None:  # as each load begins or ends (the end's "Loaded …" said already)
            if come():
                doc.loading_changed.disconnect(on_loading)
                self._reopen(session, message, chosen_after)
        # at once, not polled: a poll found the user's model arrived as well, and the session's items not in
        # the model they were made in, with no model before it to carry them over from
        doc.loading_changed.connect(on_loading)

    def _reopen(self, session: Session, message: str, chosen_after: int | None = None) -> int:
        """Restore session, said first: what the restore then says is why it is not quite as it was (a model folder
        trained again since, the session's model not loaded), which joins after "Reopened …" (held, as the status
        bar holds what a waiting load's start follows): said after it, it hid "Reopened …" at once."""
        if count := len(session.items):
            self.window.status.show_message(message.format(counted(count, "image")))
            self.window.status.hold_message()
        self.window.autosaver.restore(session, chosen_after)
        return count

    def ask_restore(self, names: list[str]) -> bool:
        """Restore the autosaved images, named, or discard them. Its Yes/No read as "not now", yet No deleted
        them: the buttons say what they do, and Escape keeps them (restores). Every image that was open comes
        back, edited or not, and the question says so: how many of those open could be read, and what Discard does
        to the autosaved copy (it always said "deletes for good": one set aside, or in a folder that cannot be
        written, is kept)."""
        session = self.asked_about
        lost = len(session.unreadable) if session is not None else 0
        total = len(names) + lost
        count = (f"{len(names):,} of the {total:,} images you had open, with their histories" if lost else
                 "the image you had open, with its history" if len(names) == 1 else
                 f"all {len(names):,} images you had open, with their histories")
        box = QMessageBox(QMessageBox.Icon.Question, "Restore your work?",
                          f"genimg did not close normally last time. It autosaved {count}: "
                          f"{named(names)}.", parent=self.window)
        box.setInformativeText(discard_note(session, self.window.autosaver.owner))
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        box.setEscapeButton(restore)
        try:
            box.exec()
            return box.clickedButton() is restore
        finally:
            box.deleteLater()  # a child of the window: each question would leave one behind

    def quit_answer(self) -> str | None:
        """Ask about what quitting loses (work not exported, a morph export being written), stop the inversions
        still running (each kept as it stands, as a Cancel keeps it) and keep the session if so answered: KEEP
        (kept), DISCARD, STAY (the quit taken back, or the work could not be kept), or None (nothing to keep)."""
        window = self.window
        unexported = window.document.unexported()
        # an export was dropped without a word, and an inversion whose starting guess had not come
        asked = unexported or window.morph.exporting() or window.inversion.runs
        answer = self.ask_quit(unexported, window.autosaver.owner) if asked else QUIT
        if answer is None:
            return STAY
        if answer == KEEP and not window.autosaver.can_keep():  # refused (said): nothing stopped
            return self._not_kept()
        window.inversion.stop_for_quit()  # before the session is saved: a run cut off came back as if finished
        if answer == QUIT:  # all exported: kept unasked, as a browser keeps its tabs
            return KEEP if window.autosaver.keep_open_images() else None
        return self._not_kept() if answer == KEEP and not window.autosaver.keep() else answer

    def _not_kept(self) -> str:
        """Keep for next time refused, the window staying open: why (the error just said) in a box on the window,
        whole. On the status bar beside an inversion's progress it was cut to "⚠ The work autosaved last …", where
        the user who had asked to quit looked for why the window stayed. Opened, not exec'd: the event loop goes on
        (the read it waits for ends there). Returns STAY."""
        box = QMessageBox(QMessageBox.Icon.Warning, "genimg stays open", self.window.last_error,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(box.deleteLater)  # a child of the window: each refusal would leave one behind
        box.open()
        return STAY

    def ask_quit(self, items: list[Item], can_keep: bool) -> str | None:
        """Quit with edits not exported (items, named by unexported_work)? KEEP (reopened at the next start),
        DISCARD, or None to stay. Its one quit button discarded every image and history without saying so; keeping
        is the default now. can_keep: this window autosaves (another window open first does, and this one's work
        cannot be kept). With no items, only a morph export going: QUIT (the export cancelled) or None; QUIT too
        once the export ends while asked (_follow_exports)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Quit genimg?", "", parent=self.window)
        answers = {}
        if not items:  # nothing to keep or discard: the export is what quitting loses, so staying is the default
            answers[box.addButton("Quit", QMessageBox.ButtonRole.DestructiveRole)] = QUIT
        if items and can_keep:
            answers[box.addButton("Keep for next time", QMessageBox.ButtonRole.AcceptRole)] = KEEP
        kept_note = []
        if items:
            answers[box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)] = DISCARD
            kept = len(kept_items(self.window.document))  # what a kept session holds: not the untouched sample
            # a data folder that takes no files is no other window's (Autosaver.unwritable)
            cannot = ("The data folder cannot be written, so your work" if self.window.autosaver.unwritable else
                      "Another genimg window is autosaving, so this one's work")
            kept_note.append(f"{kept_text(kept)}; Discard deletes the work not exported, for good." if can_keep else
                             f"{cannot} cannot be kept: Discard deletes it for good.")
        stay = box.addButton(QMessageBox.StandardButton.Cancel)
        self._say_quit(box, items, can_keep, kept_note)
        box.setDefaultButton(next(iter(answers)) if items and can_keep else stay)
        box.setEscapeButton(stay)
        ended: list[bool] = []  # a True once an export's end left nothing to ask (_follow_exports)
        follow = self._follow_exports(box, items, ended, lambda: self._say_quit(box, items, can_keep, kept_note))
        try:
            box.exec()
            return QUIT if ended else answers.get(box.clickedButton())
        finally:
            self.window.morph.export_ended.disconnect(follow)
            box.deleteLater()  # a child of the window: each question would leave one behind

    def _say_quit(self, box: QMessageBox, items: list[Item], can_keep: bool, kept_note: list[str]) -> None:
        """The quit question's words, from the jobs going now: the export's said last, as its text with no items."""
        notes = self._jobs_going(can_keep)
        box.setText(unexported_work(items) if items or not notes else notes.pop())
        box.setInformativeText("\n\n".join(notes + kept_note))

    def _follow_exports(self, box: QMessageBox, items: list[Item], ended: list[bool],
                        say_again: Callable[[], None]) -> Callable[[], None]:
        """As a morph export ends while the quit question is open (its file written, or failed): with items, the
        question's words drop it (say_again); with none, nothing is left to ask, and the box closes, the quit going
        on as if the export had never run, and a True goes to ended. The question said "quitting cancels it, and
        no file is written" of a file written since. Returns the slot followed, to disconnect."""
        def export_ended() -> None:
            # another export still going (a retry on the CPU beside), or an inversion the question speaks of
            if items or self.window.morph.exporting() or self.window.inversion.runs:
                say_again()
            else:
                ended.append(True)
                box.done(0)
        self.window.morph.export_ended.connect(export_ended)
        return export_ended

    def _jobs_going(self, can_keep: bool) -> list[str]:
        """What quitting does to each job still running, in words: a training run stops and saves (the quit waits
        for it, which the user should expect, and may rather wait for themselves), an inversion stops, a morph
        export is cancelled."""
        window = self.window
        notes = [RUN_GOING] if window.runs_going() else []
        inverting, starting = window.inversion.running_items(), window.inversion.starting_names()
        if inverting or starting:
            notes.append(inverting_text(inverting, can_keep, starting))
        if exports := window.morph.export_names():
            notes.append(exports_going(exports))
        return notes
