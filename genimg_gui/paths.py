"""Where genimg keeps the user's things: settings, the autosaved session, user directions.

The platform's usual folders (platformdirs), unless GENIMG_CONFIG_DIR / GENIMG_DATA_DIR
point elsewhere (tests, portable installs). No Qt, no torch.
"""
from __future__ import annotations

import os
import shlex
from pathlib import Path

import platformdirs

APP = "genimg"


def config_dir() -> Path:
    return Path(os.environ.get("GENIMG_CONFIG_DIR") or platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    return Path(os.environ.get("GENIMG_DATA_DIR") or platformdirs.user_data_dir(APP))


def shown_path(path: str | Path) -> str:
    """A path as messages and tooltips show it: the home folder as ~ ("~/models/emoji-vae"), which tells two copies
    of a model apart in fewer characters; any other path whole."""
    place, home = Path(path), Path.home()
    try:
        return str(Path("~") / place.relative_to(home))
    except ValueError:  # not under the home folder
        return str(place)


def command_path(path: str | Path) -> str:
    """A file as a command to paste in a terminal names it: its whole path, shell-quoted, since the terminal may be in
    any folder and the path may hold spaces."""
    return shlex.quote(os.path.abspath(path))
