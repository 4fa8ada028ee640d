"""More hands drawing the same emoji, for build_emoji_dataset.py --more-styles.

Fluent Emoji's flat SVGs (npm fluentui-emoji 1.3.0, MIT) are named by each emoji's CLDR name
("grinning-face.svg", "waving-hand-medium.svg"), which emojibase-data 17.0.0 (MIT) gives by code
point; EmojiOne 2.2.7's PNGs (npm emojione, artwork CC BY 4.0) by code point. Both are drawn to the
framing of the Noto and Twemoji images beside them: cropped to the drawing, its longer side scaled to
FIT_SIDE pixels and centred on a white SIZE-pixel square (Noto's drawings span 60 px, Twemoji's 64).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterable

from PIL import Image

SIZE, FIT_SIDE = 64, 62
RENDER_SCALE = 4  # SVGs are drawn this much larger, then scaled down, for smooth edges
PACKAGES = {"fluent": ("fluentui-emoji", "1.3.0"), "emojione": ("emojione", "2.2.7")}
NAMES = ("emojibase-data", "17.0.0")
SKIN_TONE_MODIFIERS = {"1f3fb", "1f3fc", "1f3fd", "1f3fe", "1f3ff"}
TONE_SUFFIX = {"none": "default", "light": "light", "medium-light": "medium-light", "medium": "medium",
               "medium-dark": "medium-dark", "dark": "dark"}


_QT_APPS: list = []


def fit_on_white(rgba: Image.Image) -> Image.Image:
    """Crop to the drawing (alpha > 16), scale its longer side to FIT_SIDE, centre it on white."""
    box = rgba.getchannel("A").point(lambda a: 255 if a > 16 else 0).getbbox()
    drawing = rgba.crop(box) if box else rgba
    k = FIT_SIDE / max(drawing.size)
    drawing = drawing.resize((max(1, round(drawing.width * k)), max(1, round(drawing.height * k))),
                             Image.LANCZOS)
    canvas = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 255))
    canvas.alpha_composite(drawing, ((SIZE - drawing.width) // 2, (SIZE - drawing.height) // 2))
    return canvas.convert("RGB")


def render_svg(path: Path) -> Image.Image:
    """An SVG drawn by Qt's own renderer (PySide6 is already a dependency) on a transparent square."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    if QGuiApplication.instance() is None:
        _QT_APPS.append(QGuiApplication([]))  # Qt paints only while an application object lives
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise ValueError(f"{path}: not an SVG Qt can draw")
    side = SIZE * RENDER_SCALE
    image = QImage(side, side, QImage.Format_RGBA8888)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    return Image.frombytes("RGBA", (side, side), bytes(image.constBits()))


def code_key(unified: str) -> str:
    """A code point sequence as the sets agree on it: lower case, without the emoji presentation selector."""
    return unified.lower().replace("-fe0f", "")


def toneless_key(unified: str) -> str:
    """The code of an emoji's tone-less form, by which emojibase names it (its skin tones are listed under it)."""
    return "-".join(c for c in code_key(unified).split("-") if c not in SKIN_TONE_MODIFIERS)


def slug(cldr_name: str) -> str:
    """Fluent Emoji's file stem for a CLDR name: "face with tears of joy" -> face-with-tears-of-joy."""
    return cldr_name.lower().replace(" ", "-").replace(":", "").replace("'", "").replace("\u2019", "")


def fluent_file(folder: Path, name: str, tone: str) -> Path | None:
    """Fluent's flat drawing of one emoji in one skin tone; a tone-less emoji has no suffix."""
    stem = slug(name)
    tried = [f"{stem}-{TONE_SUFFIX[tone]}.svg"] if tone in TONE_SUFFIX else []
    if tone == "none":
        tried.insert(0, f"{stem}.svg")
    return next((folder / n for n in tried if (folder / n).exists()), None)


def source_of(style: str, pkg: Path, unified: str, tone: str, names: dict[str, str]) -> Path | None:
    if style == "emojione":
        path = pkg / "assets" / "png_128x128" / f"{code_key(unified)}.png"
        return path if path.exists() else None
    name = names.get(toneless_key(unified))
    return fluent_file(pkg / "icons" / "flat", name, tone) if name else None


def draw(path: Path) -> Image.Image:
    rgba = render_svg(path) if path.suffix == ".svg" else Image.open(path).convert("RGBA")
    return fit_on_white(rgba)


def build_more(out: Path, work: Path, entries: Iterable[tuple], fetch: Callable[..., Path]) -> list[list[str]]:
    """Write every entry (build_emoji_dataset.iter_entries' tuples) each set draws; returns their label rows."""
    names_pkg = fetch(NAMES[0], work, NAMES[1])
    names = {code_key(e["hexcode"]): e["label"] for e in json.loads((names_pkg / "en" / "data.json").read_text())}
    entries = list(entries)
    rows = []
    for style, (pkg_name, version) in PACKAGES.items():
        pkg = fetch(pkg_name, work, version)
        (out / style).mkdir(exist_ok=True)
        for _image, name, cat, sub, tone, entry in entries:
            src = source_of(style, pkg, entry["unified"], tone, names)
            if src is None:
                continue
            rel = f"{style}/{code_key(entry['unified'])}.png"
            draw(src).save(out / rel)
            rows.append([rel, style, cat, sub, name, tone])
    return rows
