"""Soak: thousands of requests at the real engine with random timing, as a restless user would send them.

    python benchmarks/soak.py [--n 10000] [--runs 3] [--seed 0]

Slider drags on several items (live Decodes and MapSeeds on 8 tags), model switches between two
VAEs and two GANs, image encodes, cancels of queued and of running jobs, all fired from QTimer ticks
(1-5 requests every 0-3 ms) while the GUI thread's event loop runs. A 1 ms heartbeat timer on the
same thread records its longest gap: the UI's longest stall. After the firing, a last request per
tag checks that each item ends on exactly its last latent. Prints worker throughput, the superseded
fraction, the queue's longest length, the longest stall (median of the runs) and RSS growth after
a warm-up. Uses tiny random models made in a temporary folder (the tests' configs), so that the
numbers measure the engine, not the networks. tests/test_soak.py runs the same driver.
"""
from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from genimg_gui.engine import requests as rq  # noqa: E402
from genimg_gui.engine.engine import Engine  # noqa: E402
from genimg_gui.engine.runtime import Runtime  # noqa: E402
from genimg_gui.models.gan import GANConfig, Generator  # noqa: E402
from genimg_gui.models.vae import ConvVAE, VAEConfig  # noqa: E402
from genimg_gui.models.weights import DIRECTIONS_NAME, load_model, read_card, save_model  # noqa: E402

TINY_VAE = VAEConfig(resolution=32, channels=(8, 16), latent_channels=2)
TINY_GAN = GANConfig(resolution=32, z_dim=16, w_dim=16, mapping_layers=2, channels=(32, 16, 8, 8))
VAE_TAGS, GAN_TAGS, SEED_TAGS = (1, 2, 3, 4), (5, 6), (7, 8)
MAX_JOBS = 3  # loads and encodes outstanding at once, as from a user who clicks again before it is done
ENCODE_FILES = 6


@dataclass(frozen=True)
class SoakModels:
    vaes: tuple[str, str]
    gans: tuple[str, str]
    images: tuple[str, ...]


def make_models(root: Path, first_vae: Path | None = None, first_gan: Path | None = None) -> SoakModels:
    """Two VAEs and two GANs of the same shapes (the given ones, else tiny random ones, and a copy of
    each with other random weights) and a few images. A copy reuses its original's cached
    directions, so no switch spends seconds estimating them."""
    root.mkdir(parents=True, exist_ok=True)
    folders = []
    for kind, first, config in (("vae", first_vae, TINY_VAE), ("gan", first_gan, TINY_GAN)):
        if first is None:
            torch.manual_seed(0)
            first = save_model(root / f"{kind}-a", ConvVAE(config) if kind == "vae" else Generator(config),
                               {"name": f"{kind}-a"})
        if not (Path(first) / DIRECTIONS_NAME).is_file():
            Runtime("cpu").load(str(first), lambda *_: None)  # estimates and caches its directions
        net, _ = load_model(Path(first))
        torch.manual_seed(1)
        for module in net.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
        second = save_model(root / f"{kind}-b", net, {"name": f"{kind}-b"})
        shutil.copy(Path(first) / DIRECTIONS_NAME, second / DIRECTIONS_NAME)
        folders.append((str(first), str(second)))
    images = []
    rng = np.random.default_rng(0)
    for i in range(ENCODE_FILES):
        images.append(str(root / f"image{i}.png"))
        # big enough that encoding the batch takes a while: a cancel can land while it runs
        Image.fromarray(rng.integers(0, 255, (300 + i, 400, 3), np.uint8)).save(images[-1])
    return SoakModels(folders[0], folders[1], tuple(images))


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Stats:
    requests: int = 0
    live: int = 0
    results: int = 0
    mapped: int = 0
    loads: int = 0
    encoded: int = 0
    cancels: int = 0
    cancelled: int = 0
    cancelled_running: int = 0  # EncodeFiles stopped after some of their files were done
    failures: list = field(default_factory=list)  # anything but a cancellation
    max_pending: int = 0
    seconds: float = 0.0
    decodes_run: int = 0
    superseded: int = 0
    longest_stall: float = 0.0
    rss_after_warmup: int = 0
    rss_end: int = 0
    final_mismatches: list = field(default_factory=list)  # tags whose last result is not their last request

    @property
    def rss_growth(self) -> int:
        return self.rss_end - self.rss_after_warmup


class Soak:
    """Fires n random requests from timer ticks, then the last request per tag, and waits for them."""

    def __init__(self, engine: Engine, models: SoakModels, n: int, seed: int = 0, warmup: int = 1000) -> None:
        self.engine, self.models, self.n, self.warmup = engine, models, n, warmup
        self.rng = np.random.default_rng(seed)
        self.stats = Stats()
        self.dims = {kind: int(np.prod(read_card(Path(paths[0]))["latent_shape"]))
                     for kind, paths in (("vae", models.vaes), ("gan", models.gans))}
        self.latents = {t: self.rng.standard_normal(self.dims["vae" if t in VAE_TAGS else "gan"])
                        .astype(np.float32) for t in VAE_TAGS + GAN_TAGS}
        self.last = {}          # tag -> the last result (Decoded/Mapped) in arrival order
        self.finals = {}        # tag -> (seq, request): the last request submitted for it
        self.failed_seqs: set[int] = set()
        self.jobs: set[int] = set()
        self.loads: deque[int] = deque()  # outstanding LoadModel seqs; jobs run in order
        self.encodes: dict[int, int] = {}  # EncodeFiles seq -> files encoded so far (a few hundred at most)
        self.cancel_when_running: set[int] = set()
        self.recent: deque[int] = deque(maxlen=50)
        self.current = {"vae": 0, "gan": 0}
        engine.result.connect(self._on_result)
        engine.failed.connect(self._on_failed)
        engine.progress.connect(self._on_progress)

    # --- answers -----------------------------------------------------------
    def _on_result(self, r) -> None:
        self.stats.results += 1
        if isinstance(r, (rq.Decoded, rq.Mapped)):
            self.last[r.tag] = r
            self.stats.mapped += isinstance(r, rq.Mapped)
        elif isinstance(r, rq.ModelInfo):
            self.stats.loads += 1
            if self.loads:
                self.jobs.discard(self.loads.popleft())
        elif isinstance(r, rq.Encoded):
            self.stats.encoded += 1
            if r.seq in self.encodes:
                self.encodes[r.seq] += 1

    def _on_failed(self, f: rq.Failed) -> None:
        self.failed_seqs.add(f.seq)
        if not f.cancelled:
            self.stats.failures.append(f)
        else:
            self.stats.cancelled += 1
            if self.encodes.get(f.seq, 0) > 0:
                self.stats.cancelled_running += 1
        if f.final:
            self._job_done(f.seq)

    def _on_progress(self, p: rq.Progress) -> None:
        if p.seq in self.cancel_when_running and p.fraction < 1:  # it has started: cancel it mid-run
            self.cancel_when_running.discard(p.seq)
            self._cancel(p.seq)
        if p.fraction >= 1.0:
            self._job_done(p.seq)

    def _job_done(self, seq: int) -> None:
        self.jobs.discard(seq)
        if seq in self.loads:
            self.loads.remove(seq)

    # --- requests -------------------------------------------------------------
    def _submit(self, request: rq.Request) -> int:
        seq = self.engine.submit(request)
        self.stats.requests += 1
        self.stats.live += request.live
        tag = getattr(request, "tag", 0)
        if tag:
            self.finals[tag] = (seq, request)
        return seq

    def _cancel(self, seq: int) -> None:
        self.stats.cancels += 1
        self.engine.cancel(seq)

    def _random_request(self) -> None:
        r, rng = self.rng.random(), self.rng
        if r < 0.005 and len(self.jobs) < MAX_JOBS:  # switch a model
            kind = "vae" if rng.random() < 0.5 else "gan"
            self.current[kind] = 1 - self.current[kind]
            path = (self.models.vaes if kind == "vae" else self.models.gans)[self.current[kind]]
            seq = self._submit(rq.LoadModel(path))
            self.jobs.add(seq)
            self.loads.append(seq)
        elif r < 0.015 and len(self.jobs) < MAX_JOBS:  # encode some files, then cancel them
            seq = self._submit(rq.EncodeFiles(self.models.images))
            self.jobs.add(seq)
            self.encodes[seq] = 0
            if rng.random() < 0.5:
                self.cancel_when_running.add(seq)  # as soon as it reports progress
            else:
                self.recent.append(seq)            # maybe blindly, below
        elif r < 0.035 and self.recent:  # cancel something recent: queued, running or done
            self._cancel(self.recent[int(rng.integers(len(self.recent)))])
        elif r < 0.9:  # a slider drag on an item: a small step in its latent
            tag = int(rng.choice(VAE_TAGS if r < 0.75 else GAN_TAGS))
            kind = "vae" if tag in VAE_TAGS else "gan"
            self.latents[tag] = self.latents[tag] + 0.05 * rng.standard_normal(self.dims[kind]).astype(np.float32)
            self.recent.append(self._submit(rq.Decode(kind, self.latents[tag].copy(), tag=tag)))
        else:
            tag = int(rng.choice(SEED_TAGS))
            self.recent.append(self._submit(rq.MapSeed(int(rng.integers(2**31 - 1)), float(rng.uniform(0.5, 1)),
                                                       tag=tag)))
        self.stats.max_pending = max(self.stats.max_pending, self.engine.queue.pending())

    def _finale(self) -> None:
        """Back to the first models, then one last request per tag; none of these is cancelled."""
        for path in (self.models.vaes[0], self.models.gans[0]):
            seq = self._submit(rq.LoadModel(path))
            self.loads.append(seq)
        self.cancel_when_running.clear()
        for tag in VAE_TAGS + GAN_TAGS:
            self._submit(rq.Decode("vae" if tag in VAE_TAGS else "gan", self.latents[tag].copy(), tag=tag))
        for tag in SEED_TAGS:
            self._submit(rq.MapSeed(1000 + tag, 0.7, tag=tag))

    def _settled(self) -> bool:
        answered = all(seq in self.failed_seqs or (tag in self.last and self.last[tag].seq >= seq)
                       for tag, (seq, _) in self.finals.items())
        return answered and self.engine.queue.pending() == 0

    # --- the run --------------------------------------------------------------
    def run(self, timeout_s: float = 300.0) -> Stats:
        loop, fired = QEventLoop(), [0]
        beat = {"last": time.perf_counter(), "longest": 0.0}
        t0 = time.perf_counter()
        worker, queue = self.engine.worker, self.engine.queue
        decodes0, superseded0 = worker.decodes, queue.superseded

        def heartbeat() -> None:
            now = time.perf_counter()
            beat["longest"] = max(beat["longest"], now - beat["last"])
            beat["last"] = now

        def tick() -> None:
            for _ in range(int(self.rng.integers(1, 6))):
                if fired[0] == self.warmup:
                    gc.collect()
                    self.stats.rss_after_warmup = rss_bytes()
                    beat["last"] = time.perf_counter()  # the collection's pause is ours, not the app's
                if fired[0] == self.n:
                    self._finale()
                    waiter.start(5)
                    return
                self._random_request()
                fired[0] += 1
            firing.start(int(self.rng.integers(0, 4)))

        def check_done() -> None:
            if self._settled() or time.perf_counter() - t0 > timeout_s:
                loop.quit()

        heart, firing, waiter = QTimer(), QTimer(), QTimer()
        heart.setInterval(1)
        heart.timeout.connect(heartbeat)
        firing.setSingleShot(True)
        firing.timeout.connect(tick)
        waiter.timeout.connect(check_done)
        heart.start()
        firing.start(0)
        loop.exec()
        heart.stop()
        waiter.stop()
        self.stats.seconds = time.perf_counter() - t0
        self.stats.decodes_run = worker.decodes - decodes0
        self.stats.superseded = queue.superseded - superseded0
        self.stats.longest_stall = beat["longest"]
        self._check_finals()
        gc.collect()
        self.stats.rss_end = rss_bytes()
        return self.stats

    def _check_finals(self) -> None:
        """The last result to arrive for each tag answers its last request, with that request's input."""
        for tag, (seq, request) in self.finals.items():
            got = self.last.get(tag)
            if isinstance(request, rq.Decode):
                ok = isinstance(got, rq.Decoded) and np.array_equal(got.latent, request.latent)
            else:
                ok = isinstance(got, rq.Mapped) and (got.seed, got.psi) == (request.seed, request.psi)
            ok = ok and got.seq == seq
            if not ok:
                self.stats.final_mismatches.append(tag)


def wait_loaded(engine: Engine, paths: list[str], timeout_s: float = 120.0) -> None:
    loaded, loop = set(), QEventLoop()

    def on_result(r) -> None:
        if isinstance(r, rq.ModelInfo):
            loaded.add(r.path)
            if loaded >= set(paths):
                loop.quit()
    engine.result.connect(on_result)
    for p in paths:
        engine.submit(rq.LoadModel(p))
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    engine.result.disconnect(on_result)
    if not loaded >= set(paths):
        raise RuntimeError(f"models did not load in {timeout_s} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000, help="requests per run (default 10000)")
    p.add_argument("--runs", type=int, default=3, help="runs; the stall is their median (default 3)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    app = QApplication.instance() or QApplication([])  # noqa: F841 - timers need it
    root = Path(tempfile.mkdtemp(prefix="genimg-soak-"))
    try:
        models = make_models(root)
        runs = []
        for i in range(args.runs):
            engine = Engine("cpu")
            wait_loaded(engine, [models.vaes[0], models.gans[0]])
            s = Soak(engine, models, args.n, seed=args.seed + i).run()
            engine.shutdown()
            runs.append(s)
            print(f"run {i + 1}: {s.requests} requests and {s.cancels} cancels in {s.seconds:.1f} s; worker ran "
                  f"{s.decodes_run} decodes ({s.decodes_run / s.seconds:.0f}/s) and {s.mapped} seed maps, "
                  f"{s.superseded / max(s.live, 1):.1%} of live requests "
                  f"superseded; {s.loads} loads, {s.encoded} images encoded, {s.cancelled} requests cancelled "
                  f"({s.cancelled_running} of them while running); queue max {s.max_pending}; "
                  f"longest UI stall {s.longest_stall * 1000:.0f} ms; RSS {s.rss_after_warmup / 2**20:.0f} -> "
                  f"{s.rss_end / 2**20:.0f} MiB; failures {len(s.failures)}; last-request mismatches "
                  f"{s.final_mismatches}")
        stall = float(np.median([s.longest_stall for s in runs]))
        print(f"median over {len(runs)} runs: {np.median([s.decodes_run / s.seconds for s in runs]):.0f} decodes/s, "
              f"superseded {np.median([s.superseded / max(s.live, 1) for s in runs]):.1%}, "
              f"queue max {max(s.max_pending for s in runs)}, longest UI stall {stall * 1000:.0f} ms, "
              f"RSS growth {np.median([s.rss_growth for s in runs]) / 2**20:+.1f} MiB "
              f"(torch threads {torch.get_num_threads()}, {os.cpu_count()} CPUs)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
