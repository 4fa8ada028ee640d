"""Milliseconds per image of the clean-room StyleGAN2 generator (random weights).

    PYTHONPATH=. python benchmarks/stylegan2_speed.py [--resolution 256] [--channel-base 16384] [--batch 1] [--n 10]

The default is StyleGAN2-ADA's 256 px configuration (channel_base 16384, channel_max 512,
z/w 512, 8 mapping layers, conv_clamp 256): 512 channels up to 32 px, then 256, 128, 64.
Reports the median over --n runs of synthesize(map(z)) under inference_mode, after one warm-up.
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from genimg_gui.models.stylegan2 import StyleGAN2Config, StyleGAN2Generator
from genimg_gui.models.weights import parameter_count


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--resolution", type=int, default=256)
    p.add_argument("--channel-base", type=int, default=16384)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--device", default="cpu")
    args = p.parse_args()
    cfg = StyleGAN2Config(img_resolution=args.resolution, channel_base=args.channel_base, conv_clamp=256.0)
    net = StyleGAN2Generator(cfg).eval().to(args.device)
    z = torch.randn(args.batch, cfg.z_dim, device=args.device)
    times = []
    with torch.inference_mode():
        for i in range(args.n + 1):
            t0 = time.perf_counter()
            img = net(z)
            if args.device.startswith("cuda"):
                torch.cuda.synchronize()
            if i:  # the first run pays for allocation and kernel selection
                times.append(time.perf_counter() - t0)
    ms = 1000 * statistics.median(times) / args.batch
    print(f"{args.resolution}px, channel_base {args.channel_base}, {parameter_count(net) / 1e6:.1f} M parameters, "
          f"{torch.get_num_threads()} threads, {args.device}, batch {args.batch}: {ms:.0f} ms per image "
          f"(output {tuple(img.shape)}, range {img.min().item():.2f}..{img.max().item():.2f})")


if __name__ == "__main__":
    main()
