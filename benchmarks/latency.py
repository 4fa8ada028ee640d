"""Slider-to-pixels latency of a VAE: bare decode, through the real engine, and UI-thread stalls.

    python benchmarks/latency.py [--model-dir weights] [--vae weights/emoji-vae] [--n 200]

(a) bare: Runtime.decode in a loop on one background thread, no Qt.
(b) slider: Document.preview(values) -> image_changed for that request, one at a time, through the
    Engine's worker thread and the queued signal back to the GUI thread (plus the QImage copy the
    canvas makes), in an offscreen QApplication.
(c) burst: a 1 ms QTimer on the GUI thread records the gaps between its ticks while 200 previews
    are submitted (one per tick, as a fast drag would) and the worker decodes the latest of them;
    the longest gap is how long the window could not repaint or take input.
(d) mask stroke: Runtime.render of a masked edit when only the mask changed (a stroke, its undo or redo: the
    edited latent's decode is kept), beside one whose edited latent is new (what each stroke cost before).
Each phase stops early at --max-seconds so the whole run stays near a minute on two CPUs.
"""
from __future__ import annotations

import argparse
import math
import os
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from genimg_gui.catalog import BUNDLED_DIR  # noqa: E402
from genimg_gui.engine.engine import Engine  # noqa: E402
from genimg_gui.engine.runtime import Runtime  # noqa: E402
from genimg_gui.models.device import gui_friendly_threads  # noqa: E402
from genimg_gui.ui.document import Document  # noqa: E402
from genimg_gui.ui.qimage import to_qimage  # noqa: E402


def ms(values) -> dict:
    a = np.asarray(values, np.float64) * 1000
    return {"n": len(a), "p50": np.percentile(a, 50), "p95": np.percentile(a, 95), "max": a.max()}


def slider_values(i: int, n: int, k: int) -> tuple[float, ...]:
    """A smooth sweep of the first two sliders, different at every step."""
    t = 2 * math.pi * i / max(1, n)
    return (round(2.5 * math.sin(t), 2), round(2.0 * math.cos(3 * t), 2)) + (0.0,) * (k - 2)


def on_own_thread(run, name: str) -> None:
    """Run run() on a thread of its own, as the worker runs the engine's decodes (torch's threads set per thread), and
    wait for it."""
    thread = threading.Thread(target=run, name=name)
    thread.start()
    thread.join()


def sample_image(side: int = 96) -> np.ndarray:
    """A disc on white: something like the emoji the bundled models know."""
    y, x = np.mgrid[:side, :side]
    disc = (x - side / 2) ** 2 + (y - side / 2) ** 2 < (side / 3) ** 2
    image = np.full((side, side, 3), 255, np.uint8)
    image[disc] = (250, 200, 40)
    return image


# --- (a) bare decode ---------------------------------------------------------

def bench_bare(vae: Path, device: str, n: int, budget: float) -> tuple[dict, str]:
    """Decodes on a plain background thread, as the worker runs them (on a busy two-core machine
    torch's intra-op threads behave differently when driven from the main thread)."""
    rt = Runtime(device)
    rt.load(str(vae), lambda *_: None)
    dim = int(np.prod(rt.model("vae").latent_shape))
    times: list[float] = []

    def run() -> None:
        rng = np.random.default_rng(0)
        for _ in range(3):  # warm-up: allocator, kernels, caches
            rt.decode("vae", rng.standard_normal(dim).astype(np.float32))
        start = time.perf_counter()
        for _ in range(n):
            z = rng.standard_normal(dim).astype(np.float32)
            t0 = time.perf_counter()
            rt.decode("vae", z)
            times.append(time.perf_counter() - t0)
            if time.perf_counter() - start > budget:
                break

    on_own_thread(run, "bare-decode")
    return ms(times), str(rt.device)


def bench_mask_stroke(vae: Path, device: str, n: int, budget: float) -> tuple[dict, dict]:
    """(new edited latent, mask only changed): masked renders of one picture, its unedited decode cached in both."""
    rt = Runtime(device)
    rt.load(str(vae), lambda *_: None)
    dim = int(np.prod(rt.model("vae").latent_shape))
    rng = np.random.default_rng(1)
    base, edited = (rng.standard_normal(dim).astype(np.float32) for _ in range(2))
    side = rt.render("vae", base).shape[0]
    masks = [(rng.random((side, side)) > 0.5).astype(np.float32) for _ in range(8)]
    new_latent: list[float] = []
    mask_only: list[float] = []

    def run() -> None:
        for _ in range(3):  # warm-up, and the unedited decode cached
            rt.render("vae", edited, masks[0], base)
        start = time.perf_counter()
        for i in range(n):
            t0 = time.perf_counter()
            rt.render("vae", rng.standard_normal(dim).astype(np.float32), masks[i % 8], base)
            t1 = time.perf_counter()
            rt.render("vae", edited, masks[i % 8], base)
            new_latent.append(t1 - t0)
            mask_only.append(time.perf_counter() - t1)
            if time.perf_counter() - start > budget:
                break

    on_own_thread(run, "mask-stroke")
    return ms(new_latent), ms(mask_only)


# --- Qt helpers ----------------------------------------------------------------

def wait_until(condition, timeout_s: float) -> bool:
    """Run the GUI event loop until condition() holds (checked on every event batch) or timeout."""
    loop, deadline = QEventLoop(), time.perf_counter() + timeout_s
    wake = QTimer()  # so that the blocking wait below returns at least every 50 ms
    wake.start(50)
    try:
        while not condition():
            if time.perf_counter() > deadline:
                return False
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # sleeps until an event
        return True
    finally:
        wake.stop()


def open_document(vae: Path, device: str) -> tuple[Engine, Document]:
    engine = Engine(device)
    doc = Document(engine)
    errors: list[str] = []
    doc.error.connect(errors.append)
    doc.load_model(str(vae))
    if not wait_until(lambda: "vae" in doc.models or errors, 600):
        raise SystemExit("the VAE did not load within 10 minutes")
    doc.open_array(sample_image(), "benchmark image")
    if not wait_until(lambda: doc.current is not None or errors, 120):
        raise SystemExit("the test image was not encoded")
    if errors:
        raise SystemExit(f"engine error: {errors[0]}")
    return engine, doc


# --- (b) slider to pixels ------------------------------------------------------

def bench_slider(doc: Document, n: int, budget: float) -> tuple[dict, dict, dict]:
    item, k = doc.current, len(doc.directions("vae"))
    worker_times: list[float] = []
    doc.decode_time.connect(worker_times.append)
    shown = {"seq": 0, "t": 0.0}

    def on_image(changed) -> None:
        to_qimage(changed.image)  # what the canvas does with every new image
        shown["seq"], shown["t"] = changed.shown_seq, time.perf_counter()

    doc.image_changed.connect(on_image)
    latencies, start = [], time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        seq = doc.preview(slider_values(i + 1, n, k))
        if not wait_until(lambda: item.shown_seq >= seq, 60):
            raise SystemExit(f"preview {i} was never shown")
        latencies.append(shown["t"] - t0)
        if time.perf_counter() - start > budget:
            break
    doc.image_changed.disconnect(on_image)
    doc.decode_time.disconnect(worker_times.append)
    # one decode per preview, in order: the difference is queueing, thread wake-ups, signals, QImage
    overhead = [total - decode for total, decode in zip(latencies, worker_times)]
    return ms(latencies), ms(worker_times), ms(overhead)


# --- (c) UI-thread gaps during a burst -----------------------------------------

def tick_gaps(seconds: float, on_tick=None, done=None) -> list[float]:
    """Gaps between the ticks of a 1 ms timer on the GUI thread."""
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
        if on_tick is not None:
            on_tick()

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    timer.start()
    deadline = time.perf_counter() + seconds
    wait_until(lambda: time.perf_counter() > deadline or (done is not None and done()), seconds + 1)
    timer.stop()
    return gaps


def bench_burst(engine: Engine, doc: Document, count: int) -> dict:
    item, k = doc.current, len(doc.directions("vae"))
    idle = tick_gaps(0.3)
    decodes_before = engine.worker.decodes
    seqs: list[int] = []

    def submit() -> None:
        if len(seqs) < count:
            seqs.append(doc.preview(slider_values(len(seqs), count, k)))

    t0 = time.perf_counter()
    gaps = tick_gaps(120, submit, lambda: len(seqs) == count and item.shown_seq >= seqs[-1])
    return {"idle": ms(idle), "busy": ms(gaps), "submitted": len(seqs),
            "decoded": engine.worker.decodes - decodes_before, "seconds": time.perf_counter() - t0}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model-dir", type=Path, default=BUNDLED_DIR)
    p.add_argument("--vae", type=Path, help="VAE model folder (default: MODEL_DIR/emoji-vae)")
    p.add_argument("--n", type=int, default=200, help="decodes / slider steps per phase")
    p.add_argument("--burst", type=int, default=200, help="previews submitted in the burst")
    p.add_argument("--device", default="cpu", help="cpu (default), auto, cuda, mps")
    p.add_argument("--threads", type=int, help="torch intra-op threads (default: the app's, all cores but one)")
    p.add_argument("--max-seconds", type=float, default=15.0, help="cap on each timed phase")
    args = p.parse_args()
    vae = args.vae or args.model_dir / "emoji-vae"
    torch.set_num_threads(args.threads or gui_friendly_threads())
    t_start = time.perf_counter()
    bare, device = bench_bare(vae, args.device, args.n, args.max_seconds)
    stroke_before, stroke_now = bench_mask_stroke(vae, args.device, args.n, args.max_seconds)
    app = QApplication.instance() or QApplication([])  # noqa: F841 (kept alive for the run)
    engine, doc = open_document(vae, args.device)
    info = doc.models["vae"]
    slider, worker, overhead = bench_slider(doc, args.n, args.max_seconds)
    burst = bench_burst(engine, doc, args.burst)
    engine.shutdown()

    print(f"model {info.name} ({vae.resolve()}), {info.card.get('resolution')} px, latent {info.latent_size}, "
          f"{info.parameters / 1e6:.2f} M parameters; device {device}, torch threads {torch.get_num_threads()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print()
    print(f"{'measure (ms)':<56}{'n':>6}{'p50':>9}{'p95':>9}{'max':>9}")
    rows = [("(a) bare Runtime.decode", bare),
            ("(b) slider -> pixels (preview -> image_changed)", slider),
            ("    of which worker decode", worker),
            ("    of which engine + Qt (paired difference)", overhead),
            ("(c) GUI 1 ms timer gaps, idle", burst["idle"]),
            ("(c) GUI 1 ms timer gaps, during burst", burst["busy"]),
            ("(d) masked render, edited latent new (a stroke, before)", stroke_before),
            ("(d) masked render, mask only changed (a stroke, now)", stroke_now)]
    for name, r in rows:
        print(f"{name:<56}{r['n']:>6}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['max']:>9.2f}")
    print()
    print(f"overhead of the engine path: p50 {slider['p50'] / bare['p50']:.2f}x bare "
          f"(+{slider['p50'] - bare['p50']:.2f} ms), p95 {slider['p95'] / bare['p95']:.2f}x")
    print(f"burst: {burst['submitted']} previews submitted, {burst['decoded']} decoded (latest wins), "
          f"last one shown after {burst['seconds'] * 1000:.0f} ms; longest GUI stall "
          f"{burst['busy']['max']:.1f} ms")
    print(f"({time.perf_counter() - t_start:.0f} s)")


if __name__ == "__main__":
    main()
