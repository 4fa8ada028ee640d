"""Faults inside the worker, on the real engine and tiny models: a bug in a job, out of memory on a
GPU (simulated: this machine has none), a model that draws NaNs. Each ends in a Failed with a message
that says what happened; the worker thread lives on and the next request works."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from corpus import BAD_MODELS
from genimg_gui.engine import requests as rq
from genimg_gui.engine.queue import RequestQueue
from genimg_gui.engine.runtime import Runtime

TIMEOUT = 30_000  # ms
VAE_DIM = 2 * 16 * 16
CUDA_OOM = "CUDA out of memory. Tried to allocate 20.00 GiB (GPU 0; 7.79 GiB total capacity)"
MPS_OOM = "MPS backend out of memory (MPS allocated: 9.02 GB, other allocations: 0 bytes, max allowed: 9.07 GB)"


class Outcomes:
    """The engine's answer (a result or a final Failed) to each request, by sequence number."""

    def __init__(self, qtbot, engine) -> None:
        self.qtbot, self.engine, self.by_seq, self.loaded = qtbot, engine, {}, {}
        engine.result.connect(self._on_result)
        engine.failed.connect(lambda f: f.final and self.by_seq.setdefault(f.seq, f))

    def _on_result(self, r) -> None:
        if isinstance(r, rq.ModelInfo):  # carries its path, not its request's seq
            self.loaded[r.path] = r
        else:
            self.by_seq.setdefault(r.seq, r)

    def of(self, request: rq.Request):
        path = request.path if isinstance(request, rq.LoadModel) else None
        self.loaded.pop(path, None)
        seq = self.engine.submit(request)
        self.qtbot.waitUntil(lambda: seq in self.by_seq or path in self.loaded, timeout=TIMEOUT)
        return self.by_seq.get(seq) or self.loaded[path]


@pytest.fixture()
def outcomes(qtbot, engine, model_dir) -> Outcomes:
    o = Outcomes(qtbot, engine)
    assert isinstance(o.of(rq.LoadModel(str(model_dir / "tiny-vae"))), rq.ModelInfo)
    return o


@pytest.fixture()
def reference(model_dir, outcomes) -> Runtime:
    rt = Runtime("cpu")
    rt.load(str(model_dir / "tiny-vae"), lambda *_: None)
    return rt


def latent(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(VAE_DIM).astype(np.float32)


def assert_alive_and_right(outcomes: Outcomes, reference: Runtime, seed: int = 7) -> None:
    """The worker thread still runs and answers the next request correctly."""
    assert outcomes.engine.thread.isRunning()
    z = latent(seed)
    done = outcomes.of(rq.Decode("vae", z, tag=1))
    assert isinstance(done, rq.Decoded) and np.array_equal(done.image, reference.decode("vae", z))


def failing(exc: BaseException, on: str | None = None):
    """A Runtime method that raises exc (only while the device is of type `on`, if given)."""
    real = Runtime.decode

    def decode(self, kind, z, *rest):  # rest: the tile progress render passes on
        if on is None or self.device.type == on:
            raise exc
        return real(self, kind, z, *rest)
    return decode


def test_a_bug_inside_a_job_fails_it_and_the_worker_goes_on(outcomes, reference, monkeypatch, capsys):
    # the fault in a context of its own: monkeypatch.undo() would undo the suite's user folders too
    with monkeypatch.context() as fault:
        fault.setattr(Runtime, "decode", failing(KeyError("decoder.7.weight")))
        failed = outcomes.of(rq.Decode("vae", latent(), tag=1))
    assert isinstance(failed, rq.Failed) and not failed.cancelled and not failed.retry_on_cpu
    assert failed.message == "internal error (KeyError: 'decoder.7.weight')" and failed.request == "Decode"
    assert "KeyError" in capsys.readouterr().err  # a bug: its traceback goes to the log
    assert_alive_and_right(outcomes, reference)


@pytest.mark.parametrize("device, exc", [("cuda:0", torch.OutOfMemoryError(CUDA_OOM)),
                                         ("mps", RuntimeError(MPS_OOM))], ids=["cuda", "mps"])
def test_out_of_memory_on_a_gpu_offers_a_retry_on_the_cpu_that_works(device, exc, outcomes, reference,
                                                                      monkeypatch):
    """The worker believes it runs on a GPU that is out of memory; the same request works on the CPU."""
    worker = outcomes.engine.worker
    monkeypatch.setattr(worker.runtime, "device", torch.device(device))  # the worker is idle: no race
    monkeypatch.setattr(Runtime, "decode", failing(exc, on=torch.device(device).type))
    request = rq.Decode("vae", latent(3), tag=1)
    failed = outcomes.of(request)
    assert isinstance(failed, rq.Failed) and failed.retry_on_cpu and not failed.cancelled
    assert failed.message.startswith(f"out of memory on {device}; retry it on the CPU")
    # what the window's Retry on CPU does: switch the device, send the same request again
    assert outcomes.of(rq.SetDevice("cpu")).device == "cpu"
    done = outcomes.of(request)
    assert isinstance(done, rq.Decoded) and np.array_equal(done.image, reference.decode("vae", latent(3)))
    assert_alive_and_right(outcomes, reference)


@pytest.mark.parametrize("exc", [torch.OutOfMemoryError("out of memory"), MemoryError(),
                                 RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: "
                                              "can't allocate memory: you tried to allocate 81920000000 bytes")],
                         ids=["torch", "python", "cpu-allocator"])
def test_out_of_memory_on_the_cpu_says_so_without_a_retry(exc, outcomes, reference, monkeypatch):
    with monkeypatch.context() as fault:
        fault.setattr(Runtime, "decode", failing(exc))
        failed = outcomes.of(rq.Decode("vae", latent(), tag=1))
    assert isinstance(failed, rq.Failed) and not failed.retry_on_cpu
    assert failed.message == "out of memory on cpu; close other programs, or load a smaller model"
    assert_alive_and_right(outcomes, reference)


def test_out_of_memory_while_loading_keeps_the_loaded_model(outcomes, reference, model_dir, monkeypatch):
    def load(self, path, progress, scaling_factor=None):
        raise torch.OutOfMemoryError("out of memory")
    with monkeypatch.context() as fault:
        fault.setattr(Runtime, "load", load)
        failed = outcomes.of(rq.LoadModel(str(model_dir / "tiny-gan")))
    assert isinstance(failed, rq.Failed) and failed.message.startswith("out of memory on cpu")
    assert set(outcomes.engine.worker.runtime.models) == {"vae"}
    assert_alive_and_right(outcomes, reference)


def test_a_model_that_draws_nans_fails_each_job_clearly(outcomes, reference):
    net = outcomes.engine.worker.runtime.models["vae"].net  # the worker is idle between requests
    saved = {k: v.clone() for k, v in net.state_dict().items()}
    with torch.no_grad():
        next(net.decoder.parameters()).fill_(float("nan"))
    failed = outcomes.of(rq.Decode("vae", latent(), tag=1))
    assert isinstance(failed, rq.Failed) and failed.message == "the VAE produced NaN/inf pixels for this latent"
    image = np.full((32, 32, 3), 200, np.uint8)
    failed = outcomes.of(rq.EncodeImage(image, "grey"))
    assert isinstance(failed, rq.Failed) and failed.message == "the VAE produced NaN/inf values for this image"
    net.load_state_dict(saved)
    assert_alive_and_right(outcomes, reference)
    assert isinstance(outcomes.of(rq.EncodeImage(image, "grey")), rq.Encoded)


def test_a_nan_latent_fails_instead_of_drawing_garbage(outcomes, reference):
    z = latent()
    z[5] = np.nan
    failed = outcomes.of(rq.Decode("vae", z, tag=1))
    assert isinstance(failed, rq.Failed) and "NaN/inf" in failed.message
    assert_alive_and_right(outcomes, reference)


def test_a_model_file_with_nan_weights_is_refused_and_the_old_model_stays(outcomes, reference, model_dir, tmp_path):
    case = BAD_MODELS["nan-weights"]
    path = tmp_path / case.name
    case.make(path, model_dir / "tiny-vae", model_dir / "tiny-gan")
    failed = outcomes.of(rq.LoadModel(str(path)))
    assert isinstance(failed, rq.Failed) and "holds NaN or infinite values" in failed.message
    assert outcomes.engine.worker.runtime.models["vae"].path == str(model_dir / "tiny-vae")
    assert_alive_and_right(outcomes, reference)


def test_a_storm_of_faults_leaves_the_worker_working(outcomes, reference, monkeypatch):
    errors = [KeyError("x"), ValueError("bad latent"), torch.OutOfMemoryError("out of memory"),
              FloatingPointError("NaN"), ZeroDivisionError("division by zero"), OSError("disk gone"), MemoryError()]
    real = Runtime.decode

    def decode(self, kind, z, *rest):  # the latent's first value says which fault to raise
        k = int(z[0])
        if 0 <= k < len(errors):
            raise errors[k]
        return real(self, kind, z, *rest)
    with monkeypatch.context() as faults:
        faults.setattr(Runtime, "decode", decode)
        for i in range(3 * len(errors)):
            z = latent(i)
            z[0] = i % len(errors)
            assert isinstance(outcomes.of(rq.Decode("vae", z, tag=i + 1)), rq.Failed)
    assert_alive_and_right(outcomes, reference)


def test_cancelling_a_finished_or_unknown_request_is_forgotten():
    """A cancel that arrives after its request ended must not be kept (the set would only grow)."""
    q = RequestQueue()
    q.put(rq.LoadModel("a", seq=1))
    assert q.take().seq == 1
    q.finished(1)
    q.cancel(1)
    q.cancel(99)
    assert q._cancelled == set()  # noqa: SLF001 - nothing observable would show the leak sooner
