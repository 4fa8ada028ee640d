"""Limits a user sets through the environment (GENIMG_MAX_PIXELS, GENIMG_MAX_SIDE): read one way, so a value that
is no positive number is named on stderr, never ignored without a word nor a traceback. Plain Python."""
from __future__ import annotations

import os
import sys

_noted: set[tuple[str, str]] = set()  # (variable, value) already named: some are read on every model load


def positive_int_setting(name: str, default: int, unit: str) -> int:
    """The environment variable `name` as a positive whole number of `unit`, else `default`. Another value is
    named on stderr, once: a typo had left the default in force silently, and "inf" raised an OverflowError."""
    raw = os.environ.get(name, "")
    value = positive_int_or_none(name)
    if value is not None:
        return value
    if raw.strip().replace("_", "") and (name, raw) not in _noted:
        _noted.add((name, raw))
        print(f"genimg: note: {name}={raw!r} is not a positive number of {unit}; using the default, {default:,}",
              file=sys.stderr, flush=True)
    return default


def positive_int_or_none(name: str) -> int | None:
    """The environment variable `name` as a positive whole number; None when unset or no such number, unsaid (for a
    reader beside the setting's own, which names a bad value with the default that is in force where it is used)."""
    text = os.environ.get(name, "").strip().replace("_", "")
    try:
        value = int(float(text)) if text else 0
    except (ValueError, OverflowError):  # OverflowError: "inf"
        value = 0
    return value if value > 0 else None
