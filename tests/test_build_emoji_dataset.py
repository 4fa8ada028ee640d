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
            entries.append({"image": image, "unified": image.removesuffix(".png"), "name": label,
                            "category": cat, "subcategory": sub})
        entries[2]["skin_variations"] = {"1F3FD": {"image": "1F44B-1F3FD.png", "unified": "1F44B-1F3FD"}}
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


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
       '<circle cx="16" cy="16" r="8" fill="#ff0000"/></svg>')  # a red disc in the middle half


def _fake_more_styles(work: Path) -> None:
    """The two extra sets and the CLDR names, as fetch_package leaves them: a grinning face in each set
    (Fluent by name, EmojiOne by code point), a waving hand in Fluent's medium skin tone only."""
    for name, version in [*build_emoji_dataset.emoji_styles.PACKAGES.values(), build_emoji_dataset.emoji_styles.NAMES]:
        (work / f"{name}-{version}.tgz").touch()
    names = work / "emojibase-data" / "package" / "en"
    names.mkdir(parents=True)
    names.joinpath("data.json").write_text(json.dumps([{"hexcode": "1F600", "label": "grinning face"},
                                                       {"hexcode": "1F44B", "label": "waving hand"}]))
    fluent = work / "fluentui-emoji" / "package" / "icons" / "flat"
    fluent.mkdir(parents=True)
    (fluent / "grinning-face.svg").write_text(SVG)
    (fluent / "waving-hand-medium.svg").write_text(SVG)
    emojione = work / "emojione" / "package" / "assets" / "png_128x128"
    emojione.mkdir(parents=True)
    small = Image.new("RGBA", (128, 128), (0, 0, 0, 0))
    small.paste((0, 0, 255, 255), (40, 40, 88, 88))  # a blue square a third of the image wide
    small.save(emojione / "1f600.png")


def _drawn_width(path: Path) -> int:
    left, _, right, _ = Image.open(path).convert("L").point(lambda v: 255 if v < 250 else 0).getbbox()
    return right - left


def test_more_styles_add_fluent_and_emojione_drawings_framed_like_noto(tmp_path):
    work = tmp_path / "work"
    _fake_packages(work)
    _fake_more_styles(work)
    out = tmp_path / "faces"
    n = build_emoji_dataset.build(out, work, ["face-*", "hand-*"], more_styles=True)
    assert n == 6 + 3
    extra = {r["file"]: r for r in _rows(out) if r["style"] in ("fluent", "emojione")}
    assert sorted(extra) == ["emojione/1f600.png", "fluent/1f44b-1f3fd.png", "fluent/1f600.png"]
    assert extra["fluent/1f44b-1f3fd.png"]["skin_tone"] == "medium"
    assert extra["emojione/1f600.png"]["subcategory"] == "face-smiling"
    for rel in extra:  # each drawing, however small in its source, spans the framing's 62 pixels
        assert _drawn_width(out / rel) in (61, 62, 63)
    assert Image.open(out / "fluent/1f600.png").getpixel((32, 32))[0] > 240  # red, drawn by Qt's SVG renderer
    assert Image.open(out / "emojione/1f600.png").getpixel((0, 0)) == (255, 255, 255)  # its margin, on white
