"""Export PNG… (and ×4), Send to VAE editor and Invert current image, asked while the picture's edit is still being
drawn, wait for the drawing, then act on it.

Export wrote the picture on screen, from before the edit (a big SD VAE on a CPU draws for seconds), and marked the edit
exported: the file was not the edit, and quitting never asked about it. Send to VAE and Invert, clicked as a slider,
the seed or ψ of a GAN sample had just moved, took the picture from before the move the same way: the VAE got the old
pixels. Now the status bar says what waits, Esc cancels it, and it is dropped, with why, if the picture changes, closes
or cannot be drawn first. A seed or ψ step is drawn as a new step of the sample's history: the wait follows it there;
a new model's drawing of it (a switch), once it comes.
A quit asked while a PNG export waits goes on once it is drawn and written (or cancelled, or dropped): it was dropped
without a word, the file never written.
Export latent writes the step's latent, there already: it never waits."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut

from ..engine import requests as rq
from ..wording import listed
from .item import Item

if TYPE_CHECKING:
    from .main_window import MainWindow

SOURCE = "export"  # the status bar's busy note of its own (StatusJobs.show_busy)
WAITING = "Waiting for the picture to be drawn to {}… (Esc cancels)"
WAITING_TIP = "What you asked takes the picture of the step you asked it on once it is drawn; Esc cancels it"


@dataclass(frozen=True)
class Deferred:
    """An action that waits for its picture, in words; {} is what it acts on (a file's name, a picture's)."""
    doing: str  # for the busy note: "export {}"
    not_done: str  # "{} was not exported"
    again: str  # what to do once the picture changed before it was drawn
    cancelled: str  # what Esc says


EXPORT = Deferred("export {}", "{} was not exported", "export it again", "Export of {} cancelled: nothing was written")
SEND = Deferred("send {} to the VAE editor", "{} was not sent to the VAE editor", "send it again",
                "Sending {} to the VAE editor cancelled")
INVERT = Deferred("invert {}", "{} was not inverted", "invert it again", "Inverting {} cancelled")


def being_drawn(item: Item) -> bool:
    """A drawing of the item asked last (its edit's) has not been shown yet: the picture on screen is an older one."""
    return item.shown_seq < item.requested_seq


@dataclass
class _Waiting:
    item: Item
    node: int  # the step acted on: the one current when it was asked, or the seed or ψ step it waits for
    name: str  # what it acts on, as the notes say it ("" for the picture's name as it is then)
    act: Callable[[], None]
    deferred: Deferred
    # the MapSeed seqs of the sample's seed or ψ step on its way as it was asked (GanSamples.steps_on_way), and the
    # values asked of it: the step comes as a new node, which the wait then follows
    steps: frozenset[int] = frozenset()
    asked: tuple | None = None

    def said(self) -> str:
        return self.name or self.item.name


class DrawingWait(QObject):
    """The actions waiting for their picture to be drawn, each done (act) once it is shown.
    Not RecipeWaits, though both act once something arrives: each action waits for its own item's drawing, and is
    dropped on its own, with why (closed, changed, not drawn), as it happens; a recipe waits until nothing at all is
    on its way, and only then looks whether what it is for came. Shared, they would share a list and little else."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window, self.document = window, window.document
        self.waiting: list[_Waiting] = []
        self._then_quit: Callable[[], None] | None = None  # the window's close, once no export waits (quit_after)
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window, self.cancel)
        self.escape.setEnabled(False)  # Esc is the wait's only while one waits
        self.document.image_changed.connect(self._check)
        self.document.history_changed.connect(self._check)
        self.document.item_removed.connect(self._check)
        self.document.engine.failed.connect(self._on_failed)  # after the document's: a retry takes over its seq

    def when_drawn(self, item: Item, name: str, act: Callable[[], None], deferred: Deferred = EXPORT) -> None:
        """act() now if the item's picture is drawn, else once it is (wait)."""
        if not self.wait(item, name, act, deferred):
            act()

    def wait(self, item: Item, name: str, act: Callable[[], None], deferred: Deferred = EXPORT) -> bool:
        """True when the item is being drawn (a decode, or a seed or ψ step still to come): act() is called once it
        is shown; False: act now. The same action asked again while it waits is one (a double-click on Invert)."""
        samples = self.document.samples
        steps = frozenset(set(samples.steps_on_way(item)) - samples.aside)
        # a picture a switch left in the last model (its drawing cancelled) is drawn by the new one now, as showing it
        # does (Document.carried_first): the new GAN's w is not there yet, and the decode of the old one never comes
        self.document.carry.carry_again(item)
        if not (being_drawn(item) or steps or self.document.carry.on_its_way(item)):
            return False
        waiting = _Waiting(item, item.history.current_id, name, act, deferred, steps,
                           samples.asked(item) if steps else None)
        if not any((w.item, w.node, w.name, w.deferred) == (item, waiting.node, name, deferred) for w in self.waiting):
            self.waiting.append(waiting)
        self._say()
        return True

    def exports_waiting(self) -> bool:
        """A PNG export waits for its picture: a file the user asked for, which a quit must not drop unsaid."""
        return any(w.deferred is EXPORT for w in self.waiting)

    def quit_after(self, close: Callable[[], None] | None) -> None:
        """close() (the window's, the quit asked again) once no export waits: each written, cancelled (Esc) or
        dropped with why. The event loop runs meanwhile, the bar saying what waits. None: no quit waits."""
        self._then_quit = close

    def quitting(self) -> bool:
        """A quit waits for the exports (quit_after)."""
        return self._then_quit is not None

    def forget(self) -> None:
        """The window closes: what still waits (a Send to VAE, an Invert: no file) is dropped, none done after."""
        self.waiting, self._then_quit = [], None
        self.escape.setEnabled(False)

    def cancel(self) -> None:
        """Esc: the actions waiting are dropped, none done."""
        cancelled, self.waiting = self._grouped(self.waiting), []
        self._say()
        self.window.status.show_message("; ".join(d.cancelled.format(names) for d, names in cancelled))

    def _check(self, *_) -> None:
        if not self.waiting:
            return
        for waiting in list(self.waiting):
            item = waiting.item
            if self.document.items.get(item.id) is not item:
                self._drop(waiting, f"{item.name} was closed before its picture was drawn")
            elif not self._follow_steps(waiting) or item.history.current_id != waiting.node:
                # an undo, another edit: not the step asked for
                self._drop(waiting, f"{item.name} changed before its picture was drawn; {waiting.deferred.again}")
            elif item.id in self.document.carry.left_behind:  # its drawing by a new model cancelled or failed
                self._drop(waiting, f"{item.name} was not drawn by the new {item.kind.upper()}")
            elif not (waiting.steps or being_drawn(item) or self.document.carry.on_its_way(item)):
                self.waiting.remove(waiting)
                waiting.act()
        self._say()

    def _follow_steps(self, waiting: _Waiting) -> bool:
        """The seed or ψ step waited for, once it came, is the step to act on (False: it will not come as asked)."""
        samples = self.document.samples
        if not waiting.steps:
            return True
        if waiting.steps & samples.aside:  # an undo, redo or jump came before it
            return False
        if waiting.steps & set(samples.pending):  # still on its way
            return True
        item = waiting.item
        if item.history.current_id != waiting.node and not samples.shows(item, waiting.asked):
            return False  # another step came in its place (a newer seed asked meanwhile)
        waiting.node, waiting.steps = item.history.current_id, frozenset()
        return True

    def _on_failed(self, failed: rq.Failed) -> None:
        if not (failed.final and self.waiting):
            return
        for waiting in list(self.waiting):
            if failed.seq == waiting.item.requested_seq or failed.seq in waiting.steps:
                self._drop(waiting, f"the picture of {waiting.item.name} could not be drawn")
        self._say()

    def _drop(self, waiting: _Waiting, why: str) -> None:
        self.waiting.remove(waiting)
        self.window.show_error(f"{waiting.deferred.not_done.format(waiting.said())}: {why}")

    @staticmethod
    def _grouped(waiting: list[_Waiting]) -> list[tuple[Deferred, str]]:
        """Each action waiting, with the names it waits for ("export a.png, b.png"), in the order first asked."""
        names: dict[Deferred, list[str]] = {}
        for w in waiting:
            names.setdefault(w.deferred, []).append(w.said())
        return [(deferred, ", ".join(said)) for deferred, said in names.items()]

    def _say(self) -> None:
        doing = [deferred.doing.format(names) for deferred, names in self._grouped(self.waiting)]
        self.window.status.show_busy(WAITING.format(listed(doing)) if doing else "", SOURCE, WAITING_TIP)
        self.escape.setEnabled(bool(self.waiting))
        if self._then_quit is not None and not self.exports_waiting():
            close, self._then_quit = self._then_quit, None
            QTimer.singleShot(0, close)  # out of the signal that ended the wait (an image_changed, a failure)
