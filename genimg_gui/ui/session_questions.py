"""The two questions about the user's work as a whole: after a crash, restore the autosaved session? And on
quitting with edits not exported, quit anyway? ask_restore and confirm_discard are the only dialogs, so tests can
answer them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from .main_window import MainWindow

QUIT_NAMES = 5  # images the quit question names before "and more"


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
        if not self.ask_restore():
            autosaver.decline()
            return 0
        count = autosaver.restore()
        if count:
            window.status.show_message(f"Restored {count} image{'s' * (count != 1)} from the autosaved session")
        return count

    def ask_restore(self) -> bool:
        answer = QMessageBox.question(
            self.window, "Restore your work?", "genimg did not close normally last time. Restore the images and "
            "edits it autosaved?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_discard(self, names: list[str]) -> bool:
        """Quit with edits not exported? The images are named (the first few): a count alone left the user to
        search the filmstrip for which."""
        shown = ", ".join(f"“{n}”" for n in names[:QUIT_NAMES]) + (" and more" if len(names) > QUIT_NAMES else "")
        which = "This edited image has" if len(names) == 1 else f"These {len(names)} edited images have"
        answer = QMessageBox.question(
            self.window, "Quit genimg?", f"{which} not been exported: {shown}. Quit anyway?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard
