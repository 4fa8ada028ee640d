"""scripts/build_emoji_dataset.py on a fake unpacked package (no npm): every image composited on white and
labelled, and --subcategories keeping only the matching ones (how emoji-faces-gan's data is made)."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import build_emoji_dataset  # noqa: E402

EMOJI = [("1F600.png", "GRINNING FACE", "Smileys & Emotion", "face-smiling"),
         ("1F63A.png", "SMILING CAT FACE", "Smileys & Emotion", "cat-face"),
         ("1F44B.png", "WAVING HAND", "People & Body", "hand-fingers-open"),
         ("1F1EB-1F1F7.png", "FRANCE", "Flags", "country-flag")]


def _fake_packages(work: Path) -> None:
    """What fetch_package leaves behind, so it neither runs npm nor unpacks: a .tgz and its package/."""
    work.mkdir(parents=True)
    for style, name in build_emoji_dataset.PACKAGES.items():
        (work / f"{name}-{build_emoji_dataset.VERSION}.tgz").touch()
        pkg = work / name / "package"
        (pkg / "img" / style / "64").mkdir(parents=True)
        entries = []
        for image, label, cat, sub in EMOJI:
            Image.new("RGBA", (64, 64), (200, 30, 30, 0)).save(pkg / "img" / style / "64" / image)  # transparent
            entries.append({"image": image, "name": label, "category": cat, "subcategory": sub})
        entries[2]["skin_variations"] = {"1F3FD": {"image": "1F44B-1F3FD.png"}}
        Image.new("RGBA", (64, 64), (200, 30, 30, 255)).save(pkg / "img" / style / "64" / "1F44B-1F3FD.png")
        (pkg / "emoji.json").write_text(json.dumps(entries))


def _rows(out: Path) -> list[dict]:
    with open(out / "labels.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_every_image_is_written_on_white_with_its_labels(tmp_path):
    _fake_packages(tmp_path / "work")
    assert build_emoji_dataset.build(tmp_path / "all", tmp_path / "work") == 10  # 5 images x 2 sets
    rows = _rows(tmp_path / "all")
    assert {r["style"] for r in rows} == {"google", "twitter"}
    assert [r["skin_tone"] for r in rows if r["file"].endswith("1F44B-1F3FD.png")] == ["medium", "medium"]
    transparent = Image.open(tmp_path / "all" / "google" / "1F600.png")
    assert transparent.mode == "RGB" and transparent.getpixel((5, 5)) == (255, 255, 255)


def test_subcategories_keep_only_the_matching_images(tmp_path):
    _fake_packages(tmp_path / "work")
    out = tmp_path / "faces"
    assert build_emoji_dataset.build(out, tmp_path / "work", ["face-*", "cat-face"]) == 4
    assert sorted({r["subcategory"] for r in _rows(out)}) == ["cat-face", "face-smiling"]
    assert sorted(p.name for p in out.rglob("*.png")) == ["1F600.png", "1F600.png", "1F63A.png", "1F63A.png"]
