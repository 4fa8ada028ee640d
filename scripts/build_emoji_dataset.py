"""Rebuild the bundled models' training folder from the emoji npm packages.

    python scripts/build_emoji_dataset.py OUT_DIR [--work /tmp/emoji] [--subcategories 'face-*' cat-face ...]
        [--more-styles]

Runs `npm pack` for the Noto (Apache-2.0) and Twemoji (CC BY 4.0) image sets
(emoji-datasource-google / -twitter 16.0.0), composites each 64x64 RGBA image
on white (the background decision recorded in the model cards) and writes
OUT_DIR/{google,twitter}/<unified>.png plus OUT_DIR/labels.csv with the set,
category, sub-category, name and skin tone of every image. --subcategories keeps
only the images whose sub-category matches one of the given shell patterns (the
data of the bundled emoji-faces-gan: 'face-*' cat-face monkey-face).

--more-styles adds two more hands drawing the same emoji (emoji_styles.py): Fluent Emoji's flat
SVGs (npm fluentui-emoji 1.3.0, MIT) and EmojiOne 2.2.7's PNGs (npm emojione, artwork CC BY 4.0),
as OUT_DIR/{fluent,emojione}/<unified>.png, labelled from the same emoji.json.
"""
from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import subprocess
import tarfile
from pathlib import Path

from PIL import Image

import emoji_styles

PACKAGES = {"google": "emoji-datasource-google", "twitter": "emoji-datasource-twitter"}
VERSION = "16.0.0"
SKIN_TONES = {"1F3FB": "light", "1F3FC": "medium-light", "1F3FD": "medium",
              "1F3FE": "medium-dark", "1F3FF": "dark"}


def fetch_package(name: str, work: Path, version: str = VERSION) -> Path:
    """npm-pack one package into `work` and unpack it; returns its package/ folder."""
    tgz = work / f"{name}-{version}.tgz"
    if not tgz.exists():
        subprocess.run(["npm", "pack", f"{name}@{version}"], cwd=work, check=True)
    dest = work / name
    if not (dest / "package").exists():
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tgz) as tar:
            tar.extractall(dest, filter="data")
    return dest / "package"


def iter_entries(emoji: list[dict]):
    """Yield (image file, name, category, subcategory, skin tone) for every image."""
    for e in emoji:
        yield e["image"], e["name"], e["category"], e["subcategory"], "none", e
        for code, var in (e.get("skin_variations") or {}).items():
            tone = SKIN_TONES.get(code.split("-")[0], "mixed")
            yield var["image"], e["name"], e["category"], e["subcategory"], tone, var


def composite_on_white(src: Path) -> Image.Image:
    rgba = Image.open(src).convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def wanted(sub: str, subcategories: list[str] | None) -> bool:
    return not subcategories or any(fnmatch.fnmatchcase(sub, pat) for pat in subcategories)


def build(out: Path, work: Path, subcategories: list[str] | None = None, more_styles: bool = False) -> int:
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for style, pkg_name in PACKAGES.items():
        pkg = fetch_package(pkg_name, work)
        emoji = json.loads((pkg / "emoji.json").read_text())
        (out / style).mkdir(exist_ok=True)
        for image, name, cat, sub, tone, entry in iter_entries(emoji):
            src = pkg / "img" / style / "64" / image
            if not entry.get(f"has_img_{style}", True) or not src.exists() or not wanted(sub, subcategories):
                continue
            rel = f"{style}/{image}"
            composite_on_white(src).save(out / rel)
            rows.append([rel, style, cat, sub, name, tone])
    if more_styles:  # labelled from the last set's emoji.json: both sets list the same emoji
        entries = [e for e in iter_entries(emoji) if wanted(e[3], subcategories)]
        rows += emoji_styles.build_more(out, work, entries, fetch_package)
    with open(out / "labels.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "style", "category", "subcategory", "name", "skin_tone"])
        w.writerows(rows)
    return len(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--work", type=Path, default=Path("/tmp/emoji-npm"))
    p.add_argument("--subcategories", nargs="+", metavar="PATTERN",
                   help="keep only these sub-categories (shell patterns, e.g. 'face-*')")
    p.add_argument("--more-styles", action="store_true",
                   help="also Fluent Emoji (MIT) and EmojiOne 2.2.7 (CC BY 4.0) drawings of the same emoji")
    args = p.parse_args()
    print(f"wrote {build(args.out, args.work, args.subcategories, args.more_styles)} images to {args.out}")


if __name__ == "__main__":
    main()
