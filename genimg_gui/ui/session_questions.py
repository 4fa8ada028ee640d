"""The two questions about the user's work as a whole: after a crash, restore the autosaved session? And on
quitting with edits not exported, quit anyway? ask_restore and confirm_discard are the only dialogs, so tests can
answer them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from .main_window import MainWindow

NAMED = 5  # images a question names before "and more"


def named(names: list[str]) -> str:
    """“a”, “b” and more: the first few images a question is about, as a count alone left the user to search the
    filmstrip for which."""
    return ", ".join(f"“{n}”" for n in names[:NAMED]) + (" and more" if len(names) > NAMED else "")


class SessionQuestions:
    """The window's restore offer at start-up and its quit question."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def offer_restore(self) -> int:
        """After a crash or kill: offer the autosaved session back. Returns the images restored."""
        window, autosaver = self.window, self.window.autosaver
        if not autosaver.owner:  # said in the title too: a status message is gone in seconds
            window.setWindowTitle("genimg (not autosaved: another genimg window is open)")
            window.status.show_message("Another genimg window is open and autosaving: this one's work is not "
                                       "autosaved, so export what you want to keep")
            return 0
        if not autosaver.pending():
            autosaver.release()  # held at start-up for a session that is gone since: save this run's work
            return 0
        session = autosaver.saved()
        if session is None:  # unreadable: said, nothing to ask about
            return 0
        if not self.ask_restore([item.name for item in session.items]):
            autosaver.decline()
            return 0
        count = autosaver.restore(session)
        if count:
            window.status.show_message(f"Restored {count} image{'s' * (count != 1)} from the autosaved session")
        return count

    def ask_restore(self, names: list[str]) -> bool:
        """Restore the autosaved images, named, or discard them. Its Yes/No read as "not now", yet No deleted
        them: the buttons say what they do, and Escape keeps them (restores)."""
        count = "this image and its edits" if len(names) == 1 else f"these {len(names)} images and their edits"
        box = QMessageBox(QMessageBox.Icon.Question, "Restore your work?",
                          f"genimg did not close normally last time. It autosaved {count}: "
                          f"{named(names)}.", parent=self.window)
        box.setInformativeText("Discard deletes the autosaved copy for good.")
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        box.setEscapeButton(restore)
        box.exec()
        return box.clickedButton() is restore

    def confirm_discard(self, names: list[str]) -> bool:
        """Quit with edits not exported? The images are named (the first few)."""
        which = "This edited image has" if len(names) == 1 else f"These {len(names)} edited images have"
        answer = QMessageBox.question(
            self.window, "Quit genimg?", f"{which} not been exported: {named(names)}. Quit anyway?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard
