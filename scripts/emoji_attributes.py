"""The bundled emoji models' attributes (scripts/attribute_directions.py --emoji): skin tone, style, and one per
category of CATEGORIES, or with --by another column one per value of it, from scripts/build_emoji_dataset.py's
labels.csv, whose columns style, skin_tone and name they need. The emoji are held out by name, so that the two
styles of one emoji stay on one side of the split."""
from __future__ import annotations

import csv
import zlib
from pathlib import Path

import numpy as np

from attribute_fits import MIN_GROUP, Attribute
from genimg_gui.imaging import open_image

CATEGORIES = ("Smileys & Emotion", "Animals & Nature", "Food & Drink", "Flags")
COLUMNS = ("style", "skin_tone", "name")  # besides --by's
TRAINED_ON = "80% of the emoji (split by name)"  # the card's words for the images a VAE direction is fitted on
HELD_OUT = "by emoji name"


def attributes(rows: list[dict], test: np.ndarray, by: str = "category") -> list[Attribute]:
    """The attributes to fit; test: held_out(rows), the images that judge each fit."""
    col = {k: np.array([r[k] for r in rows]) for k in ("style", by, "skin_tone", "name")}
    key = np.char.add(col["style"], col["name"])
    light = np.flatnonzero(col["skin_tone"] == "light")
    dark = np.flatnonzero(col["skin_tone"] == "dark")
    both = np.intersect1d(key[light], key[dark])  # variants of the same emoji in the same style
    out = [Attribute("skin tone: lighter → darker", f"{len(both)} emoji with both a light (1F3FB) and a dark "
                     "(1F3FF) skin-tone variant, same style", light[np.isin(key[light], both)],
                     dark[np.isin(key[dark], both)]),
           Attribute("style: Google → Twitter", "all images: Noto (Google) vs Twemoji (Twitter) of the same emoji",
                     np.flatnonzero(col["style"] == "google"), np.flatnonzero(col["style"] == "twitter"))]
    values = CATEGORIES if by == "category" else sorted(set(col[by]))
    for value in values:
        out.append(Attribute(f"{by}: other → {value}", f"images whose {by} is {value!r} vs all the others",
                             np.flatnonzero(col[by] != value), np.flatnonzero(col[by] == value)))
    return [a for a in out if min(len(a.from_rows), len(a.to_rows)) >= MIN_GROUP
            and test[a.from_rows].any() and test[a.to_rows].any()]


def held_out(rows: list[dict]) -> np.ndarray:
    """True for about 20% of the emoji, chosen by name (stable across runs and styles)."""
    return np.array([zlib.crc32(r["name"].encode()) % 5 == 0 for r in rows])


def load_data(folder: Path, labels: Path) -> tuple[list[dict], np.ndarray]:
    """The rows of labels, in its order, and their images (at the size they are stored, the models')."""
    with open(labels, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    images = np.stack([np.asarray(open_image(folder / r["file"]), np.uint8) for r in rows])
    return rows, images
