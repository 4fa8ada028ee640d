"""Help → About genimg's words: the version, what a model file may do, where the README is, the menus' keys. It said
"nothing is unpickled" while StyleGAN2 pickles are read (by a restricted unpickler), and nothing else. And the menus'
keys and places by item, for the texts that name them."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

import genimg_gui

README = Path(genimg_gui.__file__).resolve().parent.parent / "README.md"  # beside the package in a source checkout
TEXT = QKeySequence.SequenceFormat.NativeText  # keys as this desktop writes them (⌘ on a Mac)
# Qt numbers the keys of a PC keyboard (characters, then Escape to Menu) below Help and the media and launch keys
FIRST_NAMED_KEY = Qt.Key.Key_Help.value


def version() -> str:
    """The installed package's version; the source's own when genimg runs from a checkout not installed."""
    try:
        return metadata.version("genimg")
    except metadata.PackageNotFoundError:
        return genimg_gui.__version__


def on_a_keyboard(keys: QKeySequence) -> bool:
    """Whether keys are typed on a keyboard's usual keys: a desktop's standard keys end in a media or named key
    (Close image's on X11 are Ctrl+W and Close, Quick start's F1 and Help), which About listed as "Ctrl+W or Close"."""
    return all(keys[i].key().value < FIRST_NAMED_KEY for i in range(keys.count()))


def shortcuts(menus: list[QMenu]) -> list[tuple[str, str]]:
    """(what, its keys) of every menu item with keys, in the menus' order, read off the actions themselves: a copy
    written by hand had left out Ctrl+0-3, B, E, [, ] and Ctrl+Q. Undo and Redo go by their toolbar names (their
    menu texts name a step). The first, which the menu shows, and one more (Redo's Ctrl+Y) of those on a keyboard."""
    found = []
    for menu in menus:
        for action in menu.actions():
            if action.menu() is not None:
                found += shortcuts([action.menu()])
            elif typed := [keys for keys in action.shortcuts() if on_a_keyboard(keys)][:2]:
                found.append((action.iconText(), " or ".join(keys.toString(TEXT) for keys in typed)))
    return found


def bar_menus(bar: QMenuBar) -> list[QMenu]:
    """The menus of a menu bar, in its order (for shortcuts())."""
    return [action.menu() for action in bar.actions() if action.menu() is not None]


def menu_keys(bar: QMenuBar) -> dict[str, str]:
    """{what: its keys} of every menu item with keys in a menu bar ("Open images": "Ctrl+O"), for texts that name
    keys: read off the actions, as shortcuts() reads them, not written a second time by hand."""
    return dict(shortcuts(bar_menus(bar)))


def menu_places(bar: QMenuBar) -> dict[str, str]:
    """{what: where it is} ("Morph / interpolate": "Edit → Morph / interpolate…") of every item in a menu bar's
    menus, for texts that send the user to one: Quick start wrote "Edit → Morph", which the Edit menu has not."""
    places = {}
    for menu in bar_menus(bar):
        for action in menu.actions():
            if not action.isSeparator() and action.menu() is None:
                places[action.iconText()] = f"{shown_text(menu.title())} → {shown_text(action.text())}"
    return places


def shown_text(text: str) -> str:
    """A menu's or an item's text as it shows: "&Morph / interpolate…" is "Morph / interpolate…", "&&" is "&"."""
    return "&".join(part.replace("&", "") for part in text.split("&&"))


def summary_text() -> str:
    """About's words above where the README is: what genimg is, and what a model file may do."""
    return (f"genimg {version()}: edit and generate images through the latent spaces of VAEs and GANs.\n\n"
            "Models are read as safetensors with JSON model cards; a .ckpt or .pt is read weights-only and a StyleGAN2 "
            ".pkl by a restricted unpickler that rebuilds only tensors and plain containers, so no code from a model "
            "file ever runs. Nothing is downloaded.")


def readme_place() -> Path | None:
    """The README's path beside the package (a source checkout), or None where it is not (then it is the package's
    description, on its index page)."""
    return README if README.is_file() else None
