"""The engine on its worker thread with the tiny real models, and the request queue it reads."""
from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest
import torch

from genimg_gui.catalog import estimated_dir
from genimg_gui.engine import requests as rq
from genimg_gui.engine.queue import Cancelled, RequestQueue
from genimg_gui.models.directions import load_directions
from genimg_gui.models.weights import DIRECTIONS_NAME, parameter_count, load_model

VAE_DIM = 2 * 16 * 16
TIMEOUT = 30_000  # ms; the first VAE load estimates directions (seconds on a busy CPU)


class Recorder:
    """Everything the engine emits, in arrival order."""

    def __init__(self, engine) -> None:
        self.results: list = []
        self.failures: list[rq.Failed] = []
        self.progress: list[rq.Progress] = []
        engine.result.connect(self.results.append)
        engine.failed.connect(self.failures.append)
        engine.progress.connect(self.progress.append)

    def of(self, seq: int, kind=object) -> list:
        return [r for r in self.results if isinstance(r, kind) and getattr(r, "seq", None) == seq]

    def failed(self, seq: int) -> list[rq.Failed]:
        return [f for f in self.failures if f.seq == seq]


def load(qtbot, engine, path) -> rq.ModelInfo:
    with qtbot.waitSignal(engine.result, timeout=TIMEOUT,
                          check_params_cb=lambda r: isinstance(r, rq.ModelInfo)) as blocker:
        engine.submit(rq.LoadModel(str(path)))
    return blocker.args[0]


def latents(n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(VAE_DIM).astype(np.float32) for _ in range(n)]


# --- loading -------------------------------------------------------------

def test_load_vae_gives_model_info_with_directions(qtbot, engine, model_dir):
    info = load(qtbot, engine, model_dir / "tiny-vae")
    net, _ = load_model(model_dir / "tiny-vae")
    assert (info.kind, info.name, info.device, info.latent_size) == ("vae", "tiny-vae", "cpu", VAE_DIM)
    assert info.parameters == parameter_count(net) and info.card["training"]["licence"] == "CC0"
    d = info.directions
    assert d.basis.shape == (16, VAE_DIM) and d.mean.shape == (VAE_DIM,) and len(d.labels) == 16
    np.testing.assert_allclose(d.basis @ d.basis.T, np.eye(16), atol=1e-4)
    assert np.all(d.sigma > 0)
    assert not info.estimated_directions  # read from the folder's directions.safetensors


def test_directions_are_computed_then_kept_out_of_the_model_folder(qtbot, engine, model_dir, tmp_path):
    """A folder without directions.safetensors: estimated, said, and kept in genimg's data folder by the weights'
    digest; the folder is not written into (`genimg info` wrote the file into it)."""
    folder = shutil.copytree(model_dir / "tiny-gan", tmp_path / "gan")
    (folder / DIRECTIONS_NAME).unlink()
    before = sorted(p.name for p in folder.iterdir())
    rec = Recorder(engine)
    info = load(qtbot, engine, folder)
    assert info.kind == "gan" and info.latent_size == 16 and len(info.directions) == 16
    assert any(p.text == "computing latent directions" for p in rec.progress)  # computed, not read
    assert sorted(p.name for p in folder.iterdir()) == before
    assert info.estimated_directions == (f"directions.safetensors is missing from {folder}: slider directions "
                                         "estimated from new samples of the model, not those saved as it was "
                                         "trained; copy the model's own directions.safetensors into it to edit "
                                         "along the directions it was trained with")
    kept = load_directions(estimated_dir() / info.identity, 16)
    assert kept is not None, "the estimate was not kept"
    # The kept file must hold what the app used on this first load, or slider k means something else
    # after a restart. Fails while save_directions writes pca()'s Fortran-ordered basis raw.
    assert np.array_equal(kept.basis, info.directions.basis), "the kept basis differs from the computed one"
    assert np.array_equal(kept.sigma, info.directions.sigma) and kept.labels == info.directions.labels
    rec.progress.clear()
    again = load(qtbot, engine, folder)  # read from the kept file this time: same directions, still said
    assert not any(p.text == "computing latent directions" for p in rec.progress)
    assert np.array_equal(again.directions.basis, kept.basis)
    assert again.estimated_directions == info.estimated_directions
    assert sorted(p.name for p in folder.iterdir()) == before


def test_load_a_broken_folder_fails_and_the_worker_goes_on(qtbot, vae_engine, tmp_path):
    (tmp_path / "card.json").write_text("{broken")
    rec = Recorder(vae_engine)
    seq = vae_engine.submit(rq.LoadModel(str(tmp_path)))
    qtbot.waitUntil(lambda: bool(rec.failed(seq)), timeout=TIMEOUT)
    assert rec.failed(seq)[0].request == "LoadModel" and "is not valid JSON" in rec.failed(seq)[0].message
    seq = vae_engine.submit(rq.Decode("vae", latents(1)[0]))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Decoded)), timeout=TIMEOUT)


# --- encoding --------------------------------------------------------------

def test_encode_files_one_result_per_file_and_bad_files_fail_alone(qtbot, vae_engine, image_files, tmp_path):
    bad = tmp_path / "not an image.png"
    bad.write_text("hello")
    paths = [str(image_files[0]), str(bad), *map(str, image_files[1:])]
    rec = Recorder(vae_engine)
    seq = vae_engine.submit(rq.EncodeFiles(tuple(paths)))
    qtbot.waitUntil(lambda: any(p.seq == seq and p.fraction == 1.0 for p in rec.progress), timeout=TIMEOUT)
    encoded = rec.of(seq, rq.Encoded)
    assert [e.name for e in encoded] == [p.name for p in image_files]
    for e in encoded:
        assert e.original.shape == e.image.shape == (32, 32, 3) and e.image.dtype == np.uint8
        assert e.latent.shape == (VAE_DIM,) and e.latent.dtype == np.float32
    [failure] = rec.failed(seq)
    assert failure.request == "EncodeFiles" and "not an image.png" in failure.message and not failure.cancelled


def test_encoded_reconstruction_decodes_identically(qtbot, vae_engine, image_files, vae_reference):
    rec = Recorder(vae_engine)
    seq = vae_engine.submit(rq.EncodeFiles((str(image_files[1]),), "letterbox"))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Encoded)), timeout=TIMEOUT)
    e = rec.of(seq, rq.Encoded)[0]
    assert np.array_equal(vae_reference.decode("vae", e.latent), e.image)


# --- decoding --------------------------------------------------------------

def test_decode_equals_a_direct_decode(qtbot, vae_engine, vae_reference):
    z = latents(1, seed=5)[0]
    with qtbot.waitSignal(vae_engine.result, timeout=TIMEOUT,
                          check_params_cb=lambda r: isinstance(r, rq.Decoded)) as blocker:
        seq = vae_engine.submit(rq.Decode("vae", z, tag=42))
    r = blocker.args[0]
    assert (r.seq, r.kind, r.tag) == (seq, "vae", 42)
    assert r.image.shape == (32, 32, 3) and np.array_equal(r.image, vae_reference.decode("vae", z))


def test_burst_of_decodes_latest_wins(qtbot, vae_engine, vae_reference):
    rec = Recorder(vae_engine)
    zs = latents(200, seed=1)
    seqs = [vae_engine.submit(rq.Decode("vae", z, tag=1)) for z in zs]
    qtbot.waitUntil(lambda: bool(rec.of(seqs[-1], rq.Decoded)), timeout=TIMEOUT)
    decoded = [r for r in rec.results if isinstance(r, rq.Decoded)]
    assert len(decoded) < 100, f"{len(decoded)} of 200 superseded decodes were rendered"
    assert [r.seq for r in decoded] == sorted(r.seq for r in decoded) and decoded[-1].seq == seqs[-1]
    assert vae_engine.queue.superseded == 200 - len(decoded)
    assert np.array_equal(decoded[-1].image, vae_reference.decode("vae", zs[-1]))


def test_worker_survives_errors(qtbot, vae_engine):
    rec = Recorder(vae_engine)

    def fail(request) -> rq.Failed:
        seq = vae_engine.submit(request)  # one at a time: live requests would supersede each other
        qtbot.waitUntil(lambda: bool(rec.failed(seq)), timeout=TIMEOUT)
        return rec.failed(seq)[0]

    bad_size = fail(rq.Decode("vae", np.zeros(7, np.float32)))
    assert (bad_size.request, bad_size.message) == ("Decode", "latent of size 7 does not fit the VAE (expects 512)")
    assert "no GAN is loaded" in fail(rq.MapSeed(3)).message
    assert "NaN/inf" in fail(rq.Decode("vae", np.full(VAE_DIM, np.nan, np.float32))).message
    assert fail(rq.Request()).message.startswith("internal error (TypeError")
    ok = vae_engine.submit(rq.Decode("vae", latents(1)[0]))
    qtbot.waitUntil(lambda: bool(rec.of(ok, rq.Decoded)), timeout=TIMEOUT)


@pytest.mark.skipif(torch.cuda.is_available(), reason="asks for a GPU this machine must not have")
def test_missing_device_is_a_clear_failure(qtbot, vae_engine):
    rec = Recorder(vae_engine)
    seq = vae_engine.submit(rq.SetDevice("cuda"))
    qtbot.waitUntil(lambda: bool(rec.failed(seq)), timeout=TIMEOUT)
    assert "no CUDA GPU" in rec.failed(seq)[0].message
    seq = vae_engine.submit(rq.SetDevice("cpu"))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.DeviceChanged)), timeout=TIMEOUT)
    assert rec.of(seq, rq.DeviceChanged)[0].device == "cpu"


def test_cancel_stops_a_long_encode(qtbot, vae_engine, image_files):
    rec = Recorder(vae_engine)
    paths = tuple(str(image_files[i % 3]) for i in range(300))
    seq = vae_engine.submit(rq.EncodeFiles(paths))
    qtbot.waitUntil(lambda: bool(rec.of(seq, rq.Encoded)), timeout=TIMEOUT)
    vae_engine.cancel(seq)
    qtbot.waitUntil(lambda: bool(rec.failed(seq)), timeout=TIMEOUT)
    [failure] = rec.failed(seq)
    assert failure.cancelled and failure.request == "EncodeFiles"
    assert len(rec.of(seq, rq.Encoded)) < len(paths)
    ok = vae_engine.submit(rq.Decode("vae", latents(1)[0]))  # and the worker takes the next request
    qtbot.waitUntil(lambda: bool(rec.of(ok, rq.Decoded)), timeout=TIMEOUT)


def test_shutdown_twice_is_harmless(qtbot, engine):
    engine.shutdown()
    assert engine.thread.wait(5000) and engine.thread.isFinished()
    engine.shutdown()
    assert engine.thread.isFinished()
    engine.submit(rq.Decode("vae", np.zeros(4, np.float32)))  # after shutdown: queued, never run, no hang


def test_shutdown_does_not_wait_for_a_long_job(qtbot, vae_engine, image_files, monkeypatch):
    """Closing the window blocked until a 300-file encode had run to its end. The job's second file is held until
    shutdown closes the queue: the job stops at its next check, the other 298 files never start, and the thread ends
    within shutdown. A shutdown that waited for the job would see it encode them all (or time out, still running)."""
    from genimg_gui.engine.runtime import Runtime

    encoded, in_flight, closed = [], threading.Event(), threading.Event()
    encode = Runtime.encode

    def held_encode(self, *args, **kwargs):
        encoded.append(args[0].shape)
        if len(encoded) == 2:  # the file in flight as the window closes
            in_flight.set()
            closed.wait(TIMEOUT / 1000)  # a deadline, so a shutdown that never closes the queue cannot hang the test
        return encode(self, *args, **kwargs)
    monkeypatch.setattr(Runtime, "encode", held_encode)
    close = vae_engine.queue.close
    monkeypatch.setattr(vae_engine.queue, "close", lambda: (close(), closed.set()))
    vae_engine.submit(rq.EncodeFiles(tuple(str(image_files[i % 3]) for i in range(300))))
    qtbot.waitUntil(in_flight.is_set, timeout=TIMEOUT)
    vae_engine.shutdown()
    assert vae_engine.thread.isFinished(), "shutdown returned with the worker still running the job"
    assert len(encoded) == 2, f"the job went on after shutdown: {len(encoded)} of 300 files encoded"


# --- the queue ---------------------------------------------------------------

def decode(seq: int) -> rq.Decode:
    return rq.Decode("vae", np.zeros(1, np.float32), tag=1, seq=seq)  # all for one item


def job(seq: int) -> rq.LoadModel:
    return rq.LoadModel("x", seq=seq)


def test_queue_latest_live_request_wins():
    q = RequestQueue()
    for s in (1, 2, 3):
        q.put(decode(s))
    assert q.pending() == 1 and q.superseded == 2
    assert q.take().seq == 3 and q.pending() == 0


def test_queue_jobs_are_fifo_and_go_before_live():
    q = RequestQueue()
    q.put(decode(1))
    q.put(job(2))
    q.put(job(3))
    q.put(decode(4))
    assert [q.take().seq for _ in range(3)] == [2, 3, 4]
    assert q.pending() == 0 and q.superseded == 1


def test_queue_cancel():
    q = RequestQueue()
    q.put(job(1))
    q.put(job(2))
    q.put(decode(3))
    q.cancel(1)
    q.cancel(3)
    assert q.pending() == 1 and q.take().seq == 2
    q.cancel(7)  # never queued (or long finished): ignored, not remembered
    q.check(7)
    q.cancel(2)  # the running job: raises at its next check, once
    with pytest.raises(Cancelled):
        q.check(2)
    q.check(2)


def test_queue_finds_a_request_while_it_waits_or_runs_and_not_once_dropped_or_ended():
    """The engine asks the queue for a pending request (Engine.request): none is kept twice to disagree."""
    q = RequestQueue()
    q.put(job(1))
    q.put(decode(2))
    q.put(decode(3))  # supersedes 2
    q.put(job(4))
    assert q.find(1).seq == 1 and q.find(3).seq == 3 and q.find(2) is None
    q.cancel(4)
    assert q.find(4) is None
    assert q.take().seq == 1 and q.find(1).seq == 1  # running
    q.finished(1)
    assert q.find(1) is None and q.find(3).seq == 3


def test_queue_live_requests_of_different_targets_do_not_supersede_each_other():
    # requests.py promises that live requests are superseded "by newer ones of the same lane"; a
    # seed change for one item must not be lost because another item's slider moved, and re-mapping
    # several GAN items after a model switch sends one MapSeed per item.
    q = RequestQueue()
    q.put(rq.MapSeed(1, tag=1, seq=1))
    q.put(rq.MapSeed(2, tag=2, seq=2))
    q.put(rq.Decode("vae", np.zeros(1, np.float32), tag=3, seq=3))
    q.put(rq.Decode("vae", np.zeros(1, np.float32), tag=3, seq=4))  # same item: this one wins
    got = []
    while q.pending():
        got.append(q.take().seq)
    assert got == [1, 2, 4], f"live requests for other items were dropped: only {got} ran"


def test_a_running_job_takes_the_waiting_decodes_and_stays_the_one_a_cancel_reaches():
    """An inversion draws the decodes asked for meanwhile (a slider moved) between its steps."""
    q = RequestQueue()
    q.put(job(1))
    assert q.take().seq == 1
    q.put(rq.MapSeed(5, tag=2, seq=2))
    q.put(decode(3))
    assert q.take_waiting(rq.Decode).seq == 3 and q.take_waiting(rq.Decode) is None
    assert q.pending() == 1  # the sample waits for the job to end
    q.cancel(1)
    with pytest.raises(Cancelled):
        q.check(1)


def test_queue_close_returns_none_and_wakes_a_waiting_taker():
    q = RequestQueue()
    got = []
    taker = threading.Thread(target=lambda: got.append(q.take()))
    taker.start()
    q.close()
    taker.join(5)
    assert not taker.is_alive() and got == [None]
    q.put(job(1))
    assert q.take() is None  # closed: pending work is not handed out


def test_a_closed_queue_refuses_requests_and_lets_go_of_those_waiting():
    """Nothing in a closed queue ever runs: what waits, or comes after (a timer firing as the window closes), would
    only hold its arrays."""
    q = RequestQueue()
    q.put(job(1))
    q.put(decode(2))
    q.put(rq.PreviewStrip("vae", np.zeros((7, 4), np.float32), tag=1, seq=3))
    q.close()
    assert q.pending() == 0 and q.find(1) is None
    assert not q.put(job(4)) and not q.put(decode(5)) and q.pending() == 0
