"""An inversion's name: its source's, then what tells it apart, "cat.png, inverted 2 (stopped at step 40)".

The distinguishing part goes last and short, and fitted_name shortens the source's name rather than that part: a
stopped run's "(inversion stopped at step 240) (2)" was cut to "big_photo... 240) (2)" in the filmstrip."""
from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

INVERTED = ", inverted"  # what an inversion's name adds to its source's, before its number
MIN_SOURCE = "cat…"  # the least of the source's name fitted_name keeps before writing the rest shorter
STOPPED = " (stopped at step "  # what stopped_name adds before the step
# the words around the number and the step, written shorter in turn where the name does not fit (the tooltip has
# it whole): the filmstrip's "1f…, inverted 2 (sto…" lost the step that tells two stopped runs apart
SHORTER = ((STOPPED, " (step "), (INVERTED, ", inv."))
# a stop's step where more follows it: left out where nothing else lets the source's first letters fit, as the
# number tells runs apart, and what follows tells the copy sent to the VAE from its GAN twin beside it, which reads
# the same but for that: "p…, inv. (step 40) (t…"
STEP_BEFORE_MORE = re.compile(r" \(step [^)]*\)(?= \()")


@dataclass(frozen=True)
class InversionName:
    source: str  # the name of the picture inverted (itself an inversion's, perhaps)
    number: int  # 1 for the first inversion of that name open, then 2, 3…
    rest: str    # what follows: " (stopped at step 40)", " (to VAE)" or ""


def inversion_name(source: str, taken: set[str]) -> str:
    """"cat.png, inverted", or "cat.png, inverted 2", 3… when an open or closed item has that name already (also
    with what a stop or a Send to VAE adds to it)."""
    for number in range(1, len(taken) + 2):
        name = f"{source}{INVERTED}{f' {number}' if number > 1 else ''}"
        if not any(t == name or t.startswith(f"{name} (") for t in taken):
            return name
    raise AssertionError("unreachable: len(taken) + 1 numbers cannot all be taken")


def stopped_name(name: str, step: int) -> str:
    """An inversion cancelled midway: "cat.png, inverted 2 (stopped at step 40)"."""
    return f"{name}{STOPPED}{step})"


def parse(name: str) -> InversionName | None:
    """The parts of an inversion's name; None for any other name (a file's, a sample's, an old session's)."""
    source, inverted, tail = name.rpartition(INVERTED)
    if not (source and inverted):
        return None
    number, _, rest = tail.partition(" (")
    if number and not (number.startswith(" ") and number[1:].isdigit()):
        return None  # "cat, inverted copy.png": a file's own name
    return InversionName(source, int(number) if number else 1, f" ({rest}" if rest else "")


def fitted_name(metrics: QFontMetrics, name: str, px: int) -> str:
    """name in px, elided: an inversion's keeps its number and stop's step, the words around them shortened (_tails)
    where that leaves its source's name whole, else its source's name shortened first, then those words, then, sent
    to the VAE, its step left out before its "(to VAE)"; any other name loses its middle, as the History tab
    elides."""
    if metrics.horizontalAdvance(name) <= px:
        return name
    parts = parse(name)
    if parts is None:
        return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, px)
    tails = _tails(name[len(parts.source):])
    # the source's whole name with the longest words that leave room for it, as "p1.jpg, inv. (step 40)": a short
    # one was cut ("p1.…, inverted (step 40)") to keep a longer word
    for tail in tails:
        if metrics.horizontalAdvance(parts.source + tail) <= px:
            return parts.source + tail
    for tail in tails + [STEP_BEFORE_MORE.sub("", tails[-1], count=1)]:
        room = px - metrics.horizontalAdvance(tail)
        if room >= metrics.horizontalAdvance(MIN_SOURCE):
            return metrics.elidedText(parts.source, Qt.TextElideMode.ElideRight, room) + tail
    # even the shortest tail leaves too little room: the source's first letters, and the end cut if it must be
    least = metrics.horizontalAdvance(parts.source[:1] + "…")
    start = metrics.elidedText(parts.source, Qt.TextElideMode.ElideRight, max(room, least))
    return metrics.elidedText(start + tail, Qt.TextElideMode.ElideRight, px)


def _tails(tail: str) -> list[str]:
    """An inversion name's tail as written, then shorter: ", inverted 2 (stopped at step 240)",
    ", inverted 2 (step 240)", ", inv. 2 (step 240)"."""
    tails = [tail]
    for long, short in SHORTER:
        tails.append(tails[-1].replace(long, short, 1))
    return list(dict.fromkeys(tails))
