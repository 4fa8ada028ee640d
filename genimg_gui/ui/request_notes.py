"""What the document notes of one request, by its seq, as one record (RequestNotes). Each part keeps its notes in a
book of its own, which it reads as the request's result comes (GanSamples.pending: the item a sample is for), so the
record says where each note is kept; FailedRequests takes a request's record for its Retry on CPU, puts it under the
retry's seq, or drops it when the request fails for good. A note left behind stayed for the session, and one not
carried over made the retry's result lose it (a "Sent from …" first step, a sample's item).
Adding a note is one field here: a value kept in a dict by seq (values_in), or a mark kept in a set (marked_in)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Callable

import numpy as np

from .running_jobs import RunningJob

if TYPE_CHECKING:
    from .document import Document


@dataclass(frozen=True)
class _Values:
    """A book that notes a value of each request: a dict by seq; the record's None is no note."""
    book: Callable[[Document], dict]
    outlives_result: bool  # a request that ends without failing keeps it, for its owner to drop (drop_answered)

    def read(self, doc: Document, seq: int) -> object:
        return self.book(doc).get(seq)

    def write(self, doc: Document, seq: int, note: object) -> None:
        if note is not None:
            self.book(doc)[seq] = note

    def erase(self, doc: Document, seq: int) -> None:
        self.book(doc).pop(seq, None)


@dataclass(frozen=True)
class _Marks:
    """A book that marks requests: a set of seqs; the record's True is a mark."""
    book: Callable[[Document], set]
    outlives_result = False

    def read(self, doc: Document, seq: int) -> bool:
        return seq in self.book(doc)

    def write(self, doc: Document, seq: int, note: bool) -> None:
        if note:
            self.book(doc).add(seq)

    def erase(self, doc: Document, seq: int) -> None:
        self.book(doc).discard(seq)


def values_in(book: Callable[[Document], dict], outlives_result: bool = False):
    """A field of RequestNotes: the request's value in that dict (None for none)."""
    return field(default=None, metadata={"book": _Values(book, outlives_result)})


def marked_in(book: Callable[[Document], set]):
    """A field of RequestNotes: whether that set marks the request."""
    return field(default=False, metadata={"book": _Marks(book)})


@dataclass
class RequestNotes:
    """Every note the document keeps of one request."""
    # its kind, paths and words while it runs; it ends with its progress, and stays while an SD VAE's scale is asked
    # (a modal question, during which the load's end comes), so its result does not take it
    job: RunningJob | None = values_in(lambda doc: doc.jobs, outlives_result=True)
    # a sample's: the item it is for (0: a new one); retried without it, a start-up sample came beside a restored
    # session (auto_ask), said its class lost again (kept_ask), and a seed step came on top of the undo that took it
    # back (asked_at, aside)
    sample_for: int | None = values_in(lambda doc: doc.samples.pending)
    asked_at: int | None = values_in(lambda doc: doc.samples.asked_at)
    aside: bool = marked_in(lambda doc: doc.samples.aside)
    kept_ask: bool = marked_in(lambda doc: doc.samples.kept_asks)
    auto_ask: bool = marked_in(lambda doc: doc.samples.auto_asks)
    original: tuple[int, int, np.ndarray] | None = values_in(lambda doc: doc.samples.originals)
    # what the Generate tab shows of a sample on its way (retried without it, it showed the seed before), and a new
    # sample asked over a picture with no seed (without it, a seed asked meanwhile made a second new sample)
    ask: tuple[int, float, str | None, str] | None = values_in(lambda doc: doc.samples.asks)
    unseeded_ask: bool = marked_in(lambda doc: doc.samples.unseeded_asks)
    # a picture carried over to a new model: the item re-encoded, or the item and node whose seed is drawn again
    reencode: int | None = values_in(lambda doc: doc.carry.reencodes)
    remap: tuple[int, int] | None = values_in(lambda doc: doc.carry.remaps)
    # a picture sent to the VAE: the sample's name, for its "Sent from …" first step
    sent_from: str | None = values_in(lambda doc: doc.sending)

    @classmethod
    def of(cls, doc: Document, seq: int) -> RequestNotes:
        """What the document notes of seq now."""
        return cls(**{f.name: f.metadata["book"].read(doc, seq) for f in fields(cls)})

    def put(self, doc: Document, seq: int) -> None:
        """These notes become seq's (a retry's, which takes over the request that failed)."""
        for f in fields(self):
            f.metadata["book"].write(doc, seq, getattr(self, f.name))

    @classmethod
    def drop(cls, doc: Document, seq: int) -> None:
        """seq failed for good: every note of it goes (kept, each stayed for the session)."""
        for f in fields(cls):
            f.metadata["book"].erase(doc, seq)

    @classmethod
    def drop_answered(cls, doc: Document, seq: int) -> None:
        """seq ended without failing: the notes that its result takes go, those no result took too (a decode of a
        GAN's old w, after a switch)."""
        for f in fields(cls):
            if not f.metadata["book"].outlives_result:
                f.metadata["book"].erase(doc, seq)

    def noted_in(self, doc: Document, book: dict | set) -> bool:
        """Whether book is where one of these notes was taken from."""
        return any(f.metadata["book"].book(doc) is book and getattr(self, f.name) not in (None, False)
                   for f in fields(self))
