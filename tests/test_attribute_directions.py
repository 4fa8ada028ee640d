"""scripts/attribute_directions.py --emoji's attributes (emoji_attributes.py): the emoji categories, or with --by
one per value of a column (a face GAN's sub-categories), and none from a group too small to fit and judge."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from attribute_fits import MIN_GROUP  # noqa: E402
from emoji_attributes import CATEGORIES, attributes, held_out  # noqa: E402


def rows(subcategories: list[str], category: str = "Smileys & Emotion") -> list[dict]:
    return [{"style": ("google", "twitter")[i % 2], "category": category, "subcategory": sub, "skin_tone": "",
             "name": f"FACE {i // 2}"} for i, sub in enumerate(subcategories)]


def test_by_subcategory_makes_one_attribute_per_value_with_enough_images_on_each_side():
    data = rows(["face-smiling"] * 12 + ["face-sleepy"] * 14 + ["face-hat"] * (MIN_GROUP - 1) + ["face-hand"] * 12)
    names = [f"EMOJI {i}" for i in range(200)]
    judged = [n for n in names if held_out([{"name": n}])[0]]  # the emoji held out to judge the fits
    unjudged = [n for n in names if n not in judged]
    for row, name in zip(data, unjudged):
        row["name"] = name
    for at, name in zip((0, 12, 13, 26), judged):  # held out: a smiling face, two sleepy ones (both styles), a hat
        data[at]["name"] = name
    made = {a.label: a for a in attributes(data, held_out(data), "subcategory")}
    # no skin-tone variants among faces, too few hats, no held-out hand: none of these gets a direction
    assert sorted(made) == ["style: Google → Twitter", "subcategory: other → face-sleepy",
                            "subcategory: other → face-smiling"]
    smiling = made["subcategory: other → face-smiling"]
    assert smiling.to_rows.tolist() == list(range(12)) and smiling.from_rows.tolist() == list(range(12, len(data)))


def test_by_category_keeps_to_the_named_categories():
    data = rows(["x"] * 20) + rows(["y"] * 20, category="Flags") + rows(["z"] * 20, category="Travel & Places")
    labels = [a.label for a in attributes(data, held_out(data))]
    assert labels == ["style: Google → Twitter", "category: other → Smileys & Emotion", "category: other → Flags"]
    assert "Travel & Places" not in CATEGORIES  # so it makes no attribute, although it has the images
