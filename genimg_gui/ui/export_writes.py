"""The PNG exports being written, off the GUI thread: a 2048 × 1536 photo (an SD VAE edits photos at their own size)
upscaled ×4 froze the window for 50 s, and nothing said why. Written on a SessionWriter of their own, one after
another in the order asked (none replaces another: each is its own file), each through export.export_png, whose
temporary file is renamed over the name only once whole. The status bar says "Exporting cat_edited.png…" meanwhile;
each one's end (written, or why not) comes back to the GUI thread as `finished`."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from ..wording import listed
from .session_writer import SessionWriter

SOURCE = "exporting"  # the status bar's busy note of its own (StatusJobs.show_busy)
EXPORTING = "Exporting {}…"
EXPORTING_TIP = "The exported file is being written; genimg waits for it before it quits"


@dataclass(frozen=True)
class ExportEnd:
    """How one export ended: the file written (written), or the OSError that stopped it (failed), or neither (a
    bug, its traceback on stderr). seq tells it from the others under way."""
    seq: int
    written: Path | None = None
    failed: OSError | None = None


class ExportWrites(QObject):
    """Writes the exports asked, one at a time on a thread of their own; `finished` (ExportEnd) on the GUI thread."""

    finished = Signal(object)  # ExportEnd, on the GUI thread, the export no longer counted as being written
    names_changed = Signal(list)  # the file names of the exports still being written, for the status bar
    # emitted on the writer's thread, queued to _ended: one slot, so that no one sees the export no longer being
    # written and not yet said (a second slot's event, posted a moment later from that thread, came after a look)
    _written = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.writer = SessionWriter(self, "genimg-export")
        self.going: dict[int, str] = {}  # seq -> the file name being written, in the order asked
        self._seq = 0
        self._written.connect(self._ended)

    def submit(self, name: str, write: Callable[[], Path]) -> int:
        """Run write() (plain data only: no Qt, no item read on the thread) on the export thread, after the exports
        asked before; returns the seq its ExportEnd carries."""
        self._seq += 1
        seq = self._seq
        self.going[seq] = name
        self.writer.submit(lambda: self._write(seq, write), replace=False)
        self.names_changed.emit(list(self.going.values()))
        return seq

    def _write(self, seq: int, write: Callable[[], Path]) -> None:
        """On the export thread."""
        try:
            self._written.emit(ExportEnd(seq, written=write()))
        except OSError as e:  # a full disk, a missing folder: said as the synchronous write said it
            self._written.emit(ExportEnd(seq, failed=e))
        except Exception:  # a bug: its traceback on stderr, and the export is no longer "being written"
            sys.excepthook(*sys.exc_info())
            self._written.emit(ExportEnd(seq))

    def _ended(self, end: ExportEnd) -> None:
        self.going.pop(end.seq, None)
        self.names_changed.emit(list(self.going.values()))
        self.finished.emit(end)

    def writing(self) -> bool:
        """An export is being written, or waits its turn."""
        return bool(self.going)

    def finish(self) -> None:
        """Wait for every export asked to be written and its end handled, the window drawn meanwhile (not the
        user's input): a quit, which then knows what was exported, and leaves no file unwritten."""
        if not self.going:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            while self.going:
                self.writer.wait_drawing()
                # an ExportEnd queued as the write ended, before the wait began
                QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            QApplication.restoreOverrideCursor()

    def shutdown(self) -> None:
        self.writer.shutdown()


def exporting_note(names: list[str]) -> str:
    """"Exporting a.png and b.png…", or "" with none going."""
    return EXPORTING.format(listed(names)) if names else ""
