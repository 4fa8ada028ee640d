"""Requests the worker could not do. A failure that is final drops the document's note of the request; one that
ran out of memory on a GPU keeps it, so the status bar's Retry on the CPU picks up where the request left off; the
retry takes the out-of-memory error off the status bar and, as it ends with a result, says it was done on the CPU.
The bar offers the last request to run out (its button sends that one): an older one waiting is dropped then
(retry_withdrawn), with what it held, unless the one offered brings it along (keep_with), and so is one its controller
gave up (withdraw), or a decode asked of a model replaced since (model_replaced).
The files of one open that could not be read are told in one message once it ends."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..engine import requests as rq
from ..wording import counted
from .document_session import own_model_not_loaded
from .request_notes import RequestNotes
from .running_jobs import JobKind
from .slow_draw import what

# how the end of a request that Retry on CPU sent again says so, after what it did ("Wrote …/morph.gif (…)")
DONE_ON_CPU = "done on the CPU, as the GPU ran out of memory"

if TYPE_CHECKING:
    from .document import Document


def done_on_cpu(request: rq.Request | None) -> str:
    """What a retry says as it ends: "The encoding of “cat.png” was done on the CPU, as the GPU ran out of memory"."""
    work = "the work" if request is None else what(request, running=False)
    return f"{work[:1].upper()}{work[1:]} was {DONE_ON_CPU}"


class FailedRequests:
    """The document's failed requests and their retries on the CPU."""

    def __init__(self, document: Document) -> None:
        self.document = document
        # failed seq -> its error and what the document noted of it (the retry takes it over): a picture sent to the
        # VAE, its encode retried without its note, came without its "Sent from …" first step
        self.retries: dict[int, tuple[str, RequestNotes]] = {}
        self.offered = 0  # the seq the status bar's Retry on CPU sends; 0 once clicked or withdrawn
        # seq -> the request whose retry sends it again too (a direction's other side): it waits while that one runs
        # or is offered. Each retry waiting held its notes (and its controller's: a direction's latents) for good
        self.kept_with: dict[int, int] = {}
        # a retry's seq -> what it says as it ends (on_done): nothing said, the user who clicked Retry could not tell
        # whether it worked. One whose own end says so (a morph export's "Wrote …; done on the CPU…") takes it out
        self.on_cpu: dict[int, str] = {}
        # the retries in on_cpu that a result came for: one that ended with none (a decode of a VAE replaced as it
        # waited) said it was done on the CPU though nothing was drawn
        self.answered: set[int] = set()
        self.unopened: dict[int, list[str]] = {}  # EncodeFiles seq -> why each of its files could not be read
        # EncodeFiles seq -> what is said as it ends, after its files not opened: the files of its drop that are open
        # already (already_open.show_open), which the bar then shows before those errors, in one line
        self.said_at_end: dict[int, str] = {}
        # requests whose cancel their controller tells, with what it kept (an inversion's): a bare "Cancelled" came
        # before that in the message log, two lines for one stop
        self.cancel_told_elsewhere: set[int] = set()
        # requests their controller gave up (abandon), still under way: should one run out of memory before its
        # cancel reaches it, Retry on CPU offered work whose result had no one left to take it
        self.abandoned: set[int] = set()
        # seq -> what its sender does should it fail for good (the start-up's fallback to a bundled model): done
        # before the files waiting for the loads open, and it says why, with what it did instead (not said here)
        self.instead: dict[int, Callable[[rq.Failed], None]] = {}

    def on_failed(self, f: rq.Failed) -> None:
        doc = self.document
        if f.path and not f.final:  # one file of several: told with the others when the job ends (on_progress)
            self.unopened.setdefault(f.seq, []).append(f.message)
            return
        # read first: what _let_go withdraws may abandon this very request (a direction's side the user cancelled),
        # and its cancel, asked for by the user, then went untold
        abandoned, told = f.seq in self.abandoned, f.seq in self.cancel_told_elsewhere
        instead = self.instead.pop(f.seq, None) if f.final else None
        # not for a load the user cancelled, nor one that Retry on CPU may still make (out of GPU memory)
        instead = None if f.cancelled or getattr(f, "retry_on_cpu", False) else instead
        if getattr(f, "retry_on_cpu", False) and not abandoned:
            self.retries[f.seq] = (f.message, RequestNotes.of(doc, f.seq))
            self._offer(f.seq)
        elif f.final:
            self._let_go(f.seq)
            if getattr(f, "retry_on_cpu", False):  # abandoned: the engine kept it for a Retry on CPU no one will send
                doc.engine.forget(f.seq)
        left_behind = None  # what to tell of an item whose carrying over to a new model this was
        if f.final:
            self.on_cpu.pop(f.seq, None)  # a retry that failed too: its error says so
            self.answered.discard(f.seq)
            self._tell_unopened(f.seq)  # the job ended without its last progress (an internal error)
            if (job := doc.jobs.pop(f.seq, None)) is not None and job.kind is JobKind.LOAD:
                own_model_not_loaded(doc, job.paths[0], "its load was cancelled" if f.cancelled else f.message)
            if instead is not None:
                instead(f)  # a load sent now: the files waiting for the loads wait for it too
            if not f.superseded:  # files waiting on a model that did not load open with the one loaded; not yet
                doc.open_waiting()  # where a newer request dropped it: they wait for that one, not yet a job
            doc.samples.drop(f.seq)
            # that picture (that seed) keeps the last model's latent until carried again: by a retry, or as it is next
            # drawn. Dropped, a Cancel left it drawn by the new VAE, and saved as the new VAE's
            left_behind = doc.carry.not_carried(f.seq, None if f.cancelled else f.message)
            RequestNotes.drop(doc, f.seq)  # a retry has them from self.retries
        if abandoned or instead is not None:  # said by its controller, or its sender, with what it did
            pass
        elif f.cancelled and getattr(f, "retry_on_cpu", False):  # files of several that ran out before the cancel
            doc.error.emit(f.message)
            doc.message.emit("Cancelled")
        elif not f.cancelled:  # one that Retry on CPU may do keeps its words: that retry takes them off the bar
            doc.error.emit(left_behind if left_behind and not getattr(f, "retry_on_cpu", False) else f.message)
        elif not told and not f.superseded:  # a superseded one: slow_draw says why
            doc.message.emit(f"Cancelled: {left_behind}" if left_behind else "Cancelled")
        if f.final:
            self.cancel_told_elsewhere.discard(f.seq)
            self.abandoned.discard(f.seq)

    def on_progress(self, p: rq.Progress) -> None:
        if p.fraction >= 1.0:  # done, or cancelled (its progress ends first)
            self._tell_unopened(p.seq)

    def on_result(self, result: object) -> None:
        """A result of a request (Engine.result, before its done): a retry under way did something to say."""
        if getattr(result, "seq", None) in self.on_cpu:
            self.answered.add(result.seq)

    def on_done(self, seq: int) -> None:
        """A request ended without failing (Engine.done, after its results): a retry on the CPU that brought a
        result says so."""
        if (said := self.on_cpu.pop(seq, None)) is not None and seq in self.answered:
            self.document.message.emit(said)
        self.answered.discard(seq)
        self.cancel_told_elsewhere.discard(seq)  # abandoned as it ended: the cancel came too late to be told
        self.abandoned.discard(seq)
        self.instead.pop(seq, None)
        self._let_go(seq)
        RequestNotes.drop_answered(self.document, seq)

    def abandon(self, seq: int) -> None:
        """seq's result is no longer wanted (its controller dropped what it was for, and said why): it is cancelled
        without a bare "Cancelled", and should it end first, says nothing of the CPU. A direction's side re-sent by
        Retry on CPU, whose other side was too old to retry, ran on and said its encoding was done on the CPU."""
        self.on_cpu.pop(seq, None)
        self.cancel_told_elsewhere.add(seq)
        self.abandoned.add(seq)
        self.document.cancel(seq)

    def drop_marked(self, book: set[int]) -> None:
        """The requests that book marks are no longer wanted (a restored session's samples replace the GAN's start-up
        sample): a retry waiting for one is withdrawn, and one under way says nothing of the CPU as it ends (it shows
        nothing). Clicked after the restore, Retry on CPU drew a "seed 0" beside the session's samples."""
        self.withdraw(*[seq for seq, (_, notes) in self.retries.items() if notes.noted_in(self.document, book)])
        for seq in book:
            self.on_cpu.pop(seq, None)

    def model_replaced(self, info: rq.ModelInfo) -> None:
        """info is the model of its kind now: the retries of decodes asked of the one it replaced are withdrawn, as
        the worker draws a latent only in the model it is of (Decode.model), and the views ask the new one again.
        Offered still, Retry on CPU drew nothing and said the decode was done on the CPU."""
        engine = self.document.engine
        self.withdraw(*[seq for seq in self.retries if isinstance(r := engine.request(seq), rq.Decode)
                        and r.kind == info.kind and r.model not in ("", info.identity)])

    def keep_with(self, seq: int, other: int) -> None:
        """The retry of seq, waiting, is kept while other runs or is the one offered: other's retry sends seq again
        too (DirectionJobs: a direction's two sides)."""
        self.kept_with[seq] = other

    def _offer(self, seq: int) -> None:
        """The status bar's Retry on CPU sends seq now, no longer the one it offered before: the retries that can
        no longer be sent, by the button or along with the one it sends, are dropped."""
        self.offered = seq
        self.document.retry_offered.emit(seq)
        self._withdraw_unsendable()

    def _sendable(self, seq: int) -> bool:
        other = self.kept_with.get(seq)
        # other not waiting for a retry is still running: _let_go drops the link once it ends otherwise
        return seq == self.offered or other is not None and (other not in self.retries or other == self.offered)

    def _withdraw_unsendable(self) -> None:
        """Drop the retries that neither the button nor the one kept with them can send any more: each waited, with
        what it held, for the whole session."""
        while unsendable := [s for s in self.retries if not self._sendable(s)]:
            self.withdraw(*unsendable)

    def withdraw(self, *seqs: int) -> None:
        """The retries of seqs can no longer be sent (a direction dropped, its other side cancelled or failed): the
        status bar no longer offers them, and those kept with them wait on their own, or go too (retry_withdrawn
        for each). A Retry left on offer re-encoded a side whose direction was gone, then said it was done."""
        for seq in seqs:
            if self.retries.pop(seq, None) is None:  # withdrawn already (a handler of retry_withdrawn withdrew it)
                continue
            self.kept_with.pop(seq, None)
            if seq == self.offered:
                self.offered = 0
            self.document.retry_withdrawn.emit(seq)
        self._let_go(*seqs)

    def _let_go(self, *seqs: int) -> None:
        """seqs will not send the retries kept with them (ended without running out of memory, or withdrawn): those
        wait on their own now, or are withdrawn if nothing can send them. Kept, a side whose link had ended stayed
        for the session, as nothing but a new failure looked at it again."""
        self.kept_with = {s: other for s, other in self.kept_with.items() if other not in seqs}
        self._withdraw_unsendable()

    def _tell_unopened(self, seq: int) -> None:
        """One message for every file of the job that was not opened: each had its own, and the status bar showed
        the last few of them. Then what the job says as it ends (said_at_end): a message after errors is shown
        before them, the two in one line."""
        reasons = self.unopened.pop(seq, [])
        if len(reasons) == 1:
            self.document.error.emit(reasons[0])
        elif reasons:
            self.document.error.emit(f"{counted(len(reasons), 'file')} were not opened: " + "; ".join(reasons))
        if said := self.said_at_end.pop(seq, ""):
            self.document.message.emit(said)

    def retry_offered(self) -> int | None:
        """The status bar's Retry on CPU was clicked: the request it offers is sent again."""
        return self.retry_on_cpu(self.offered) if self.offered else None

    def retry_on_cpu(self, seq: int) -> int | None:
        """Document.retry_on_cpu: the new request's seq takes over the failed one's notes."""
        doc = self.document
        doc.set_device("cpu")
        error, notes = self.retries.pop(seq, ("", RequestNotes()))
        self.kept_with.pop(seq, None)
        if seq == self.offered:
            self.offered = 0  # the button is hidden once clicked
        request = doc.engine.request(seq)  # as sent again: once sent, the worker may have ended it already
        new = doc.engine.resubmit(seq)
        if new is None:
            doc.error.emit("That request is too old to retry; do it again")
            doc.retry_withdrawn.emit(seq)
            self._let_go(seq)  # the retries kept with it: it sends them no more
            return None
        notes.put(doc, new)
        for item in doc.items.values():
            if item.requested_seq == seq:  # the retried decode of its state is the newest asked (stale_below)
                item.requested_seq = new
        pending = doc.samples.pending
        if pending.get(new, 0) > 0 and pending[new] not in doc.items:
            del pending[new]  # a sample for an item closed since: dropped, not made a new item
        self.on_cpu[new] = done_on_cpu(request)
        if isinstance(request, rq.LoadModel):  # its ModelInfo names no seq: a load that ends without failing loaded
            self.answered.add(new)
        if error:
            doc.error_answered.emit(error)  # the out-of-memory error, still on the status bar, is answered now
        doc.retried.emit(seq, new)  # for those that keep their own note of a request (a morph export's)
        return new
