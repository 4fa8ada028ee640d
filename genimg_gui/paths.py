"""Where genimg keeps the user's things: settings, the autosaved session, user directions.

The platform's usual folders (platformdirs), unless GENIMG_CONFIG_DIR / GENIMG_DATA_DIR
point elsewhere (tests, portable installs). No Qt, no torch.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "genimg"


def config_dir() -> Path:
    return Path(os.environ.get("GENIMG_CONFIG_DIR") or platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    return Path(os.environ.get("GENIMG_DATA_DIR") or platformdirs.user_data_dir(APP))
