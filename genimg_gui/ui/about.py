"""Help → About genimg's text: the version, what a model file may do, where the README is, the main keys. It said
"nothing is unpickled" while StyleGAN2 pickles are read (by a restricted unpickler), and nothing else."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

import genimg_gui

README = Path(genimg_gui.__file__).resolve().parent.parent / "README.md"  # beside the package in a source checkout
TEXT = QKeySequence.SequenceFormat.NativeText  # keys as this desktop writes them (⌘ on a Mac)


def version() -> str:
    """The installed package's version; the source's own when genimg runs from a checkout not installed."""
    try:
        return metadata.version("genimg")
    except metadata.PackageNotFoundError:
        return genimg_gui.__version__


def shortcuts(menus: list[QMenu]) -> list[tuple[str, str]]:
    """(what, its keys) of every menu item with keys, in the menus' order, read off the actions themselves: a copy
    written by hand had left out Ctrl+0-3, B, E, [, ] and Ctrl+Q. Undo and Redo go by their toolbar names (their
    menu texts name a step)."""
    found = []
    for menu in menus:
        for action in menu.actions():
            if action.menu() is not None:
                found += shortcuts([action.menu()])
            elif action.shortcuts():
                # the first two: Redo's further ones are the desktop's own extras (Alt+Shift+Backspace, Redo)
                found.append((action.iconText(), " or ".join(k.toString(TEXT) for k in action.shortcuts()[:2])))
    return found


def bar_menus(bar: QMenuBar) -> list[QMenu]:
    """The menus of a menu bar, in its order (for shortcuts())."""
    return [action.menu() for action in bar.actions() if action.menu() is not None]


def menu_keys(bar: QMenuBar) -> dict[str, str]:
    """{what: its keys} of every menu item with keys in a menu bar ("Open images": "Ctrl+O"), for texts that name
    keys: read off the actions, as shortcuts() reads them, not written a second time by hand."""
    return dict(shortcuts(bar_menus(bar)))


def about_text(keys: list[tuple[str, str]]) -> str:
    """The About box's text, plain lines; keys: (what, its keys) of the main shortcuts (shortcuts())."""
    readme = str(README) if README.is_file() else "README.md in genimg's source, which is also its package description"
    keys = "\n".join(f"  {what}: {key}" for what, key in keys)
    return (f"genimg {version()}: edit and generate images through the latent spaces of VAEs and GANs.\n\n"
            "Models are read as safetensors with JSON model cards; a .ckpt or .pt is read weights-only and a StyleGAN2 "
            ".pkl by a restricted unpickler that rebuilds only tensors and plain containers, so no code from a model "
            "file ever runs. Nothing is downloaded.\n\n"
            f"Everything it does is told in the README: {readme}\n\n"
            f"Main shortcuts:\n{keys}")
