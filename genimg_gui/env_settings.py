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
    text = raw.strip().replace("_", "")
    if not text:
        return default
    try:
        value = int(float(text))
    except (ValueError, OverflowError):  # OverflowError: "inf"
        value = 0
    if value > 0:
        return value
    if (name, raw) not in _noted:
        _noted.add((name, raw))
        print(f"genimg: note: {name}={raw!r} is not a positive number of {unit}; using the default, {default:,}",
              file=sys.stderr, flush=True)
    return default
