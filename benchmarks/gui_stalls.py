"""How long the window's GUI thread is held by an autosave, by Keep for next time, by a morph frame and by Export
PNG (×1 and ×4), for large masked pictures.

    python benchmarks/gui_stalls.py [--vae weights/emoji-vae] [--saves 7] [--keeps 3] [--frames 7]

Three pictures are opened in the real window (an offscreen MainWindow, the engine on the CPU, its own temporary data
and config folders), then given 2048 × 1536 pixels, the size a spatial VAE on a GPU draws (GENIMG_MAX_SIDE), as the
bundled VAE draws 64 px: the first gets 20 brush strokes (soft_brush dabs, each stroke a new mask step, as the
canvas's brush makes them), the other two one stroke each; each is drawn back as another 2048 × 1536 picture (its
decode), and each stroke on the first draws it anew.

autosave: the GUI thread's time in Autosaver.save_now (the timer's save), each after one more stroke on the first
picture, as while painting; "written" is the whole save, until the file is there (the same as the GUI thread's where
the save is written on it); "MiB written" the bytes of the files in the session's folder that each save made or
changed (the median over the saves after the first).
keep: Autosaver.keep (Keep for next time, at a quit), each after one more stroke: the longest the GUI thread went
without running its event loop (a 5 ms timer's ticks: the window frozen), and the whole keep.
morph: MorphController.request_frame (what the timeline and Play ask for each frame) through the three masked
keyframes: "new" frames not decoded yet (the Decode is only asked), "cached" frames decoded already, as the second
loop of Play shows them. Medians over the runs, in ms.
export: ExportActions.export_png of the first picture at ×1 and ×4: the longest the GUI thread went without running
its event loop (a 5 ms timer's ticks) from the call until the file is written and said, and that whole time.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOME = tempfile.mkdtemp(prefix="genimg-gui-stalls-")  # never the user's own autosave, settings or lock
os.environ["GENIMG_DATA_DIR"] = os.path.join(HOME, "data")
os.environ["GENIMG_CONFIG_DIR"] = os.path.join(HOME, "config")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import QCoreApplication, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from genimg_gui.catalog import BUNDLED_DIR, read_entry  # noqa: E402
from genimg_gui.engine.engine import Engine  # noqa: E402
from genimg_gui.masking import soft_brush  # noqa: E402
from genimg_gui.ui.main_window import MainWindow  # noqa: E402

SIZE = (1536, 2048)  # (H, W)
STROKES = 20


def wait_until(done, timeout_s: float = 120.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        QCoreApplication.processEvents()
        time.sleep(0.005)  # the worker thread's results arrive as events


def stroke(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One brush stroke of 20 dabs, 40 px across: a new mask, as a stroke on the canvas makes."""
    h, w = mask.shape
    x, y = rng.uniform(100, w - 500), rng.uniform(100, h - 300)
    dx, dy = rng.uniform(-20, 20, 2)
    for _ in range(20):
        mask = soft_brush(mask, x, y, 40, 0.5, 1.0)
        x, y = x + dx, y + dy
    return mask


def add_stroke(item, rng: np.random.Generator) -> None:
    current = item.history.current
    mask = np.zeros(SIZE, np.float32) if current.mask is None else current.mask
    item.history.push(current.with_mask(stroke(mask, rng), False))
    item.image = rng.integers(0, 255, (*SIZE, 3), dtype=np.uint8)  # its decode, drawn anew


def files_in(folder: Path) -> dict[Path, tuple[int, int, int]]:
    """Each file under folder: (inode, mtime in ns, size)."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def written_since(before: dict[Path, tuple[int, int, int]], folder: Path) -> int:
    """The bytes of the files under folder made or changed since before was taken."""
    return sum(stat[2] for path, stat in files_in(folder).items() if before.get(path) != stat)


def open_window(vae: Path) -> MainWindow:
    window = MainWindow(Engine("cpu"), [read_entry(vae)])
    window.show()
    doc = window.document
    doc.load_model(str(vae))
    wait_until(lambda: "vae" in doc.models)
    folder = Path(HOME) / "pictures"
    folder.mkdir()
    rng = np.random.default_rng(0)
    paths = []
    for i in range(3):
        paths.append(folder / f"photo{i}.png")
        Image.fromarray(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)).save(paths[-1])
    window.open_paths([str(p) for p in paths])
    wait_until(lambda: len([i for i in doc.items.values() if i.kind == "vae"]) == 3 and not doc.jobs)
    return window


def large_masked_pictures(window: MainWindow, rng: np.random.Generator) -> list:
    items = [i for i in window.document.items.values() if i.kind == "vae"]
    for n, item in enumerate(items):
        wait_until(lambda: item.shown_seq >= item.requested_seq)
        picture = rng.integers(0, 255, (*SIZE, 3), dtype=np.uint8)
        item.original = item.source = picture  # a 2048 × 1536 photo, drawn at its own size
        for _ in range(STROKES if n == 0 else 1):
            add_stroke(item, rng)
    return items


def bench_autosave(window: MainWindow, items: list, saves: int, rng: np.random.Generator) -> dict:
    saver = window.autosaver
    finish = getattr(saver, "wait", lambda: None)  # a save written on the GUI thread is finished as it returns
    held, written, written_mib = [], [], []
    for i in range(saves + 1):
        if i:
            add_stroke(items[0], rng)
        before = files_in(saver.path.parent)
        t0 = time.perf_counter()
        saver.save_now()
        held.append(time.perf_counter() - t0)
        finish()
        written.append(time.perf_counter() - t0)
        written_mib.append(written_since(before, saver.path.parent) / 2**20)
    return {"first held": held[0], "held": statistics.median(held[1:]), "first written": written[0],
            "written": statistics.median(written[1:]), "MiB": saver.path.stat().st_size / 2**20,
            "first MiB written": written_mib[0], "MiB written": statistics.median(written_mib[1:])}


def bench_keep(window, items: list, keeps: int, rng: np.random.Generator) -> dict:
    saver = window.autosaver
    ticks: list[float] = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    frozen, took = [], []
    for _ in range(keeps):
        add_stroke(items[0], rng)
        ticks.clear()
        t0 = time.perf_counter()
        assert saver.keep()
        t1 = time.perf_counter()
        marks = [t0, *ticks, t1]
        frozen.append(max(b - a for a, b in zip(marks, marks[1:])))
        took.append(t1 - t0)
        saver.keeping = False  # a keep blocks the autosaves that follow it (the window is closing): the next is asked
    timer.stop()
    return {"frozen": statistics.median(frozen), "took": statistics.median(took)}


def bench_morph(window: MainWindow, frames: int) -> dict:
    morph = window.morph
    dialog = morph.open_dialog()
    for row in range(dialog.keyframes.count()):  # all three pictures ticked
        dialog.keyframes.item(row).setCheckState(Qt.CheckState.Checked)
    wait_until(lambda: not morph._frame_seqs)
    new, cached = [], []
    for index in range(1, frames + 1):
        t0 = time.perf_counter()
        morph.request_frame(index)
        new.append(time.perf_counter() - t0)
        wait_until(lambda: not morph._frame_seqs)  # decoded and kept
    for index in range(1, frames + 1):
        t0 = time.perf_counter()
        morph.request_frame(index)
        cached.append(time.perf_counter() - t0)
    dialog.close()
    keyframes = len(dialog.settings().item_ids)
    return {"new": statistics.median(new), "cached": statistics.median(cached), "keyframes": keyframes}


def bench_export(window: MainWindow, scale: int) -> dict:
    exports = window.exports
    ticks: list[float] = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    path = Path(HOME) / f"export@{scale}x.png"
    t0 = time.perf_counter()
    exports.export_png(str(path), scale)
    wait_until(lambda: not exports.drawing.waiting and not getattr(exports, "writing", lambda: False)())
    t1 = time.perf_counter()
    timer.stop()
    marks = [t0, *ticks, t1]
    assert path.is_file()
    return {"frozen": max(b - a for a, b in zip(marks, marks[1:])), "took": t1 - t0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vae", type=Path, default=BUNDLED_DIR / "emoji-vae")
    parser.add_argument("--saves", type=int, default=7)
    parser.add_argument("--keeps", type=int, default=3)
    parser.add_argument("--frames", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(1)
    window = open_window(args.vae)
    items = large_masked_pictures(window, rng)
    a = bench_autosave(window, items, args.saves, rng)
    print(f"autosave, 2048×1536, {STROKES}+ mask steps ({a['MiB']:.1f} MiB file): GUI thread median "
          f"{a['held'] * 1000:.1f} ms (first save {a['first held'] * 1000:.1f} ms); written in median "
          f"{a['written'] * 1000:.0f} ms (first {a['first written'] * 1000:.0f} ms); median {a['MiB written']:.1f} MiB "
          f"written per save (first {a['first MiB written']:.1f} MiB)")
    k = bench_keep(window, items, args.keeps, rng)
    print(f"keep for next time, the same session: GUI thread frozen median {k['frozen'] * 1000:.0f} ms; written in "
          f"median {k['took'] * 1000:.0f} ms")
    m = bench_morph(window, args.frames)
    print(f"morph frame, {m['keyframes']} masked 2048×1536 keyframes: GUI thread median "
          f"{m['new'] * 1000:.1f} ms a new frame, {m['cached'] * 1000:.2f} ms a cached one")
    for scale in (1, 4):
        e = bench_export(window, scale)
        print(f"export PNG ×{scale}, 2048×1536: GUI thread frozen at most {e['frozen'] * 1000:.0f} ms; written and "
              f"said in {e['took'] * 1000:.0f} ms")
    window.autosaver.close()
    window.document.engine.shutdown()
    app.processEvents()
    shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
