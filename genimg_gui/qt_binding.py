"""A known-bad Qt binding, named before it takes the app down.

PySide6 6.12.0 drops a reference to Python's None on every Qt call that returns nothing (setText, setValue, …).
CPython 3.12 and later never free None, but 3.11 does: after a few thousand such calls (a minute of slider drags)
the interpreter aborts with "Fatal Python error: none_dealloc", losing everything not autosaved. pyproject.toml
excludes that release; this catches an environment that installed it anyway.
"""
from __future__ import annotations

import sys

BROKEN = {"6.12.0"}  # PySide6 releases that free None under CPython before 3.12


def binding_problem(pyside_version: str, python: tuple[int, int] = sys.version_info[:2]) -> str | None:
    """What is wrong with running on this PySide6 release under this Python, in words; None when nothing is."""
    if pyside_version not in BROKEN or python >= (3, 12):
        return None
    return (f"genimg: PySide6 {pyside_version} crashes Python {python[0]}.{python[1]} after a few thousand window "
            f"updates (a reference-count bug in that release). Install another release: "
            f"pip install 'PySide6>=6.6,!={pyside_version}'")
