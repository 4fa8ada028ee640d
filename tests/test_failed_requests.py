"""FailedRequests on its own, with a made-up document: which retries stay offered as requests run out of GPU memory,
end and are retried. A retry that can no longer be sent is withdrawn (retry_withdrawn), so that what it kept is let
go; one kept with a request whose run then ended stayed for the whole session."""
from __future__ import annotations

from types import SimpleNamespace

from genimg_gui.engine import requests as rq
from genimg_gui.ui.failed_requests import FailedRequests


class Said:
    """A made-up Qt signal: what it emitted, told to its slots."""

    def __init__(self) -> None:
        self.slots: list = []
        self.args: list[tuple] = []

    def connect(self, slot) -> None:
        self.slots.append(slot)

    def emit(self, *args) -> None:
        self.args.append(args)
        for slot in self.slots:
            slot(*args)


def document(first_retry: int = 100) -> SimpleNamespace:
    """What FailedRequests asks of a Document: its notes, its signals, and an engine that sends a request again."""
    seqs = iter(range(first_retry, first_retry + 100))
    engine = SimpleNamespace(resubmit=lambda seq: next(seqs), request=lambda seq: None, forgotten=[])
    engine.forget = engine.forgotten.append
    samples = SimpleNamespace(pending={}, asked_at={}, aside=set(), kept_asks=set(), auto_asks=set(), asks={},
                              unseeded_asks=set(), originals={}, drop=lambda seq: None)
    signals = ("retry_offered", "retry_withdrawn", "error", "message", "error_answered", "retried")
    carry = SimpleNamespace(reencodes={}, remaps={}, not_carried=lambda seq, why: None)  # no switch under way
    return SimpleNamespace(jobs={}, sending={}, samples=samples, carry=carry, items={},
                           engine=engine, open_waiting=lambda: None, set_device=lambda device: None,
                           cancel=lambda seq: None, **{name: Said() for name in signals})


def out_of_memory(seq: int) -> rq.Failed:
    return rq.Failed(seq, "EncodeLatents", "out of memory on cuda:0", final=True, retry_on_cpu=True)


def test_a_side_kept_with_a_retry_that_ended_is_withdrawn_once_another_is_offered():
    """A direction's sides A and B, an inversion C after them. A runs out (B still to run); Retry on CPU sends A
    again (A2, after C); B runs out while A2 runs, C then too: the bar offers C. A2 ends: B, waiting on it, can be
    sent by nothing now, yet it stayed in the retries (and its direction's latents) for good."""
    doc = document()
    failures = FailedRequests(doc)
    a, b, c = 10, 11, 12
    failures.on_failed(out_of_memory(a))
    failures.keep_with(a, b)
    a2 = failures.retry_on_cpu(a)
    failures.on_failed(out_of_memory(b))
    failures.keep_with(b, a2)
    failures.on_failed(out_of_memory(c))
    assert list(failures.retries) == [b, c]  # B waits: A2's run may yet run out, and its retry send B too
    failures.on_done(a2)
    assert list(failures.retries) == [c] and failures.offered == c and (b,) in doc.retry_withdrawn.args
    assert failures.retry_offered() == a2 + 1 and not failures.retries and not failures.kept_with


def test_a_side_kept_with_a_retry_too_old_to_send_is_withdrawn():
    """The other side of a direction whose offered side could not be sent again: nothing sends it now."""
    doc = document()
    failures = FailedRequests(doc)
    doc.engine.resubmit = lambda seq: None  # too old
    failures.on_failed(out_of_memory(10))
    failures.keep_with(10, 11)  # 11, the other side, still to run
    failures.on_failed(out_of_memory(11))
    assert list(failures.retries) == [10, 11]
    assert failures.retry_on_cpu(11) is None
    assert not failures.retries and not failures.kept_with and doc.retry_withdrawn.args == [(11,), (10,)]


def test_a_withdrawn_retry_is_no_longer_offered():
    doc = document()
    failures = FailedRequests(doc)
    failures.on_failed(out_of_memory(10))
    failures.withdraw(10)
    assert failures.offered == 0 and not failures.retries and doc.retry_withdrawn.args == [(10,)]
    assert failures.retry_offered() is None  # the button, clicked anyway, sends nothing


def test_an_abandoned_request_that_runs_out_of_memory_offers_no_retry_and_says_nothing():
    """A direction's side given up by its controller (its other side failed for good) ran out of GPU memory before
    its cancel reached it: Retry on CPU was offered for work no one would take, and the error shown. The engine kept
    it (and its latents) for that retry until eight more ran out; it lets go of it now."""
    doc = document()
    failures = FailedRequests(doc)
    failures.abandon(11)
    failures.on_failed(out_of_memory(11))
    assert not failures.retries and failures.offered == 0 and not doc.retry_offered.args
    assert not doc.error.args and not failures.abandoned and not failures.cancel_told_elsewhere
    assert doc.engine.forgotten == [11]


def test_a_cancel_the_user_asked_for_is_told_when_it_makes_its_controller_give_the_request_up():
    """A direction's side A ran out while B ran, another request C ran out after (the bar offers C); the user
    cancels B. Letting go of B withdraws A, and A's controller, dropping the direction, abandons B: that abandon
    silenced the cancel the user had asked for, and nothing said "Cancelled"."""
    doc = document()
    failures = FailedRequests(doc)
    doc.retry_withdrawn.connect(lambda seq: failures.abandon(11) if seq == 10 else None)  # DirectionJobs._forget
    failures.on_failed(out_of_memory(10))
    failures.keep_with(10, 11)
    failures.on_failed(out_of_memory(12))
    failures.on_failed(rq.Failed(11, "EncodeLatents", "Cancelled", cancelled=True))
    assert (10,) in doc.retry_withdrawn.args and doc.message.args == [("Cancelled",)]
    assert not failures.abandoned and not failures.cancel_told_elsewhere
