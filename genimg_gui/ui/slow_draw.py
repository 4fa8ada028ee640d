"""Notes in the status bar on work the one worker thread has not done yet.

SlowDrawNote: a live request (a slider's decode, a seed's drawing) slow to come back: a big SD VAE on a photo took half
a minute per decode, and the old picture stayed up with no sign of work. It shows only after a second without an
answer, so fast decodes never flicker it, and goes when the newest picture arrives.

WaitingJobNote: a model load or device change waiting its turn: one double-clicked during such a decode waited behind
it with nothing said, and the double-click looked ignored. It says what the load waits for, and goes when it starts.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, QTimer

from ..catalog import read_entry
from ..engine import requests as rq
from ..engine.queue import Place
from ..model_names import model_name
from ..wording import counted, duration, listed

if TYPE_CHECKING:
    from .status import StatusBar

SHOW_AFTER_MS = 1000
DOING = {"Decode": "Decoding", "MapSeed": "Drawing the seed"}  # request name -> what the note says it does
# a load waiting behind a few ms of work (a small VAE's decode) is not said: the note would only flash
WAITING_AFTER_MS = 200
MOST_NAMED = 3  # of the jobs a load waits for; the rest are counted


class SlowDrawNote(QObject):
    """Watches the engine's live requests (not the preview strips) and tells `show(text)` what the note says, ""
    when none shows. One timer: started when a live request is asked and nothing is on its way back, restarted by
    each answer while newer ones still wait (a fast drag is answered many times a second and never shows it). A note
    shown is said again as each picture comes, with that picture's time."""

    def __init__(self, engine, show: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._show = show
        self.waiting: dict[tuple, rq.Request] = {}  # lane -> its newest request not answered yet
        self.asked: dict[int, tuple] = {}  # seq -> lane of the live requests asked, until their lane is answered
        # lane -> what its last picture took, worker-side, with the models loaded now: quoted from another picture
        # or another model ("the last took 18 ms" of the 64-px VAE during a 40 s SD decode) it misled
        self.last_seconds: dict[tuple, float] = {}
        self.shown = ""
        self.timer = QTimer(self, singleShot=True, interval=SHOW_AFTER_MS)
        self.timer.timeout.connect(self._on_slow)
        engine.submitted.connect(self._on_submitted)
        engine.result.connect(self._on_answer)
        engine.failed.connect(self._on_answer)
        engine.done.connect(self._on_done)

    def _on_submitted(self, request: rq.Request) -> None:
        if not request.live or request.preview:
            return
        self.waiting[request.lane] = request
        self.asked[request.seq] = request.lane
        if not self.shown and not self.timer.isActive():
            self.timer.start()

    def _on_answer(self, answer) -> None:
        if isinstance(answer, rq.ModelInfo):
            self.last_seconds.clear()
        self._answered(getattr(answer, "seq", 0), getattr(answer, "seconds", None))

    def _on_done(self, seq: int) -> None:
        """A request ended, after its answer if it had one: a decode the worker dropped unanswered (asked of a model
        that another of its kind replaced) ends its lane's wait too. Its picture, closed meanwhile, was never asked
        again, and "Decoding…" stayed for the rest of the session."""
        self._answered(seq, None)

    def _answered(self, seq: int, seconds: float | None) -> None:
        """Request seq answered, or ended unanswered (seconds None: it drew nothing to time)."""
        lane = self.asked.pop(seq, None)
        if lane is None:
            return
        if seconds is not None:
            self.last_seconds[lane] = seconds
        newest = self.waiting.get(lane)
        if newest is not None and newest.seq <= seq:
            del self.waiting[lane]
            self.asked = {s: l for s, l in self.asked.items() if l != lane}  # older ones of it were superseded
        if not self.waiting:
            self.timer.stop()
            self._set("")
        elif self.shown:
            # said again with the time of the picture that came: a drag's first 32 s decode came while its newest
            # position waited, and the note went on saying "Decoding…" with no figure for another 32 s
            self._on_slow()
        else:
            self.timer.start()  # a picture came: a second more before saying the next is slow

    def _on_slow(self) -> None:
        if self.waiting:
            lane, newest = next(reversed(self.waiting.items()))
            doing = DOING.get(type(newest).__name__, "Drawing")
            seconds = self.last_seconds.get(lane)
            last = "" if seconds is None else f" (the last took {duration(seconds)})"
            self._set(f"{doing}…{last}")

    def _set(self, text: str) -> None:
        if text != self.shown:
            self.shown = text
            self._show(text)


def what(request: rq.Request, running: bool) -> str:
    """A request in words, as the work a load waits for: "the current decode", "the load of emoji-vae"."""
    if isinstance(request, rq.LoadModel):
        return f"the load of {model_name(request.path)}"
    named = {rq.SetDevice: lambda r: f"the switch to {r.device}",
             rq.EncodeFiles: lambda r: f"the encoding of {counted(len(r.paths), 'image')}",
             rq.EncodeLatents: lambda r: f"the encoding of {counted(len(r.paths), 'example')}",
             rq.EncodeImage: lambda r: f"the encoding of “{r.name}”",
             rq.ReadLatentFile: lambda r: f"the reading of “{Path(r.path).name}”",
             rq.DecodeLatentFile: lambda r: f"the drawing of “{r.name}”",
             rq.DigestWeights: lambda r: f"the reading of {model_name(r.folder)}'s weights",
             rq.RenderFrames: lambda r: f"the rendering of {counted(len(r.latents), 'frame')}",
             rq.MapSeed: lambda r: f"the drawing of seed {r.seed}",
             rq.PreviewStrip: lambda r: "a preview strip's current frame"}.get(type(request))
    if named is not None:
        return named(request)
    noun = {"Decode": "decode", "Invert": "inversion"}.get(type(request).__name__, "work")
    return f"the current {noun}" if running else f"the {noun}"


def subject(request: rq.Request) -> str:
    if isinstance(request, rq.SetDevice):
        return f"The device will change to {request.device}"
    return f"{model_name(request.path)} will load"


def waiting_text(request: rq.Request, place: Place) -> str:
    """What a load (or device change) waits for, as the queue will run it: after what runs now and the jobs asked
    before it, but before the pictures waiting to be drawn (jobs go first). "" when nothing is ahead of it."""
    ahead = ([what(place.running, running=True)] if place.running is not None else []) + \
        [what(r, running=False) for r in place.before]
    if not ahead or isinstance(request, rq.LoadModel) and all(
            isinstance(r, rq.LoadModel) for r in (place.running, *place.before) if r is not None):
        return ""  # a load behind loads alone: the loading note names them all ("Loading emoji-vae…", then the next)
    text = f"{subject(request)} {'when' if len(ahead) == 1 else 'after'} {listed(ahead, MOST_NAMED)}"
    text += " ends" if len(ahead) == 1 else ""
    # an inversion draws the waiting pictures between its steps: those do not wait for the load
    if place.live_after and not isinstance(place.running, rq.Invert):
        pictures = "the picture" if place.live_after == 1 else f"the {place.live_after} pictures"
        text += f", before {pictures} waiting to be drawn"
    return text


def supersedes(newer: rq.Request, older: rq.Request) -> bool:
    """Whether older, queued right before newer, is pointless once newer runs: a device change before another, a
    load before a load of the same model or of another of its kind (known from the card; a file's is not)."""
    if isinstance(newer, rq.SetDevice):
        return isinstance(older, rq.SetDevice)
    if not isinstance(older, rq.LoadModel):
        return False
    kinds = [entry.kind if (entry := read_entry(Path(r.path))) else None for r in (older, newer)]
    return older.path == newer.path or kinds[0] is not None and kinds[0] == kinds[1]


class WaitingJobNote(QObject):
    """Tells the status bar (bar.show_waiting) what the newest model load or device change waits for while the
    worker does something else, "" once none waits, and calls bar.hold_message as one it spoke of starts (the bar
    keeps what the work before it said as it ended). One asked right after another of its kind, both waiting
    (another model double-clicked meanwhile), drops the older from the queue, and bar.show_message says so; one
    that runs is never stopped."""

    def __init__(self, engine, bar: StatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine, self._show, self._say, self._starts = engine, bar.show_waiting, bar.show_message, bar.hold_message
        self.waiting: dict[int, rq.Request] = {}  # seq -> a load or device change not started yet, in asked order
        self.shown = ""
        self.timer = QTimer(self, singleShot=True, interval=WAITING_AFTER_MS)
        self.timer.timeout.connect(self._refresh)
        engine.submitted.connect(self._on_submitted)
        engine.started.connect(self._on_started)
        engine.failed.connect(self._on_failed)

    def _on_submitted(self, request: rq.Request) -> None:
        if not isinstance(request, (rq.LoadModel, rq.SetDevice)):
            return
        self._drop_superseded(request)
        self.waiting[request.seq] = request
        if self.shown:
            self._refresh()
        elif not self.timer.isActive():
            self.timer.start()

    def _drop_superseded(self, request: rq.Request) -> None:
        place = self.engine.place(request.seq)
        older = place.before[-1] if place is not None and place.before else None
        if older is None or not supersedes(request, older) or not self.engine.withdraw(older.seq, request.seq):
            return  # (withdraw refuses one the worker has started meanwhile)
        if isinstance(request, rq.SetDevice) and older.device != request.device:
            self._say(f"The device will not change to {older.device}: {request.device} was asked for after it")
        elif isinstance(request, rq.LoadModel) and older.path != request.path:
            self._say(f"{model_name(older.path)} will not load: {model_name(request.path)} was asked for after it")

    def _on_started(self, seq: int) -> None:
        if seq in self.waiting and self.shown:
            self._starts()
        self._on_ended(seq)

    def _on_ended(self, seq: int) -> None:
        """A job started, or a request failed (a waiting one dropped): what waits now waits for something else."""
        self.waiting.pop(seq, None)
        if not self.waiting:
            self.timer.stop()
            self._set("")
        elif self.shown:
            self._refresh()

    def _on_failed(self, f: rq.Failed) -> None:
        """A waiting one dropped ends its note; a job ahead of it cancelled or failed changes what the note names,
        but does not end it: it goes as the load starts (_on_started), after what the job's end said, which the
        status bar keeps then. Gone at once, it was not there to say that the load started after a cancelled
        inversion's "Cancelled …", which the load's messages then replaced."""
        if not f.final:
            return
        if f.seq in self.waiting or not self.shown:
            self._on_ended(f.seq)
        else:
            self._refresh(ending=False)

    def _refresh(self, ending: bool = True) -> None:
        """The newest waiting one's note, read from the queue now (its place says what is ahead of it); with
        ending False, one that would go stays until the load starts."""
        newest = ""
        for seq, request in list(self.waiting.items()):
            place = self.engine.place(seq)
            if place is not None:  # else started: its signal is on its way (_on_started)
                newest = waiting_text(request, place)
        if newest or ending:
            self._set(newest)

    def _set(self, text: str) -> None:
        if text != self.shown:
            self.shown = text
            self._show(text)
