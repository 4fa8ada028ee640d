"""Seconds a conditional StyleGAN2 pickle takes, once per class, to estimate the class's average w.

    PYTHONPATH=. python benchmarks/class_average.py [--classes 10] [--device cpu] [--threads 0]

Truncation (ψ below 1) pulls a conditional pickle's samples towards their class's own average w, which the
pickle does not keep: the generator maps CLASS_AVG_SAMPLES seeded z of the class the first time it is drawn
(models/stylegan2.py). This times that first draw for --classes classes of a full-size mapping network
(z and w 512, 8 layers, random weights; the synthesis network does not take part) and reports the median.
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from genimg_gui.models.stylegan2 import CLASS_AVG_SAMPLES, StyleGAN2Config, StyleGAN2Generator


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = StyleGAN2Config(c_dim=args.classes + 1, img_resolution=4)  # the mapping at full size; a 4 px synthesis
    net = StyleGAN2Generator(cfg).eval().requires_grad_(False).to(args.device)
    z = torch.randn(1, cfg.z_dim, device=args.device)
    times = []
    with torch.inference_mode():  # as the worker draws a seed
        net.map(z, 0.7, torch.tensor([args.classes], device=args.device))  # warm-up: allocation, kernel choice
        for k in range(args.classes):
            t0 = time.perf_counter()
            net.map(z, 0.7, torch.tensor([k], device=args.device))
            if args.device.startswith("cuda"):
                torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
    print(f"{CLASS_AVG_SAMPLES} z per class, mapping {cfg.num_mapping_layers} layers of {cfg.w_dim} (z {cfg.z_dim}), "
          f"{torch.get_num_threads()} threads, {args.device}: "
          f"median {1000 * statistics.median(times):.0f} ms for a class's first truncated draw "
          f"(min {1000 * min(times):.0f}, max {1000 * max(times):.0f} ms over {args.classes} classes)")


if __name__ == "__main__":
    main()
