"""Wall time for `genimg train vae` to reach the held-out quality bar (26 dB PSNR at 64² by default).

    python benchmarks/time_to_quality.py --data DATA [--bar 26] [--minutes 90] [--threads 1] [--every 100]
                                         [--precision auto|fp32|bf16]

Runs the real command in a child process with a held-out evaluation every
`--every` steps, and stops it (SIGTERM, which saves like Ctrl+C) at the first
evaluation at or above the bar. The figures come from the run's own
metrics.json history: steps, minutes and images seen when the bar was first
met, and the curve up to there. DATA is the folder scripts/build_emoji_dataset.py
writes (the bundled VAE's data); the defaults are the bundled VAE's settings.
"""
from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from genimg_gui.train.command import PRECISIONS

HELD_OUT = re.compile(r"held-out at step (\d+) .*held_out_psnr_db=([\d.]+)")


def run_until_bar(args: argparse.Namespace, out: Path) -> None:
    """Train, echoing the log, and stop the run at the first held-out PSNR at or above the bar."""
    cmd = [sys.executable, "-u", "-m", "genimg_gui.cli", "train", "vae", str(args.data), "-o", str(out),
           "--minutes", str(args.minutes), "--threads", str(args.threads), "--sample-every", str(args.every),
           "--checkpoint-every", "100000", "--seed", str(args.seed), "--precision", args.precision,
           "--overwrite"]  # a --keep folder used before holds a run: each measurement starts from scratch
    run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in run.stdout:
        print(line, end="", flush=True)
        m = HELD_OUT.search(line)
        if m and float(m.group(2)) >= args.bar:
            run.send_signal(signal.SIGTERM)
    if run.wait() != 0:
        sys.exit(f"training failed (exit code {run.returncode})")


def report(out: Path, bar: float) -> None:
    metrics = json.loads((out / "metrics.json").read_text())
    card = json.loads((out / "card.json").read_text())["training"]
    history = metrics.get("history", [])
    print(f"\nheld-out curve ({card['hardware']}, {card['precision']}, batch {card['batch_size']}):")
    for h in history:
        print(f"  step {h['step']:6d}  {h['minutes']:6.1f} min  PSNR {h['held_out_psnr_db']:5.2f} dB  "
              f"SSIM {h['held_out_ssim']:.3f}")
    met = next((h for h in history if h["held_out_psnr_db"] >= bar), None)
    if met is None:
        best = max((h["held_out_psnr_db"] for h in history), default=float("nan"))
        print(f"the {bar} dB bar was not reached in {card['seconds'] / 60:.1f} min (best {best} dB)")
        return
    images = met["step"] * card["batch_size"]
    epochs = images / (card["images"] - card["held_out"])
    print(f"reached {bar} dB at step {met['step']} ({images} images, {epochs:.1f} epochs) "
          f"after {met['minutes']:.1f} min: PSNR {met['held_out_psnr_db']} dB, SSIM {met['held_out_ssim']}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--bar", type=float, default=26.0, help="held-out PSNR in dB")
    p.add_argument("--minutes", type=float, default=90.0, help="give up after this long")
    p.add_argument("--threads", type=int, default=1, help="the bundled VAE was trained on 1 thread")
    p.add_argument("--every", type=int, default=100, help="steps between held-out evaluations")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--precision", choices=PRECISIONS, default="auto", help="as genimg train's")
    p.add_argument("--keep", type=Path, help="write the model folder here instead of a temporary one")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "vae"
        run_until_bar(args, out)
        report(out, args.bar)


if __name__ == "__main__":
    main()
