"""A note in the status bar while a live request (a slider's decode, a seed's drawing) is slow to come back: a big
SD VAE on a photo took half a minute per decode, and the old picture stayed up with no sign of work. It shows only
after a second without an answer, so fast decodes never flicker it, and goes when the newest picture arrives."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer

from ..engine import requests as rq

SHOW_AFTER_MS = 1000
DOING = {"Decode": "Decoding", "MapSeed": "Drawing the seed"}  # request name -> what the note says it does


def duration(seconds: float) -> str:
    """"24 s", "1.5 s", "300 ms": how long the last picture took, as the note says it."""
    if seconds >= 10:
        return f"{seconds:.0f} s"
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


class SlowDrawNote(QObject):
    """Watches the engine's live requests (not the preview strips) and tells `show(text)` what the note says, ""
    when none shows. One timer: started when a live request is asked and nothing is on its way back, restarted by
    each answer while newer ones still wait (a fast drag is answered many times a second and never shows it)."""

    def __init__(self, engine, show: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._show = show
        self.waiting: dict[tuple, rq.Request] = {}  # lane -> its newest request not answered yet
        self.asked: dict[int, tuple] = {}  # seq -> lane of the live requests asked, until their lane is answered
        # lane -> what its last picture took, worker-side, with the models loaded now: quoted from another picture
        # or another model ("the last took 18 ms" of the 64-px VAE during a 40 s SD decode) it misled
        self.last_seconds: dict[tuple, float] = {}
        self.shown = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SHOW_AFTER_MS)
        self.timer.timeout.connect(self._on_slow)
        engine.submitted.connect(self._on_submitted)
        engine.result.connect(self._on_answer)
        engine.failed.connect(self._on_answer)

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
        lane = self.asked.pop(getattr(answer, "seq", 0), None)
        if lane is None:
            return
        if getattr(answer, "seconds", None) is not None:
            self.last_seconds[lane] = answer.seconds
        newest = self.waiting.get(lane)
        if newest is not None and newest.seq <= answer.seq:
            del self.waiting[lane]
            self.asked = {s: l for s, l in self.asked.items() if l != lane}  # older ones of it were superseded
        if not self.waiting:
            self.timer.stop()
            self._set("")
        elif not self.shown:
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
