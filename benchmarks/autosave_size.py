"""Disk the autosave takes for photos, as it kept them before (a PNG of the pixels held) and keeps them now (a copy of
the photo's file where reading it back gives the very pixels held; session_pixels._kept_copy), and the time the
first autosave of each takes on the writer thread.

    python benchmarks/autosave_size.py [--photos 6] [--quality 90]

The photos are made here (no camera photos ship with the repository): gradients, grain and sharp-edged shapes, saved
as JPEGs at camera sizes (4032 × 3024, 3000 × 2000, 1600 × 1200, repeated) and one PNG. Each is read as the window
reads it (imaging.open_read, then spatial.kept_source: held at 2048 px on its longer side at most).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from genimg_gui.engine.spatial import kept_source  # noqa: E402
from genimg_gui.file_stamp import stamp_of  # noqa: E402
from genimg_gui.imaging import kept_side, open_read  # noqa: E402
from genimg_gui.session_arrays import PNG_LEVEL  # noqa: E402
from genimg_gui.session_pixels import write_picture  # noqa: E402

SIZES = ((4032, 3024), (3000, 2000), (1600, 1200))


def photo(width: int, height: int, seed: int) -> Image.Image:
    """Gradients, grain and a few sharp-edged shapes, as a photo has."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([x / width * 200, y / height * 180, 90 + 60 * np.sin((x + y) / 150)], -1)
    grain = rng.normal(0, 6, (height, width, 3))
    im = Image.fromarray(np.clip(base + grain, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        cx, cy, r = int(rng.integers(0, width)), int(rng.integers(0, height)), int(rng.integers(40, height // 5))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((cx - r, cy - r, cx + r, cy + r), fill=colour)
    return im


def make_photos(folder: Path, count: int, quality: int) -> list[Path]:
    paths = []
    for i in range(count):
        width, height = SIZES[i % len(SIZES)]
        path = folder / f"photo{i}.jpg"
        photo(width, height, i).save(path, quality=quality)
        paths.append(path)
    png = folder / "screen.png"
    photo(1920, 1080, count).save(png)
    return paths + [png]


def png_size(pixels: np.ndarray, folder: Path) -> int:
    """The size of the PNG the autosave wrote of these pixels before it kept copies."""
    path = folder / "old.png"
    Image.fromarray(pixels).save(path, "PNG", compress_level=PNG_LEVEL)
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=6, help="JPEGs to make (one PNG is added)")
    parser.add_argument("--quality", type=int, default=90, help="their JPEG quality")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        saved = folder / "autosave.pictures"
        rows, seconds = [], []
        for path in make_photos(folder, args.photos, args.quality):
            stamp = stamp_of(path)
            held = kept_source(np.asarray(open_read(path).image), kept_side())
            start = time.perf_counter()
            name, _ = write_picture(saved, held, True, stamp)
            seconds.append(time.perf_counter() - start)
            rows.append((path.name, held.shape, path.stat().st_size, png_size(held, folder),
                         (saved / name).stat().st_size, name.rsplit(".", 1)[1]))
    print(f"{'file':<12} {'held':>11} {'file':>10} {'PNG before':>11} {'kept now':>10}  kept as")
    for name, shape, source, old, new, suffix in rows:
        print(f"{name:<12} {shape[1]:>5}x{shape[0]:<5} {source:>10,} {old:>11,} {new:>10,}  {suffix}")
    total_source, total_old, total_new = (sum(r[i] for r in rows) for i in (2, 3, 4))
    print(f"total: files {total_source:,} B, PNGs before {total_old:,} B ({total_old / total_source:.2f}x), "
          f"kept now {total_new:,} B ({total_new / total_source:.2f}x)")
    print(f"first autosave of a picture: median {statistics.median(seconds) * 1000:.0f} ms "
          f"(a copy is read back once to check it)")


if __name__ == "__main__":
    main()
