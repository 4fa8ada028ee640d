"""The directions being made from examples: which EncodeLatents request encodes which side of which direction, until
both sides have come back. A side that ran out of GPU memory keeps its direction waiting for Retry on CPU, which sends
it again under a new seq (document.retried): its latents were dropped, and the other side's with them, and no
direction came while the status bar said the encoding was done on the CPU. A waiting side whose retry can no longer be
sent (document.retry_withdrawn) drops its direction, and the latents it kept; a side still being encoded is
cancelled then. A side of a direction being made again for new weights (direction_remake) that fails for good is
said by gave_up, once, naming the direction: the bare error said nothing of it, and it stayed to be made again. One
cancelled, or whose retry is withdrawn, is told to stopped: it stayed counted as being made, and loading those
weights again in the window made nothing and said nothing (the user had heard a bare "Cancelled")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

from ..engine import requests as rq
from .directions_dialog import DirectionRequest
from .running_jobs import JobKind, RunningJob

if TYPE_CHECKING:
    from .document import Document


@dataclass
class Job:
    """A direction being made: its two EncodeLatents requests and what came back."""
    request: DirectionRequest
    # the identity of the VAE loaded when it was asked (ModelInfo.identity; a copy of it encodes the same): the
    # weights one made again is for. A user's is for the VAE that encodes its examples (encoded_by): one loading as
    # it was asked loads first
    model: str
    latents: dict[str, np.ndarray] = field(default_factory=dict)  # "from" / "to" -> (N, D)
    failed: list[str] = field(default_factory=list)
    again: bool = False  # made again from its examples for its model's new weights (direction_remake)
    encoded_by: dict[str, str] = field(default_factory=dict)  # "from" / "to" -> the VAE that encoded it (Latents)

    def encoded_in(self, identity: str) -> bool:
        """Whether both sides' examples were encoded by the VAE identity, the one asked for if made again."""
        return set(self.encoded_by.values()) == {identity} and (not self.again or self.model == identity)


class DirectionJobs:
    """EncodeLatents seq -> (job, side) for each side under way, and for each that ran out of GPU memory; finish(job)
    is called once both sides' latents are in. Empty (false) when no direction is being made."""

    def __init__(self, document: Document, finish: Callable[[Job], None], gave_up: Callable[[Job, str], None],
                 stopped: Callable[[Job, bool], None]) -> None:
        # stopped(job, cancelled): a direction made again that is not made, yet not refused (direction_remake)
        self.document, self.finish, self.gave_up, self.stopped = document, finish, gave_up, stopped
        self.running: dict[int, tuple[Job, str]] = {}
        self.out_of_memory: dict[int, tuple[Job, str]] = {}  # begun again by Retry on CPU (_on_retried)
        document.latents_ready.connect(self._on_latents)
        document.engine.failed.connect(self._on_failed)
        document.retried.connect(self._on_retried)
        document.retry_withdrawn.connect(self._on_withdrawn)

    def __len__(self) -> int:
        return len(self.running) + len(self.out_of_memory)

    def encode(self, job: Job, side: str, paths: tuple[str, ...]) -> int:
        """Send one side's examples to be encoded; returns the request's seq."""
        seq = self.document.engine.submit(rq.EncodeLatents(tuple(paths)))
        self.document.jobs[seq] = RunningJob(JobKind.EXAMPLES, tuple(paths))
        self.running[seq] = (job, side)
        self._told_here(seq, job)
        return seq

    def _told_here(self, seq: int, job: Job) -> None:
        """A direction made again: should seq fail for good, gave_up says so in the document's place (before
        _on_failed forgets the job, which cancels its other side without a word); should it be cancelled, stopped
        says so in place of a bare "Cancelled"."""
        def failed(f: rq.Failed) -> None:
            if seq in self.running:  # not a side cancelled as its other side failed
                self.gave_up(job, f.message)
        if job.again:
            self.document.failures.instead[seq] = failed
            self.document.failures.cancel_told_elsewhere.add(seq)

    def _on_failed(self, f: rq.Failed) -> None:
        if not f.final or f.seq not in self.running:
            return
        job, side = self.running.pop(f.seq)
        if f.retry_on_cpu:  # the job waits, the other side's latents kept, for Retry on CPU
            self.out_of_memory[f.seq] = (job, side)
            for other in [s for s, (running, _) in self.running.items() if running is job]:
                self.document.failures.keep_with(f.seq, other)  # should it run out too, its retry sends this one
        else:  # the document reports it (gave_up, one made again); forget the whole job
            self._forget(job)
            if f.cancelled and job.again:
                self.stopped(job, True)

    def _forget(self, job: Job) -> None:
        """No direction comes of job: its sides that ran out of memory are no longer offered for a retry, which
        re-encoded a side whose latents were then dropped, and said the encoding was done; those under way are
        cancelled, their latents would be dropped (the failure that ended the job is said already)."""
        under_way = [s for s, (other, _) in self.running.items() if other is job]
        self.running = {s: v for s, v in self.running.items() if v[0] is not job}
        waiting = [s for s, (other, _) in self.out_of_memory.items() if other is job]
        self.out_of_memory = {s: v for s, v in self.out_of_memory.items() if v[0] is not job}
        self.document.failures.withdraw(*waiting)
        for seq in under_way:
            self.document.failures.abandon(seq)

    def _on_retried(self, seq: int, new: int) -> None:
        """A side sent again on the CPU: its latents come under the new seq. The other side, if it ran out of memory
        too, is sent again with it (Retry on CPU offers the last request to run out), or the direction never came."""
        if (waiting := self.out_of_memory.pop(seq, None)) is None:
            return
        self.running[new] = waiting
        self._told_here(new, waiting[0])
        for other in [s for s, (job, _) in self.out_of_memory.items() if job is waiting[0]]:
            self.document.retry_on_cpu(other)  # too old to send again: said, and withdrawn (_on_withdrawn forgets)

    def _on_withdrawn(self, seq: int) -> None:
        if (waiting := self.out_of_memory.pop(seq, None)) is not None:
            self._forget(waiting[0])
            if waiting[0].again:  # its out-of-memory error named no direction
                self.stopped(waiting[0], False)

    def _on_latents(self, r: rq.Latents) -> None:
        if r.seq not in self.running:
            return
        job, side = self.running.pop(r.seq)
        job.latents[side] = r.latents
        job.encoded_by[side] = r.model
        job.failed += r.failed
        if len(job.latents) == 2:
            self.finish(job)
