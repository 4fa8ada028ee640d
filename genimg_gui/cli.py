"""`genimg`: the headless twin of the app."""
from __future__ import annotations

import argparse
import sys

from .train.command import add_train_parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="genimg", description="Generate and edit images through VAE/GAN latents.")
    sub = p.add_subparsers(dest="command", required=True)
    add_train_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
