"""CPU speed and memory of the foreign autoencoders: the real-size SD VAE and TAESD, random weights.

    python benchmarks/foreign_vae.py [--threads 2] [--reps 3] [--case-budget 120] [--sd-1024] [--memory-only]

(a) time: median encode / decode seconds at 512² and 1024², untiled and tiled (tiles of at most 256 px
    at 512², the default 512 px at 1024²). TAESD runs --reps reps at 512² and one at 1024²; the SD VAE
    one, and only at 512² unless --sd-1024: one 512² decode takes it over half a minute on two cores.
(b) memory: a 4096² tiled decode (the default 512 px tiles, 64 px overlap) in a fresh child
    process per model: peak resident memory during the decode minus resident memory before it, so the
    model and the interpreter do not count. Linux's VmHWM, reset first through /proc/self/clear_refs
    (ru_maxrss would not do: a child inherits its parent's high-water mark across fork and exec).
    A case stops after --case-budget seconds between two tiles and says how many of its tiles ran:
    memory is steady after the first tile (the output buffer is made then and every tile has the
    same size), and the full time is extrapolated from the mean tile.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from genimg_gui.models.sd_vae import AutoencoderKL, SDVAEConfig
from genimg_gui.models.taesd import TAESD, TAESDConfig
from genimg_gui.models.tiling import tile_layout, tiled_decode, tiled_encode

MIB = 1024  # /proc figures are in KiB


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise OSError(f"no {field} in /proc/self/status")


def reset_peak() -> int:
    """Resident KiB now, with the high-water mark set back to it."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


def build(kind: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return (AutoencoderKL(SDVAEConfig()) if kind == "sd" else TAESD(TAESDConfig())).eval()


def median_seconds(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def time_cases(kind: str, side: int, reps: int) -> list[tuple[str, float]]:
    net = build(kind)
    x = torch.rand(1, 3, side, side) * 2 - 1
    z = torch.randn(1, 4, side // 8, side // 8)
    tile = 256 if side <= 512 else 512  # at 512² the default tile would be the whole image
    cases = [("encode", lambda: net.encode(x)), ("decode", lambda: net.decode(z)),
             (f"tiled encode (≤{tile}px)", lambda: tiled_encode(net, x, tile, 64)),
             (f"tiled decode (≤{tile}px)", lambda: tiled_decode(net, z, tile // 8, 8))]
    rows = []
    with torch.inference_mode():
        for name, fn in cases:
            rows.append((name, median_seconds(fn, reps)))
            print(f"  {kind} {side}² {name}: {rows[-1][1]:.2f} s", file=sys.stderr, flush=True)
    return rows


class OutOfTime(Exception):
    pass


def memory_case(kind: str, side: int, budget: float) -> dict:
    """Run in a child process: one tiled decode of a side² image, stopped between tiles past the budget."""
    net = build(kind)
    z = torch.randn(1, 4, side // 8, side // 8)
    total = len(tile_layout(side // 8, 64, 8)[1]) ** 2
    done, decode = [], net.decode
    t0 = time.perf_counter()

    def timed_decode(t: torch.Tensor) -> torch.Tensor:
        if done and time.perf_counter() - t0 > budget:
            raise OutOfTime
        done.append(1)
        return decode(t)

    net.decode = timed_decode
    before = reset_peak()
    with torch.inference_mode():
        try:
            tiled_decode(net, z)
        except OutOfTime:
            pass
    seconds = time.perf_counter() - t0
    peak = _status_kib("VmHWM")
    return {"kind": kind, "side": side, "tiles": len(done), "of": total, "seconds": seconds,
            "full_seconds": seconds / len(done) * total, "peak_mib": (peak - before) / MIB}


def run_child(kind: str, side: int, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--memory-case", kind, str(side), "--threads", str(args.threads),
           "--case-budget", str(args.case_budget)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # finds genimg_gui as we did
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def untiled_estimate_gib(kind: str, side: int) -> float:
    """Three live activations of the widest full-resolution layer: 128 ch (SD) or 64 ch (TAESD), float32."""
    return 3 * (128 if kind == "sd" else 64) * side * side * 4 / 2 ** 30


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=3, help="timing reps for TAESD (the SD VAE runs 1)")
    p.add_argument("--case-budget", type=float, default=120.0, help="seconds per 4096² memory case")
    p.add_argument("--sd-1024", action="store_true", help="also time the SD VAE at 1024² (minutes)")
    p.add_argument("--memory-only", action="store_true", help="skip the timings, run only (b)")
    p.add_argument("--memory-case", nargs=2, metavar=("KIND", "SIDE"), help=argparse.SUPPRESS)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.memory_case:
        print(json.dumps(memory_case(args.memory_case[0], int(args.memory_case[1]), args.case_budget)))
        return
    t_start = time.perf_counter()
    print(f"torch {torch.__version__}, {args.threads} threads, random weights\n")
    print(f"{'model':6} {'side':>5}  {'operation':24} {'median s':>9}  reps")
    plan = [] if args.memory_only else [("taesd", 512, args.reps), ("taesd", 1024, 1), ("sd", 512, 1)]
    plan += [("sd", 1024, 1)] if args.sd_1024 else []
    for kind, side, reps in plan:
        for name, seconds in time_cases(kind, side, reps):
            print(f"{kind:6} {side:>5}  {name:24} {seconds:>9.2f}  {reps}", flush=True)
    if plan and not args.sd_1024:
        print("(SD VAE at 1024² not timed by default: --sd-1024; expect about 4x its 512² figures or more)")
    print(f"\n4096² tiled decode (512 px tiles, overlap 64 px), a child process per model, "
          f"budget {args.case_budget:.0f} s")
    print(f"{'model':6} {'tiles run':>10} {'seconds':>8} {'full run s':>11} {'peak MiB':>9} {'untiled est. GiB':>17}")
    for kind in ("taesd", "sd"):
        r = run_child(kind, 4096, args)
        full = f"{r['full_seconds']:.0f}" + ("" if r["tiles"] == r["of"] else " (est.)")
        print(f"{kind:6} {r['tiles']:>4} of {r['of']:<3} {r['seconds']:>8.1f} {full:>11} {r['peak_mib']:>9.0f} "
              f"{untiled_estimate_gib(kind, 4096):>17.1f}", flush=True)
    print("(peak MiB: extra resident memory during the decode, the float32 4096² output alone is 192 MiB; "
          "untiled estimate: 3 live full-resolution activations, not run)")
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
