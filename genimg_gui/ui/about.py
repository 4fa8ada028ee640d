"""Help → About genimg's text: the version, what a model file may do, where the README is, the main keys. It said
"nothing is unpickled" while StyleGAN2 pickles are read (by a restricted unpickler), and nothing else."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtGui import QKeySequence

import genimg_gui

README = Path(genimg_gui.__file__).resolve().parent.parent / "README.md"  # beside the package in a source checkout
# (what, its keys), as the README names them; written as this desktop writes keys (⌘ on a Mac)
SHORTCUTS = (("Open images", "Ctrl+O"), ("Paste an image", "Ctrl+V"), ("Export PNG", "Ctrl+S"),
             ("Close image", "Ctrl+W"), ("Reopen it", "Ctrl+Shift+T"), ("Undo", "Ctrl+Z"),
             ("Redo", "Ctrl+Shift+Z or Ctrl+Y"), ("Reset all sliders", "Ctrl+R"), ("Morph / interpolate", "Ctrl+M"),
             ("Message log", "Ctrl+L"))


def version() -> str:
    """The installed package's version; the source's own when genimg runs from a checkout not installed."""
    try:
        return metadata.version("genimg")
    except metadata.PackageNotFoundError:
        return genimg_gui.__version__


def _keys(keys: str) -> str:
    return " or ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys.split(" or "))


def about_text() -> str:
    """The About box's text, plain lines."""
    readme = str(README) if README.is_file() else "README.md in genimg's source, which is also its package description"
    keys = "\n".join(f"  {what}: {_keys(key)}" for what, key in SHORTCUTS)
    return (f"genimg {version()}: edit and generate images through the latent spaces of VAEs and GANs.\n\n"
            "Models are read as safetensors with JSON model cards; a .ckpt or .pt is read weights-only and a StyleGAN2 "
            ".pkl by a restricted unpickler that rebuilds only tensors and plain containers, so no code from a model "
            "file ever runs. Nothing is downloaded.\n\n"
            f"Everything it does is told in the README: {readme}\n\n"
            f"Main shortcuts:\n{keys}")
